"""Consumers: a redelivered event changes nothing; a handler that keeps failing parks
the event where an operator sees it and can replay it; nothing is dropped."""

import json
import sys
from pathlib import Path

import pytest
from kombu import Connection

from platform_shared.actor import SYSTEM
from platform_shared.broker import event_exchange
from platform_shared.operations import ServiceOperations
from platform_shared.testing.waiting import queue_settled, wait_for

sys.path.insert(0, str(Path(__file__).parent))
from probe import Probe, effects  # noqa: E402


class OperableProbe(Probe, ServiceOperations):
    """The probe with the operations RPCs every service has."""


def publish(amqp_uri, payload, event_type="accounts.tenant_created"):
    with Connection(amqp_uri) as conn:
        producer = conn.Producer(serializer="json")
        producer.publish(
            payload,
            exchange=event_exchange("accounts"),
            routing_key=event_type,
            declare=[event_exchange("accounts")],
            delivery_mode=2,
        )


@pytest.fixture
def probe(container_factory, service_config):
    Probe.deliveries = []
    Probe.fail_with = None
    config = service_config("content", EVENT_MAX_ATTEMPTS=3)
    container = container_factory(OperableProbe, config)
    container.start()
    return config


def event(event_id="8b6f5f0e-0000-4000-8000-000000000001", **extra):
    return {
        "event_id": event_id,
        "event_type": "accounts.tenant_created",
        "schema_version": 1,
        "occurred_at": "2026-11-26T00:00:00+00:00",
        **extra,
    }


QUEUE = "evt-accounts-accounts.tenant_created--probe.handle_tenant_created"


def test_the_same_event_delivered_twice_has_one_effect(probe, databases, rabbit_manager, rabbit_config):
    sessions = databases.sessions("content")
    publish(probe["AMQP_URI"], event())
    publish(probe["AMQP_URI"], event())
    wait_for(lambda: len(Probe.deliveries) == 2, message="both deliveries")
    wait_for(lambda: queue_settled(rabbit_manager, rabbit_config["vhost"], QUEUE, acked=2), message="both handled")
    assert effects(sessions)[0] == [event()["event_id"]]


def test_a_handler_that_fails_once_is_retried_and_counts_once(probe, databases, rabbit_manager, rabbit_config):
    class FlakyOnce(Exception):
        def __init__(self, *args):
            Probe.fail_with = None  # the next attempt succeeds
            super().__init__(*args)

    Probe.fail_with = FlakyOnce
    publish(probe["AMQP_URI"], event())
    wait_for(lambda: effects(databases.sessions("content"))[0], message="the effect after the retry")
    wait_for(  # the failed delivery is acked once its retry is queued: two acks
        lambda: queue_settled(rabbit_manager, rabbit_config["vhost"], QUEUE, acked=2), message="handled"
    )
    assert Probe.deliveries == [event()["event_id"]] * 2
    assert effects(databases.sessions("content"))[0] == [event()["event_id"]]


def test_a_handler_that_keeps_failing_parks_the_event_and_a_replay_applies_it_once(probe, databases, rabbit_config):
    from nameko.standalone.rpc import ServiceRpcProxy

    from platform_shared import transport  # noqa: F401

    Probe.fail_with = RuntimeError
    publish(probe["AMQP_URI"], event(name="Công đoàn Đà Nẵng"))
    with ServiceRpcProxy("probe", {"AMQP_URI": probe["AMQP_URI"]}, timeout=10) as rpc:
        parked = wait_for(lambda: rpc.list_parked_events(SYSTEM.dump()), message="a parked event")
        assert len(Probe.deliveries) == 3  # EVENT_MAX_ATTEMPTS
        (item,) = parked
        assert item["handler"] == "handle_tenant_created"
        assert item["payload"]["name"] == "Công đoàn Đà Nẵng"
        assert "the handler is broken" in item["error"]
        assert effects(databases.sessions("content"))[0] == []

        Probe.fail_with = None  # the bug is fixed and deployed
        rpc.replay_parked_event(SYSTEM.dump(), item["id"])
        wait_for(lambda: effects(databases.sessions("content"))[0], message="the replayed effect")
        assert rpc.list_parked_events(SYSTEM.dump()) == []

        from platform_shared.errors import Conflict, Forbidden

        with pytest.raises(Conflict):
            rpc.replay_parked_event(SYSTEM.dump(), item["id"])
        with pytest.raises(Forbidden):
            rpc.list_parked_events({"user_id": "u", "tenant_id": "t", "roles": ["tenant_admin"]})
    assert effects(databases.sessions("content"))[0] == [event()["event_id"]]


def test_an_event_is_never_acked_away_while_parking_is_impossible(container_factory, service_config):
    """With the database unreachable the failing event is requeued, not lost."""
    Probe.deliveries = []
    Probe.fail_with = RuntimeError
    config = service_config(
        "content", EVENT_MAX_ATTEMPTS=1, DATABASE_URL="postgresql+psycopg2://postgres@127.0.0.1:1/unreachable"
    )
    container = container_factory(Probe, config)
    container.start()
    publish(config["AMQP_URI"], event())
    wait_for(lambda: len(Probe.deliveries) >= 2, message="the event to come back after a failed park")
    container.kill()
    with Connection(config["AMQP_URI"]) as conn:
        message = conn.SimpleQueue(QUEUE).get(timeout=10)
        assert json.loads(message.body)["event_id"] == event()["event_id"]
