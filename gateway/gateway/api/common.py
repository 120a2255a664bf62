"""Helpers shared by the API blueprints."""

from flask import request

from platform_shared.schemas import ErrorSchema

ERRORS = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa đăng nhập hoặc mã truy cập không hợp lệ",
    403: "Không có quyền",
    404: "Không tìm thấy (hoặc thuộc đơn vị khác)",
    409: "Xung đột trạng thái",
    413: "Tệp quá lớn",
    422: "Dữ liệu không hợp lệ; errors nêu từng trường",
    429: "Quá nhiều yêu cầu; xem Retry-After",
    503: "Dịch vụ tạm thời không phản hồi",
}


def documented(blp, *statuses):
    """Declare the error answers of an endpoint in the OpenAPI document."""

    def decorate(fn):
        for status in statuses:
            fn = blp.alt_response(status, schema=ErrorSchema, description=ERRORS[status])(fn)
        return fn

    return decorate


def json_body():
    """The raw JSON body, passed on to the service that validates it for real."""
    data = request.get_json(silent=True)
    return data if data is not None else {}


def query_args():
    return request.args.to_dict()


def client_address():
    return request.remote_addr or "unknown"
