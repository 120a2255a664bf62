"""``/quan-tri/don-vi-thanh-vien``: the member organisations (tenants) as the VGCL Office keeps
them — the old console's «Đơn vị thành viên», for platform administrators.

* ``GET /quan-tri/don-vi-thanh-vien`` — ``list_tenants``: ``?q=`` (name or code), ``?loai=`` (a
  kind), ``?trang-thai=`` (active, suspended, merged), ``?cap-tren=`` (a parent's id), ``?trang=``;
  each row links to the organisation, its unit tree and its accounts (the console's «Quản lý»).
* ``GET, POST /quan-tri/don-vi-thanh-vien/moi`` — a new organisation (``create_tenant``): ``code``,
  ``name``, ``short_name``, ``kind``, ``parent_id`` (chosen among the active organisations),
  ``slug``; then invite its administrator from its page.
* ``GET, POST /quan-tri/don-vi-thanh-vien/<id>`` — its facts; rename, short name, re-parent,
  address (``update_tenant``, only what changed). ``POST …/<id>/trang-thai`` — ``status``
  ``suspended`` (every session of its people ends) or ``active``.
* ``GET /quan-tri/don-vi-thanh-vien/<id>/hop-nhat`` — merging it into another: choose the one
  that remains (``?vao=<id>``), then a confirmation page naming what moves (``preview_merge``:
  accounts, units, staff records, members, the organisations under it) with the button;
  ``POST`` the same address (``into``) merges (``merge_tenant``). A refusal of the merge's own
  rules is shown on the choice, beside «Đơn vị nhận hợp nhất», before anything is posted.
* ``GET /quan-tri/don-vi-thanh-vien/nhap`` — importing registrations from a CSV file.
  ``POST`` (``file``) checks it (``import_tenants`` with ``dry_run``): the file's problems by
  row and column (422, nothing created), or what it would create and the button to apply;
  ``POST …/nhap/ap-dung`` (the checked text, carried in the form) imports it and shows the
  administrators' one-time activation links once, on that answer (not stored, not cached),
  with the sheet as a CSV download. ``GET …/nhap/mau.csv`` — a sample file.

Stable names for tests: forms ``form-loc-don-vi-thanh-vien``, ``form-don-vi-thanh-vien``
(fields above), ``form-trang-thai``, ``form-chon-hop-nhat`` (``vao``), ``form-hop-nhat``
(``into``), ``form-nhap`` (``file``), ``form-ap-dung`` (``csv_text``); tables
``bang-don-vi-thanh-vien``, ``bang-loi-tep``, ``bang-se-tao``, ``bang-ma-kich-hoat``.
"""

import csv
import io
from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, request

from gateway.api.common import call
from gateway.web.portal.common import field_errors, page_number, pages_of
from gateway.web.render import page
from gateway.web.workspace.common import BASE, menu, staff
from gateway.web.workspace.tenants_scope import (
    activation_link,
    require_platform_admin,
    tenant_choices,
    tenant_label,
)
from platform_shared.errors import Conflict, InvalidInput, NotFound
from platform_shared.schemas.accounts import TENANT_KINDS, TENANT_STATUSES

bp = Blueprint("workspace_tenants", __name__)

TENANTS = f"{BASE}/don-vi-thanh-vien"
PER_PAGE = 20
KIND_LABELS = {
    "confederation": "Tổng Liên đoàn",
    "provincial_federation": "Liên đoàn Lao động tỉnh, thành phố",
    "sectoral_union": "Công đoàn ngành Trung ương",
    "corporate_union": "Công đoàn Tổng công ty",
    "department": "Ban, đơn vị thuộc Tổng Liên đoàn",
    "newspaper": "Cơ quan báo chí",
}
assert set(KIND_LABELS) == set(TENANT_KINDS)
STATUS_LABELS = {"active": "Đang hoạt động", "suspended": "Tạm dừng", "merged": "Đã hợp nhất"}
assert set(STATUS_LABELS) == set(TENANT_STATUSES)
FIELDS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "short_name": "Tên viết tắt",
    "kind": "Loại đơn vị",
    "parent_id": "Đơn vị cấp trên",
    "slug": "Đường dẫn trang thành phần",
}
EDITABLE = ("name", "short_name", "parent_id", "slug")
IMPORT_HEADER = "code,name,kind,parent_code,admin_name,admin_email"
SAMPLE_CSV = (
    IMPORT_HEADER,
    "LDLD-HP,Liên đoàn Lao động thành phố Hải Phòng,provincial_federation,TLD,Nguyễn Văn An,an.nguyen@ldld-haiphong.vn",
    "CD-NH,Công đoàn Ngân hàng Việt Nam,sectoral_union,TLD,Trần Thị Bích,bich.tran@congdoannganhang.vn",
    "CD-DK,Công đoàn Dầu khí Việt Nam,corporate_union,TLD,Lê Minh Châu,chau.le@congdoandaukhi.vn",
)
# The checked file travels back in the apply form (one multipart field: Flask keeps at most
# MAX_FORM_MEMORY_SIZE, 500 kB, of a field in memory): ~2,000 registrations a file.
IMPORT_MAX_BYTES = 450_000
CREDENTIAL_COLUMNS = ("tenant_code", "username", "activation_token", "activation_link", "expires_at")
NO_STORE = {"Cache-Control": "private, no-store"}


def _admin():
    actor = staff()
    require_platform_admin(actor)
    return actor


def _crumbs(*more):
    return [(f"{BASE}/", "Tổng quan"), (TENANTS, "Đơn vị thành viên"), *more]


def _page(template, actor, title, *, status=200, crumbs=None, headers=None, **context):
    return page(
        f"workspace/{template}",
        status=status,
        title=title,
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
        fields=FIELDS,
        label=tenant_label,
        menu=menu(actor),
        current=TENANTS,
        breadcrumbs=_crumbs(*(crumbs or [(None, title)])),
        headers=headers or (NO_STORE if status != 200 else None),
        **context,
    )


# -- the list ---------------------------------------------------------------------------------


@bp.route(TENANTS)
def index():
    actor = _admin()
    number = page_number()
    chosen = {name: (request.args.get(name) or "").strip() for name in ("q", "loai", "trang-thai", "cap-tren")}
    args = {"page": str(number), "per_page": str(PER_PAGE)}
    for name, key in (("q", "q"), ("loai", "kind"), ("trang-thai", "status"), ("cap-tren", "parent_id")):
        if chosen[name]:
            args[key] = chosen[name]
    answer, pagination, problem, status = None, None, None, 200
    try:
        answer = call("accounts", "list_tenants", actor, args)
        pagination = pages_of(answer, number)
    except InvalidInput as exc:
        problem, status = " ".join(field_errors(exc).values()), 422
    everyone = tenant_choices(actor, status=None)
    return page(
        "workspace/tenants_index.html",
        status=status,
        answer=answer,
        pagination=pagination,
        problem=problem,
        chosen=chosen,
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
        names={t["id"]: t["name"] for t in everyone},
        parents=[t for t in everyone if t["status"] != "merged"],
        query_extra={k: v for k, v in chosen.items() if v},
        menu=menu(actor),
        current=TENANTS,
        breadcrumbs=[(f"{BASE}/", "Tổng quan"), (None, "Đơn vị thành viên")],
    )


# -- create and edit --------------------------------------------------------------------------


def _form(actor, status=200, *, tenant=None, form, errors=None, problem=None):
    errors = dict(errors or {})
    title = f"Sửa: {tenant['name']}" if tenant else "Tạo đơn vị thành viên"
    parents = [t for t in tenant_choices(actor) if not tenant or t["id"] != tenant["id"]]
    children = None
    if tenant:
        children = call("accounts", "list_tenants", actor, {"parent_id": tenant["id"], "per_page": "100"})["items"]
    return _page(
        "tenants_form.html",
        actor,
        title,
        status=status,
        crumbs=[(None, tenant["name"] if tenant else title)],
        tenant=tenant,
        children=children,
        merged_into=_merged_into(actor, tenant),
        form=form,
        errors=errors,
        problem=problem or errors.pop("", None),
        parents=parents,
    )


def _merged_into(actor, tenant):
    if not tenant or not tenant.get("merged_into_id"):
        return None
    return call("accounts", "get_tenant", actor, tenant["merged_into_id"])


def _typed():
    return {name: (request.form.get(name) or "").strip() for name in FIELDS}


@bp.route(f"{TENANTS}/moi", methods=["GET", "POST"])
def create():
    actor = _admin()
    if request.method == "GET":
        return _form(actor, form={name: "" for name in FIELDS} | {"kind": "provincial_federation"})
    form = _typed()
    data = {
        "code": form["code"],
        "name": form["name"],
        "short_name": form["short_name"] or None,
        "kind": form["kind"],
        "parent_id": form["parent_id"] or None,
        "slug": form["slug"] or None,
    }
    try:
        created = call("accounts", "create_tenant", actor, data)
    except (InvalidInput, Conflict) as exc:
        return _form(actor, exc.status, form=form, errors=field_errors(exc, known=FIELDS))
    flash(
        f"Đã tạo đơn vị «{created['name']}» ({created['code']}). Để có quản trị viên, mời một tài khoản "
        "«Quản trị đơn vị» bằng nút «Mời quản trị viên» bên dưới.",
        "ok",
    )
    return redirect(f"{TENANTS}/{created['id']}", code=303)


def _tenant(actor, tenant_id):
    try:
        return call("accounts", "get_tenant", actor, tenant_id)
    except NotFound:
        abort(404)


def _form_of(tenant):
    return {name: tenant.get(name) or "" for name in FIELDS}


@bp.route(f"{TENANTS}/<tenant_id>", methods=["GET", "POST"])
def edit(tenant_id):
    actor = _admin()
    tenant = _tenant(actor, tenant_id)
    if request.method == "GET":
        return _form(actor, tenant=tenant, form=_form_of(tenant))
    form = _typed() | {"code": tenant["code"], "kind": tenant["kind"]}
    before = _form_of(tenant)
    changed = {name: form[name] or None for name in EDITABLE if form[name] != before[name]}
    if not changed:
        flash("Không có thay đổi nào để lưu.", "ok")
        return redirect(f"{TENANTS}/{tenant['id']}", code=303)
    try:
        saved = call("accounts", "update_tenant", actor, tenant["id"], changed)
    except (InvalidInput, Conflict) as exc:
        return _form(actor, exc.status, tenant=tenant, form=form, errors=field_errors(exc, known=FIELDS))
    flash(f"Đã lưu «{saved['name']}».", "ok")
    return redirect(f"{TENANTS}/{saved['id']}", code=303)


@bp.route(f"{TENANTS}/<tenant_id>/trang-thai", methods=["POST"])
def set_status(tenant_id):
    actor = _admin()
    tenant = _tenant(actor, tenant_id)
    status = request.form.get("status")
    if status not in ("suspended", "active"):
        return _form(
            actor, 422, tenant=tenant, form=_form_of(tenant), problem="Chọn «Tạm dừng» hoặc «Hoạt động trở lại»."
        )
    try:
        saved = call("accounts", "update_tenant", actor, tenant["id"], {"status": status})
    except (InvalidInput, Conflict) as exc:
        return _form(actor, exc.status, tenant=tenant, form=_form_of(tenant), problem=exc.message)
    if status == "suspended":
        flash(f"Đã tạm dừng «{saved['name']}»: mọi phiên đăng nhập của người trong đơn vị đã kết thúc.", "ok")
    else:
        flash(f"«{saved['name']}» đã hoạt động trở lại.", "ok")
    return redirect(f"{TENANTS}/{saved['id']}", code=303)


# -- merge ------------------------------------------------------------------------------------


def _merge_choice(actor, tenant, status=200, *, into="", errors=None, problem=None):
    title = f"Hợp nhất {tenant['name']}"
    return _page(
        "tenants_merge.html",
        actor,
        title,
        status=status,
        crumbs=[(f"{TENANTS}/{tenant['id']}", tenant["name"]), (None, "Hợp nhất")],
        tenant=tenant,
        preview=None,
        targets=[t for t in tenant_choices(actor) if t["id"] != tenant["id"]],
        into=into,
        errors=errors or {},
        problem=problem,
    )


def _merge_refused(actor, tenant, into, exc):
    errors = field_errors(exc, {"into": "vao"}, known={"vao"})
    problem = errors.pop("", None)
    if isinstance(exc, Conflict) and not errors:
        problem = exc.message
    return _merge_choice(actor, tenant, exc.status, into=into, errors=errors, problem=problem)


@bp.route(f"{TENANTS}/<tenant_id>/hop-nhat", methods=["GET", "POST"])
def merge(tenant_id):
    actor = _admin()
    tenant = _tenant(actor, tenant_id)
    if request.method == "POST":
        into = (request.form.get("into") or "").strip()
        try:
            merged = call("accounts", "merge_tenant", actor, tenant["id"], {"into": into})
        except (InvalidInput, Conflict) as exc:
            return _merge_refused(actor, tenant, into, exc)
        target = call("accounts", "get_tenant", actor, merged["merged_into_id"])
        flash(f"Đã hợp nhất «{merged['name']}» vào «{target['name']}».", "ok")
        return redirect(f"{TENANTS}/{target['id']}", code=303)
    into = (request.args.get("vao") or "").strip()
    if "vao" not in request.args:
        return _merge_choice(actor, tenant)
    if not into:
        return _merge_choice(actor, tenant, 422, errors={"vao": "Chọn đơn vị nhận hợp nhất."})
    try:
        preview = call("accounts", "preview_merge", actor, tenant["id"], {"into": into})
    except (InvalidInput, Conflict) as exc:
        return _merge_refused(actor, tenant, into, exc)
    return _page(
        "tenants_merge.html",
        actor,
        f"Xác nhận hợp nhất {tenant['name']}",
        crumbs=[(f"{TENANTS}/{tenant['id']}", tenant["name"]), (None, "Xác nhận hợp nhất")],
        tenant=tenant,
        preview=preview,
        headers=NO_STORE,
    )


# -- import -----------------------------------------------------------------------------------


def _import_page(actor, status=200, *, checked=None, problems=None, csv_text=None, filename=None, errors=None):
    return _page(
        "tenants_import.html",
        actor,
        "Nhập danh sách đơn vị từ tệp CSV",
        status=status,
        crumbs=[(None, "Nhập từ tệp CSV")],
        header=IMPORT_HEADER,
        max_kb=IMPORT_MAX_BYTES // 1000,
        checked=checked,
        problems=problems,
        csv_text=csv_text,
        filename=filename,
        errors=errors or {},
        headers=NO_STORE if (status != 200 or checked) else None,
    )


def _file_problems(exc):
    """The file's problems by row and column (``IMPORT_INVALID``), or None for another refusal."""
    found = (exc.details or {}).get("errors")
    return found if isinstance(found, list) else None


def _uploaded():
    """``(text, filename)`` of the chosen file, or ``(None, {"file": message})``."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, {"file": "Chọn tệp CSV cần nhập."}
    raw = upload.read(IMPORT_MAX_BYTES + 1)
    if len(raw) > IMPORT_MAX_BYTES:
        return None, {
            "file": f"Tệp lớn hơn {IMPORT_MAX_BYTES // 1000} KB. Tách danh sách thành nhiều tệp rồi nhập lần lượt."
        }
    try:
        return (raw.decode("utf-8-sig"), upload.filename), None
    except UnicodeDecodeError:
        return None, {"file": "Tệp phải được lưu với mã hóa UTF-8 (trong Excel: «CSV UTF-8»)."}


@bp.route(f"{TENANTS}/nhap", methods=["GET", "POST"])
def import_check():
    actor = _admin()
    if request.method == "GET":
        return _import_page(actor)
    found, errors = _uploaded()
    if errors:
        return _import_page(actor, 422, errors=errors)
    text, filename = found
    try:
        checked = call("accounts", "import_tenants", actor, text, {"dry_run": True}, timeout=60)
    except InvalidInput as exc:
        problems = _file_problems(exc)
        if problems is None:
            return _import_page(actor, 422, errors={"file": exc.message})
        return _import_page(actor, 422, problems=problems, filename=filename)
    return _import_page(actor, checked=checked, csv_text=text, filename=filename)


@bp.route(f"{TENANTS}/nhap/ap-dung", methods=["POST"])
def import_apply():
    actor = _admin()
    text = request.form.get("csv_text") or ""
    filename = (request.form.get("filename") or "").strip()[:200] or None
    if not text.strip():
        return _import_page(actor, 422, errors={"file": "Chưa có tệp đã kiểm tra. Chọn tệp CSV và kiểm tra trước."})
    try:
        result = call("accounts", "import_tenants", actor, text, timeout=60)
    except InvalidInput as exc:  # the data changed since the check (an e-mail taken meanwhile)
        problems = _file_problems(exc)
        if problems is None:
            return _import_page(actor, 422, errors={"file": exc.message})
        return _import_page(actor, 422, problems=problems, filename=filename)
    credentials = [{**c, "activation_link": activation_link(c["activation_token"])} for c in result["credentials"]]
    return _page(
        "tenants_imported.html",
        actor,
        "Kết quả nhập danh sách đơn vị",
        crumbs=[(f"{TENANTS}/nhap", "Nhập từ tệp CSV"), (None, "Kết quả")],
        result=result,
        credentials=credentials,
        sheet_href=_sheet_href(credentials),
        sheet_name=_sheet_name(filename),
        headers=NO_STORE,
    )


def _sheet_href(credentials):
    """The activation sheet as a ``data:`` address for a download link: the tokens stay on the
    page that shows them once (no second request holds them, no script builds the file)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CREDENTIAL_COLUMNS)
    for row in credentials:
        writer.writerow([row[c] for c in CREDENTIAL_COLUMNS])
    return "data:text/csv;charset=utf-8," + quote("\ufeff" + out.getvalue())


def _sheet_name(filename):
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in (filename or "").removesuffix(".csv"))
    return f"{stem}-ma-kich-hoat.csv" if stem.strip("-") else "ma-kich-hoat.csv"


@bp.route(f"{TENANTS}/nhap/mau.csv")
def import_sample():
    _admin()
    return Response(
        "\ufeff" + "\r\n".join(SAMPLE_CSV) + "\r\n",
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="mau-danh-sach-don-vi.csv"'},
    )
