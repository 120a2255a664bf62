"""Fixtures of the notifications tests: events put on a publisher's exchange as its relay does,
the demo people as actors, and RPC proxies."""

import json
import uuid

import pytest


@pytest.fixture
def publish(rabbit_config):
    """``publish(payload)``: put an event on ``<publisher>.events`` (the publisher is the event
    type's prefix), persistent and confirmed, in nameko's event wire format."""
    import amqp

    from platform_shared.broker import amqp_params

    conn = amqp.Connection(**amqp_params(rabbit_config["AMQP_URI"]), confirm_publish=True)
    conn.connect()
    channel = conn.channel()

    def send(payload):
        exchange = payload["event_type"].partition(".")[0] + ".events"
        channel.exchange_declare(exchange, "topic", durable=True, auto_delete=False)
        message = amqp.Message(
            json.dumps(payload, ensure_ascii=False),
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=2,
            message_id=payload["event_id"],
        )
        channel.basic_publish(message, exchange=exchange, routing_key=payload["event_type"])
        return payload

    yield send
    conn.collect()


def event(event_type, **fields):
    """A payload of ``event_type`` as its publisher sends it (checked against the contract)."""
    from platform_shared import contracts

    payload = {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "occurred_at": "2026-11-30T17:05:00+00:00",
        "schema_version": 1,
        **fields,
    }
    contracts.check(event_type, payload)
    return payload


@pytest.fixture
def make_event():
    return event


@pytest.fixture
def rpc(rabbit_config):
    """``rpc("notifications")``: a standalone proxy to a service, closed at the end of the test."""
    from nameko.standalone.rpc import ServiceRpcProxy

    opened = []

    def open_(service):
        proxy = ServiceRpcProxy(service, {"AMQP_URI": rabbit_config["AMQP_URI"]}, timeout=20)
        opened.append(proxy)
        return proxy.start()

    yield open_
    for proxy in opened:
        proxy.stop()


@pytest.fixture
def people(demo, rpc):
    """The demo users by username → ``{"actor", "id", "tenant_id"}`` (an actor as the gateway builds it)."""
    from platform_shared.actor import SYSTEM

    accounts = rpc("accounts")
    found = {}
    page = 1
    while True:
        answer = accounts.list_users(SYSTEM.dump(), {"page": page, "per_page": 100})
        for user in answer["items"]:
            actor = {"user_id": user["id"], "tenant_id": user["tenant_id"], "roles": user["roles"]}
            found[user["username"]] = {"actor": actor, "id": user["id"], "tenant_id": user["tenant_id"]}
        if page * answer["per_page"] >= answer["total"]:
            return found
        page += 1
