"""The gateway's catch-up of ended sessions (``gateway.sessions.SessionWatch``) without a broker:
the listener is replaced by a stand-in, accounts' RPC by a function that answers as it does."""

from datetime import UTC, datetime

import pytest

from gateway.sessions import CATCH_UP_MARGIN, SessionWatch
from platform_shared.errors import Unauthorized, Unavailable

NOW = 1_800_000_000.0  # 2027-01-15T08:00:00Z
MAX_AGE = 960


class Listener:
    connected = True

    def ensure_started(self):
        pass

    def close(self):
        pass


class Accounts:
    """Answers ``list_session_revocations`` with what it is given; remembers each ``since``."""

    def __init__(self):
        self.asked, self.users, self.failing = [], [], False

    def __call__(self, since):
        self.asked.append(datetime.fromisoformat(since).timestamp())
        if self.failing:
            raise Unavailable("accounts is away")
        return {"as_of": datetime.fromtimestamp(NOW, UTC).isoformat(), "users": self.users, "tenants": []}


@pytest.fixture
def accounts():
    return Accounts()


@pytest.fixture
def watch(accounts):
    watch = SessionWatch("amqp://guest:guest@127.0.0.1:1//", accounts, max_age=MAX_AGE, wait=0.2, clock=lambda: NOW)
    watch.listener = Listener()
    watch.ensure_started = lambda: None  # no thread: the tests call catch_up themselves
    yield watch
    watch.close()


def token(sv=1):
    return {"sub": "u1", "tenant_id": "t1", "sv": sv, "iat": int(NOW) - 10, "roles": ["member"]}


def test_nothing_is_let_through_before_the_first_catch_up(watch):
    with pytest.raises(Unavailable) as error:
        watch.check(token())
    assert error.value.code == "SESSIONS_UNKNOWN"
    watch.catch_up()
    watch.check(token())


def test_the_first_catch_up_asks_for_everything_within_the_maximum_age(watch, accounts):
    watch.catch_up()
    assert accounts.asked == [NOW - MAX_AGE - CATCH_UP_MARGIN]


def test_each_catch_up_asks_from_the_last_answer_less_a_margin(watch, accounts):
    watch.catch_up()
    watch.catch_up()
    assert accounts.asked[1] == NOW - CATCH_UP_MARGIN


def test_what_the_catch_up_brings_is_refused(watch, accounts):
    at = datetime.fromtimestamp(NOW - 5, UTC).isoformat()
    accounts.users = [{"user_id": "u1", "tenant_id": "t1", "session_version": 2, "revoked_at": at}]
    watch.catch_up()
    with pytest.raises(Unauthorized) as error:
        watch.check(token(sv=1))
    assert error.value.code == "SESSION_REVOKED"
    watch.check(token(sv=2))


def test_a_failed_catch_up_keeps_what_is_known_and_is_retried_sooner_and_sooner_no_longer(watch, accounts):
    watch.interval = 30
    watch.catch_up()
    accounts.failing = True
    waits = []
    for _ in range(7):
        watch._try_catch_up()
        waits.append(watch.next_wait())
    assert waits == [1, 2, 4, 8, 16, 30, 30]
    assert watch.ready.is_set() and accounts.asked[-1] == NOW - CATCH_UP_MARGIN  # from the last answer
    accounts.failing = False
    watch._try_catch_up()
    assert watch.next_wait() == 30


def test_while_facts_are_not_heard_the_catch_up_comes_every_few_seconds(watch):
    watch.interval = 30
    watch.catch_up()
    assert watch.next_wait() == 30
    watch.listener.connected = False
    assert watch.next_wait() == 5


def test_an_unreadable_fact_is_ignored(watch):
    watch._on_event({"event_type": "accounts.user_sessions_revoked", "user_id": "u1"})
    watch._on_event("not json")
    assert len(watch.table) == 0
