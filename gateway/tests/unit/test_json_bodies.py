"""Bounded JSON parsing: hostile bodies are a 400 with a code, one log line, never a 500."""

import logging

import pytest

from gateway import json_body
from gateway.app import create_app
from gateway.settings import Settings

DEEP = "[" * 100_000 + "]" * 100_000
HUGE = '{"username": ' + "9" * 5000 + ', "password": "x"}'


@pytest.fixture(scope="module")
def client():
    app = create_app(Settings(amqp_uri="amqp://guest:guest@127.0.0.1:5672//", polls_receipt_secret="test-key"))
    app.testing = True
    yield app.test_client()
    app.extensions["rpc"].close()


@pytest.mark.parametrize(
    "text, code",
    [
        (DEEP, "JSON_TOO_DEEP"),
        ("[" * 65 + "]" * 65, "JSON_TOO_DEEP"),
        ('{"a": ' * 65 + "1" + "}" * 65, "JSON_TOO_DEEP"),
        ("[" * 100_000, "JSON_TOO_DEEP"),
        (HUGE, "NUMBER_TOO_LARGE"),
        ("-" + "1" * 41, "NUMBER_TOO_LARGE"),
        ("1." + "1" * 41, "NUMBER_TOO_LARGE"),
        ("1e999", "NUMBER_TOO_LARGE"),
        ("1e-99999", "NUMBER_TOO_LARGE"),
        ('{"a": NaN}', "NUMBER_TOO_LARGE"),
        ("[Infinity]", "NUMBER_TOO_LARGE"),
        ("[-Infinity]", "NUMBER_TOO_LARGE"),
        ("{not json", "INVALID_JSON"),
        (b"\xff\xfe\x00{", "INVALID_JSON"),
    ],
)
def test_hostile_bodies_are_refused_with_their_code(text, code):
    with pytest.raises(json_body.BodyRefused) as refused:
        json_body.loads(text)
    assert refused.value.code == code


def test_bodies_within_the_bounds_parse_as_before():
    deep_enough = "[" * 64 + "]" * 64
    assert json_body.loads(deep_enough) is not None
    assert json_body.loads('{"a": "[[[[{{{{", "b": ["]]]"], "c": "\\"["}') == {"a": "[[[[{{{{", "b": ["]]]"], "c": '"['}
    assert json_body.loads("[" + "9" * 40 + ", -1.5e10, 0.25]") == [int("9" * 40), -1.5e10, 0.25]
    # More brackets than the limit, nearly all inside a string: counted only where they nest.
    assert json_body.loads('{"a": "' + "[{" * 100 + '", "b": [[1]]}') == {"a": "[{" * 100, "b": [[1]]}
    assert json_body.loads(b'{"t\xc3\xaan": "C\xc3\xb4ng \xc4\x91o\xc3\xa0n"}') == {"tên": "Công đoàn"}


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/articles", "/api/v1/polls", "/api/v1/sections"])
@pytest.mark.parametrize(
    "body, code", [(DEEP, "JSON_TOO_DEEP"), (HUGE, "NUMBER_TOO_LARGE"), ('{"a": NaN}', "NUMBER_TOO_LARGE")]
)
def test_every_endpoint_refuses_before_authentication_with_one_log_line(client, caplog, path, body, code):
    with caplog.at_level(logging.INFO):
        response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400, response.json
    assert response.json["code"] == code and response.json["message"]
    assert response.json["request_id"] == response.headers["X-Request-ID"]
    assert [r.getMessage() for r in caplog.records] == [f"refused JSON body: {code} (POST {path})"]
    assert not any(r.exc_info for r in caplog.records)


def test_a_body_that_is_not_json_keeps_its_answer(client):
    response = client.post("/api/v1/auth/login", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.json["code"] == "INVALID_JSON"
