"""``SessionFactory.read()``: autocommit connections of their own, returned to the pool without a
reset (issue 18: the reset was one more round trip per read, in every service), and refused any
write by the database itself — on PostgreSQL and on the embedded SQLite file alike."""

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import event, text

from platform_shared.database import SessionFactory, make_engine
from platform_shared.tables import outbox

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _event_row():
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": "test.read_sessions",
        "payload": {"n": 1},
        "created_at": NOW,
    }


def _outbox_rows(sessions):
    with sessions.transaction() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(outbox))


@pytest.fixture
def postgres_sessions(databases):
    factory = SessionFactory(make_engine(databases.url("content"), pool_size=1))
    yield factory
    factory.dispose()


def _last_statement_of(databases, pid):
    with databases.sessions("content").engine.connect() as other:
        return other.execute(text("SELECT query FROM pg_stat_activity WHERE pid = :p"), {"p": pid}).scalar()


def test_a_read_sends_nothing_when_its_connection_goes_back_to_the_pool(postgres_sessions, databases):
    """The server's own record of the connection's last statement is the read's, not a SET."""
    sent = []
    event.listen(postgres_sessions.read_engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    for attempt in range(2):  # the second read reuses the pooled connection: nothing on checkout either
        marker = f"SELECT 'issue 18 read {attempt}'"
        with postgres_sessions.read() as session:
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
            assert session.execute(text(marker)).scalar() == f"issue 18 read {attempt}"
        assert _last_statement_of(databases, pid) == marker
    assert sent == ["SELECT pg_backend_pid()", "SELECT 'issue 18 read 0'"] + [
        "SELECT pg_backend_pid()",
        "SELECT 'issue 18 read 1'",
    ]


def test_a_read_session_cannot_write_on_postgres(postgres_sessions):
    with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
        with postgres_sessions.read() as session:
            session.execute(sa.insert(outbox).values(**_event_row()))
    with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
        with postgres_sessions.read() as session:
            session.execute(text("SELECT nextval(pg_get_serial_sequence('outbox', 'id'))"))
    assert _outbox_rows(postgres_sessions) == 0
    with postgres_sessions.transaction() as session:  # the writers' connections are not read-only
        session.execute(sa.insert(outbox).values(**_event_row()))
    assert _outbox_rows(postgres_sessions) == 1


def test_a_read_session_runs_in_autocommit_on_postgres(postgres_sessions):
    """No BEGIN: each statement is its own transaction, so two reads of now() differ."""
    with postgres_sessions.read() as session:
        first = session.execute(text("SELECT now()")).scalar()
        second = session.execute(text("SELECT clock_timestamp()")).scalar()
        third = session.execute(text("SELECT now()")).scalar()
        assert first < second < third


@pytest.fixture
def sqlite_file_sessions(tmp_path):
    factory = SessionFactory(make_engine(f"sqlite:///{tmp_path / 'reads.db'}"))
    outbox.metadata.create_all(factory.engine, tables=[outbox])
    yield factory
    factory.dispose()


def test_a_read_session_cannot_write_on_the_embedded_sqlite_file(sqlite_file_sessions):
    with pytest.raises(sa.exc.OperationalError, match="readonly"):
        with sqlite_file_sessions.read() as session:
            session.execute(sa.insert(outbox).values(**_event_row()))
    with sqlite_file_sessions.transaction() as session:
        session.execute(sa.insert(outbox).values(**_event_row()))
    with sqlite_file_sessions.read() as session:  # and reads see what was committed
        assert session.scalar(sa.select(sa.func.count()).select_from(outbox)) == 1


def test_reads_on_an_in_memory_sqlite_database_see_the_same_database():
    """Its one connection is the database: reads cannot have a pool of their own there."""
    factory = SessionFactory(make_engine("sqlite://"))
    outbox.metadata.create_all(factory.engine, tables=[outbox])
    with factory.transaction() as session:
        session.execute(sa.insert(outbox).values(**_event_row()))
    with factory.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(outbox)) == 1
    factory.dispose()
