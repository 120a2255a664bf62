"""The gateway's table of ended sessions (``gateway.revocations``), on its own with a fake clock."""

import pytest

from gateway.revocations import RevocationTable
from platform_shared.errors import Unauthorized
from platform_shared.testing.contracts import example

NOW = 1_800_000_000.0
MAX_AGE = 960


class Clock:
    def __init__(self, at=NOW):
        self.at = at

    def __call__(self):
        return self.at


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def table(clock):
    return RevocationTable(MAX_AGE, clock=clock)


def token(user="u1", tenant="t1", sv=1, iat=NOW - 10):
    return {"sub": user, "tenant_id": tenant, "sv": sv, "iat": int(iat), "roles": ["member"]}


def refused(table, claims):
    with pytest.raises(Unauthorized) as error:
        table.check(claims)
    return error.value.code


def test_a_token_of_a_user_with_no_ended_session_passes(table):
    table.check(token())


def test_a_token_below_the_users_session_version_is_refused(table):
    table.revoke_user("u1", 2, NOW - 5)
    assert refused(table, token(sv=1)) == "SESSION_REVOKED"
    table.check(token(sv=2))


def test_a_token_without_a_session_version_counts_as_version_zero(table):
    claims = token()
    del claims["sv"]
    table.check(claims)
    table.revoke_user("u1", 1, NOW)
    assert refused(table, claims) == "SESSION_REVOKED"


def test_ending_one_users_sessions_leaves_the_others_alone(table):
    table.revoke_user("u1", 5, NOW)
    table.check(token(user="u2", sv=1))


def test_a_lower_version_heard_late_does_not_lower_the_minimum(table):
    table.revoke_user("u1", 3, NOW)
    table.revoke_user("u1", 2, NOW - 60)  # an older fact arriving after a newer catch-up
    assert refused(table, token(sv=2)) == "SESSION_REVOKED"


def test_a_tenants_tokens_issued_until_its_cut_off_are_refused(table):
    table.revoke_tenant("t1", NOW - 100.5)
    assert refused(table, token(iat=NOW - 200)) == "SESSION_REVOKED"
    assert refused(table, token(iat=NOW - 101)) == "SESSION_REVOKED"  # the same second, so issued before
    table.check(token(iat=NOW - 100))
    table.check(token(tenant="t2", iat=NOW - 200))


def test_a_token_older_than_the_maximum_age_is_refused_whatever_its_exp(table):
    claims = dict(token(iat=NOW - MAX_AGE - 1), exp=int(NOW + 3600))
    assert refused(table, claims) == "TOKEN_TOO_OLD"
    table.check(token(iat=NOW - MAX_AGE + 1))


def test_a_token_without_an_issue_time_is_refused(table):
    claims = token()
    claims["iat"] = "yesterday"
    assert refused(table, claims) == "TOKEN_TOO_OLD"


def test_entries_are_forgotten_once_every_token_they_refuse_is_too_old(table, clock):
    table.revoke_user("u1", 2, NOW)
    table.revoke_tenant("t1", NOW)
    clock.at = NOW + MAX_AGE + 30  # within the margin: kept
    assert table.forget_old() == 0 and len(table) == 2
    clock.at = NOW + MAX_AGE + 61
    assert table.forget_old() == 2 and len(table) == 0
    # what they refused is refused by its age now
    assert refused(table, token(sv=1, iat=NOW - 1)) == "TOKEN_TOO_OLD"


def test_the_facts_accounts_publishes_are_applied(table):
    user = example(
        "accounts.user_sessions_revoked",
        user_id="u1",
        session_version=4,
        revoked_at="2027-01-15T08:00:00+00:00",
    )
    tenant = example("accounts.tenant_sessions_revoked", tenant_id="t9", revoked_at="2027-01-15T15:00:00+07:00")
    assert table.apply_event(user) and table.apply_event(tenant)
    assert refused(table, token(sv=3)) == "SESSION_REVOKED"
    assert refused(table, token(tenant="t9", user="u5", iat=NOW - 100)) == "SESSION_REVOKED"
    assert not table.apply_event(example("accounts.user_created"))
    assert not table.apply_event(None)


def test_a_catch_up_answer_is_applied(table):
    table.apply_catch_up(
        {
            "as_of": "2027-01-15T08:00:00+00:00",
            "users": [
                {"user_id": "u1", "tenant_id": "t1", "session_version": 2, "revoked_at": "2027-01-15T07:59:00+00:00"}
            ],
            "tenants": [{"tenant_id": "t3", "revoked_at": "2027-01-15T07:59:00+00:00"}],
        }
    )
    assert refused(table, token(sv=1)) == "SESSION_REVOKED"
    assert refused(table, token(user="u7", tenant="t3", iat=NOW - 500)) == "SESSION_REVOKED"
