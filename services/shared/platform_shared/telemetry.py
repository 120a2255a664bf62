"""Metrics and traces of a nameko service: one dependency, given to every service by
``ServiceOperations``.

* ``METRICS_PORT`` (config or environment; unset or empty: no endpoint) starts the
  Prometheus endpoint once per process on ``METRICS_ADDRESS`` (default 127.0.0.1); every path
  answers the metrics, so a readiness probe may use it. Each replica needs its own port.
* Every worker is counted whether or not the endpoint runs (the counters are in memory):
  an RPC in ``platform_rpc_calls_total`` / ``platform_rpc_duration_seconds``, a handled event
  in ``platform_handler_deliveries_total`` (ok, or duplicate when ``inbox.seen`` found it;
  retries and parkings are counted by the handler extension itself).
* ``platform_events_parked{service}`` is read from the service's database when scraped.
* With ``OTEL_EXPORTER_OTLP_ENDPOINT`` set, each RPC and each handled event is a span (server,
  consumer) child of the caller's ``traceparent``; the worker's context data then carries its
  own span's, so the calls it makes and the facts it writes follow from it.
"""

import time

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from sqlalchemy import func, select

from platform_shared import metrics, tracing
from platform_shared.dependencies import sessions_of
from platform_shared.rpc import DROPPED
from platform_shared.tables import parked_event

_parked_sources = {}  # service name -> the Telemetry whose database answers its parked gauge


def _green_server(port, addr, registry):
    """The metrics endpoint as a green thread of the service's hub. prometheus-client's own
    server is a thread whose ``select`` blocks the whole process under eventlet (seen in
    ``make cluster``: no replica ever started consuming with METRICS_PORT set)."""
    import eventlet
    import eventlet.wsgi
    from prometheus_client import REGISTRY, make_wsgi_app

    sock = eventlet.listen((addr, port))
    app = make_wsgi_app(registry or REGISTRY)
    return eventlet.spawn(eventlet.wsgi.server, sock, app, log_output=False, log=None)


class Telemetry(DependencyProvider):
    def setup(self):
        self.service = self.container.service_name
        config = self.container.config
        port = metrics.configured_port(config)
        if port is not None:
            metrics.serve(port, metrics.configured_address(config), starter=_green_server)
            _parked_sources[self.service] = self
            metrics.sample(metrics.EVENTS_PARKED, self.service, self._parked)
        tracing.configure(self.service)

    def stop(self):
        if _parked_sources.get(self.service) is self:
            del _parked_sources[self.service]
            metrics.unsample(metrics.EVENTS_PARKED, self.service)

    def kill(self):
        self.stop()

    def _parked(self):
        with sessions_of(self.container).read() as session:
            return session.scalar(
                select(func.count()).select_from(parked_event).where(parked_event.c.replayed_at.is_(None))
            )

    def worker_setup(self, worker_ctx):
        worker_ctx._platform_started = time.perf_counter()
        if tracing.tracer() is None:
            return
        entrypoint = worker_ctx.entrypoint
        kind = (
            "server"
            if isinstance(entrypoint, Rpc)
            else "consumer"
            if isinstance(entrypoint, EventHandler)
            else "internal"
        )
        data = worker_ctx.data
        span = tracing.start(
            f"{self.service}.{entrypoint.method_name}",
            kind,
            traceparent=data.get(tracing.HEADER),
            request_id=data.get("request_id"),
        )
        worker_ctx._platform_span = (span, tracing.activate(span))
        data[tracing.HEADER] = tracing.traceparent_of(span)

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        entrypoint = worker_ctx.entrypoint
        started = getattr(worker_ctx, "_platform_started", None)
        failure = None if exc_info is None else exc_info[1]
        if isinstance(entrypoint, Rpc):
            method = entrypoint.method_name
            if result is DROPPED:
                metrics.rpc_served(self.service, method, "error")
            else:
                if failure is None:
                    outcome = "ok"
                elif isinstance(failure, entrypoint.expected_exceptions):
                    outcome = "expected_error"
                    failure = None  # the answer (a 404, a 422), not a failure of the span
                else:
                    outcome = "error"
                elapsed = None if started is None else time.perf_counter() - started
                metrics.rpc_served(self.service, method, outcome, elapsed)
        elif isinstance(entrypoint, EventHandler):
            duplicate = metrics.take_duplicate()
            if failure is None:  # a failure is counted as retry or parked by the handler extension
                metrics.handler_delivery(self.service, entrypoint.method_name, "duplicate" if duplicate else "ok")
        traced = getattr(worker_ctx, "_platform_span", None)
        if traced is not None:
            span, token = traced
            worker_ctx._platform_span = None
            tracing.deactivate(token)
            tracing.finish(span, failure)
