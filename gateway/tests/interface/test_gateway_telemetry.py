"""The gateway's RPC client counts each call by outcome; with traces exported, a request is one
trace — the Flask span, a client span per RPC, the service's server span — carrying the request id."""

import pytest
from kombu import Connection, Exchange, Queue
from prometheus_client import REGISTRY

from platform_shared import tracing
from platform_shared.errors import NotFound, Unavailable
from platform_shared.rpc import rpc
from platform_shared.telemetry import Telemetry
from platform_shared.transport import EXPECTED


class Accounts:
    """A stand-in accounts service with the telemetry every service has."""

    name = "accounts"
    telemetry = Telemetry()

    @rpc
    def get_jwks(self, actor):
        return {"keys": []}

    @rpc(expected_exceptions=EXPECTED)
    def get_tenant(self, actor, tenant_id):
        raise NotFound.of("tenant", tenant_id)


def calls(method, outcome, target="accounts"):
    labels = {"target": target, "method": method, "outcome": outcome}
    return REGISTRY.get_sample_value("platform_rpc_client_calls_total", labels) or 0.0


@pytest.fixture
def as_member(monkeypatch):
    """Skip token verification: these tests are about what happens after it."""
    from gateway import auth

    monkeypatch.setattr(
        auth, "current_actor", lambda required=True: {"user_id": "u", "tenant_id": "t", "roles": ["member"]}
    )
    import gateway.api.accounts as accounts_api

    monkeypatch.setattr(accounts_api, "current_actor", auth.current_actor)


def test_each_rpc_is_counted_ok_error_unavailable_and_timeout(make_gateway, container_factory, rabbit_config):
    pool = make_gateway(rpc_timeout=1).extensions["rpc"]
    before = {o: calls(m, o) for m, o in (("get_jwks", "ok"), ("get_tenant", "error"), ("get_jwks", "unavailable"))}
    with pytest.raises(Unavailable):
        pool.call("accounts", "get_jwks", {})  # no accounts service at all: returned by the broker
    assert calls("get_jwks", "unavailable") == before["unavailable"] + 1

    container = container_factory(Accounts, rabbit_config)
    container.start()
    assert pool.call("accounts", "get_jwks", {}) == {"keys": []}
    with pytest.raises(NotFound):
        pool.call("accounts", "get_tenant", {}, "abc")
    assert calls("get_jwks", "ok") == before["ok"] + 1
    assert calls("get_tenant", "error") == before["error"] + 1
    container.stop()

    timeouts = calls("get_jwks", "timeout")
    with Connection(rabbit_config["AMQP_URI"]) as conn:  # a queue nobody consumes: the request waits
        Queue(
            "rpc-accounts", Exchange("nameko-rpc", type="topic", durable=True), routing_key="accounts.*", durable=True
        )(conn.default_channel).declare()
    with pytest.raises(Unavailable) as waited:
        pool.call("accounts", "get_jwks", {}, timeout=0.3)
    assert waited.value.code == "SERVICE_TIMEOUT"
    assert calls("get_jwks", "timeout") == timeouts + 1


@pytest.fixture
def spans():
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.install(provider)
    yield exporter
    tracing.install(None)


def test_a_request_is_one_trace_from_the_flask_span_to_the_service_with_the_request_id(
    spans, make_gateway, container_factory, rabbit_config, as_member
):
    container_factory(Accounts, rabbit_config).start()
    client = make_gateway().test_client()  # made while traces are exported: instrumented
    answer = client.get("/api/v1/tenants/abc", headers={"X-Request-ID": "trace-gateway-0001"})
    assert answer.status_code == 404

    finished = spans.get_finished_spans()
    (request,) = [s for s in finished if s.kind.name == "SERVER" and s.name.startswith("GET ")]
    (called,) = [s for s in finished if s.kind.name == "CLIENT" and s.name == "accounts.get_tenant"]
    (served,) = [s for s in finished if s.kind.name == "SERVER" and s.name == "accounts.get_tenant"]
    assert called.parent.span_id == request.context.span_id
    assert served.parent.span_id == called.context.span_id
    assert {s.context.trace_id for s in (request, called, served)} == {request.context.trace_id}
    for span in (request, called, served):
        assert span.attributes[tracing.REQUEST_ID] == "trace-gateway-0001", span.name
    assert served.status.is_ok  # an expected error is the answer, not a failure of the span
