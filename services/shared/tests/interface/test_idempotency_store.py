"""The Idempotency-Key store: a repeat answers the first result, the key is committed with the
work, a key in use by another request or another attempt is refused; on PostgreSQL and SQLite."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from platform_shared import idempotency
from platform_shared.database import SessionFactory, before_commit, make_engine
from platform_shared.errors import BadRequest, Conflict, InvalidInput
from platform_shared.idempotency import Claim, IdempotencyStore, Replay
from platform_shared.tables import idempotency_key, outbox

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["postgresql", "sqlite"])
def sessions(request, databases):
    if request.param == "postgresql":
        yield databases.sessions("feedback")  # migrated to head: the table comes from its migration
        return
    factory = SessionFactory(make_engine("sqlite://"))
    idempotency_key.metadata.create_all(factory.engine, tables=[idempotency_key, outbox])
    yield factory
    factory.dispose()


def claim(key="k-1", body="a", caller="user-1", lease=timedelta(seconds=10), attempt=None):
    fingerprint = idempotency.fingerprint("POST", "/api/v1/questions", body.encode())
    return Claim.of(
        caller=caller,
        operation="feedback.ask_question",
        key=key,
        fingerprint=fingerprint,
        now=NOW,
        deadline=(NOW + lease).timestamp(),
        attempt=attempt,
    )


def do_work(sessions, store, attempt, marker):
    """The work of a creating request: one write transaction, the key marked in it."""
    token = before_commit.set(lambda session: store.mark(session, attempt))
    try:
        with sessions.transaction() as session:
            session.execute(
                outbox.insert().values(event_id=marker, event_type="test.created", payload={}, created_at=NOW)
            )
    finally:
        before_commit.reset(token)


def created(sessions):
    with sessions.read() as session:
        return sorted(session.scalars(sa.select(outbox.c.event_id)))


def test_a_repeat_of_a_finished_request_answers_its_stored_response(sessions):
    store, first = IdempotencyStore(sessions), claim()
    assert store.begin(first, NOW) is None
    do_work(sessions, store, first, "e-1")
    store.finish(first, '{"id": "q-1"}')
    assert store.begin(claim(), NOW + timedelta(minutes=5)) == Replay('{"id": "q-1"}')
    assert created(sessions) == ["e-1"]


def test_the_table_keeps_neither_the_key_nor_the_response_in_clear(sessions):
    store, first = IdempotencyStore(sessions), claim(key="secret-key-7")
    store.begin(first, NOW)
    store.finish(first, '{"activation_token": "tok-123"}')
    with sessions.read() as session:
        (row,) = session.execute(sa.select(idempotency_key)).all()
    assert "secret-key-7" not in row.key and "tok-123" not in row.response
    assert store.begin(claim(key="secret-key-7"), NOW) == Replay('{"activation_token": "tok-123"}')


def test_the_same_key_with_another_request_is_refused(sessions):
    store, first = IdempotencyStore(sessions), claim(body="a")
    store.begin(first, NOW)
    store.finish(first, "{}")
    with pytest.raises(InvalidInput) as refused:
        store.begin(claim(body="b"), NOW)
    assert refused.value.code == "IDEMPOTENCY_KEY_REUSED"


def test_a_repeat_while_the_first_attempt_runs_is_told_to_wait(sessions):
    store = IdempotencyStore(sessions)
    store.begin(claim(), NOW)
    with pytest.raises(Conflict) as running:
        store.begin(claim(), NOW + timedelta(seconds=1))
    assert running.value.code == "REQUEST_IN_PROGRESS"
    assert "vài giây" in running.value.message


def test_callers_and_operations_have_keys_of_their_own(sessions):
    store = IdempotencyStore(sessions)
    assert store.begin(claim(caller="user-1"), NOW) is None
    assert store.begin(claim(caller=None), NOW) is None  # anonymous
    assert store.begin(claim(caller="user-2"), NOW) is None


def test_an_attempt_whose_lease_ran_out_is_taken_over_and_cannot_commit_any_more(sessions):
    store, first = IdempotencyStore(sessions), claim(lease=timedelta(seconds=5))
    store.begin(first, NOW)
    second = claim()
    assert store.begin(second, NOW + timedelta(seconds=6)) is None
    with pytest.raises(Conflict):
        do_work(sessions, store, first, "late")  # the first attempt wakes up: its work rolls back
    do_work(sessions, store, second, "e-2")
    assert created(sessions) == ["e-2"]


def test_a_redelivery_of_the_same_rpc_message_takes_its_running_key_over(sessions):
    """The replica working on the message died (or lost the broker) and the broker gave the
    message to another: same attempt, lease not over. The earlier delivery, if it still runs,
    can no longer commit; another request with the key (a new attempt) is still told to wait."""
    store, first = IdempotencyStore(sessions), claim(attempt="m-1", lease=timedelta(minutes=1))
    store.begin(first, NOW)
    again = claim(attempt="m-1", lease=timedelta(minutes=1))
    assert store.begin(again, NOW + timedelta(seconds=1)) is None
    with pytest.raises(Conflict) as running:
        store.begin(claim(attempt="m-2"), NOW + timedelta(seconds=2))
    assert running.value.code == "REQUEST_IN_PROGRESS"
    with pytest.raises(Conflict):
        do_work(sessions, store, first, "first")
    do_work(sessions, store, again, "again")
    store.finish(again, '{"id": "q-1"}')
    assert created(sessions) == ["again"]
    assert store.begin(claim(attempt="m-3"), NOW + timedelta(seconds=3)) == Replay('{"id": "q-1"}')


def test_a_redelivery_after_the_work_committed_does_not_do_it_again(sessions):
    store, first = IdempotencyStore(sessions), claim(attempt="m-1")
    store.begin(first, NOW)
    do_work(sessions, store, first, "e-1")  # committed, then the replica died before answering
    with pytest.raises(Conflict) as done:
        store.begin(claim(attempt="m-1"), NOW + timedelta(seconds=1))
    assert done.value.code == "REQUEST_ALREADY_DONE"
    assert created(sessions) == ["e-1"]


def test_work_committed_but_never_answered_is_not_done_twice(sessions):
    """A crash between the work's commit and ``finish``: the key was committed with the work."""
    store, first = IdempotencyStore(sessions), claim(lease=timedelta(seconds=5))
    store.begin(first, NOW)
    do_work(sessions, store, first, "e-1")
    for later in (NOW + timedelta(seconds=1), NOW + timedelta(hours=1)):
        with pytest.raises(Conflict) as done:
            store.begin(claim(), later)
        assert done.value.code == "REQUEST_ALREADY_DONE"
    assert created(sessions) == ["e-1"]


def test_a_failed_attempt_is_forgotten_and_the_key_can_be_used_again(sessions):
    store, first = IdempotencyStore(sessions), claim(body="a")
    store.begin(first, NOW)
    store.abandon(first)
    assert store.begin(claim(body="b"), NOW) is None


def test_work_that_rolls_back_takes_the_mark_with_it(sessions):
    store, first = IdempotencyStore(sessions), claim()
    store.begin(first, NOW)
    token = before_commit.set(lambda session: store.mark(session, first))
    try:
        with pytest.raises(RuntimeError), sessions.transaction() as session:
            session.execute(outbox.insert().values(event_id="x", event_type="t", payload={}, created_at=NOW))
            raise RuntimeError("the work failed")
        with sessions.transaction() as session:  # a transaction that only reads does not mark
            session.execute(sa.select(outbox.c.id)).all()
    finally:
        before_commit.reset(token)
    store.abandon(first)
    assert store.begin(claim(body="other"), NOW) is None


def test_keys_expire_after_a_day(sessions):
    store, first = IdempotencyStore(sessions), claim(body="a")
    store.begin(first, NOW)
    store.finish(first, "{}")
    assert store.purge(NOW + timedelta(hours=23)) == 0
    assert store.begin(claim(body="b"), NOW + idempotency.KEEP) is None  # expired: a new request
    assert store.purge(NOW + 2 * idempotency.KEEP) == 1


@pytest.mark.parametrize("key", ["", " ", "khóa", "a b", "x" * 256, "tab\t", None])
def test_a_malformed_key_is_refused(key):
    with pytest.raises(BadRequest) as refused:
        idempotency.check_key(key)
    assert refused.value.code == "IDEMPOTENCY_KEY_INVALID"


def test_a_well_formed_key_is_taken_as_it_is():
    for key in ("a", "x" * 255, "0b8f9a3c-6f3e-4a7b-9a51-3b1c1e0f2d44", "!~{}"):
        assert idempotency.check_key(key) == key


def test_the_fingerprint_ignores_key_order_but_not_values():
    a = idempotency.canonical_json({"title": "Lương", "body": "x"})
    b = idempotency.canonical_json({"body": "x", "title": "Lương"})
    c = idempotency.canonical_json({"body": "y", "title": "Lương"})
    assert idempotency.fingerprint("POST", "/p", a) == idempotency.fingerprint("post", "/p", b)
    assert idempotency.fingerprint("POST", "/p", a) != idempotency.fingerprint("POST", "/p", c)
    assert idempotency.fingerprint("POST", "/p", a) != idempotency.fingerprint("POST", "/q", a)
    assert idempotency.fingerprint("POST", "/p", a, [("x", "1")]) != idempotency.fingerprint("POST", "/p", a)
