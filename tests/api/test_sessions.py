"""Sessions that end (DESIGN §7b): a deactivated user or one with new roles is refused with the
old access token within seconds, through accounts' facts or the gateway's catch-up; a token
older than the maximum age is refused whatever its ``exp``.

The gateways here catch up once an hour unless a test says otherwise: within the deadline, only
the fact (or the catch-up at start and after a reconnection, where a test is about that) can
end a session."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy import select

from platform_shared.tables import outbox
from platform_shared.testing.tcpproxy import TcpProxy
from platform_shared.testing.waiting import wait_for

DEADLINE = 10.0  # "within seconds": the fact travels outbox → relay → broker → every gateway


@pytest.fixture
def gateway(make_gateway, client_of):
    """``gateway(**settings)`` → (ApiClient, its app) catching up once an hour."""

    def make(**settings):
        app = make_gateway(sessions_catch_up_interval=3600, **settings)
        return client_of(app), app

    return make


@pytest.fixture
def watched(gateway):
    return gateway()


def listening(client, app, tokens):
    """Make a first signed-in request (which starts the listener) and wait until it listens."""
    assert client.as_(tokens).get("/api/v1/me").status_code == 200
    watch = app.extensions["sessions"]
    # Connected, and caught up after connecting (at start and at the connection: two catch-ups);
    # the next one is an hour away, so what ends a session from now on is the fact.
    wait_for(lambda: watch.listener.connected and watch.catch_ups >= 2, message="the gateway to listen to accounts")
    return watch


def user_id(client, tokens):
    return client.as_(tokens).get("/api/v1/me").json["user"]["id"]


def refused(client, tokens, path="/api/v1/me", timeout=DEADLINE):
    """Poll ``path`` with the token until it is 401; the answer."""
    return wait_for(
        lambda: (r := client.as_(tokens).get(path)).status_code == 401 and r,
        timeout=timeout,
        message=f"{path} to refuse the old token",
    )


def claims(tokens):
    return jwt.decode(tokens["access_token"], options={"verify_signature": False})


def test_a_deactivated_users_old_token_is_refused_within_seconds(watched, login, relay):
    client, app = watched
    relay("accounts")
    member, admin = login("hanoi.member"), login("hanoi.admin")
    watch = listening(client, app, member)
    caught_up = watch.catch_ups
    patched = client.as_(admin).patch(f"/api/v1/users/{user_id(client, member)}", json={"status": "deactivated"})
    assert patched.status_code == 200
    answer = refused(client, member)
    assert answer.json["code"] == "SESSION_REVOKED"
    assert "đăng nhập lại" in answer.json["message"]
    assert watch.catch_ups == caught_up  # accounts' fact did it


def test_a_demoted_moderator_reads_no_pending_comments_with_the_old_token_nor_after_refresh(
    watched, login, relay, feedback_service
):
    client, app = watched
    relay("accounts")
    moderator, admin = login("hanoi.moderator"), login("hanoi.admin")
    listening(client, app, moderator)
    assert client.as_(moderator).get("/api/v1/comments").status_code == 200
    demoted = client.as_(admin).patch(f"/api/v1/users/{user_id(client, moderator)}", json={"roles": ["member"]})
    assert demoted.status_code == 200 and demoted.json["roles"] == ["member"]

    assert refused(client, moderator, "/api/v1/comments").json["code"] == "SESSION_REVOKED"
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": moderator["refresh_token"]})
    assert renewed.status_code == 200
    assert claims(renewed.json)["roles"] == ["member"] and claims(renewed.json)["sv"] > claims(moderator)["sv"]
    queue = client.as_(renewed.json).get("/api/v1/comments")
    assert queue.status_code == 403


def test_new_roles_for_one_user_leave_everyone_else_signed_in(watched, login, relay):
    client, app = watched
    relay("accounts")
    responder, member, admin = login("hanoi.responder"), login("hanoi.member"), login("hanoi.admin")
    listening(client, app, responder)
    changed = client.as_(admin).patch(f"/api/v1/users/{user_id(client, responder)}", json={"roles": ["member"]})
    assert changed.status_code == 200
    assert refused(client, responder).json["code"] == "SESSION_REVOKED"
    assert client.as_(member).get("/api/v1/me").status_code == 200
    assert client.as_(admin).get("/api/v1/me").status_code == 200


def test_a_token_older_than_the_maximum_age_is_refused_whatever_its_exp(api, login, token_keys_dir):
    from accounts.signing import Signer

    genuine = claims(login("hanoi.member"))
    signer = Signer(token_keys_dir, issuer=genuine["iss"], audience=genuine["aud"])

    def signed(**changes):
        return jwt.encode(
            dict(genuine, **changes),
            signer.keys[signer.current_kid],
            algorithm="EdDSA",
            headers={"kid": signer.current_kid, "typ": "at+jwt"},
        )

    now = datetime.now(UTC)
    two_hours_ago = int((now - timedelta(hours=2)).timestamp())
    in_ten_minutes = int((now + timedelta(minutes=10)).timestamp())
    old = api.as_(signed(iat=two_hours_ago, nbf=two_hours_ago, exp=in_ten_minutes)).get("/api/v1/me")
    assert old.status_code == 401 and old.json["code"] == "TOKEN_TOO_OLD"
    assert api.as_(signed(exp=in_ten_minutes)).get("/api/v1/me").status_code == 200


def test_the_maximum_age_is_a_setting(gateway, login):
    client, _ = gateway(max_token_age=0)
    answer = client.as_(login("hanoi.member")).get("/api/v1/me")
    assert answer.status_code == 401 and answer.json["code"] == "TOKEN_TOO_OLD"


def test_a_gateway_started_after_a_deactivation_refuses_the_token_from_its_first_request(gateway, api, login):
    """No relay runs: the fact is never published; the catch-up at start is what knows."""
    member, admin = login("hanoi.member"), login("hanoi.admin")
    member_id = user_id(api, member)
    assert api.as_(admin).patch(f"/api/v1/users/{member_id}", json={"status": "deactivated"}).status_code == 200
    fresh, _ = gateway()
    answer = fresh.as_(member).get("/api/v1/me")
    assert answer.status_code == 401 and answer.json["code"] == "SESSION_REVOKED"


def test_a_fact_published_while_the_listener_was_away_is_applied_by_the_catch_up_after_reconnection(
    gateway, api, login, relay, rabbit_config, databases
):
    proxy = TcpProxy()
    try:
        client, app = gateway(amqp_uri=proxy.uri(rabbit_config["AMQP_URI"]))
        member, admin = login("hanoi.member"), login("hanoi.admin")
        member_id = user_id(api, member)
        watch = listening(client, app, member)
        caught_up = watch.catch_ups
        proxy.cut()
        wait_for(lambda: not watch.listener.connected, message="the listener to lose the broker")

        relay("accounts")
        assert api.as_(admin).patch(f"/api/v1/users/{member_id}", json={"status": "deactivated"}).status_code == 200
        wait_for(lambda: published(databases, "accounts.user_sessions_revoked"), message="the fact to be published")

        proxy.restore()
        answer = refused(client, member, timeout=30)  # the listener's backoff is at most 10 s
        assert answer.json["code"] == "SESSION_REVOKED"
        assert watch.catch_ups > caught_up
    finally:
        proxy.close()


def published(databases, event_type):
    with databases.sessions("accounts").read() as session:
        return session.execute(
            select(outbox.c.published_at).where(outbox.c.event_type == event_type, outbox.c.published_at.is_not(None))
        ).first()
