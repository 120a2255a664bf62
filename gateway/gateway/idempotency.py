"""Idempotency-Key on the creating POSTs of ``/api/v1`` (DESIGN 7b): the gateway's part.

The gateway has no database: the service doing the work keeps the key
(``platform_shared.idempotency``, driven by the services' ``@rpc`` guard). Here the key's form
is checked before the view runs (400 ``IDEMPOTENCY_KEY_INVALID``), and the RPC made on the
request's behalf carries, as context headers, the key, the caller (the actor every RPC takes
first: its user id, or ``anonymous``) and the request's fingerprint (method, path, query and
canonical body). The header is added to those operations of the OpenAPI document here, in
one place.
"""

import hashlib
import re
import uuid

from flask import g, request

from platform_shared import idempotency

HEADER = "Idempotency-Key"

CREATING = frozenset(
    {
        "/api/v1/articles",
        "/api/v1/articles/<article_id>/comments",
        "/api/v1/documents",
        "/api/v1/members/import",
        "/api/v1/members/imports",
        "/api/v1/opinions",
        "/api/v1/opinions/topics",
        "/api/v1/polls",
        "/api/v1/questions",
        "/api/v1/royalties/rates",
        "/api/v1/royalties/statements",
        "/api/v1/sections",
        "/api/v1/staff",
        "/api/v1/tenants",
        "/api/v1/tenants/import",
        "/api/v1/units",
        "/api/v1/units/admins/import",
        "/api/v1/users",
    }
)
"""The creating POSTs (Flask rules) that take an ``Idempotency-Key``. Not here: ``POST /media``
(streamed to the media service over HTTP, not RPC) and ``POST /polls/{id}/responses`` (answered
202 with a receipt by the intake queue, whose batch consumer counts one response per member)."""

PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    "description": "Khóa chống gửi trùng (1–255 ký tự ASCII nhìn thấy được, ví dụ một UUID). Gửi lại cùng khóa "
    "với cùng yêu cầu trong 24 giờ nhận lại đúng kết quả lần đầu (cùng mã trạng thái và nội dung); cùng khóa "
    "với nội dung khác: 422 IDEMPOTENCY_KEY_REUSED; lần đầu còn đang xử lý: 409 REQUEST_IN_PROGRESS; khóa sai "
    "dạng: 400 IDEMPOTENCY_KEY_INVALID. Lần đầu bị lỗi 4xx thì khóa không được ghi nhớ.",
}


def _creating():
    return request.method == "POST" and request.url_rule is not None and request.url_rule.rule in CREATING


def check_key():
    """Before the view: a malformed key is 400 ``IDEMPOTENCY_KEY_INVALID`` whatever else is wrong."""
    key = request.headers.get(HEADER)
    if key is not None and _creating():
        idempotency.check_key(key)


def _body():
    """The body as the fingerprint reads it: canonical JSON, or each form field and file's content."""
    if request.is_json:
        return idempotency.canonical_json(request.get_json(silent=True))
    if request.mimetype == "multipart/form-data":
        parts = sorted([name, value] for name, value in request.form.items(multi=True))
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
            position = upload.stream.tell()
            upload.stream.seek(0)
            parts.append([name, upload.filename, hashlib.sha256(upload.stream.read()).hexdigest()])
            upload.stream.seek(position)
        return idempotency.canonical_json(parts)
    return request.get_data(cache=True)


def rpc_context(args):
    """The RPC context of this request: its id and, on a keyed creating POST, the key, the caller
    (``args[0]``, the actor), the request's fingerprint and a new id for this RPC message (a
    replica that receives it again after another died with it takes the key over)."""
    context = {"request_id": g.get("request_id")}
    key = request.headers.get(HEADER)
    if key is None or not _creating():
        return context
    actor = args[0] if args and isinstance(args[0], dict) else {}
    if "idempotency_fingerprint" not in g:
        g.idempotency_fingerprint = idempotency.fingerprint(
            request.method, request.path, _body(), sorted(request.args.items(multi=True))
        )
    context.update(
        idempotency_key=idempotency.check_key(key),
        idempotency_caller=actor.get("user_id") or idempotency.ANONYMOUS,
        idempotency_fingerprint=g.idempotency_fingerprint,
        idempotency_attempt=uuid.uuid4().hex,
    )
    return context


def document(spec):
    """Add the ``Idempotency-Key`` header to the creating POSTs of the OpenAPI document."""
    for rule in CREATING:
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)
        operation = spec._paths.get(path, {}).get("post")
        if operation is not None:
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("name") == HEADER for p in parameters):
                parameters.append(dict(PARAMETER))


class IdempotentCreation:
    """Blueprint mixin (``api.common.Blueprint``): checks the key before the views, documents it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.before_request(check_key)

    def register_views_in_doc(self, api, app, spec, **kwargs):
        result = super().register_views_in_doc(api, app, spec, **kwargs)
        document(spec)
        return result
