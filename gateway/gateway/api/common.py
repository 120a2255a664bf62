"""Helpers shared by the API blueprints: the RPC calls, the blueprint class, error docs."""

import functools

import flask_smorest
from flask import Response, current_app, g, request
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from gateway.rpc import RawJson
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


def call(service, method, *args, timeout=None, **kwargs):
    """RPC on the request's behalf, with its request id in the message headers."""
    return current_app.extensions["rpc"].call(
        service, method, *args, timeout=timeout, context={"request_id": g.get("request_id")}, **kwargs
    )


def forward(service, method, *args, status=200, timeout=None):
    """RPC whose result is the response body as it is (no decoding and re-encoding)."""
    body = current_app.extensions["rpc"].call(
        service, method, *args, timeout=timeout, context={"request_id": g.get("request_id")}, raw=True
    )
    if isinstance(body, RawJson):
        return Response(body, status=status, mimetype="application/json")
    return body, status


class BoundedParser(FlaskParser):
    """webargs reads the body Flask already parsed (bounded, see ``gateway.json_body``)."""

    def _raw_load_json(self, req):
        if not is_json_request(req) or not req.get_data(cache=True).strip():
            return core.missing
        return req.get_json()


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint; a JSON body declared with ``arguments`` reaches the view as
    the document the gateway validated — loaded by its schema (unknown fields refused, text
    normalised, defaults filled) and dumped back to JSON — ready to be passed on over RPC.
    The service loads it again with the same schema, for real."""

    ARGUMENTS_PARSER = BoundedParser()

    def arguments(self, schema, *, location="json", **kwargs):
        parse = super().arguments(schema, location=location, **kwargs)
        if location != "json":
            return parse
        instance = schema() if isinstance(schema, type) else schema

        def decorator(func):
            @functools.wraps(func)
            def view(*args, **view_kwargs):
                *before, loaded = args  # webargs appends the parsed body to the positional arguments
                return func(*before, instance.dump(loaded), **view_kwargs)

            return parse(view)

        return decorator


def documented(blp, *statuses):
    """Declare the error answers of an endpoint in the OpenAPI document."""

    def decorate(fn):
        for status in statuses:
            fn = blp.alt_response(status, schema=ErrorSchema, description=ERRORS[status])(fn)
        return fn

    return decorate


def query_args():
    """The raw query string, which the service validates with the schema the gateway checked.

    Not the parsed arguments: the gateway's parser drops unknown parameters, the service
    refuses them (422), and that answer is part of the API."""
    return request.args.to_dict()


def client_address():
    return request.remote_addr or "unknown"
