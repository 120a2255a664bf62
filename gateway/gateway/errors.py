"""Every error leaves the gateway as ``{"code", "message", "errors"?, "request_id"}``.

Shared errors map to their status in one place; HTTP errors from routing and
validation get the same shape; anything unexpected is a 500 with the request id
and no stack trace (the trace goes to the log).
"""

import logging

from flask import g, jsonify, request
from werkzeug.exceptions import HTTPException

from gateway.json_body import BodyRefused
from gateway.rpc import RemoteFailure
from platform_shared.errors import PlatformError, RateLimited

log = logging.getLogger("gateway.errors")

_HTTP_CODES = {
    400: ("BAD_REQUEST", "Yêu cầu không hợp lệ."),
    401: ("UNAUTHORIZED", "Bạn cần đăng nhập."),
    403: ("FORBIDDEN", "Bạn không có quyền thực hiện thao tác này."),
    404: ("NOT_FOUND", "Không tìm thấy địa chỉ này."),
    405: ("METHOD_NOT_ALLOWED", "Phương thức không được hỗ trợ ở địa chỉ này."),
    406: ("NOT_ACCEPTABLE", "Định dạng yêu cầu trả về không được hỗ trợ."),
    413: ("PAYLOAD_TOO_LARGE", "Dữ liệu gửi lên quá lớn."),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Định dạng dữ liệu gửi lên không được hỗ trợ."),
    422: ("VALIDATION_ERROR", "Dữ liệu gửi lên không hợp lệ."),
    429: ("RATE_LIMITED", "Quá nhiều yêu cầu. Vui lòng thử lại sau."),
}


def error_response(status, code, message, errors=None, headers=None):
    body = {"code": code, "message": message}
    if errors is not None:
        body["errors"] = errors
    rid = getattr(g, "request_id", None)
    if rid:
        body["request_id"] = rid
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def platform_error(exc):
    headers = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="congdoan"'
    details = dict(exc.details)
    errors = details.pop("errors", None)
    response = error_response(exc.status, exc.code, exc.message, errors, headers)
    if exc.status >= 500:
        log.warning("service error %s: %s", exc.code, exc.message)
    return response


def http_error(exc):
    code, message = _HTTP_CODES.get(exc.code, ("HTTP_ERROR", exc.description or "Lỗi."))
    data = getattr(exc, "data", None) or {}
    errors = None
    messages = data.get("messages")
    if messages:
        # webargs: {"json": {...}} / {"query": {...}} — field names are what a client needs.
        errors = {}
        for location_errors in messages.values():
            if isinstance(location_errors, dict):
                errors.update(location_errors)
            else:
                errors.setdefault("_schema", []).extend(location_errors)
        if exc.code == 400:
            code, message = "INVALID_JSON", "Nội dung gửi lên không phải JSON hợp lệ."
        else:
            fields = ", ".join(sorted(errors))
            message = f"Dữ liệu gửi lên không hợp lệ ở: {fields}."
    if exc.code == 413:
        limit = data.get("limit") or request.max_content_length
        message = "Dữ liệu gửi lên quá lớn" + (f" (tối đa {readable_size(limit)})." if limit else ".")
    headers = dict(data.get("headers") or {})
    return error_response(exc.code, code, message, errors, headers)


def readable_size(size):
    """A byte count as a person reads it: «25 MB», «512 KB», «900 byte»."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return (
                f"{value:.0f} {unit}" if value >= 10 or value == int(value) else f"{value:.1f} {unit}".replace(".", ",")
            )
    return f"{size} byte"


def body_refused(exc):
    """A body the bounded JSON parser refused: one log line, no trace (anyone can send one)."""
    log.warning("refused JSON body: %s (%s %s)", exc.code, request.method, request.path)
    return error_response(400, exc.code, exc.message)


def unexpected_error(exc):
    log.exception("unexpected error")
    return error_response(
        500, "INTERNAL_ERROR", "Lỗi hệ thống. Vui lòng thử lại sau; nếu lỗi lặp lại, gửi mã yêu cầu cho quản trị viên."
    )


def register(app):
    app.register_error_handler(PlatformError, platform_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(BodyRefused, body_refused)
    app.register_error_handler(RemoteFailure, unexpected_error)
    app.register_error_handler(Exception, unexpected_error)
