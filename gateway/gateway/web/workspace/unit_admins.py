"""``/quan-tri/don-vi/quan-tri-co-so``: a federation appoints the administrators of its grassroots
unions (*quản trị công đoàn cơ sở*, the role ``unit_admin``) from a registrations file — each
of them then administers its union and everything under it (accounts decides: its branch only).

* ``GET /quan-tri/don-vi/quan-tri-co-so`` — the upload form, how to lay out the file.
* ``POST`` the same address (``file``: CSV UTF-8 or Excel .xlsx) checks it (``import_unit_admins``
  with ``dry_run``): the file's problems by row and column (422, nothing created: a unit code
  unknown in the federation — another federation's too —, a role that may not be granted, an
  e-mail repeated or already used), or the accounts it would create and the button to apply.
* ``POST …/ap-dung`` (the checked file, carried in the form) creates them all or none and shows
  the one-time activation links once, on that answer (not stored, not cached), with the sheet as
  a CSV download.
* ``GET …/mau.csv`` — a sample file.

Tenant administrators appoint for any unit of their federation; platform administrators for the
one chosen with ``?don-vi-thanh-vien=``; a unit administrator for the units below its own.

Stable names for tests: forms ``form-nhap-quan-tri`` (``file``), ``form-ap-dung`` (``content_b64``,
``filename``); tables ``bang-loi-tep``, ``bang-se-tao``, ``bang-ma-kich-hoat``.
"""

import base64
import csv
import io
from urllib.parse import quote

from flask import Blueprint, Response, request

from gateway.api.common import call
from gateway.web.render import page
from gateway.web.workspace.common import BASE
from gateway.web.workspace.tenants_scope import (
    acting_tenant,
    activation_link,
    chrome,
    scoped,
    signed_in_admin,
)
from platform_shared.errors import InvalidInput

bp = Blueprint("workspace_unit_admins", __name__)

TREE = f"{BASE}/don-vi"
ADMINS = f"{TREE}/quan-tri-co-so"
AREA = (TREE, "Cây đơn vị")
TITLE = "Nhập quản trị công đoàn cơ sở"
HEADER = "Mã đơn vị,Họ và tên,E-mail,Số điện thoại,Vai trò"
SAMPLE_CSV = (
    HEADER,
    "CDCS-CANON,Nguyễn Thị Thu,thu.nt@canon-cd.vn,0912345678,",
    "CDCS-MAY10,Trần Văn Hùng,hung.tv@may10-cd.vn,,Đoàn viên",
)
# The checked file travels back in the apply form as base64 (one field: Flask keeps at most
# MAX_FORM_MEMORY_SIZE, 500 kB, of a field in memory): ~3,000 registrations a file.
MAX_BYTES = 350_000
TIMEOUT = 120
# The roles a registrations file grants (accounts' ``unit_admins.FILE_ROLES``).
ROLE_NAMES = {"unit_admin": "Quản trị công đoàn cơ sở", "member": "Đoàn viên", "contributor": "Cộng tác viên"}
CREDENTIAL_COLUMNS = ("unit_code", "unit_name", "full_name", "username", "activation_link", "expires_at")
NO_STORE = {"Cache-Control": "private, no-store"}


def _page(template, actor, tenant, status=200, *, crumbs, headers=None, **context):
    return page(
        f"workspace/{template}",
        status=status,
        tenant=tenant,
        admins_path=scoped(tenant, ADMINS),
        apply_path=scoped(tenant, f"{ADMINS}/ap-dung"),
        tree_path=scoped(tenant, TREE),
        sample_path=f"{ADMINS}/mau.csv",
        role_names=ROLE_NAMES,
        header=HEADER,
        max_kb=MAX_BYTES // 1000,
        headers=NO_STORE if status != 200 else headers,
        **context,
        **chrome(actor, tenant, AREA, *crumbs),
    )


def _form_page(actor, tenant, status=200, *, problems=None, checked=None, sent=None, errors=None):
    return _page(
        "unit_admins_import.html",
        actor,
        tenant,
        status,
        crumbs=[(None, TITLE)],
        problems=problems,
        checked=checked,
        sent=sent,
        errors=errors or {},
        **({"headers": NO_STORE} if checked else {}),
    )


def _uploaded():
    """``(upload, None)`` — ``{filename, content_b64}`` of the chosen file — or ``(None, {"file": message})``."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, {"file": "Chọn tệp CSV hoặc Excel (.xlsx) danh sách quản trị công đoàn cơ sở."}
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        return None, {"file": f"Tệp lớn hơn {MAX_BYTES // 1000} KB. Tách danh sách thành nhiều tệp rồi nhập lần lượt."}
    return {"filename": upload.filename[-255:], "content_b64": base64.b64encode(raw).decode("ascii")}, None


def _refusal(actor, tenant, exc, sent):
    """The service's 422 as the page shows it: a table of the file's problems, or one beside «Tệp»."""
    found = (exc.details or {}).get("errors")
    if isinstance(found, list):
        return _form_page(actor, tenant, 422, problems=found, sent={"filename": sent["filename"]})
    messages = found.get("file") if isinstance(found, dict) else None
    message = " ".join(messages) if isinstance(messages, list) else (messages or exc.message)
    return _form_page(actor, tenant, 422, errors={"file": message})


@bp.route(ADMINS, methods=["GET", "POST"])
def check():
    actor = signed_in_admin()
    tenant = acting_tenant(actor)
    if request.method == "GET":
        return _form_page(actor, tenant)
    sent, errors = _uploaded()
    if errors:
        return _form_page(actor, tenant, 422, errors=errors)
    options = {"dry_run": True, "tenant_id": tenant["id"]}
    try:
        checked = call("accounts", "import_unit_admins", actor, sent, options, timeout=TIMEOUT)
    except InvalidInput as exc:
        return _refusal(actor, tenant, exc, sent)
    return _form_page(actor, tenant, checked=checked, sent=sent)


@bp.route(f"{ADMINS}/ap-dung", methods=["POST"])
def apply():
    actor = signed_in_admin()
    tenant = acting_tenant(actor)
    sent = {
        "filename": (request.form.get("filename") or "").strip()[-255:],
        "content_b64": request.form.get("content_b64") or "",
    }
    if not sent["content_b64"].strip():
        return _form_page(actor, tenant, 422, errors={"file": "Chưa có tệp đã kiểm tra. Chọn tệp và kiểm tra trước."})
    try:
        result = call("accounts", "import_unit_admins", actor, sent, {"tenant_id": tenant["id"]}, timeout=TIMEOUT)
    except InvalidInput as exc:  # the data changed since the check (an e-mail taken meanwhile)
        return _refusal(actor, tenant, exc, sent)
    credentials = [{**c, "activation_link": activation_link(c["activation_token"])} for c in result["credentials"]]
    return _page(
        "unit_admins_imported.html",
        actor,
        tenant,
        crumbs=[(scoped(tenant, ADMINS), TITLE), (None, "Kết quả")],
        result=result,
        credentials=credentials,
        sheet_href=_sheet_href(credentials),
        sheet_name=_sheet_name(sent["filename"]),
        headers=NO_STORE,
    )


def _sheet_href(credentials):
    """The activation sheet as a ``data:`` address for a download link: the tokens stay on the page
    that shows them once (no second request holds them, no script builds the file)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CREDENTIAL_COLUMNS)
    for row in credentials:
        writer.writerow([row[c] for c in CREDENTIAL_COLUMNS])
    return "data:text/csv;charset=utf-8," + quote("\ufeff" + out.getvalue())


def _sheet_name(filename):
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in (filename or "").rsplit(".", 1)[0])
    return f"{stem}-ma-kich-hoat.csv" if stem.strip("-") else "ma-kich-hoat-quan-tri-co-so.csv"


@bp.route(f"{ADMINS}/mau.csv")
def sample():
    signed_in_admin()
    return Response(
        "\ufeff" + "\r\n".join(SAMPLE_CSV) + "\r\n",
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="mau-quan-tri-co-so.csv"'},
    )
