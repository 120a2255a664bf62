"""A query waiting on PostgreSQL does not freeze the service: psycopg is made green
at start (psycogreen), so other workers of the same process keep answering.

No timing is measured: a worker is parked inside PostgreSQL on an advisory lock the
test holds, and another RPC to the same process must be answered while it waits.
Without the patch that second call could never be served and the test fails on
its timeout.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import text

from platform_shared.testing.waiting import wait_for

HERE = Path(__file__).parent
LOCK_KEY = 424242


@pytest.fixture
def probe_process(rabbit_config, databases):
    env = dict(os.environ, AMQP_URI=rabbit_config["AMQP_URI"], PROBE_DATABASE_URL=databases.url("content"))
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "probe.py")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    yield proc
    proc.kill()
    proc.wait(timeout=10)


def test_a_worker_blocked_in_postgres_does_not_block_the_others(probe_process, rabbit_config, databases):
    config = {"AMQP_URI": rabbit_config["AMQP_URI"]}
    with ServiceRpcProxy("probe", config, timeout=30) as probe:
        wait_for(lambda: _answers(probe), message="the probe process to start")
        holder = databases.sessions("content").engine.connect()
        holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
        try:
            blocked = probe.wait_for_lock.call_async(LOCK_KEY)
            wait_for(lambda: _waiting_on_lock(holder), message="the worker to wait inside PostgreSQL")
            answers = [probe.quick() for _ in range(5)]  # served while the other worker still waits
            assert answers == [42] * 5
            assert _waiting_on_lock(holder)
        finally:
            holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
            holder.commit()
            holder.close()
        assert blocked.result() == "got the lock"


def _answers(probe):
    try:
        return probe.quick() == 42
    except Exception:
        return False


def _waiting_on_lock(conn):
    return (
        conn.execute(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = :k"),
            {"k": LOCK_KEY},
        ).scalar()
        == 1
    )


def test_a_pooled_connection_killed_by_the_server_is_replaced_before_use(databases, monkeypatch):
    """After a database restart, the first request must not fail on a dead pooled connection."""
    from platform_shared import database

    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)
    engine = database.make_engine(databases.url("content"), pool_size=1)
    sessions = database.SessionFactory(engine)
    with sessions.read() as session:
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
    with databases.sessions("content").engine.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    with sessions.read() as session:  # served on a fresh connection, no error
        assert session.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    engine.dispose()
