"""The OpenAPI document (``/api/v1/openapi.json``) describes what the API answers (issue 12).

Generated clients are built from it: every operation names its success answer and the body
of it, every reference resolves, bounds are numbers, errors have the shared shape, and every
path of the API's contract (DESIGN.md, section 7) is there. What the answers really look
like is checked against this document by ``tests/adversarial/test_schemathesis.py``.
"""

import re

import pytest

METHODS = ("get", "post", "patch", "put", "delete")
# Answers that are bytes, not JSON: their media types must be named, with a binary schema.
FILE_TYPES = ("text/csv", "image/", "video/", "application/pdf", "application/vnd.openxmlformats")
NUMERIC = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")

# DESIGN.md section 7, the table of paths that are the contract ({id} as the document names it).
CONTRACT = {
    "auth": [
        "POST /auth/login",
        "POST /auth/refresh",
        "POST /auth/logout",
        "POST /auth/activate",
        "GET /me",
        "GET /auth/jwks",
    ],
    "tenants": [
        "GET /tenants",
        "POST /tenants",
        "GET /tenants/{tenant_id}",
        "PATCH /tenants/{tenant_id}",
        "POST /tenants/import",
        "POST /tenants/{tenant_id}/merge",
    ],
    "units, users, staff": [
        "GET /units",
        "POST /units",
        "GET /units/{unit_id}",
        "PATCH /units/{unit_id}",
        "GET /users",
        "POST /users",
        "GET /users/{user_id}",
        "PATCH /users/{user_id}",
        "GET /staff",
        "POST /staff",
        "POST /members/import",
    ],
    "articles": [
        "GET /articles",
        "POST /articles",
        "GET /articles/{article_id}",
        "PATCH /articles/{article_id}",
        *(
            f"POST /articles/{{article_id}}/{a}"
            for a in ("submit", "approve", "return", "reject", "publish", "unpublish")
        ),
        "GET /articles/{article_id}/revisions",
    ],
    "public reading": ["GET /public/articles", "GET /public/articles/{slug}", "GET /public/sites/{tenant_slug}"],
    "documents": ["GET /documents", "POST /documents"],
    "quotas": ["GET /quotas/compliance", "GET /quotas/rules"],
    "media": ["POST /media", "GET /media/{asset_id}", "GET /media/{asset_id}/content"],
    "feedback": [
        "POST /questions",
        "GET /questions/track/{tracking_code}",
        "GET /questions",
        *(f"POST /questions/{{question_id}}/{a}" for a in ("assign", "answer", "publish", "reject")),
        "GET /public/questions",
        "POST /opinions",
        "POST /articles/{article_id}/comments",
        "POST /comments/{comment_id}/report",
        "POST /comments/{comment_id}/approve",
        "POST /comments/{comment_id}/hide",
    ],
    "polls": [
        "GET /polls",
        "POST /polls",
        "POST /polls/{poll_id}/open",
        "POST /polls/{poll_id}/close",
        "POST /polls/{poll_id}/responses",
        "GET /polls/receipts/{receipt}",
        "GET /polls/{poll_id}/results",
    ],
    "reports": ["GET /reports/semiannual", "POST /reports/semiannual/{report_id}/submit"],
    "royalties": [
        "GET /royalties/items",
        "POST /royalties/items/{item_id}/score",
        "GET /royalties/rates",
        "POST /royalties/rates",
        "GET /royalties/statements",
        "POST /royalties/statements",
        "POST /royalties/statements/{statement_id}/approve",
        "POST /royalties/statements/{statement_id}/pay",
        "GET /royalties/statements/{statement_id}/export",
    ],
}
OPERATIONS_OUTSIDE_API = ["GET /healthz", "GET /readyz"]


@pytest.fixture(scope="module")
def document():
    """The document as the gateway serves it (building the app reaches no service)."""
    from gateway.app import create_app
    from gateway.settings import Settings

    app = create_app(Settings(polls_receipt_secret="document-test", public_cache_ttl=0))
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    yield response.json
    app.extensions["rpc"].close()
    app.extensions["public_cache"].close()


def operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def resolve(document, ref):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def walk(node, where=""):
    """Every (location, mapping) of the document."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{where}/{i}")


def _successes(document, operation):
    responses = operation.get("responses", {})
    for status, response in responses.items():
        if status.startswith("2"):
            if "$ref" in response:
                response = resolve(document, response["$ref"])
            yield status, response


def test_every_operation_documents_its_success_answer_and_its_body(document):
    missing = []
    for label, operation in operations(document):
        successes = list(_successes(document, operation))
        if not successes:
            missing.append(f"{label}: no 2xx answer")
            continue
        for status, response in successes:
            content = response.get("content")
            if status == "204":
                if content:
                    missing.append(f"{label}: 204 with a body")
                continue
            if not content:
                missing.append(f"{label}: {status} without a media type")
                continue
            for media_type, body in content.items():
                schema = body.get("schema")
                if not schema:
                    missing.append(f"{label}: {status} {media_type} without a schema")
                elif media_type.startswith(FILE_TYPES) and schema != {"type": "string", "format": "binary"}:
                    missing.append(f"{label}: {status} {media_type} is a file but its schema is {schema}")
                elif not media_type.startswith(FILE_TYPES) and media_type != "application/json":
                    missing.append(f"{label}: {status} answers {media_type}, neither JSON nor a named file type")
    assert not missing, "\n".join(missing)


def test_errors_have_the_shared_shape(document):
    wrong = []
    for label, operation in operations(document):
        for status, response in operation.get("responses", {}).items():
            if not status.startswith(("4", "5")) or "$ref" in response:
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if "$ref" not in schema:
                wrong.append(f"{label} {status}: {schema}")
                continue
            body = resolve(document, schema["$ref"])
            if body is document["components"]["schemas"].get("Readiness"):
                continue  # /readyz: 503 says which service is not ready
            if set(body.get("required", [])) != {"code", "message"} or "errors" not in body["properties"]:
                wrong.append(f"{label} {status}: {schema['$ref']}")
    assert not wrong, "\n".join(wrong)


def test_an_import_says_its_errors_may_be_a_list_of_rows(document):
    for path in (
        "/api/v1/tenants/import",
        "/api/v1/members/import",
        "/api/v1/members/imports/check",
        "/api/v1/members/imports",
    ):
        schema = document["paths"][path]["post"]["responses"]["422"]["content"]["application/json"]["schema"]
        errors = resolve(document, schema["$ref"])["properties"]["errors"]
        assert {option["type"] for option in errors["oneOf"]} == {"array", "object"}
        rows = next(option for option in errors["oneOf"] if option["type"] == "array")
        assert set(rows["items"]["properties"]) == {"row", "column", "message"}


def test_every_reference_resolves(document):
    broken = []
    for where, node in walk(document):
        ref = node.get("$ref")
        if isinstance(ref, str):
            try:
                resolve(document, ref)
            except (KeyError, AssertionError):
                broken.append(f"{where}: {ref}")
    assert not broken, "\n".join(broken)


def test_bounds_are_numbers(document):
    wrong = []
    for where, node in walk(document):
        if "properties" in where.rsplit("/", 1)[-1:]:
            continue
        for key in NUMERIC:
            value = node.get(key)
            if key in node and (isinstance(value, bool) or not isinstance(value, (int, float))):
                wrong.append(f"{where}/{key}: {value!r}")
        for key in COUNTS:
            value = node.get(key)
            if key in node and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                wrong.append(f"{where}/{key}: {value!r}")
    assert not wrong, "\n".join(wrong)


def test_decimal_bounds_are_numbers_where_they_were_strings(document):
    score = document["components"]["schemas"]["Score"]["properties"]["coefficient"]
    assert (score["minimum"], score["maximum"]) == (0, 1000)


def test_every_path_of_the_contract_is_documented(document):
    documented = {label for label, _ in operations(document)}
    absent = [
        f"{area}: {operation}"
        for area, entries in CONTRACT.items()
        for operation in entries
        if f"{operation.split()[0]} /api/v1{operation.split()[1]}" not in documented
    ]
    absent += [operation for operation in OPERATIONS_OUTSIDE_API if operation not in documented]
    assert not absent, "\n".join(absent)


def test_lists_take_page_and_per_page_and_answer_a_page(document):
    """Every answer with ``items`` and ``total`` is paginated: it takes page and per_page, bounded."""
    unpaginated = []
    for label, operation in operations(document):
        if not label.startswith("GET "):
            continue
        for _status, response in _successes(document, operation):
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            body = resolve(document, schema["$ref"]) if "$ref" in schema else schema
            if not {"items", "total", "page", "per_page"} <= set(body.get("properties", {})):
                continue
            names = {p["name"]: p["schema"] for p in operation.get("parameters", []) if p["in"] == "query"}
            if "page" not in names or "per_page" not in names or "maximum" not in names["per_page"]:
                unpaginated.append(label)
    assert not unpaginated, "\n".join(unpaginated)


def test_a_nullable_object_is_that_object_or_null(document):
    """apispec's OpenAPI 3.0 form of a nullable nested schema (``anyOf`` with a bare nullable
    object) would let any object through: the document says ``allOf: [$ref], nullable``."""
    loose = [
        where
        for where, node in walk(document)
        if any(option == {"type": "object", "nullable": True} for option in node.get("anyOf", []))
    ]
    assert not loose, "\n".join(loose)
    audience = document["components"]["schemas"]["PollCreate"]["properties"]["audience"]
    assert audience["allOf"] == [{"$ref": "#/components/schemas/Audience"}] and audience["nullable"] is True


def test_strings_say_which_characters_they_refuse_and_how_text_is_measured(document):
    """Control characters are refused (a 422, never a NUL in PostgreSQL); a name is measured
    once trimmed, so «N» and a tab is one character, too short for a unit's name."""
    from platform_shared.schemas import STORABLE_PATTERN, text_pattern

    article = document["components"]["schemas"]["ArticleCreate"]["properties"]
    assert article["body"]["pattern"] == STORABLE_PATTERN
    unit = document["components"]["schemas"]["UnitCreate"]["properties"]["name"]
    assert unit["pattern"] == text_pattern(2) and unit["minLength"] == 2
    assert re.match(unit["pattern"], "Công đoàn") and not re.match(unit["pattern"], "N\t")
    assert not re.match(unit["pattern"], "Công\x00 đoàn")
    publish_at = document["components"]["schemas"]["Schedule"]["properties"]["publish_at"]
    assert publish_at["pattern"] == "^(19[5-9][0-9]|20[0-9]{2}|2100)-"


def test_schemas_have_names_a_client_generator_can_keep(document):
    """Two areas' schemas of the same class name are told apart by area, never numbered."""
    names = set(document["components"]["schemas"])
    assert not [name for name in names if name[-1].isdigit()]
    assert {"PublicTenant", "FeedbackPublicTenant", "ReceiptRead", "PollsReceiptRead"} <= names


def test_every_json_body_may_be_refused_as_malformed_or_invalid(document):
    """A body that is not JSON (or too deep, a number too long) is 400; one that breaks its schema, 422."""
    missing = [
        f"{label}: {status}"
        for label, operation in operations(document)
        if "application/json" in operation.get("requestBody", {}).get("content", {})
        for status in ("400", "422")
        if status not in operation["responses"]
    ]
    assert not missing, "\n".join(missing)


def test_a_background_import_answers_202_and_where_to_follow_it(document):
    started = document["paths"]["/api/v1/members/imports"]["post"]["responses"]
    assert "200" not in started and set(started["202"]["headers"]) == {"Location"}
    job = resolve(document, started["202"]["content"]["application/json"]["schema"]["$ref"])
    assert {"id", "state", "total_rows", "done_rows", "percent"} <= set(job["properties"])
    sheet = document["paths"]["/api/v1/members/imports/{import_id}/sheet"]["get"]
    assert set(sheet["responses"]["200"]["content"]) == {
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/pdf",
    }
    (fmt,) = [p for p in sheet["parameters"] if p["name"] == "format"]
    assert fmt["required"] and fmt["schema"]["enum"] == ["csv", "xlsx", "pdf"]
