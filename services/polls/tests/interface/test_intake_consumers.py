"""The responses queue drained by more than one batch consumer, and by one that dies between
its commit and its ack: real RabbitMQ, real PostgreSQL. Every response is counted once."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import amqp
import eventlet
import pytest
from sqlalchemy import text

from platform_shared.actor import Actor
from platform_shared.broker import amqp_params
from platform_shared.clock import Clock
from platform_shared.contracts.polls import RESPONSES_QUEUE
from platform_shared.database import SessionFactory, make_engine
from platform_shared.testing.tcpproxy import TcpProxy
from platform_shared.testing.waiting import wait_for
from polls.consumer import BatchConsumer
from polls.dependencies import ResponseIntake
from polls.operations import PollsApp

HN = str(uuid.uuid4())
ADMIN = Actor(user_id=str(uuid.uuid4()), tenant_id=HN, roles=frozenset({"platform_admin"}))


@pytest.fixture
def sessions(databases):
    factory = SessionFactory(make_engine(databases.url("polls")))
    yield factory
    factory.dispose()


@pytest.fixture
def poll(sessions):
    app = PollsApp(sessions, clock=Clock())
    app.sync_tenants([{"id": HN, "code": "HN", "name": "Hà Nội", "kind": "provincial_federation", "status": "active"}])
    now = datetime.now(UTC)
    created = app.create_poll(
        ADMIN,
        {
            "title": "Phiếu thử hai bộ nhận",
            "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": (now + timedelta(hours=1)).isoformat(),
            "audience": {"all": True},
            "questions": [{"text": "Một", "kind": "single", "options": [{"label": "A"}, {"label": "B"}]}],
        },
    )
    return app.transition(ADMIN, created["id"], "open")


def publish(uri, bodies):
    conn = amqp.Connection(**amqp_params(uri))
    conn.connect()
    channel = conn.channel()
    channel.queue_declare(RESPONSES_QUEUE, durable=True, auto_delete=False)
    channel.confirm_select()
    for body in bodies:
        channel.basic_publish_confirm(
            amqp.Message(json.dumps(body), delivery_mode=2), exchange="", routing_key=RESPONSES_QUEUE
        )
    conn.close()


def response(poll_id, member=None, receipt=None, choice="o1"):
    return {
        "receipt": receipt or str(uuid.uuid4()),
        "poll_id": poll_id,
        "member_id": member or str(uuid.uuid4()),
        "tenant_id": HN,
        "answers": {"q1": choice},
        "received_at": datetime.now(UTC).isoformat(),
    }


def stored(sessions, poll_id):
    with sessions.transaction() as session:
        responses = session.execute(
            text("SELECT count(*), count(DISTINCT member_id) FROM poll_response WHERE poll_id = :p"), {"p": poll_id}
        ).one()
        tally = session.execute(
            text(
                "SELECT coalesce(sum(count), 0) FROM poll_tally WHERE poll_id = :p AND question_id = '' "
                "AND row_id = '' AND option_id = ''"
            ),
            {"p": poll_id},
        ).scalar()
        outcomes = dict(
            session.execute(
                text("SELECT status, count(*) FROM poll_receipt_outcome WHERE poll_id = :p GROUP BY status"),
                {"p": poll_id},
            ).all()
        )
    return responses[0], responses[1], int(tally), outcomes


def queue_empty(uri):
    conn = amqp.Connection(**amqp_params(uri))
    conn.connect()
    try:
        _, ready, _ = conn.channel().queue_declare(RESPONSES_QUEUE, durable=True, passive=True)
        return ready == 0
    finally:
        conn.close()


def test_two_consumers_on_one_queue_count_every_member_once(start_service, rabbit_config, sessions, poll):
    uri = rabbit_config["AMQP_URI"]
    members = [str(uuid.uuid4()) for _ in range(400)]
    first = [response(poll["id"], m) for m in members]
    # The same members again under new receipts (a member who sent twice), and exact copies
    # of some messages (a publish whose confirm was lost, sent again by the gateway).
    again = [response(poll["id"], m, choice="o2") for m in members[::8]]
    copies = [dict(body) for body in first[1::10]]
    publish(uri, first[:200])
    replicas = [
        start_service("polls", POLLS_INTAKE_BATCH=25, POLLS_TENANT_SYNC_INTERVAL_SECONDS=3600) for _ in range(2)
    ]
    publish(uri, [*first[200:], *again, *copies])  # interleaved across both consumers' batches
    wait_for(lambda: queue_empty(uri) and stored(sessions, poll["id"])[0] == 400, message="the queue drained")
    consumers = [next(e for e in c.extensions if isinstance(e, ResponseIntake)).consumer for c in replicas]
    wait_for(
        lambda: sum(c.totals["counted"] + c.totals["duplicate"] + c.totals["redelivered"] for c in consumers) == 490
    )

    rows, distinct, tally, outcomes = stored(sessions, poll["id"])
    assert (rows, distinct, tally) == (400, 400, 400)
    assert outcomes == {"duplicate": len(again)}
    assert all(c.totals["counted"] > 0 for c in consumers), [c.totals for c in consumers]  # both took a share
    assert sum(c.totals["counted"] for c in consumers) == 400
    assert sum(c.totals["redelivered"] for c in consumers) == len(copies)


def test_a_batch_committed_but_not_acknowledged_is_counted_once_when_redelivered(rabbit_config, sessions, poll):
    uri = rabbit_config["AMQP_URI"]
    proxy = TcpProxy()
    consumer = BatchConsumer(proxy.uri(uri), sessions, batch_size=50, max_wait=0.05)
    settle, crashed = consumer._settle, []

    def die_between_commit_and_ack(channel, inflight):
        inflight[0].result()  # the batch is committed...
        if not crashed:
            crashed.append(True)
            proxy.cut()  # ...and the consumer's link dies before its ack reaches the broker
            eventlet.spawn_after(0.5, proxy.restore)
        return settle(channel, inflight)

    consumer._settle = die_between_commit_and_ack
    publish(uri, [response(poll["id"]) for _ in range(120)])
    worker = eventlet.spawn(consumer.run)
    try:
        wait_for(lambda: queue_empty(uri) and stored(sessions, poll["id"])[0] == 120, message="the queue drained")
        wait_for(lambda: consumer.connected and consumer.totals["counted"] + consumer.totals["redelivered"] >= 120)
    finally:
        consumer.stop()
        worker.wait()
        proxy.close()

    assert crashed
    rows, distinct, tally, outcomes = stored(sessions, poll["id"])
    assert (rows, distinct, tally, outcomes) == (120, 120, 120, {})
    assert consumer.totals["redelivered"] >= 1  # the first batch came back, and changed nothing
