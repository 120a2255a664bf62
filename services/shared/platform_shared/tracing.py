"""OpenTelemetry traces, exported only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set.

``configure(service)`` is called once per process (a service container's telemetry, the
gateway's app factory). Without the endpoint it imports nothing of OpenTelemetry and
``tracer()`` stays None: every caller checks that first, so tracing off costs one global
read on the hot path. With it, spans go to the OTLP/HTTP exporter in batches; the exporter
reads the standard ``OTEL_*`` variables (headers, timeout, ``OTEL_SERVICE_NAME`` to rename).

Spans cross processes as a W3C ``traceparent`` in nameko's context data (message header
``nameko.traceparent``): the gateway's RPC client sends its span's, a service replaces the
caller's with its own server span's (so what it calls next, and the facts it writes to its
outbox, are children of it), and the relay publishes the one stored with each outbox row.
Every span carries the request id as ``platform.request_id``.
"""

import os

REQUEST_ID = "platform.request_id"
HEADER = "traceparent"

_tracer = None
_provider = None
_propagator = None


def tracer():
    """The process's tracer, or None when traces are not exported."""
    return _tracer


def configure(service):
    """Export traces of ``service`` when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set; the tracer or None."""
    if _tracer is not None or not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return _tracer
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME") or service})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    install(provider)
    return _tracer


def install(provider):
    """Trace with ``provider`` (the tests give one with an in-memory exporter); None: tracing off."""
    global _tracer, _provider, _propagator
    if provider is None:
        _tracer = _provider = None
        return
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    _propagator = TraceContextTextMapPropagator()
    _provider = provider
    _tracer = provider.get_tracer("platform")


def provider():
    return _provider


def start(name, kind, *, traceparent=None, request_id=None):
    """A started span (not made current): a child of ``traceparent`` when given, else of the
    current span. ``kind`` is ``"server"``, ``"client"``, ``"consumer"`` or ``"internal"``."""
    from opentelemetry.trace import SpanKind

    parent = _propagator.extract({HEADER: traceparent}) if traceparent else None
    attributes = {REQUEST_ID: request_id} if request_id else None
    return _tracer.start_span(name, context=parent, kind=SpanKind[kind.upper()], attributes=attributes)


def activate(span):
    """Make ``span`` current in this context; returns the token for ``deactivate``."""
    from opentelemetry import context, trace

    return context.attach(trace.set_span_in_context(span))


def deactivate(token):
    from opentelemetry import context

    try:
        context.detach(token)
    except Exception:  # detached in another context (a killed worker): nothing to restore
        pass


def traceparent_of(span=None):
    """The W3C ``traceparent`` of ``span`` (default: the current span), or None."""
    if _tracer is None:
        return None
    from opentelemetry import trace

    carrier = {}
    ctx = trace.set_span_in_context(span) if span is not None else None
    _propagator.inject(carrier, context=ctx)
    return carrier.get(HEADER)


def finish(span, error=None):
    """End ``span``, marked failed with ``error`` when one is given."""
    if error is not None:
        from opentelemetry.trace import Status, StatusCode

        span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, type(error).__name__))
    span.end()


def tag_current(request_id):
    """Put the request id on the current span (the gateway's request span)."""
    if request_id:
        from opentelemetry import trace

        trace.get_current_span().set_attribute(REQUEST_ID, request_id)
