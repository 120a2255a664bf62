"""Sessions that end, in the accounts use cases (embedded SQLite, a frozen clock, a real signer):
the session version in access tokens, the facts the gateway applies, its catch-up RPC, and the
absolute age of a refresh-token session."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy import select

from accounts.operations import Accounts, Settings
from accounts.passwords import Passwords
from accounts.signing import Signer, generate_key
from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import FrozenClock
from platform_shared.contracts import accounts as events
from platform_shared.database import SessionFactory, make_engine
from platform_shared.errors import Forbidden, InvalidInput, Unauthorized
from platform_shared.manifest import manifests
from platform_shared.migrations import upgrade
from platform_shared.tables import outbox

PASSWORD = "Mat-khau-rieng-2026"
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def sessions(tmp_path):
    (manifest,) = manifests(["accounts"])
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    upgrade(manifest.migrations_dir, url)
    factory = SessionFactory(make_engine(url))
    yield factory
    factory.dispose()


@pytest.fixture
def clock():
    return FrozenClock(START)


@pytest.fixture
def app(sessions, clock, tmp_path):
    keys = tmp_path / "keys"
    generate_key(keys, "2026-12-01")
    return Accounts(
        sessions,
        signer=Signer(keys, issuer="https://congdoan.vn/accounts", audience="congdoan-portal"),
        passwords=Passwords(19456, 2, 1),
        settings=Settings(refresh_ttl_days=30, refresh_session_max_days=90),
        clock=clock,
    )


@pytest.fixture
def tenant(app):
    tld = app.create_tenant(
        SYSTEM, {"code": "TLD", "name": "Tổng Liên đoàn", "kind": "confederation", "parent_id": None}
    )
    return app.create_tenant(
        SYSTEM, {"code": "HN", "name": "Hà Nội", "kind": "provincial_federation", "parent_id": str(tld.id)}
    )


@pytest.fixture
def person(app, tenant):
    """``person("an", ["moderator"])`` → the id of an active user who can sign in with PASSWORD."""

    def make(name, roles):
        invited = app.invite_user(
            SYSTEM,
            {"tenant_id": str(tenant.id), "email": f"{name}@hn.vn", "full_name": f"Người {name}", "roles": roles},
        )
        app.activate(Actor.anonymous(), invited["activation_token"], PASSWORD)
        return str(invited["user"].id)

    return make


def claims(tokens):
    return jwt.decode(tokens["access_token"], options={"verify_signature": False})


def login(app, username):
    return app.login(Actor.anonymous(), username, PASSWORD, "127.0.0.1")


def facts(sessions, event_type):
    with sessions.read() as session:
        rows = session.execute(select(outbox.c.payload).where(outbox.c.event_type == event_type)).scalars().all()
    return [events.SCHEMAS[event_type]().load(row) for row in rows]


def test_an_access_token_carries_the_users_session_version(app, person):
    person("an", ["member"])
    assert claims(login(app, "an@hn.vn"))["sv"] == 1


def test_new_roles_end_the_sessions_and_the_next_refresh_carries_them(app, person, sessions):
    user_id = person("an", ["moderator"])
    tokens = login(app, "an@hn.vn")
    app.update_user(SYSTEM, user_id, {"roles": ["member"]})
    (fact,) = facts(sessions, events.USER_SESSIONS_REVOKED)
    assert (fact["user_id"], fact["session_version"], fact["reason"]) == (user_id, 2, "roles_changed")
    refreshed = claims(app.refresh(Actor.anonymous(), tokens["refresh_token"]))
    assert (refreshed["roles"], refreshed["sv"]) == (["member"], 2)


def test_the_same_roles_again_end_no_session(app, person, sessions):
    user_id = person("an", ["moderator", "member"])
    app.update_user(SYSTEM, user_id, {"roles": ["member", "moderator"], "full_name": "Người An"})
    assert facts(sessions, events.USER_SESSIONS_REVOKED) == []


def test_deactivation_ends_the_sessions_and_revokes_the_refresh_tokens(app, person, sessions):
    user_id = person("an", ["member"])
    tokens = login(app, "an@hn.vn")
    app.update_user(SYSTEM, user_id, {"status": "deactivated"})
    (fact,) = facts(sessions, events.USER_SESSIONS_REVOKED)
    assert (fact["session_version"], fact["reason"]) == (2, "deactivated")
    with pytest.raises(Unauthorized):
        app.refresh(Actor.anonymous(), tokens["refresh_token"])


def test_the_catch_up_lists_what_ended_since_a_time(app, person, clock):
    first, second = person("an", ["member"]), person("binh", ["moderator"])
    app.update_user(SYSTEM, first, {"status": "deactivated"})
    clock.advance(timedelta(minutes=10))
    app.update_user(SYSTEM, second, {"roles": ["member"]})
    app.update_user(SYSTEM, second, {"roles": ["responder"]})

    since = (START + timedelta(minutes=5)).isoformat()
    answer = app.list_session_revocations(SYSTEM, since)
    assert answer["as_of"] == clock.now().isoformat()
    assert [(u["user_id"], u["session_version"]) for u in answer["users"]] == [(second, 3)]
    everything = app.list_session_revocations(SYSTEM, START.isoformat())
    assert {u["user_id"] for u in everything["users"]} == {first, second}


def test_the_catch_up_answers_the_system_actor_only(app, person):
    admin = Actor("u", "t", frozenset({"platform_admin"}))
    with pytest.raises(Forbidden):
        app.list_session_revocations(admin, START.isoformat())
    with pytest.raises(Forbidden):
        app.list_session_revocations(Actor.anonymous(), START.isoformat())


@pytest.mark.parametrize("since", ["2026-12-01T08:00:00", "yesterday", None, 5])
def test_the_catch_up_needs_a_time_with_an_offset(app, since):
    with pytest.raises(InvalidInput):
        app.list_session_revocations(SYSTEM, since)


def test_a_suspension_and_a_merge_end_the_tenants_sessions(app, tenant, sessions, clock):
    def federation(code, name):
        data = {"code": code, "name": name, "kind": "provincial_federation", "parent_id": str(tenant.parent_id)}
        return app.create_tenant(SYSTEM, data)

    suspended, into = federation("QN", "Quảng Ninh"), federation("DN", "Đà Nẵng")
    app.update_tenant(SYSTEM, str(suspended.id), {"status": "suspended"})
    clock.advance(timedelta(seconds=1))
    app.merge_tenant(SYSTEM, str(tenant.id), {"into": str(into.id)})
    ended = facts(sessions, events.TENANT_SESSIONS_REVOKED)
    assert [(f["tenant_id"], f["reason"]) for f in ended] == [
        (str(suspended.id), "tenant_suspended"),
        (str(tenant.id), "tenant_merged"),
    ]
    answer = app.list_session_revocations(SYSTEM, START.isoformat())
    assert {t["tenant_id"] for t in answer["tenants"]} == {str(suspended.id), str(tenant.id)}


def test_a_refresh_session_ends_at_its_maximum_age_however_often_it_is_refreshed(app, person, clock):
    person("an", ["member"])
    tokens = login(app, "an@hn.vn")
    for _ in range(3):  # every 29 days: each refresh token is used well within its 30 days
        clock.advance(timedelta(days=29))
        tokens = app.refresh(Actor.anonymous(), tokens["refresh_token"])
    clock.advance(timedelta(days=4))  # 91 days after sign-in
    with pytest.raises(Unauthorized) as refused:
        app.refresh(Actor.anonymous(), tokens["refresh_token"])
    assert refused.value.code == "REFRESH_TOKEN_INVALID"
