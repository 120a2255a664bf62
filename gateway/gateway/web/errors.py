"""Errors on page paths are Vietnamese pages, never JSON (JSON stays under /api/v1).

The gateway's JSON handlers (``gateway.errors``) stay registered; each is wrapped here: a
request for a page gets the page of the same status, with the request id to quote.
"""

import logging
from urllib.parse import quote

from flask import g, redirect, request
from werkzeug.exceptions import HTTPException

from gateway import errors as json_errors
from gateway.json_body import BodyRefused
from gateway.rpc import RemoteFailure
from platform_shared.errors import PlatformError, RateLimited

log = logging.getLogger("gateway.web")

_NOT_PAGES = ("/api/", "/static/", "/healthz", "/readyz")

TITLES = {
    400: ("Yêu cầu không hợp lệ", "Trang không xử lý được yêu cầu này. Vui lòng quay lại và thử lại."),
    401: ("Cần đăng nhập", "Vui lòng đăng nhập để tiếp tục."),
    403: ("Không có quyền truy cập", "Tài khoản của bạn không có quyền xem trang này."),
    404: (
        "Không tìm thấy trang",
        "Trang bạn tìm không có hoặc đã được gỡ. Hãy kiểm tra lại địa chỉ, dùng ô tìm kiếm hoặc về trang chủ.",
    ),
    405: ("Thao tác không được hỗ trợ", "Địa chỉ này không nhận thao tác đó."),
    413: ("Dữ liệu quá lớn", "Nội dung gửi lên vượt quá giới hạn cho phép."),
    429: ("Quá nhiều yêu cầu", "Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn. Vui lòng chờ rồi thử lại."),
    500: (
        "Lỗi hệ thống",
        "Đã có lỗi khi tạo trang. Vui lòng thử lại sau; nếu lỗi lặp lại, gửi mã yêu cầu bên dưới cho quản trị viên.",
    ),
    503: ("Dịch vụ tạm thời gián đoạn", "Hệ thống đang bận hoặc đang bảo trì. Vui lòng thử lại sau ít phút."),
}


def is_page_request():
    path = request.path
    return not path.startswith(_NOT_PAGES)


def error_page(status, message=None, headers=None):
    from gateway.web.render import page

    if status not in TITLES:
        status = 500 if status >= 500 else 400
    title, default = TITLES[status]
    response = page(
        "portal/error.html",
        status=status,
        code=status,
        title=title,
        message=message or default,
        request_id=g.get("request_id", ""),
    )
    response.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _page_or_json(json_handler, to_page):
    def handler(exc):
        if not is_page_request():
            return json_handler(exc)
        try:
            return to_page(exc)
        except Exception:  # the error page itself failed (a template, the session): plain text, logged
            log.exception("the error page failed")
            return "Lỗi hệ thống. Vui lòng thử lại sau.", 500, {"Content-Type": "text/plain; charset=utf-8"}

    return handler


def _platform(exc):
    if exc.status == 401 and request.method in ("GET", "HEAD"):
        return redirect("/dang-nhap?tiep=" + quote(request.full_path.rstrip("?"), safe="/"))
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    message = exc.message if exc.status in (403, 409, 422, 429) else None
    return error_page(exc.status if exc.status != 422 else 400, message, headers)


def _http(exc):
    headers = dict((getattr(exc, "data", None) or {}).get("headers") or {})
    if exc.code == 405 and exc.valid_methods:
        headers["Allow"] = ", ".join(exc.valid_methods)
    return error_page(exc.code or 500, None, headers)


def _unexpected(exc):
    log.exception("unexpected error on a page")
    return error_page(500)


def register(app):
    app.register_error_handler(PlatformError, _page_or_json(json_errors.platform_error, _platform))
    app.register_error_handler(HTTPException, _page_or_json(json_errors.http_error, _http))
    app.register_error_handler(BodyRefused, _page_or_json(json_errors.body_refused, lambda exc: error_page(400)))
    app.register_error_handler(RemoteFailure, _page_or_json(json_errors.unexpected_error, _unexpected))
    app.register_error_handler(Exception, _page_or_json(json_errors.unexpected_error, _unexpected))
