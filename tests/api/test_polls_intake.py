"""Poll intake under trouble: replayed messages, a broker outage while responses flow,
a receipt signed but not yet reached by the consumer."""

import json
import uuid
from datetime import UTC, datetime

import amqp
import eventlet
import eventlet.event
import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from platform_shared.actor import SYSTEM
from platform_shared.broker import amqp_params
from platform_shared.contracts.polls import RESPONSES_QUEUE
from platform_shared.testing.tcpproxy import TcpProxy
from platform_shared.testing.waiting import wait_for
from tests.api.test_polls import GOOD, open_poll, settled


def _start_polls(start_service, **settings):
    container = start_service("polls", POLLS_CLOSE_INTERVAL_SECONDS=0.3, **settings)
    with ServiceRpcProxy("polls", {"AMQP_URI": container.config["AMQP_URI"]}, timeout=20) as proxy:
        proxy.sync_tenants(SYSTEM.dump())
    return container


def _results(rabbit_config, poll_id):
    with ServiceRpcProxy("polls", {"AMQP_URI": rabbit_config["AMQP_URI"]}, timeout=20) as proxy:
        return proxy.poll_results(SYSTEM.dump(), poll_id)


def test_a_replayed_message_is_counted_once_and_a_second_answer_never(
    polls_service, polls_api, login, member_token, rabbit_config
):
    hanoi = polls_api.as_(login("hanoi.admin"))
    poll = open_poll(hanoi)
    member_id, tenant_id = str(uuid.uuid4()), member_token.tenants["LDLD-HN"]
    member = polls_api.as_(member_token("LDLD-HN", user_id=member_id))
    receipt = member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD}).json["receipt"]
    assert settled(member, receipt)["status"] == "counted"

    # The broker gives the very same message again (an ack lost in a reconnect), twice,
    # and the member's answer is also re-sent under a new receipt (a client replaying the request).
    receipt_id = str(uuid.UUID(bytes=_raw(receipt)[:16]))
    same = {
        "receipt": receipt_id,
        "poll_id": poll["id"],
        "member_id": member_id,
        "tenant_id": tenant_id,
        "answers": GOOD,
        "received_at": datetime.now(UTC).isoformat(),
    }
    replayed = member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD}).json["receipt"]
    conn = amqp.Connection(**amqp_params(rabbit_config["AMQP_URI"]))
    conn.connect()
    channel = conn.channel()
    for _ in range(2):
        channel.basic_publish(amqp.Message(json.dumps(same), delivery_mode=2), exchange="", routing_key=RESPONSES_QUEUE)
    conn.close()

    assert settled(member, replayed)["status"] == "duplicate"
    wait_for(lambda: _queue_empty(rabbit_config), message="the queue to be drained")
    assert settled(member, receipt)["status"] == "counted"
    results = _results(rabbit_config, poll["id"])
    assert results["respondents"] == 1
    assert results["questions"][0]["suppressed"] is True  # counted once; one person's figures are not shown


def _raw(receipt):
    import base64

    body = receipt.split(".")[0]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def _queue_empty(rabbit_config):
    conn = amqp.Connection(**amqp_params(rabbit_config["AMQP_URI"]))
    conn.connect()
    try:
        _, ready, consumers = conn.channel().queue_declare(RESPONSES_QUEUE, durable=True, passive=True)
        return ready == 0
    finally:
        conn.close()


def test_a_signed_receipt_the_consumer_has_not_reached_is_accepted(
    start_service, demo, make_polls_gateway, login, member_token, client_of
):
    _start_polls(start_service, POLLS_INTAKE_ENABLED=False)
    api = client_of(make_polls_gateway())
    poll = open_poll(api.as_(login("hanoi.admin")))
    member = api.as_(member_token("LDLD-HN"))
    receipt = member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD}).json["receipt"]
    got = member.get(f"/api/v1/polls/receipts/{receipt}")
    assert got.status_code == 200 and got.json["status"] == "accepted" and got.json["poll_id"] == poll["id"]


@pytest.fixture
def outage(start_service, demo, make_polls_gateway, rabbit_config):
    """Polls and a gateway that reach the broker for responses through TCP proxies we can cut."""
    to_consumer, to_gateway = TcpProxy(), TcpProxy()
    _start_polls(start_service, POLLS_INTAKE_AMQP_URI=to_consumer.uri(rabbit_config["AMQP_URI"]), POLLS_INTAKE_BATCH=20)
    app = make_polls_gateway(polls_intake_amqp_uri=to_gateway.uri(rabbit_config["AMQP_URI"]), polls_confirm_timeout=2)
    yield app, (to_consumer, to_gateway)
    to_consumer.close()
    to_gateway.close()


def test_no_confirmed_response_is_lost_or_counted_twice_when_the_broker_goes_away(
    outage, login, member_token, rabbit_config, client_of
):
    app, proxies = outage
    api = client_of(app)
    hanoi = api.as_(login("hanoi.admin"))
    poll = open_poll(hanoi)
    members = [api.as_(member_token("LDLD-HN")) for _ in range(40)]
    confirmed, refused = {}, []
    cut = eventlet.event.Event()  # once ten are confirmed, no one sends until the broker is cut

    def answer(index, member):
        choice = "o1" if index % 3 else "o2"
        for _ in range(200):
            if len(confirmed) >= 10 and not cut.ready():
                cut.wait()
            sent = member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": {**GOOD, "q1": choice}})
            if sent.status_code == 202:
                confirmed[index] = sent.json["receipt"]
                return
            assert sent.status_code == 503 and sent.json["code"] == "RESPONSE_NOT_QUEUED", sent.json
            refused.append(index)
            eventlet.sleep(0.1)
        raise AssertionError("the broker never came back for this member")

    def outage_while_sending():
        wait_for(lambda: len(confirmed) >= 10, message="some responses confirmed before the outage")
        for proxy in proxies:
            proxy.cut()
        cut.send()
        wait_for(lambda: len(refused) >= 8, message="responses refused during the outage")
        for proxy in proxies:
            proxy.restore()

    broker = eventlet.spawn(outage_while_sending)
    senders = eventlet.GreenPool(4)
    for index, member in enumerate(members):
        senders.spawn_n(answer, index, member)
    senders.waitall()
    broker.wait()

    assert refused, "the outage refused nothing: it did not happen while responses flowed"
    assert len(confirmed) == 40
    outcomes = {i: settled(members[i], receipt)["status"] for i, receipt in confirmed.items()}
    # A response whose confirm was lost in the cut may have reached the queue: the member's
    # retry is then the duplicate. Either way each member is counted exactly once.
    assert set(outcomes.values()) <= {"counted", "duplicate"}
    results = _results(rabbit_config, poll["id"])
    assert results["respondents"] == 40
    assert sum(o["count"] for o in results["questions"][0]["options"]) == 40
    assert results["questions"][0]["options"][1]["count"] == len([i for i in range(40) if i % 3 == 0])


def test_concurrent_responses_share_one_connection_and_a_refused_one_is_a_503_never_counted(
    start_service, demo, make_polls_gateway, login, member_token, client_of, rabbit_config, rabbit_manager
):
    # The queue takes 6 messages and the broker refuses (nacks) the rest: which ones depends on the
    # order they reach it, so each request must be answered for its own message.
    _start_polls(start_service, POLLS_INTAKE_ENABLED=False)
    vhost = rabbit_config["vhost"]
    conn = amqp.Connection(**amqp_params(rabbit_config["AMQP_URI"]))
    conn.connect()
    conn.channel().queue_declare(RESPONSES_QUEUE, durable=True, auto_delete=False)
    conn.close()
    rabbit_manager._put(
        "policies",
        vhost,
        "six-responses",
        json={
            "pattern": "^polls\\.responses$",
            "apply-to": "queues",
            "definition": {"max-length": 6, "overflow": "reject-publish"},
        },
    )
    wait_for(lambda: rabbit_manager.get_queue(vhost, RESPONSES_QUEUE).get("policy") == "six-responses")
    proxy = TcpProxy()
    app = make_polls_gateway(polls_intake_amqp_uri=proxy.uri(rabbit_config["AMQP_URI"]), polls_confirm_timeout=10)
    api = client_of(app)
    poll = open_poll(api.as_(login("hanoi.admin")))
    members = [api.as_(member_token("LDLD-HN")) for _ in range(18)]
    # The poll's definition cached first (an answer refused before queueing): only the queue can refuse now.
    assert members[0].post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": {"q1": "o9"}}).status_code == 422
    publisher = app.extensions["polls_intake"].publisher
    assert publisher.publish(b"{}", routing_key="no-such-queue") is False  # its connection, opened first
    answers = {}

    def answer(index):
        answers[index] = members[index].post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD})

    # The broker's answers held back until all 18 are sent: every one waits for its confirm at
    # once (left to the scheduler, a loaded machine could answer each before the next was sent).
    proxy.pause()
    pool = eventlet.GreenPool(18)
    for index in range(18):
        pool.spawn_n(answer, index)
    wait_for(lambda: publisher.most_in_flight == 18, timeout=8, message="all 18 responses in flight")
    proxy.resume()
    pool.waitall()
    proxy.close()

    accepted = {i: r.json["receipt"] for i, r in answers.items() if r.status_code == 202}
    refused = [r for r in answers.values() if r.status_code != 202]
    assert len(accepted) == 6 and len(refused) == 12
    assert all(r.status_code == 503 and r.json["code"] == "RESPONSE_NOT_QUEUED" for r in refused)
    assert publisher.connections == 1  # one channel for all, and each request answered for its own message

    rabbit_manager._delete("policies", vhost, "six-responses")
    _start_polls(start_service)  # a replica with the consumer: counts what the queue holds
    assert {i: settled(members[i], receipt)["status"] for i, receipt in accepted.items()} == dict.fromkeys(
        accepted, "counted"
    )
    wait_for(lambda: _queue_empty(rabbit_config), message="the queue to be drained")
    assert _results(rabbit_config, poll["id"])["respondents"] == 6
