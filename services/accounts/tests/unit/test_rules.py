"""Passwords, throttling, token states, tree moves, merges and roles."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from accounts import domain
from accounts.passwords import Passwords, common_passwords
from platform_shared.actor import SYSTEM, Actor
from platform_shared.errors import Conflict, Forbidden, InvalidInput

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "password, ok",
    [
        ("Lao-dong-vinh-quang-2026", True),
        ("x" * 64 + "Aa1", True),
        ("short1", False),
        ("password123", False),
        ("congdoan123", False),
        ("aaaaaaaaaaaa", False),
        ("nguyen.van.a", False),  # the user name itself
        ("y" * 129, False),
    ],
)
def test_password_policy(password, ok):
    problems = domain.password_problems(password, username="nguyen.van.a@example.vn", common=common_passwords())
    assert (problems == []) is ok, problems


def test_problems_are_in_vietnamese():
    assert "ít nhất 8 ký tự" in domain.password_problems("ngắn", common=frozenset())[0]


def test_argon2id_is_never_configured_below_owasp():
    with pytest.raises(ValueError):
        Passwords(memory_kib=8192, time_cost=1, parallelism=1)
    hasher = Passwords(memory_kib=19456, time_cost=2, parallelism=1)
    hashed = hasher.hash("Lao-dong-vinh-quang-2026")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify(hashed, "Lao-dong-vinh-quang-2026")
    assert not hasher.verify(hashed, "wrong")
    assert not hasher.verify(None, "anything")  # unknown user: same work, always False


def test_throttle_locks_at_the_limit_and_forgets_after_the_window():
    window = timedelta(minutes=15)
    state = None
    for i in range(4):
        state = domain.register_failure(state, NOW + timedelta(seconds=i), limit=5, window=window)
        assert domain.retry_after(state, NOW + timedelta(seconds=i)) == 0
    state = domain.register_failure(state, NOW + timedelta(seconds=5), limit=5, window=window)
    assert domain.retry_after(state, NOW + timedelta(seconds=5)) == 900
    assert domain.retry_after(state, NOW + timedelta(minutes=16)) == 0
    fresh = domain.register_failure(state, NOW + timedelta(minutes=40), limit=5, window=window)
    assert fresh.failures == 1


@dataclass
class Tok:
    revoked_at: object = None
    rotated_at: object = None
    expires_at: object = NOW + timedelta(days=1)
    used_at: object = None


@pytest.mark.parametrize(
    "token, outcome",
    [
        (Tok(), "ok"),
        (Tok(rotated_at=NOW), "reused"),
        (Tok(revoked_at=NOW), "revoked"),
        (Tok(expires_at=NOW), "expired"),
    ],
)
def test_refresh_token_states(token, outcome):
    assert domain.refresh_outcome(token, NOW) == outcome


@pytest.mark.parametrize(
    "token, outcome",
    [
        (None, "unknown"),
        (Tok(), "ok"),
        (Tok(used_at=NOW), "used"),
        (Tok(expires_at=NOW - timedelta(1)), "expired"),
    ],
)
def test_activation_token_states(token, outcome):
    assert domain.activation_outcome(token, NOW) == outcome


@dataclass
class Node:
    id: str
    path: str
    status: str = "active"
    kind: str = "provincial_federation"


def test_a_unit_cannot_move_into_its_own_branch():
    root = Node("r", "/r/")
    child = Node("c", "/r/c/")
    with pytest.raises(InvalidInput):
        domain.check_unit_move(root, child)
    with pytest.raises(InvalidInput):
        domain.check_unit_move(root, root)
    domain.check_unit_move(child, Node("o", "/o/"))


def test_merge_rules():
    hn, hcm, tld = Node("hn", "", kind="provincial_federation"), Node("hcm", ""), Node("tld", "", kind="confederation")
    domain.check_merge(hn, hcm, ancestors_of_into=["tld"])
    with pytest.raises(InvalidInput):
        domain.check_merge(hn, hn, [])
    with pytest.raises(InvalidInput):
        domain.check_merge(tld, hn, [])
    with pytest.raises(InvalidInput):
        domain.check_merge(hn, hcm, ancestors_of_into=["hn"])  # into its own descendant
    with pytest.raises(Conflict):
        domain.check_merge(Node("x", "", status="merged"), hcm, [])


def test_roles():
    admin = Actor("u", "t", frozenset({"tenant_admin"}))
    assert domain.check_roles(admin, ["editor", "contributor", "editor"], "newspaper") == ["contributor", "editor"]
    with pytest.raises(Forbidden):
        domain.check_roles(admin, ["platform_admin"], "department")
    with pytest.raises(InvalidInput):
        domain.check_roles(SYSTEM, ["platform_admin"], "provincial_federation")
    with pytest.raises(Conflict):
        domain.check_roles(admin, ["editor"], "newspaper", current=["tenant_admin"], target_is_self=True)
    with pytest.raises(InvalidInput):
        domain.check_roles(admin, [], "newspaper")


def test_in_office():
    assert domain.staff_in_office(date(2023, 1, 1), None, date(2026, 11, 26))
    assert not domain.staff_in_office(date(2023, 1, 1), date(2025, 12, 31), date(2026, 11, 26))
    assert not domain.staff_in_office(date(2027, 1, 1), None, date(2026, 11, 26))
