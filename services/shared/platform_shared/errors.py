"""The one error taxonomy of the platform.

Domain code raises these; they cross RPC as themselves (see ``transport``) and the
gateway maps each class to one HTTP status. Every error carries a stable machine
``code``, a Vietnamese ``message`` a person can act on, and optional ``details``
(for example ``{"errors": {"email": ["..."]}}``).

The constructor arguments are kept in ``self.args`` in the same order, because
nameko rebuilds a registered exception as ``cls(*exc_args)`` on the caller's side.
``details`` travels as a JSON string: nameko turns every non-string scalar of an
exception's args into a string, which would make row numbers "5".
"""

import json


class PlatformError(Exception):
    status = 500
    default_code = "INTERNAL_ERROR"
    default_message = "Lỗi hệ thống. Vui lòng thử lại sau."

    def __init__(self, message=None, code=None, details=None):
        message = message or self.default_message
        code = code or self.default_code
        if isinstance(details, str):
            details = json.loads(details) if details else {}
        details = details or {}
        super().__init__(message, code, json.dumps(details, ensure_ascii=False, default=str))
        self.message = message
        self.code = code
        self.details = details

    def __str__(self):
        return f"{self.code}: {self.message}"

    def to_dict(self):
        body = {"code": self.code, "message": self.message}
        body.update(self.details)
        return body


class InvalidInput(PlatformError):
    """The request is well-formed but its content breaks a rule (422)."""

    status = 422
    default_code = "INVALID_INPUT"
    default_message = "Dữ liệu không hợp lệ."

    @classmethod
    def field(cls, field, message, code=None):
        """An error about one named field."""
        return cls(message, code=code, details={"errors": {field: [message]}})


class BadRequest(PlatformError):
    """The request itself cannot be used (400), e.g. a spent activation token."""

    status = 400
    default_code = "BAD_REQUEST"
    default_message = "Yêu cầu không hợp lệ."


class Unauthorized(PlatformError):
    status = 401
    default_code = "UNAUTHORIZED"
    default_message = "Bạn cần đăng nhập lại."


class Forbidden(PlatformError):
    status = 403
    default_code = "FORBIDDEN"
    default_message = "Bạn không có quyền thực hiện thao tác này."


class NotFound(PlatformError):
    status = 404
    default_code = "NOT_FOUND"
    default_message = "Không tìm thấy."

    @classmethod
    def of(cls, kind, ident=None):
        label = _KIND_LABELS.get(kind, kind)
        message = f"Không tìm thấy {label}" + (f" «{ident}»." if ident is not None else ".")
        return cls(message, code=f"{kind.upper()}_NOT_FOUND", details={"resource": kind})


class Conflict(PlatformError):
    status = 409
    default_code = "CONFLICT"
    default_message = "Thao tác xung đột với trạng thái hiện tại."

    @classmethod
    def taken(cls, field, value, what, code):
        """A unique value already in use, e.g. ``Conflict.taken("code", "LDLD-HN", "Mã đơn vị", "TENANT_CODE_TAKEN")``."""
        return cls(f"{what} «{value}» đã được dùng.", code=code, details={"errors": {field: [f"{what} đã được dùng."]}})


class PayloadTooLarge(PlatformError):
    """A file or body over its size limit (413); ``details["limit"]`` is the limit in bytes."""

    status = 413
    default_code = "PAYLOAD_TOO_LARGE"
    default_message = "Dữ liệu gửi lên quá lớn."


class RateLimited(PlatformError):
    status = 429
    default_code = "RATE_LIMITED"
    default_message = "Quá nhiều yêu cầu. Vui lòng thử lại sau."

    @property
    def retry_after(self):
        return int(self.details.get("retry_after", 60))


class Unavailable(PlatformError):
    status = 503
    default_code = "SERVICE_UNAVAILABLE"
    default_message = "Dịch vụ tạm thời không phản hồi. Vui lòng thử lại sau ít phút."


class ConfigurationError(Exception):
    """A required setting is missing or wrong; raised at start, never at request time."""


_KIND_LABELS = {
    "tenant": "đơn vị thành viên",
    "unit": "công đoàn cơ sở",
    "user": "tài khoản",
    "staff": "hồ sơ cán bộ",
    "parked_event": "sự kiện bị treo",
    "asset": "tệp đa phương tiện",
    "article": "bài viết",
    "document": "văn bản",
    "section": "chuyên mục",
    "member": "đoàn viên",
    "member_import": "lần nhập đoàn viên",
}

ALL_ERRORS = (
    PlatformError,
    InvalidInput,
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    RateLimited,
    Unavailable,
)
