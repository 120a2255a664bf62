"""The gateway under hostile input, with the real accounts service behind it: bodies that used
to crash the JSON parser before authentication, and the security headers of every answer."""

import pytest

DEEP = "[" * 100_000 + "]" * 100_000
HUGE_NUMBER = '{"username": "hanoi.admin", "password": ' + "9" * 5000 + "}"
NOT_A_NUMBER = '{"username": "hanoi.admin", "password": NaN}'

HOSTILE = [
    pytest.param(DEEP, "JSON_TOO_DEEP", id="deep"),
    pytest.param(HUGE_NUMBER, "NUMBER_TOO_LARGE", id="huge-number"),
    pytest.param(NOT_A_NUMBER, "NUMBER_TOO_LARGE", id="nan"),
]


@pytest.mark.parametrize("body, code", HOSTILE)
def test_login_refuses_hostile_json_with_400_and_still_works(api, demo, body, code):
    response = api.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert response.status_code == 400, response.json
    assert response.json["code"] == code
    assert set(response.json) == {"code", "message", "request_id"}
    ok = api.post("/api/v1/auth/login", json={"username": "hanoi.admin", "password": "Mat-khau-2026"})
    assert ok.status_code in (200, 401)  # the gateway is still answering normally


@pytest.mark.parametrize("path", ["/api/v1/articles", "/api/v1/polls", "/api/v1/sections", "/api/v1/units"])
@pytest.mark.parametrize("body, code", HOSTILE)
def test_an_authenticated_post_refuses_hostile_json_with_400(api, login, path, body, code):
    response = api.as_(login("hanoi.admin")).post(path, data=body, content_type="application/json")
    assert response.status_code == 400, response.json
    assert response.json["code"] == code and response.json["message"]


def test_a_sane_body_after_hostile_ones_is_handled_normally(api, login):
    client = api.as_(login("hanoi.admin"))
    assert client.post("/api/v1/units", data=DEEP, content_type="application/json").status_code == 400
    created = client.post("/api/v1/units", json={"name": "Công đoàn cơ sở sau thử nghiệm"})
    assert created.status_code == 201, created.json
