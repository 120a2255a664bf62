"""Changing one's password (``POST /api/v1/auth/password``), through the gateway over the real
accounts service: the caller gets a new pair that works; every other session of the account ends
— its access tokens are refused within seconds (401 ``SESSION_REVOKED``, through accounts' fact,
as in test_sessions.py), its refresh tokens at once —; the old password stops signing in. A
refused change changes nothing, and a wrong current password counts like a failed sign-in."""

import jwt
import pytest

from platform_shared.testing.waiting import wait_for

PASSWORD_PATH = "/api/v1/auth/password"
NEW = "Mat-khau-moi-cua-toi-2027"
DEADLINE = 10.0  # "within seconds": outbox → relay → broker → the gateway


@pytest.fixture
def watched(make_gateway, client_of):
    """A gateway that catches up once an hour: within the deadline only accounts' fact ends a session."""
    app = make_gateway(sessions_catch_up_interval=3600)
    return client_of(app), app


def listening(client, app, tokens):
    assert client.as_(tokens).get("/api/v1/me").status_code == 200
    watch = app.extensions["sessions"]
    wait_for(lambda: watch.listener.connected and watch.catch_ups >= 2, message="the gateway to listen to accounts")
    return watch


def refused(client, tokens, timeout=DEADLINE):
    return wait_for(
        lambda: (r := client.as_(tokens).get("/api/v1/me")).status_code == 401 and r,
        timeout=timeout,
        message="/api/v1/me to refuse the old token",
    )


def change(client, tokens, current, new=NEW, **extra):
    return client.as_(tokens).post(PASSWORD_PATH, json={"current_password": current, "new_password": new, **extra})


def sign_in(api, username, password):
    return api.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_a_change_answers_a_working_pair_and_ends_every_other_session(watched, relay, demo):
    client, app = watched
    relay("accounts")
    laptop = client.login("hanoi.member", demo["demo"])
    phone = client.login("hanoi.member", demo["demo"])
    watch = listening(client, app, phone)
    caught_up = watch.catch_ups

    answer = change(client, laptop, demo["demo"], refresh_token=laptop["refresh_token"])
    assert answer.status_code == 200, answer.json
    pair = answer.json
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == 900

    for old in (phone, laptop):
        ended = refused(client, old)
        assert ended.json["code"] == "SESSION_REVOKED"
        assert "đăng nhập lại" in ended.json["message"]
    assert watch.catch_ups == caught_up  # accounts' fact did it
    me = client.as_(pair).get("/api/v1/me")
    assert me.status_code == 200 and me.json["user"]["username"] == "hanoi.member"
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    assert claims["sv"] > jwt.decode(phone["access_token"], options={"verify_signature": False})["sv"]

    for old in (phone, laptop):
        stale = client.post("/api/v1/auth/refresh", json={"refresh_token": old["refresh_token"]})
        assert stale.status_code == 401 and stale.json["code"] == "REFRESH_TOKEN_INVALID"
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert renewed.status_code == 200
    assert client.as_(renewed.json).get("/api/v1/me").status_code == 200


def test_the_old_password_no_longer_signs_in_and_the_new_one_does(api, login, demo):
    assert change(api, login("hanoi.member"), demo["demo"]).status_code == 200
    old = sign_in(api, "hanoi.member", demo["demo"])
    assert old.status_code == 401 and old.json["code"] == "INVALID_CREDENTIALS"
    assert sign_in(api, "hanoi.member", NEW).status_code == 200


def test_a_wrong_current_password_is_422_on_its_field_and_changes_nothing(api, login, demo):
    tokens = login("hanoi.member")
    answer = change(api, tokens, "khong-phai-mat-khau-nay")
    assert answer.status_code == 422
    assert answer.json["code"] == "CURRENT_PASSWORD_WRONG"
    assert answer.json["errors"] == {"current_password": ["Mật khẩu hiện tại không đúng."]}
    assert api.as_(tokens).get("/api/v1/me").status_code == 200
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 200
    assert sign_in(api, "hanoi.member", demo["demo"]).status_code == 200
    assert sign_in(api, "hanoi.member", NEW).status_code == 401


@pytest.mark.parametrize(
    "new_password, code, says",
    [
        ("ngan", "WEAK_PASSWORD", "ít nhất 8 ký tự"),
        ("matkhau123", "WEAK_PASSWORD", "quá phổ biến"),
        ("hanoi.member", "WEAK_PASSWORD", "trùng với tên đăng nhập"),
        (None, "PASSWORD_UNCHANGED", "khác mật khẩu hiện tại"),
    ],
)
def test_a_new_password_the_policy_refuses_is_422_on_its_field(api, login, demo, new_password, code, says):
    tokens = login("hanoi.member")
    answer = change(api, tokens, demo["demo"], new_password or demo["demo"])
    assert answer.status_code == 422
    assert answer.json["code"] == code
    assert list(answer.json["errors"]) == ["new_password"]
    assert any(says in problem for problem in answer.json["errors"]["new_password"])
    assert api.as_(tokens).get("/api/v1/me").status_code == 200
    assert sign_in(api, "hanoi.member", demo["demo"]).status_code == 200


def test_anonymous_is_401_before_the_body_is_read(api, accounts_service):
    for body in ({"current_password": "a", "new_password": NEW}, {"unexpected": 1}, {}):
        answer = api.post(PASSWORD_PATH, json=body)
        assert answer.status_code == 401 and answer.json["code"] == "LOGIN_REQUIRED"
        assert "Bearer" in answer.headers["WWW-Authenticate"]


def test_a_body_without_the_passwords_is_422_naming_them(api, login):
    answer = api.as_(login("hanoi.member")).post(PASSWORD_PATH, json={})
    assert answer.status_code == 422
    assert {"current_password", "new_password"} <= set(answer.json["errors"])


def test_another_users_sessions_are_unaffected(watched, relay, demo):
    client, app = watched
    relay("accounts")
    member = client.login("hanoi.member", demo["demo"])
    admin = client.login("hanoi.admin", demo["demo"])
    listening(client, app, admin)
    assert change(client, member, demo["demo"]).status_code == 200
    assert refused(client, member).json["code"] == "SESSION_REVOKED"
    assert client.as_(admin).get("/api/v1/me").status_code == 200
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": admin["refresh_token"]})
    assert renewed.status_code == 200
    assert sign_in(client, "hanoi.admin", demo["demo"]).status_code == 200


def test_wrong_current_passwords_lock_the_account_like_failed_sign_ins(api, login, demo):
    tokens = login("hanoi.member")
    for _ in range(5):
        assert change(api, tokens, "khong-phai-mat-khau-nay").status_code == 422
    locked = change(api, tokens, demo["demo"])
    assert locked.status_code == 429 and locked.json["code"] == "PASSWORD_CHANGE_THROTTLED"
    assert 0 < int(locked.headers["Retry-After"]) <= 900
    assert sign_in(api, "hanoi.member", demo["demo"]).status_code == 429


def test_the_document_describes_the_operation(api):
    operation = api.get("/api/v1/openapi.json").json["paths"][PASSWORD_PATH]["post"]
    assert operation["security"] == [{"bearer": []}]
    assert {"200", "401", "422", "429"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/ChangePasswordRequest")
