"""Signing in, tokens, refresh rotation, logout, activation, throttling — through the gateway."""

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest


def test_login_returns_a_bearer_pair_and_me_shows_the_user(api, login):
    tokens = login("hanoi.admin")
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900
    me = api.as_(tokens).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json["user"]["roles"] == ["tenant_admin"]
    assert me.json["tenant"]["name"] == "Liên đoàn Lao động thành phố Hà Nội"


def test_the_access_token_carries_the_claims_the_design_names(login):
    claims = jwt.decode(login("laodong.editor")["access_token"], options={"verify_signature": False})
    header = jwt.get_unverified_header(login("laodong.editor")["access_token"])
    assert header["alg"] == "EdDSA" and header["typ"] == "at+jwt" and header["kid"]
    assert {"iss", "aud", "typ", "exp", "sub", "tenant_id", "roles"} <= set(claims)
    assert claims["exp"] - claims["iat"] == 900
    assert claims["roles"] == ["editor"]


def test_wrong_password_and_unknown_user_look_the_same(api, demo):
    wrong = api.post("/api/v1/auth/login", json={"username": "hanoi.admin", "password": "not-it"})
    ghost = api.post("/api/v1/auth/login", json={"username": "nobody", "password": "not-it"})
    assert wrong.status_code == ghost.status_code == 401
    assert wrong.json["code"] == ghost.json["code"] == "INVALID_CREDENTIALS"
    assert wrong.json["message"] == "Sai tên đăng nhập hoặc mật khẩu."


def test_jwks_publishes_the_public_key_only(api, accounts_service):
    response = api.get("/api/v1/auth/jwks")
    assert response.status_code == 200
    (key,) = response.json["keys"]
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and key["alg"] == "EdDSA"
    assert "d" not in key  # no private part


def test_refresh_rotates_and_the_old_refresh_token_stops_working(api, login):
    first = login("hanoi.member")
    second = api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    assert second.json["refresh_token"] != first["refresh_token"]
    assert api.as_(second.json).get("/api/v1/me").status_code == 200


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(api, login):
    first = login("hanoi.member")
    second = api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).json
    replay = api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.json["code"] == "REFRESH_TOKEN_REUSED"
    # the legitimate holder's newer token died with the family
    after = api.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401


def test_logout_revokes_the_refresh_token(api, login):
    tokens = login("hanoi.member")
    assert api.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}).status_code == 204
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401


def test_a_deactivated_user_can_neither_log_in_nor_refresh(api, login, demo):
    member = login("hanoi.member")
    admin = login("hanoi.admin")
    me = api.as_(member).get("/api/v1/me").json["user"]
    response = api.as_(admin).patch(f"/api/v1/users/{me['id']}", json={"status": "deactivated"})
    assert response.status_code == 200 and response.json["status"] == "deactivated"
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": member["refresh_token"]}).status_code == 401
    relogin = api.post("/api/v1/auth/login", json={"username": "hanoi.member", "password": demo["demo"]})
    assert relogin.status_code == 403 and relogin.json["code"] == "ACCOUNT_DEACTIVATED"


def test_login_is_throttled_per_account_with_retry_after(api, demo):
    for _ in range(5):
        assert api.post("/api/v1/auth/login", json={"username": "danang.admin", "password": "x" * 9}).status_code == 401
    locked = api.post("/api/v1/auth/login", json={"username": "danang.admin", "password": demo["demo"]})
    assert locked.status_code == 429
    assert locked.json["code"] == "LOGIN_THROTTLED"
    assert 0 < int(locked.headers["Retry-After"]) <= 900
    # another account from the same address is not locked by this one
    assert api.post("/api/v1/auth/login", json={"username": "hanoi.admin", "password": demo["demo"]}).status_code == 200


def test_login_is_throttled_per_client_address(start_service, gateway_app, service_config, databases, client_of):
    start_service("accounts", LOGIN_MAX_FAILURES_PER_ADDRESS=3, LOGIN_MAX_FAILURES_PER_ACCOUNT=100)
    api = client_of(gateway_app)
    for i in range(3):
        api.client.post(
            "/api/v1/auth/login",
            json={"username": f"user{i}", "password": "x" * 9},
            environ_base={"REMOTE_ADDR": "203.0.113.7"},
        )
    blocked = api.client.post(
        "/api/v1/auth/login",
        json={"username": "user9", "password": "x" * 9},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    other = api.client.post(
        "/api/v1/auth/login",
        json={"username": "user9", "password": "x" * 9},
        environ_base={"REMOTE_ADDR": "198.51.100.1"},
    )
    assert other.status_code == 401


# -- forged tokens -----------------------------------------------------------------


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(token):
    return jwt.decode(token, options={"verify_signature": False})


def forgeries(token, token_keys_dir):
    """Tokens a client could send instead of a genuine one."""
    from accounts.signing import Signer

    header, payload, signature = token.split(".")
    claims = _claims(token)
    tampered = dict(claims, tenant_id="00000000-0000-0000-0000-000000000000")
    signer = Signer(token_keys_dir, issuer=claims["iss"], audience=claims["aud"])
    key = signer.keys[signer.current_kid]
    kid = signer.current_kid
    now = datetime.now(UTC)
    expired = dict(
        claims, iat=int((now - timedelta(hours=1)).timestamp()), exp=int((now - timedelta(minutes=30)).timestamp())
    )
    return {
        "alg_none": _b64({"alg": "none", "typ": "at+jwt", "kid": kid}) + "." + payload + ".",
        "wrong_signature": f"{header}.{payload}.{signature[::-1]}",
        "tampered_tenant": f"{header}.{_b64(tampered)}.{signature}",
        "expired": jwt.encode(expired, key, algorithm="EdDSA", headers={"kid": kid, "typ": "at+jwt"}),
        "other_audience": jwt.encode(
            dict(claims, aud="another-app"), key, algorithm="EdDSA", headers={"kid": kid, "typ": "at+jwt"}
        ),
        "hs256_with_public_key": jwt.encode(
            claims, signer.jwks()["keys"][0]["x"], algorithm="HS256", headers={"kid": kid, "typ": "at+jwt"}
        ),
        "garbage": "abc.def.ghi",
    }


@pytest.mark.parametrize(
    "kind",
    ["alg_none", "wrong_signature", "tampered_tenant", "expired", "other_audience", "hs256_with_public_key", "garbage"],
)
def test_forged_or_stale_tokens_are_401(api, login, token_keys_dir, kind):
    token = forgeries(login("hanoi.admin")["access_token"], token_keys_dir)[kind]
    response = api.as_(token).get("/api/v1/me")
    assert response.status_code == 401, response.json
    assert response.json["code"].startswith("TOKEN_")
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_a_malformed_authorization_header_is_401(api, accounts_service):
    response = api.get("/api/v1/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 401 and response.json["code"] == "TOKEN_MALFORMED"
    assert api.get("/api/v1/me").json["code"] == "LOGIN_REQUIRED"
