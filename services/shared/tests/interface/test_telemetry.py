"""Metrics and traces of a real container, relay and handler: an RPC is counted and its count is on
the metrics port; deliveries are counted by outcome; parked events and the outbox backlog are read
when scraped; the request id and the trace travel from a call into the facts it causes."""

import os
import signal
import socket
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import pytest
from kombu import Connection, Exchange, Queue
from nameko.standalone.rpc import ClusterRpcProxy, ServiceRpcProxy
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from platform_shared import outbox, tracing
from platform_shared.broker import event_exchange
from platform_shared.errors import Forbidden, Unavailable
from platform_shared.operations import ServiceOperations
from platform_shared.relay import Relay
from platform_shared.rpc import ServiceRpc, rpc
from platform_shared.tables import outbox as outbox_table
from platform_shared.telemetry import Telemetry
from platform_shared.testing.waiting import wait_for

sys.path.insert(0, str(Path(__file__).parent))
from probe import Probe  # noqa: E402

MEMBER = {"user_id": "u", "tenant_id": "t", "roles": ["member"]}


class OperableProbe(Probe, ServiceOperations):
    """The probe with what every service has: the operations RPCs, the request context, telemetry."""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port, path="/metrics"):
    """{(name, frozen labels): value} of what the metrics port answers."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        text = response.read().decode()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


def event(**extra):
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": "accounts.tenant_created",
        "schema_version": 1,
        "occurred_at": "2026-12-03T00:00:00+00:00",
        **extra,
    }


def publish(amqp_uri, payload, headers=None):
    with Connection(amqp_uri) as conn:
        conn.Producer(serializer="json").publish(
            payload,
            exchange=event_exchange("accounts"),
            routing_key=payload["event_type"],
            declare=[event_exchange("accounts")],
            delivery_mode=2,
            headers=headers or {},
        )


@pytest.fixture
def metrics_port():
    return free_port()


@pytest.fixture
def probe(container_factory, service_config, metrics_port):
    Probe.deliveries = []
    Probe.fail_with = None
    config = service_config("content", EVENT_MAX_ATTEMPTS=2, METRICS_PORT=str(metrics_port))
    container = container_factory(OperableProbe, config)
    container.start()
    return config


def test_an_rpc_is_counted_by_outcome_and_the_metrics_port_answers_with_it(probe, metrics_port):
    ok = ("probe", "quick", "ok")
    refused = ("probe", "list_parked_events", "expected_error")
    before = {
        key: sample("platform_rpc_calls_total", service=key[0], method=key[1], outcome=key[2]) for key in (ok, refused)
    }
    with ServiceRpcProxy("probe", {"AMQP_URI": probe["AMQP_URI"]}, timeout=10) as rpc:
        assert rpc.quick() == 42
        assert rpc.quick() == 42
        with pytest.raises(Forbidden):
            rpc.list_parked_events(MEMBER)

    scraped = scrape(metrics_port, "/any/path")
    for key, more in ((ok, 2), (refused, 1)):
        labels = frozenset({"service": key[0], "method": key[1], "outcome": key[2]}.items())
        assert scraped[("platform_rpc_calls_total", labels)] == before[key] + more
    assert (
        scraped[("platform_rpc_duration_seconds_count", frozenset({"service": "probe", "method": "quick"}.items()))]
        >= 2
    )


def test_deliveries_are_counted_ok_duplicate_retry_and_parked_and_the_parked_gauge_reads_the_database(
    probe, metrics_port
):
    def delivered(outcome):
        return sample(
            "platform_handler_deliveries_total", service="probe", handler="handle_tenant_created", outcome=outcome
        )

    before = {outcome: delivered(outcome) for outcome in ("ok", "duplicate", "retry", "parked")}
    once = event()
    publish(probe["AMQP_URI"], once)
    publish(probe["AMQP_URI"], once)
    wait_for(lambda: delivered("ok") + delivered("duplicate") == before["ok"] + before["duplicate"] + 2, message="both")
    assert delivered("ok") == before["ok"] + 1
    assert delivered("duplicate") == before["duplicate"] + 1

    parked_label = frozenset({"service": "probe"}.items())
    assert scrape(metrics_port)[("platform_events_parked", parked_label)] == 0
    Probe.fail_with = RuntimeError
    publish(probe["AMQP_URI"], event())
    wait_for(lambda: delivered("parked") == before["parked"] + 1, message="the event parked")
    assert delivered("retry") == before["retry"] + 1  # EVENT_MAX_ATTEMPTS=2: one retry, then parked
    assert scrape(metrics_port)[("platform_events_parked", parked_label)] == 1


@pytest.fixture
def publisher(databases):
    """The accounts test database plays the publishing service."""
    return databases.sessions("accounts")


def commit_events(sessions, n):
    with sessions.transaction() as session:
        for i in range(n):
            outbox.add(session, "accounts.tenant_created", {"tenant_id": "t", "seq": i}, contract=False)


def test_the_relay_exports_its_backlog_and_counts_what_it_publishes(publisher, rabbit_config):
    relay = Relay("accounts", publisher.engine, rabbit_config["AMQP_URI"])
    relay.export_metrics()
    commit_events(publisher, 3)
    assert sample("platform_outbox_backlog", service="accounts") == 3
    assert sample("platform_outbox_oldest_age_seconds", service="accounts") >= 0
    published = sample("platform_outbox_published_total", service="accounts")
    assert relay.publish_pending() == 3
    relay._reset_broker()
    wait_for(lambda: sample("platform_outbox_backlog", service="accounts") == 0, message="the gauge read again")
    assert sample("platform_outbox_oldest_age_seconds", service="accounts") == 0
    assert sample("platform_outbox_published_total", service="accounts") == published + 3


def test_platform_relay_serves_the_backlog_on_its_metrics_port(publisher, databases, rabbit_config):
    commit_events(publisher, 2)
    port = free_port()
    env = dict(
        os.environ,
        AMQP_URI="amqp://guest:guest@127.0.0.1:1//",  # no broker: the backlog stays, and is what we read
        ACCOUNTS_DATABASE_URL=databases.url("accounts"),
        METRICS_PORT=str(port),
    )
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "platform"), "relay", "accounts"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        label = frozenset({"service": "accounts"}.items())

        def backlog():
            try:
                return scrape(port).get(("platform_outbox_backlog", label))
            except OSError:
                return None

        assert wait_for(backlog, message="the relay's metrics port") == 2
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)


# -- the request id and the trace ---------------------------------------------------------------


@pytest.fixture
def spans():
    """Traces exported to memory for the test (no collector runs here)."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.install(provider)
    yield exporter
    tracing.install(None)


def test_an_rpc_is_a_server_span_child_of_its_caller_with_the_request_id(spans, probe):
    caller = tracing.start("test.quick", "client", request_id="rid-span-0001")
    context = {"request_id": "rid-span-0001", "traceparent": tracing.traceparent_of(caller)}
    with ClusterRpcProxy({"AMQP_URI": probe["AMQP_URI"]}, context_data=context, timeout=10) as cluster:
        assert cluster.probe.quick() == 42
    tracing.finish(caller)

    (served,) = [s for s in spans.get_finished_spans() if s.name == "probe.quick"]
    assert served.kind.name == "SERVER"
    assert served.parent.span_id == caller.get_span_context().span_id
    assert served.context.trace_id == caller.get_span_context().trace_id
    assert served.attributes[tracing.REQUEST_ID] == "rid-span-0001"


def test_a_handled_event_is_a_consumer_span_and_the_fact_it_writes_carries_the_request_id_and_its_trace(
    spans, probe, databases
):
    producer = tracing.start("test.relay", "producer", request_id="rid-event-0001")
    headers = {"nameko.request_id": "rid-event-0001", "nameko.traceparent": tracing.traceparent_of(producer)}
    tracing.finish(producer)
    cause = event()
    publish(probe["AMQP_URI"], cause, headers=headers)

    sessions = databases.sessions("content")

    def effect_headers():
        with sessions.transaction() as session:
            return session.scalar(select(outbox_table.c.headers).where(outbox_table.c.event_type == "probe.effect"))

    written = wait_for(effect_headers, message="the handler's fact")
    (handled,) = wait_for(
        lambda: [s for s in spans.get_finished_spans() if s.name == "probe.handle_tenant_created"], message="its span"
    )
    assert handled.kind.name == "CONSUMER"
    assert handled.parent.span_id == producer.get_span_context().span_id
    assert handled.attributes[tracing.REQUEST_ID] == "rid-event-0001"
    assert written["request_id"] == "rid-event-0001"
    assert f"{handled.context.span_id:016x}" in written["traceparent"]  # the next fact follows from this span


def test_without_an_endpoint_nothing_is_traced_and_facts_keep_only_the_request_id(probe, databases):
    assert tracing.tracer() is None
    publish(probe["AMQP_URI"], event(), headers={"nameko.request_id": "rid-plain-0001"})
    sessions = databases.sessions("content")

    def effect_headers():
        with sessions.transaction() as session:
            return session.scalar(select(outbox_table.c.headers).where(outbox_table.c.event_type == "probe.effect"))

    assert wait_for(effect_headers, message="the handler's fact") == {"request_id": "rid-plain-0001"}


def test_the_relay_sends_the_request_id_as_a_message_header(publisher, rabbit_config):
    from platform_shared.logs import request_id_var

    token = request_id_var.set("rid-relay-0001")
    try:
        commit_events(publisher, 1)
    finally:
        request_id_var.reset(token)
    with Connection(rabbit_config["AMQP_URI"]) as conn:
        queue = Queue(
            "test-telemetry-headers",
            Exchange("accounts.events", type="topic", durable=True),
            routing_key="accounts.tenant_created",
        )(conn.default_channel)
        queue.declare()
        relay = Relay("accounts", publisher.engine, rabbit_config["AMQP_URI"])
        assert relay.publish_pending() == 1
        relay._reset_broker()
        message = wait_for(lambda: queue.get(no_ack=True), message="the published event")
    assert message.headers["nameko.request_id"] == "rid-relay-0001"
    assert message.headers["nameko.event_id"] == message.payload["event_id"]


# -- one service calling another ----------------------------------------------------------------


class Caller:
    """Calls the probe, and a service that was never deployed, through ``ServiceRpc``."""

    name = "telemetry_caller"
    telemetry = Telemetry()
    probe = ServiceRpc("probe", timeout=2)
    ghost = ServiceRpc("never_deployed", timeout=2)

    @rpc
    def ask_probe(self):
        return self.probe.quick()

    @rpc
    def ask_ghost(self):
        try:
            return self.ghost.quick()
        except Unavailable as exc:
            return exc.code


def test_a_service_counts_the_calls_it_makes_and_they_continue_its_trace(
    spans, probe, container_factory, rabbit_config
):
    def made(target, outcome):
        return sample("platform_rpc_client_calls_total", target=target, method="quick", outcome=outcome)

    container_factory(Caller, rabbit_config).start()
    before = made("probe", "ok"), made("never_deployed", "unavailable")
    context = {"request_id": "rid-onward-0001"}
    with ClusterRpcProxy({"AMQP_URI": rabbit_config["AMQP_URI"]}, context_data=context, timeout=10) as cluster:
        assert cluster.telemetry_caller.ask_probe() == 42
        assert cluster.telemetry_caller.ask_ghost() == "SERVICE_UNAVAILABLE"
    assert made("probe", "ok") == before[0] + 1
    assert made("never_deployed", "unavailable") == before[1] + 1

    finished = spans.get_finished_spans()
    (asked,) = [s for s in finished if s.name == "telemetry_caller.ask_probe"]
    (called,) = [s for s in finished if s.name == "probe.quick" and s.kind.name == "CLIENT"]
    (served,) = [s for s in finished if s.name == "probe.quick" and s.kind.name == "SERVER"]
    assert called.parent.span_id == asked.context.span_id
    assert served.parent.span_id == called.context.span_id
    assert {s.attributes[tracing.REQUEST_ID] for s in (asked, called, served)} == {"rid-onward-0001"}
