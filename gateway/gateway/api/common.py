"""Helpers shared by the API blueprints: the RPC calls, the blueprint class, error docs."""

import functools
import json
from decimal import Decimal

import flask_smorest
import jwt
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Response, current_app, request
from marshmallow import fields
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from gateway.idempotency import IdempotentCreation, rpc_context
from gateway.rpc import RawJson
from platform_shared.schemas import STORABLE_PATTERN, ErrorSchema, Storable, Text, text_pattern

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
    """RPC on the request's behalf, with its request id (and Idempotency-Key) in the message headers."""
    result = current_app.extensions["rpc"].call(
        service, method, *args, timeout=timeout, context=rpc_context(args), **kwargs
    )
    if service == "accounts" and method in ACCOUNTS_WRITES:
        ACCOUNTS_WRITES[method](current_app.extensions["public_cache"], args, result)
    return result


def forward(service, method, *args, status=200, timeout=None):
    """RPC whose result is the response body as it is (no decoding and re-encoding)."""
    body = call(service, method, *args, timeout=timeout, raw=True)
    if isinstance(body, RawJson):
        return Response(body, status=status, mimetype="application/json")
    return body, status


def private_answer(topic, key, service, method, *args, scope=None):
    """A signed-in reader's answer from the gateway's cache of private topics (``public_cache``:
    ``me``, ``tenants``) while fresh, else the RPC's JSON kept there; an ``ETag`` either way and
    304 to a matching ``If-None-Match``. ``key`` and ``scope`` must name everything the answer
    depends on besides the facts that renew the topic: another reader must never match them."""

    def load():
        body = call(service, method, *args, raw=True)
        return body if isinstance(body, RawJson) else current_app.json.dumps(body)

    entry = current_app.extensions["public_cache"].answer(topic, key, load, scope)
    # The browser may keep it but must ask again (a fact may have changed it); no shared cache may.
    headers = {"ETag": entry.etag, "Cache-Control": "private, no-cache", "Vary": "Authorization"}
    if entry.etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        return Response(status=304, headers=headers)
    return Response(entry.body, status=200, mimetype="application/json", headers=headers)


# -- read-your-writes: accounts' writes made through this process drop what they change at once ------
# (``GET /me``, ``GET /tenants`` in ``public_cache``); the other gateway processes drop it when
# accounts' fact reaches them (outbox → relay → broker: well under a second when all run).


def _drop_user(cache, args, _result):
    cache.drop("me", str(args[1]))  # update_user(actor, user_id, data)


def _drop_own(cache, args, _result):
    cache.drop("me", str((args[0] or {}).get("user_id")))  # the actor's own account


def _drop_signed_in(cache, _args, result):
    """A sign-in changes the account's last sign-in time (the token's subject is the account)."""
    try:
        pair = json.loads(result) if isinstance(result, str) else result
        cache.drop("me", str(jwt.decode(pair["access_token"], options={"verify_signature": False})["sub"]))
    except (ValueError, KeyError, TypeError, jwt.PyJWTError):
        cache.invalidate("me")


def _renew(*topics):
    def renew(cache, _args, _result):
        for topic in topics:
            cache.invalidate(topic)

    return renew


ACCOUNTS_WRITES = {
    "update_user": _drop_user,
    "change_password": _drop_own,
    "login": _drop_signed_in,
    "update_member": _renew("me"),  # the member's account follows the register
    "import_members": _renew("me"),
    "create_tenant": _renew("tenants"),
    "import_tenants": _renew("tenants"),
    "update_tenant": _renew("tenants", "me"),
    "merge_tenant": _renew("tenants", "me"),
}


class BoundedParser(FlaskParser):
    """webargs reads the body Flask already parsed (bounded, see ``gateway.json_body``)."""

    def _raw_load_json(self, req):
        if not is_json_request(req) or not req.get_data(cache=True).strip():
            return core.missing
        return req.get_json()


class Blueprint(IdempotentCreation, flask_smorest.Blueprint):
    """flask-smorest's blueprint; a JSON body declared with ``arguments`` reaches the view as
    the document the gateway validated — loaded by its schema (unknown fields refused, text
    normalised, defaults filled) and dumped back to JSON — ready to be passed on over RPC.
    The service loads it again with the same schema, for real."""

    ARGUMENTS_PARSER = BoundedParser()

    def register_views_in_doc(self, api, app, spec, **kwargs):
        converter = api.ma_plugin.converter
        if not any(getattr(f, "__func__", None) is described for f in converter.attribute_functions):
            converter.add_attribute_function(described)
            api.ma_plugin.schema_name_resolver = converter.schema_name_resolver = SchemaNames()
        return super().register_views_in_doc(api, app, spec, **kwargs)

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

            # A body that is not JSON, or too deep, too long a number... (gateway.json_body): 400.
            return self.alt_response(400, schema=ErrorSchema, description=ERRORS[400])(parse(view))

        return decorator


class SchemaNames:
    """Names of the document's schemas: the class name (``ErrorSchema`` → ``Error``); a second
    class of the same name from another area is prefixed with it (content's ``PublicTenant``,
    then ``FeedbackPublicTenant``), where apispec would number it (``PublicTenant1``)."""

    def __init__(self):
        self._areas = {}

    def __call__(self, schema):
        resolved = resolve_schema_cls(schema)
        cls = resolved[0] if isinstance(resolved, list) else resolved
        name = cls.__name__.removesuffix("Schema") or cls.__name__
        area = cls.__module__.rsplit(".", 1)[-1]
        if self._areas.setdefault(name, area) != area:
            name = area.capitalize() + name
        return name


IMPORT_PROBLEM = {
    "type": "object",
    "properties": {
        "row": {"type": "integer", "description": "line of the file (the header is line 1)"},
        "column": {"type": "string", "nullable": True},
        "message": {"type": "string"},
    },
}


class ImportErrorSchema(ErrorSchema):
    """The error of a CSV import: ``errors`` is the list of the file's problems (row, column,
    message) when the file is refused, or the usual object of fields when the request is."""

    errors = fields.Raw(
        metadata={
            "description": "the file's problems (list) or the request's fields (object)",
            "oneOf": [{"type": "array", "items": IMPORT_PROBLEM}, {"type": "object", "additionalProperties": {}}],
        }
    )


def documented(blp, *statuses, schemas=None):
    """Declare the error answers of an endpoint in the OpenAPI document; ``schemas`` gives
    another body for a status (``{422: ImportErrorSchema}``)."""

    def decorate(fn):
        for status in statuses:
            schema = (schemas or {}).get(status, ErrorSchema)
            fn = blp.alt_response(status, schema=schema, description=ERRORS[status])(fn)
        return fn

    return decorate


def replies(blp, status, schema=None, *, description=None, content_type=None):
    """Declare the success answer of an endpoint: its status and the schema the service dumps
    its reply through (``SectionRead(many=True)`` for a list), so the document is the reply."""
    return blp.alt_response(status, schema=schema, description=description, content_type=content_type, success=True)


BINARY = {"type": "string", "format": "binary"}


def files(blp, *content_types, description, status=200):
    """Declare a file answer (bytes) in each of its media types."""

    def decorate(fn):
        for content_type in content_types:
            fn = blp.alt_response(
                status, schema=BINARY, content_type=content_type, description=description, success=True
            )(fn)
        return fn

    return decorate


def cached(blp):
    """A public answer of the gateway's cache also answers 304 to a matching If-None-Match."""
    return blp.alt_response(304, description="Không đổi so với If-None-Match (ETag)")


def described(self, field, ret, **kwargs):
    """What apispec does not say of a field by itself (an attribute function of its converter,
    bound to it: hence ``self``):

    * a Range's bounds are numbers — apispec writes them through the field's own serializer,
      so a decimal field that answers strings (``as_string``) documented ``"maximum": "1000"``;
    * a field class's ``document_pattern`` (the years a date field takes, a period's shape);
    * a ``Storable`` string refuses control characters: ``STORABLE_PATTERN``; a ``Text`` is
      measured once trimmed, so its minimum length counts characters that are not blanks;
    * a nullable nested object is that object or null — apispec's OpenAPI 3.0 form,
      ``anyOf: [{type: object, nullable: true}, {$ref}]``, also lets any object through."""
    found = {}
    options = ret.get("anyOf") or []
    if {"type": "object", "nullable": True} in options and len(options) == 2:
        ret.pop("anyOf")  # apispec's own functions edit ``ret`` in place the same way
        found.update(allOf=[o for o in options if "$ref" in o or "allOf" in o], nullable=True)
    for key in ("minimum", "maximum"):
        value = ret.get(key)
        if isinstance(value, str):
            number = Decimal(value)
            found[key] = int(number) if number == number.to_integral_value() else float(number)
    if "pattern" not in ret:
        pattern = getattr(field, "document_pattern", None)
        if pattern is None and isinstance(field, Storable) and "format" not in ret:
            trimmed = isinstance(field, Text) and ret.get("minLength")
            pattern = text_pattern(ret["minLength"]) if trimmed else STORABLE_PATTERN
        if pattern is not None:
            found["pattern"] = pattern
    return found


def needs_body(schema):
    """An action's body is required when its schema has a required field (``Reason``), optional
    when it has none (``Empty``): the document says which."""
    instance = schema() if isinstance(schema, type) else schema
    return any(field.required for field in instance.fields.values())


def query_args():
    """The raw query string, which the service validates with the schema the gateway checked.

    Not the parsed arguments: the gateway's parser drops unknown parameters, the service
    refuses them (422), and that answer is part of the API."""
    return request.args.to_dict()


def client_address():
    return request.remote_addr or "unknown"
