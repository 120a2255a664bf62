"""The gateway's confirmed publisher (``gateway.confirms.ConfirmPipeline``) against a real
RabbitMQ: many publishes in flight on one channel, each caller told the fate of its own
message — confirmed, refused (nack), returned, or lost with the connection."""

import json
import subprocess
import sys
import uuid

import amqp
import eventlet
import pytest

from gateway.confirms import ConfirmPipeline, NotConfirmed
from platform_shared.broker import amqp_params
from platform_shared.testing.tcpproxy import TcpProxy
from platform_shared.testing.waiting import wait_for


@pytest.fixture
def broker(rabbit_config):
    conn = amqp.Connection(**amqp_params(rabbit_config["AMQP_URI"]))
    conn.connect()
    yield conn.channel()
    conn.close()


@pytest.fixture
def pipelines():
    made = []

    def make(uri, **options):
        pipeline = ConfirmPipeline(uri, **options)
        made.append(pipeline)
        return pipeline

    yield make
    for pipeline in made:
        pipeline.close()


def bodies_in(channel, queue):
    found = []
    while (message := channel.basic_get(queue, no_ack=True)) is not None:
        found.append(message.body.decode() if isinstance(message.body, bytes) else message.body)
    return found


def start_all(pipeline, bodies, queue):
    """Every body from its own green thread at once: the pool, and body → True / False / the
    exception as each is answered."""
    outcomes = {}

    def one(body):
        try:
            outcomes[body] = pipeline.publish(body, routing_key=queue)
        except NotConfirmed as exc:
            outcomes[body] = exc

    pool = eventlet.GreenPool(len(bodies))
    for body in bodies:
        pool.spawn_n(one, body)
    return pool, outcomes


def publish_all(pipeline, bodies, queue):
    """``start_all``, waited for: body → True / False / the exception."""
    pool, outcomes = start_all(pipeline, bodies, queue)
    pool.waitall()
    return outcomes


@pytest.mark.parametrize("kind", [str, bytes])  # py-amqp's frame writer; frames packed here, queued while others write
def test_concurrent_publishes_share_one_connection_and_each_learns_its_own_messages_fate(
    rabbit_config, broker, pipelines, kind
):
    # A queue that takes 10 messages and refuses (nacks) the rest: which 10 depends on the
    # order they reach the broker, so each caller must be answered for its own delivery tag.
    queue = f"limited-{uuid.uuid4().hex[:8]}"
    broker.queue_declare(
        queue, durable=True, auto_delete=False, arguments={"x-max-length": 10, "x-overflow": "reject-publish"}
    )
    proxy = TcpProxy()
    pipeline = pipelines(proxy.uri(rabbit_config["AMQP_URI"]), confirm_timeout=10)
    assert pipeline.publish(b"{}", routing_key="no-such-queue") is False  # the connection, opened first

    # The broker's answers held back until all 40 are written: every one is in flight at once
    # (left to the scheduler, a loaded machine could see each answered before the next was sent).
    proxy.pause()
    bodies = [f"response {i}" for i in range(40)]
    pool, outcomes = start_all(pipeline, [body if kind is str else body.encode() for body in bodies], queue)
    wait_for(lambda: pipeline.most_in_flight == 40, timeout=8, message="all 40 publishes in flight")
    proxy.resume()
    pool.waitall()
    proxy.close()
    outcomes = {body if isinstance(body, str) else body.decode(): outcome for body, outcome in outcomes.items()}

    confirmed = {body for body, outcome in outcomes.items() if outcome is True}
    refused = [outcome for outcome in outcomes.values() if isinstance(outcome, NotConfirmed)]
    assert len(confirmed) == 10 and len(refused) == 30
    assert all("nack" in str(exc) for exc in refused)
    assert set(bodies_in(broker, queue)) == confirmed
    assert pipeline.connections == 1  # one channel for all, and each caller answered for its own tag


def test_bodies_over_one_frame_among_queued_ones_arrive_whole_and_confirmed(rabbit_config, broker, pipelines):
    # A body over one frame goes through py-amqp's writer, after the packed publishes numbered
    # before it have been written: every message arrives whole and each caller is answered.
    queue = f"mixed-{uuid.uuid4().hex[:8]}"
    pipeline = pipelines(rabbit_config["AMQP_URI"], declare_queues=[queue], confirm_timeout=10)
    bodies = [f"{i:03d}".encode() * (100_000 if i % 5 == 0 else 1) for i in range(40)]  # 300 kB: three frames

    outcomes = publish_all(pipeline, bodies, queue)

    assert set(outcomes.values()) == {True}
    assert sorted(body.encode() for body in bodies_in(broker, queue)) == sorted(bodies)
    assert pipeline.connections == 1


def test_a_message_no_queue_takes_is_answered_false_and_its_neighbours_true(rabbit_config, broker, pipelines):
    queue = f"responses-{uuid.uuid4().hex[:8]}"
    pipeline = pipelines(rabbit_config["AMQP_URI"], declare_queues=[queue], confirm_timeout=10)
    outcomes = {}

    def one(body, routing_key):
        outcomes[body] = pipeline.publish(body, routing_key=routing_key)

    pool = eventlet.GreenPool(30)
    for i in range(30):
        pool.spawn_n(one, f"m{i}", "no-such-queue" if i % 10 == 3 else queue)
    pool.waitall()

    assert {body for body, ok in outcomes.items() if not ok} == {"m3", "m13", "m23"}
    assert sorted(bodies_in(broker, queue)) == sorted(body for body, ok in outcomes.items() if ok)


def test_a_connection_lost_with_publishes_in_flight_answers_them_not_confirmed_and_loses_no_confirmed_one(
    rabbit_config, broker, pipelines
):
    queue = f"responses-{uuid.uuid4().hex[:8]}"
    broker.queue_declare(queue, durable=True, auto_delete=False)
    proxy = TcpProxy()
    pipeline = pipelines(proxy.uri(rabbit_config["AMQP_URI"]), confirm_timeout=3)
    outcomes, sent = {}, [0]

    def sender(n):
        for i in range(400):
            body = f"s{n}-{i}"
            try:
                outcomes[body] = pipeline.publish(body, routing_key=queue)
            except NotConfirmed as exc:
                outcomes[body] = exc
                # A member sends again a moment later: refused in a tight loop, the 6,400 publishes
                # could all be spent inside the reconnection's backoff, and nothing would come back.
                eventlet.sleep(0.005)
            sent[0] += 1

    pool = eventlet.GreenPool(16)
    for n in range(16):
        pool.spawn_n(sender, n)
    wait_for(lambda: sent[0] >= 300, message="publishes flowing before the cut")
    proxy.cut()
    wait_for(lambda: sum(isinstance(o, NotConfirmed) for o in outcomes.values()) >= 20, message="refusals")
    proxy.restore()
    pool.waitall()
    proxy.close()

    confirmed = {body for body, outcome in outcomes.items() if outcome is True}
    lost = {body for body, outcome in outcomes.items() if isinstance(outcome, NotConfirmed)}
    assert lost and confirmed and len(confirmed) + len(lost) == 16 * 400
    stored = set(bodies_in(broker, queue))
    assert confirmed <= stored  # no 202 without its message in the queue
    assert stored <= confirmed | lost  # (a message whose confirm was lost may be there: the consumer de-duplicates)
    assert pipeline.connections >= 2  # and it came back by itself


def test_a_broker_that_stops_answering_is_not_waited_for_beyond_the_confirm_timeout(rabbit_config, broker, pipelines):
    queue = f"responses-{uuid.uuid4().hex[:8]}"
    proxy = TcpProxy()
    pipeline = pipelines(proxy.uri(rabbit_config["AMQP_URI"]), declare_queues=[queue], confirm_timeout=1)
    assert pipeline.publish("before", routing_key=queue) is True
    proxy.pause()
    with pytest.raises(NotConfirmed):
        pipeline.publish("stalled", routing_key=queue)
    proxy.resume()
    wait_for(lambda: _publishes(pipeline, queue), message="a new connection once the link moves again")
    proxy.close()
    assert pipeline.connections >= 2


def _publishes(pipeline, queue):
    try:
        return pipeline.publish("after", routing_key=queue) is True
    except NotConfirmed:
        return False


def test_a_broker_node_that_is_down_is_passed_over_for_the_next_in_the_list(pipelines, broker, rabbit_config):
    """A cluster's nodes are given as ``amqp://a;amqp://b``: with the first refusing connections,
    the publish goes through the second (it used to try only the first, for as long as it was down)."""
    import socket

    with socket.socket() as probe:  # a port nobody listens on: connections to it are refused
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    queue = f"confirms-failover-{uuid.uuid4().hex[:8]}"
    broker.queue_declare(queue, durable=True, auto_delete=False)
    down = f"amqp://guest:guest@127.0.0.1:{closed_port}//"
    pipeline = pipelines(f"{down};{rabbit_config['AMQP_URI']}", declare_queues=(queue,))
    assert pipeline.publish("after the first node", routing_key=queue) is True
    assert bodies_in(broker, queue) == ["after the first node"]


def test_confirms_are_read_with_one_receive_for_all_their_frames(rabbit_config, pipelines):
    """py-amqp reads a frame with three receives (header, payload, end octet); the pipeline reads
    whatever arrived at once and cuts the acks out of it (issue 18: a receive per confirm)."""
    queue = f"responses-{uuid.uuid4().hex[:8]}"
    pipeline = pipelines(rabbit_config["AMQP_URI"], declare_queues=[queue], confirm_timeout=10)
    assert pipeline.publish("first", routing_key=queue) is True  # connected
    transport = pipeline._conn.connection.transport
    receives, recv = [0], transport._quick_recv

    def counted(*args):
        receives[0] += 1
        return recv(*args)

    transport._quick_recv = counted
    for i in range(20):
        assert pipeline.publish(f"m{i}", routing_key=queue) is True
    assert receives[0] <= 20 + 2  # one per ack (three each before)


# The gateway's processes are not monkey-patched: their pipeline reads and writes the
# socket's descriptor directly (framereader.read_directly / write_directly). This test process
# is (nameko's plugin), so its sockets are green and take the other way: the gateway's way is
# run in a fresh interpreter.
THREADED = r"""
import json, sys, threading
from platform_shared import framereader

calls = {"read": 0, "write": 0}
read, write = framereader._read_fd, framereader._write_fd

def counted_read(fd, size):
    calls["read"] += 1
    return read(fd, size)

def counted_write(fd, data):
    calls["write"] += 1
    return write(fd, data)

framereader._read_fd, framereader._write_fd = counted_read, counted_write
from gateway.confirms import ConfirmPipeline

uri, queue = sys.argv[1], sys.argv[2]
pipeline = ConfirmPipeline(uri, declare_queues=[queue])
outcomes = [None] * 40

def one(i):
    outcomes[i] = pipeline.publish(f"vote {i}".encode(), routing_key=queue)  # bytes, as the intake sends

threads = [threading.Thread(target=one, args=(i,)) for i in range(40)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
most = pipeline.most_in_flight
pipeline.close()
print(json.dumps({"outcomes": outcomes, "most_in_flight": most, **calls}))
"""


def test_in_os_threads_publishes_go_straight_to_the_descriptor_and_every_one_is_confirmed(rabbit_config, broker):
    queue = f"responses-{uuid.uuid4().hex[:8]}"
    done = subprocess.run(
        [sys.executable, "-c", THREADED, rabbit_config["AMQP_URI"], queue],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["outcomes"] == [True] * 40
    assert report["read"] > 0 and report["write"] > 0  # the direct way was taken, both ways
    assert sorted(bodies_in(broker, queue)) == sorted(f"vote {i}" for i in range(40))
