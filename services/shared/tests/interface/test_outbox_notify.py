"""``outbox.add`` on PostgreSQL: the row and the NOTIFY that wakes the relay are one statement."""

import select as selectors

import psycopg2
import pytest
from sqlalchemy import event, select

from platform_shared import outbox
from platform_shared.database import before_commit
from platform_shared.tables import outbox as outbox_table


@pytest.fixture
def sessions(databases):
    return databases.sessions("accounts")


@pytest.fixture
def listener(databases):
    conn = psycopg2.connect(databases.url("accounts").replace("postgresql+psycopg2://", "postgresql://"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'LISTEN "{outbox.channel_for("accounts")}"')
    yield conn
    conn.close()


def notified(conn, timeout):
    if selectors.select([conn], [], [], timeout)[0]:
        conn.poll()
    found, conn.notifies[:] = list(conn.notifies), []
    return [n.channel for n in found]


def add(session, seq):
    return outbox.add(session, "accounts.tenant_created", {"seq": seq}, aggregate_id="t-1", contract=False)


def test_a_committed_fact_wakes_the_relay_with_one_statement(sessions, listener):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = sessions.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        with sessions.transaction() as session:
            event_id = add(session, 1)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 1 and "INSERT INTO outbox" in statements[0] and "pg_notify" in statements[0]
    assert notified(listener, 5) == ["outbox_accounts"]
    with sessions.read() as session:
        assert session.scalar(select(outbox_table.c.payload).where(outbox_table.c.event_id == event_id))["seq"] == 1


def test_a_rolled_back_fact_wakes_nobody(sessions, listener):
    with pytest.raises(RuntimeError), sessions.transaction() as session:
        add(session, 1)
        raise RuntimeError("the change failed")
    assert notified(listener, 0.5) == []
    with sessions.read() as session:
        assert session.scalar(select(outbox_table.c.event_id)) is None


def test_a_transaction_whose_only_write_is_a_fact_counts_as_a_write(sessions):
    """The hook run before a writing transaction commits (the idempotency mark) sees it."""
    seen = []
    token = before_commit.set(seen.append)
    try:
        with sessions.transaction() as session:
            add(session, 1)
    finally:
        before_commit.reset(token)
    assert len(seen) == 1
