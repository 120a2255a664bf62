"""Killing the consumer in the middle of a batch of publication events and starting it again
leaves one item per distinct fact: nothing lost, nothing counted twice.

The kill lands mid-batch by construction, however fast the machine: the consumer writes a
first lot of events, then the test locks ``royalty_item`` and publishes the rest, so the next
batch's transaction stops on the lock; the test kills the consumer while it waits there,
then lets the lock go."""

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa

from platform_shared.testing.processes import stop
from platform_shared.testing.waiting import queue_settled, wait_for

EVENTS = 400
FIRST = 40  # events written (committed) before the batch that is killed


def _count(databases, sql):
    with databases.sessions("royalties").read() as session:
        return session.execute(sa.text(sql)).scalar()


def _waiting_on_the_item_table(databases):
    """How many transactions wait for the lock on ``royalty_item`` in this database."""
    return _count(
        databases,
        "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'royalty_item'::regclass"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )


@contextlib.contextmanager
def _item_table_locked(databases):
    """Hold an exclusive lock on ``royalty_item`` until the block ends (then roll back)."""
    with databases.sessions("royalties").engine.connect() as conn:
        conn.execute(sa.text("LOCK TABLE royalty_item IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            conn.rollback()


def test_a_consumer_killed_mid_batch_leaves_rows_equal_to_distinct_events(
    ledger, events, content_event, service_config, rabbit_config, rabbit_manager, databases
):
    from platform_shared.queues import declare_event_queues
    from royalties.service import RoyaltiesService

    config = service_config("royalties")
    (queue,) = [q for q in declare_event_queues(RoyaltiesService, config) if "handle_article_published" in q]

    facts, sent = [], []

    def publish(n):
        event = events.published(at=f"2026-10-{1 + n % 28:02d}T03:00:00+00:00")
        facts.append(event)
        sent.append(content_event(event))
        if n % 10 == 0:  # a redelivery (same event id) and a replay under a new id
            sent.append(content_event(event))
            sent.append(content_event({**event, "event_id": str(uuid.uuid4())}))

    env = dict(
        os.environ,
        AMQP_URI=rabbit_config["AMQP_URI"],
        ROYALTIES_DATABASE_URL=databases.url("royalties"),
        RPC_TIMEOUT="1",
        LOG_LEVEL="WARNING",
    )
    command = [str(Path(sys.executable).parent / "platform"), "run", "royalties"]
    for n in range(FIRST):
        publish(n)
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(
            lambda: (
                _count(databases, "SELECT count(*) FROM royalty_item") == FIRST
                and queue_settled(rabbit_manager, rabbit_config["vhost"], queue, acked=len(sent))
            ),
            timeout=60,
            message="the consumer to write the first events and acknowledge them",
        )
        with _item_table_locked(databases):
            for n in range(FIRST, EVENTS):
                publish(n)
            wait_for(
                lambda: _waiting_on_the_item_table(databases),
                timeout=60,
                message="the next batch to stop on the locked item table",
            )
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    at_kill = _count(databases, "SELECT count(*) FROM royalty_item")
    assert at_kill == FIRST and 0 < at_kill < EVENTS  # killed in the middle: the open batch wrote nothing

    second = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(
            lambda: (
                _count(databases, "SELECT count(*) FROM royalty_item") == EVENTS
                and queue_settled(rabbit_manager, rabbit_config["vhost"], queue, acked=len(sent))
            ),
            timeout=120,
            message="the restarted consumer to finish the batch",
        )
    finally:
        stop(second)

    distinct_ids = EVENTS + len(range(0, EVENTS, 10))  # the facts and their replays under new ids
    assert _count(databases, "SELECT count(*) FROM royalty_item") == len(facts)
    assert _count(databases, "SELECT count(DISTINCT article_id) FROM royalty_item") == len(facts)
    assert _count(databases, "SELECT count(*) FROM inbox WHERE handler = 'handle_article_published'") == distinct_ids
    assert _count(databases, "SELECT count(*) FROM received_event") == distinct_ids
    assert _count(databases, "SELECT count(*) FROM parked_event") == 0
