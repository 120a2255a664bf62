"""Killing the consumer in the middle of a batch of publication events and starting it again
leaves one item per distinct fact: nothing lost, nothing counted twice."""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa

from platform_shared.testing.waiting import queue_settled, wait_for

EVENTS = 400


def _count(databases, sql):
    with databases.sessions("royalties").read() as session:
        return session.execute(sa.text(sql)).scalar()


def test_a_consumer_killed_mid_batch_leaves_rows_equal_to_distinct_events(
    ledger, events, content_event, service_config, rabbit_config, rabbit_manager, databases
):
    from platform_shared.queues import declare_event_queues
    from royalties.service import RoyaltiesService

    config = service_config("royalties")
    (queue,) = [q for q in declare_event_queues(RoyaltiesService, config) if "handle_article_published" in q]

    facts, sent = [], 0
    for n in range(EVENTS):
        event = events.published(at=f"2026-10-{1 + n % 28:02d}T03:00:00+00:00")
        facts.append(event)
        content_event(event)
        sent += 1
        if n % 10 == 0:  # a redelivery (same event id) and a replay under a new id
            content_event(event)
            content_event({**event, "event_id": str(uuid.uuid4())})
            sent += 2

    env = dict(
        os.environ,
        AMQP_URI=rabbit_config["AMQP_URI"],
        ROYALTIES_DATABASE_URL=databases.url("royalties"),
        RPC_TIMEOUT="1",
        LOG_LEVEL="WARNING",
    )
    command = [str(Path(sys.executable).parent / "platform"), "run", "royalties"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(
            lambda: _count(databases, "SELECT count(*) FROM royalty_item"),
            timeout=60,
            interval=0.02,
            message="the consumer to start writing items",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    at_kill = _count(databases, "SELECT count(*) FROM royalty_item")
    assert 0 < at_kill < EVENTS  # killed in the middle of the batch

    second = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(
            lambda: (
                _count(databases, "SELECT count(*) FROM royalty_item") == EVENTS
                and queue_settled(rabbit_manager, rabbit_config["vhost"], queue)
            ),
            timeout=120,
            message="the restarted consumer to finish the batch",
        )
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            second.kill()
            second.wait(timeout=10)

    distinct_ids = EVENTS + len(range(0, EVENTS, 10))  # the facts and their replays under new ids
    assert _count(databases, "SELECT count(*) FROM royalty_item") == len(facts)
    assert _count(databases, "SELECT count(DISTINCT article_id) FROM royalty_item") == len(facts)
    assert _count(databases, "SELECT count(*) FROM inbox WHERE handler = 'handle_article_published'") == distinct_ids
    assert _count(databases, "SELECT count(*) FROM received_event") == distinct_ids
    assert _count(databases, "SELECT count(*) FROM parked_event") == 0
