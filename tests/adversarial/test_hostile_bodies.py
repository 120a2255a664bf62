"""Hostile bodies on every operation of the OpenAPI document that takes JSON (issue 12).

The parser runs before anything else — authentication, arguments, the services — so these
need no token and no service behind the gateway: for each operation, a document nested
100,000 deep, a 5,000-digit number, NaN, broken JSON and a body over the size limit are each
a 400/413 with the shared error body, and each costs at most one log line, never a traceback
(anyone could otherwise flood the logs).
"""

import logging
import re

import pytest

HOSTILE = {
    "deep": ("[" * 100_000 + "]" * 100_000, 400, "JSON_TOO_DEEP"),
    "deep object": ('{"a":' * 20_000 + "1" + "}" * 20_000, 400, "JSON_TOO_DEEP"),
    "huge number": ('{"title": ' + "9" * 5000 + "}", 400, "NUMBER_TOO_LARGE"),
    "huge exponent": ('{"title": 1e999999}', 400, "NUMBER_TOO_LARGE"),
    "NaN": ('{"title": NaN}', 400, "NUMBER_TOO_LARGE"),
    "broken": ('{"title": "Tin', 400, "INVALID_JSON"),
}


@pytest.fixture
def document(api):
    return api.get("/api/v1/openapi.json").json


def json_operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in ("post", "put", "patch", "delete"):
                continue
            content = (operation.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                # A real-looking id where the path names an object: the parser must refuse first.
                url = re.sub(r"\{[^}]+\}", "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c", path)
                yield method, url


def test_the_document_has_json_operations(document):
    assert len(list(json_operations(document))) > 40


def test_every_json_operation_refuses_hostile_bodies_before_anything_runs(api, document, caplog):
    wrong, tried = [], 0
    for method, url in json_operations(document):
        for name, (body, status, code) in HOSTILE.items():
            caplog.clear()
            with caplog.at_level(logging.INFO):
                response = getattr(api, method)(url, data=body, content_type="application/json")
            tried += 1
            answer = response.json if response.is_json else {}
            records = [r for r in caplog.records if r.name.startswith(("gateway", "platform_shared"))]
            if (response.status_code, answer.get("code")) != (status, code):
                wrong.append(f"{method.upper()} {url} {name}: {response.status_code} {answer.get('code')}")
            elif len(records) > 1 or any(r.exc_info for r in records):
                wrong.append(f"{method.upper()} {url} {name}: {len(records)} log lines, traceback or more")
    assert wrong == [], f"{len(wrong)} of {tried}:\n" + "\n".join(wrong)


def test_a_body_over_the_limit_is_413_with_the_limit_in_words(api, document, make_gateway):
    small = make_gateway(max_upload_bytes=64 * 1024)
    client = small.test_client()
    body = '{"title": "' + "a" * (65 * 1024) + '"}'
    for method, url in json_operations(document):
        response = getattr(client, method)(url, data=body, content_type="application/json")
        assert response.status_code == 413, (method, url, response.status_code)
        assert "64 KB" in response.json["message"], response.json
