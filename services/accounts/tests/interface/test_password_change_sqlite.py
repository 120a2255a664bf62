"""Changing one's password, in the accounts use cases (embedded SQLite, a frozen clock, a real
signer): the new hash, every session ended (new session version and its fact, every refresh
token revoked), a new pair for the caller, and sign-in's brute-force limits."""

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy import select

from accounts.models import RefreshToken, User
from accounts.operations import Accounts, Settings
from accounts.passwords import Passwords
from accounts.signing import Signer, generate_key
from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import FrozenClock
from platform_shared.contracts import accounts as events
from platform_shared.database import SessionFactory, make_engine
from platform_shared.errors import Conflict, Forbidden, InvalidInput, RateLimited, Unauthorized
from platform_shared.manifest import manifests
from platform_shared.migrations import upgrade
from platform_shared.tables import outbox

PASSWORD = "Mat-khau-rieng-2026"
NEW = "Mat-khau-moi-2027"
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


class Offload:
    """Runs inline; ``before_hash`` runs just before the new password is hashed."""

    def __init__(self):
        self.before_hash = None

    def __call__(self, fn, *args):
        if getattr(fn, "__name__", "") == "hash" and self.before_hash is not None:
            self.before_hash()
        return fn(*args)


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
def offload():
    return Offload()


@pytest.fixture
def app(sessions, clock, offload, tmp_path):
    keys = tmp_path / "keys"
    generate_key(keys, "2026-12-01")
    return Accounts(
        sessions,
        signer=Signer(keys, issuer="https://congdoan.vn/accounts", audience="congdoan-portal"),
        passwords=Passwords(19456, 2, 1),
        settings=Settings(max_failures_account=5, max_failures_address=30, window_seconds=900),
        clock=clock,
        offload=offload,
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
    """``person("an")`` → the actor of an active member who signs in with PASSWORD as an@hn.vn."""

    def make(name, roles=("member",)):
        invited = app.invite_user(
            SYSTEM,
            {"tenant_id": str(tenant.id), "email": f"{name}@hn.vn", "full_name": f"Người {name}", "roles": list(roles)},
        )
        app.activate(Actor.anonymous(), invited["activation_token"], PASSWORD)
        user = invited["user"]
        return Actor(str(user.id), str(user.tenant_id), frozenset(roles))

    return make


def login(app, username, password=PASSWORD, address="127.0.0.1"):
    return app.login(Actor.anonymous(), username, password, address)


def claims(tokens):
    return jwt.decode(tokens["access_token"], options={"verify_signature": False})


def facts(sessions, event_type):
    with sessions.read() as session:
        rows = session.execute(select(outbox.c.payload).where(outbox.c.event_type == event_type)).scalars().all()
    return [events.SCHEMAS[event_type]().load(row) for row in rows]


def stored(sessions, model, **where):
    with sessions.read() as session:
        return session.scalars(select(model).filter_by(**where)).all()


def test_a_change_ends_every_session_and_answers_a_new_pair(app, person, sessions):
    an = person("an")
    laptop, phone = login(app, "an@hn.vn"), login(app, "an@hn.vn")
    tokens = app.change_password(an, PASSWORD, NEW)

    assert set(tokens) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert claims(tokens)["sv"] == claims(laptop)["sv"] + 1 == 2
    (fact,) = facts(sessions, events.USER_SESSIONS_REVOKED)
    assert (fact["user_id"], fact["session_version"], fact["reason"]) == (an.user_id, 2, "password_changed")
    for old in (laptop, phone):
        with pytest.raises(Unauthorized):
            app.refresh(Actor.anonymous(), old["refresh_token"])
    assert claims(app.refresh(Actor.anonymous(), tokens["refresh_token"]))["sv"] == 2


def test_the_new_password_signs_in_and_the_old_one_does_not(app, person, sessions):
    an = person("an")
    before = stored(sessions, User, username="an@hn.vn")[0].password_hash
    app.change_password(an, PASSWORD, NEW)
    after = stored(sessions, User, username="an@hn.vn")[0].password_hash
    assert after != before and after.startswith("$argon2id$")
    with pytest.raises(Unauthorized):
        login(app, "an@hn.vn")
    assert login(app, "an@hn.vn", NEW)["access_token"]


def test_a_wrong_current_password_changes_nothing(app, person, sessions):
    an = person("an")
    tokens = login(app, "an@hn.vn")
    with pytest.raises(InvalidInput) as refused:
        app.change_password(an, "Doan-bua-2026", NEW)
    assert refused.value.code == "CURRENT_PASSWORD_WRONG"
    assert list(refused.value.details["errors"]) == ["current_password"]
    assert facts(sessions, events.USER_SESSIONS_REVOKED) == []
    assert app.refresh(Actor.anonymous(), tokens["refresh_token"])
    assert login(app, "an@hn.vn")


@pytest.mark.parametrize("new_password, code", [("ngan", "WEAK_PASSWORD"), (PASSWORD, "PASSWORD_UNCHANGED")])
def test_a_refused_new_password_changes_nothing_and_is_not_a_failed_sign_in(app, person, sessions, new_password, code):
    an = person("an")
    for _ in range(6):  # more than the account's limit: none of these counts
        with pytest.raises(InvalidInput) as refused:
            app.change_password(an, PASSWORD, new_password)
        assert refused.value.code == code and list(refused.value.details["errors"]) == ["new_password"]
    assert facts(sessions, events.USER_SESSIONS_REVOKED) == []
    assert login(app, "an@hn.vn")


def test_wrong_current_passwords_count_toward_sign_ins_limit(app, person):
    an = person("an")
    for _ in range(5):
        with pytest.raises(InvalidInput):
            app.change_password(an, "Doan-bua-2026", NEW, client_address="203.0.113.7")
    with pytest.raises(RateLimited) as locked:
        app.change_password(an, PASSWORD, NEW)
    assert locked.value.code == "PASSWORD_CHANGE_THROTTLED" and 0 < locked.value.retry_after <= 900
    with pytest.raises(RateLimited) as sign_in:
        login(app, "an@hn.vn", address="198.51.100.1")
    assert sign_in.value.code == "LOGIN_THROTTLED"


def test_failed_sign_ins_lock_the_password_change_too(app, person):
    an = person("an")
    for _ in range(5):
        with pytest.raises(Unauthorized):
            login(app, "an@hn.vn", "Doan-bua-2026")
    with pytest.raises(RateLimited):
        app.change_password(an, PASSWORD, NEW)


def test_a_change_forgets_the_accounts_failed_attempts(app, person):
    an = person("an")
    for _ in range(4):
        with pytest.raises(InvalidInput):
            app.change_password(an, "Doan-bua-2026", NEW)
    app.change_password(an, PASSWORD, NEW)  # success forgets the account's failures, as a sign-in does
    for _ in range(4):
        with pytest.raises(Unauthorized):
            login(app, "an@hn.vn", "Doan-bua-2026")
    assert login(app, "an@hn.vn", NEW)


def test_a_deactivated_user_cannot_change_a_password(app, person):
    an = person("an")
    app.update_user(SYSTEM, an.user_id, {"status": "deactivated"})
    with pytest.raises(Forbidden) as refused:
        app.change_password(an, PASSWORD, NEW)
    assert refused.value.code == "ACCOUNT_DEACTIVATED"


def test_the_system_and_anonymous_cannot_change_a_password(app, person):
    person("an")
    with pytest.raises(Forbidden) as system:
        app.change_password(SYSTEM, PASSWORD, NEW)
    assert system.value.code == "PERSONAL_ACCOUNT_REQUIRED"
    with pytest.raises(Unauthorized) as anonymous:
        app.change_password(Actor.anonymous(), PASSWORD, NEW)
    assert anonymous.value.code == "LOGIN_REQUIRED"


def test_another_users_sessions_are_untouched(app, person, sessions):
    an = person("an")
    person("binh")
    theirs = login(app, "binh@hn.vn")
    app.change_password(an, PASSWORD, NEW)
    assert [f["user_id"] for f in facts(sessions, events.USER_SESSIONS_REVOKED)] == [an.user_id]
    assert claims(app.refresh(Actor.anonymous(), theirs["refresh_token"]))["sv"] == 1
    assert login(app, "binh@hn.vn")


def test_the_callers_refresh_token_keeps_its_sign_in_time(app, person, sessions, clock):
    an = person("an")
    tokens = login(app, "an@hn.vn")
    clock.advance(timedelta(days=10))
    app.change_password(an, PASSWORD, NEW, refresh_token=tokens["refresh_token"])
    live = [t for t in stored(sessions, RefreshToken, user_id=uuid_of(an)) if t.revoked_at is None]
    assert [t.session_started_at for t in live] == [START]


def test_with_someone_elses_refresh_token_the_new_session_starts_now(app, person, sessions, clock):
    an = person("an")
    person("binh")
    theirs = login(app, "binh@hn.vn")
    clock.advance(timedelta(days=10))
    app.change_password(an, PASSWORD, NEW, refresh_token=theirs["refresh_token"])
    live = [t for t in stored(sessions, RefreshToken, user_id=uuid_of(an)) if t.revoked_at is None]
    assert [t.session_started_at for t in live] == [START + timedelta(days=10)]
    assert app.refresh(Actor.anonymous(), theirs["refresh_token"])  # Bình's token is not touched


def test_a_password_changed_meanwhile_elsewhere_is_a_conflict(app, person, offload, sessions):
    an = person("an")

    def changed_on_another_device():
        offload.before_hash = None
        app.change_password(an, PASSWORD, "Mat-khau-khac-2027")

    offload.before_hash = changed_on_another_device
    with pytest.raises(Conflict) as refused:
        app.change_password(an, PASSWORD, NEW)
    assert refused.value.code == "PASSWORD_CHANGED_ELSEWHERE"
    assert login(app, "an@hn.vn", "Mat-khau-khac-2027")
    assert len(facts(sessions, events.USER_SESSIONS_REVOKED)) == 1


def uuid_of(actor):
    return uuid.UUID(actor.user_id)
