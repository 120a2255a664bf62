"""``/quan-tri/doan-vien/nhap``: the member import — a CSV or XLSX file checked row by row,
then applied by accounts in the background while the page shows its progress.

* ``GET /quan-tri/doan-vien/nhap`` — the upload form (``file``, ``reissue``), the blank
  templates, the organisation's recent imports (``list_member_imports``).
* ``POST /quan-tri/doan-vien/nhap`` — ``action=check`` (``check_member_import``: every row
  checked, nothing applied; the page says what applying would do) or ``action=start``
  (``start_member_import``: the same checks, then a job → 303 to its page). A refused file: 422,
  the form again with the table of every problem by row and column (or the message beside
  «Tệp» for a file that is not CSV/XLSX). The form carries a one-time ``request_key``: the same
  form sent twice answers the job it started.
* ``GET /quan-tri/doan-vien/nhap/mau.csv``, ``mau.xlsx`` — the blank template.
* ``GET /quan-tri/doan-vien/nhap/<job id>`` — the job's progress (a ``<progress>`` bar; the
  script ``members.js`` asks ``…/tien-do`` every second; without it the page refreshes itself
  every two seconds while the job runs), then what it did and the credentials sheet.
* ``GET /quan-tri/doan-vien/nhap/<job id>/tien-do`` — the progress as JSON.
* ``GET /quan-tri/doan-vien/nhap/<job id>/ma-kich-hoat.<csv|xlsx|pdf>`` — the credentials sheet
  (``export_member_import_sheet``; only the administrator who started the job).

Stable names for tests: form ``form-nhap-doan-vien`` (buttons ``action=check``/``start``), the
table ``bang-loi-nhap``, the bar ``tien-do-nhap``, the links ``tai-ma-kich-hoat-<fmt>``.
"""

import base64
import secrets
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, request

from gateway.api.accounts import MEMBER_IMPORT_MAX_BYTES, MEMBER_IMPORT_TIMEOUT
from gateway.api.common import call
from gateway.web.portal.common import base_url
from gateway.web.render import page
from gateway.web.workspace.members import AREA, IMPORTS, NO_STORE, admin_page
from gateway.web.workspace.tenants_scope import TENANT_PARAM, chrome, scoped
from platform_shared.errors import InvalidInput

bp = Blueprint("workspace_member_imports", __name__)

STATE_LABELS = {"pending": "Đang chờ", "running": "Đang nhập", "done": "Đã xong", "failed": "Bị lỗi, đã dừng"}
SHEET_FORMATS = {"csv": "CSV", "xlsx": "Excel (.xlsx)", "pdf": "PDF – phiếu in cho từng đoàn viên"}
FILE_LABEL = "Tệp danh sách đoàn viên"


@bp.url_value_preprocessor
def _member_file_cap(endpoint, _values):
    """A member file may be far larger than other uploads (``MEMBER_IMPORT_MAX_BYTES``, as the
    API's import). Set before the app's CSRF check reads the form (URL preprocessors run first)."""
    if endpoint == "workspace_member_imports.upload" and request.method == "POST":
        request.max_content_length = current_app.config.get("MEMBER_IMPORT_MAX_BYTES", MEMBER_IMPORT_MAX_BYTES)


def _activation_page():
    return f"{base_url()}/kich-hoat"


def _upload_page(actor, tenant, *, status=200, errors=None, error_count=0, file_error=None, checked=None, form=None):
    recent = call("accounts", "list_member_imports", actor, {"tenant_id": tenant["id"], "per_page": "10"})
    return page(
        "workspace/members_import.html",
        status=status,
        tenant=tenant,
        errors=errors,
        error_count=error_count,
        file_error=file_error,
        checked=checked,
        form=form or {},
        request_key=secrets.token_urlsafe(18),
        recent=recent.get("items") or [],
        states=STATE_LABELS,
        file_label=FILE_LABEL,
        max_bytes=current_app.config.get("MEMBER_IMPORT_MAX_BYTES", MEMBER_IMPORT_MAX_BYTES),
        imports_path=IMPORTS,
        scoped=scoped,
        headers=NO_STORE,
        **chrome(actor, tenant, AREA, (None, "Nhập từ tệp")),
    )


@bp.route(IMPORTS, methods=["GET", "POST"])
def upload():
    actor, tenant = admin_page()
    if request.method == "GET":
        return _upload_page(actor, tenant)
    action = request.form.get("action")
    form = {"reissue": request.form.get("reissue") == "1"}
    if action not in ("check", "start"):
        abort(400)
    upload = request.files.get("file")
    content = upload.read() if upload is not None else b""
    if upload is None or not upload.filename:
        message = "Chưa chọn tệp: hãy chọn tệp CSV hoặc Excel (.xlsx) danh sách đoàn viên."
        return _upload_page(actor, tenant, status=422, file_error=message, form=form)
    sent = {"filename": upload.filename[-255:], "content_b64": base64.b64encode(content).decode("ascii")}
    options = {"tenant_id": tenant["id"], "reissue": form["reissue"]}
    try:
        if action == "check":
            checked = call("accounts", "check_member_import", actor, sent, options, timeout=MEMBER_IMPORT_TIMEOUT)
            return _upload_page(actor, tenant, checked=checked, form=form)
        key = request.form.get("request_key") or None
        job = call(
            "accounts",
            "start_member_import",
            actor,
            sent,
            {**options, "request_key": key},
            timeout=MEMBER_IMPORT_TIMEOUT,
        )
    except InvalidInput as exc:
        problems = (exc.details or {}).get("errors")
        if isinstance(problems, list):
            count = (exc.details or {}).get("error_count") or len(problems)
            return _upload_page(actor, tenant, status=422, errors=problems, error_count=count, form=form)
        messages = problems.get("file") if isinstance(problems, dict) else None
        message = " ".join(messages) if isinstance(messages, list) else (messages or exc.message)
        return _upload_page(actor, tenant, status=422, file_error=message, form=form)
    return redirect(scoped(tenant, f"{IMPORTS}/{job['id']}"), code=303)


@bp.route(f"{IMPORTS}/mau.<fmt>")
def template(fmt):
    actor, _ = admin_page()
    if fmt not in ("csv", "xlsx"):
        abort(404)
    found = call("accounts", "member_import_template", actor, fmt)
    return _file(found, f"Mẫu nhập đoàn viên.{fmt}")


def _job(actor, job_id):
    return call("accounts", "get_member_import", actor, job_id)


def _progress_text(job):
    done, total = job["done_rows"], job["total_rows"]
    return f"Đã xử lý {done:,}/{total:,} dòng ({job['percent']}%)".replace(",", ".")


@bp.route(f"{IMPORTS}/<job_id>")
def job(job_id):
    actor, tenant = admin_page()
    found = _job(actor, job_id)
    running = found["state"] in ("pending", "running")
    return page(
        "workspace/members_job.html",
        tenant=tenant,
        job=found,
        running=running,
        progress_text=_progress_text(found),
        states=STATE_LABELS,
        formats=SHEET_FORMATS,
        path=f"{IMPORTS}/{job_id}",
        tenant_query=("" if tenant["own"] else f"?{TENANT_PARAM}={tenant['id']}"),
        scoped=scoped,
        headers=NO_STORE,
        **chrome(actor, tenant, AREA, (scoped(tenant, IMPORTS), "Nhập từ tệp"), (None, found["filename"])),
    )


@bp.route(f"{IMPORTS}/<job_id>/tien-do")
def progress(job_id):
    """The job's progress for the page's script (JSON; no business rule here)."""
    actor, _ = admin_page()
    found = _job(actor, job_id)
    answer = jsonify(
        state=found["state"],
        state_label=STATE_LABELS.get(found["state"], found["state"]),
        done_rows=found["done_rows"],
        total_rows=found["total_rows"],
        percent=found["percent"],
        text=_progress_text(found),
        finished=found["state"] not in ("pending", "running"),
    )
    answer.headers["Cache-Control"] = "private, no-store"
    return answer


@bp.route(f"{IMPORTS}/<job_id>/ma-kich-hoat.<fmt>")
def sheet(job_id, fmt):
    actor, _ = admin_page()
    if fmt not in SHEET_FORMATS:
        abort(404)
    found = call(
        "accounts",
        "export_member_import_sheet",
        actor,
        job_id,
        {"format": fmt, "activate_url": _activation_page()},
        timeout=MEMBER_IMPORT_TIMEOUT,
    )
    return _file(found, f"Mã kích hoạt đoàn viên.{fmt}")


def _file(found, name):
    return Response(
        base64.b64decode(found["content_b64"]),
        headers={
            "Content-Type": found["content_type"],
            "Content-Disposition": (
                f"attachment; filename=\"{found['filename']}\"; filename*=UTF-8''{quote(name, safe='')}"
            ),
            "Cache-Control": "private, no-store",
        },
    )
