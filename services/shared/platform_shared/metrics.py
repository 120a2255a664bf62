"""Prometheus metrics of the platform: every metric object in one place, and the helpers that
count with them. No nameko, no eventlet: the services, the relay and the gateway import it.

The names are a contract (dashboards and alert rules in ``deploy/`` use them):

=========================================================  ==========================================
``platform_rpc_calls_total{service,method,outcome}``        served RPCs; ok | error | expected_error
``platform_rpc_duration_seconds{service,method}``           their time in the service (histogram)
``platform_rpc_client_calls_total{target,method,outcome}``  the gateway's RPCs; ok | error | timeout |
                                                            unavailable
``platform_rpc_client_duration_seconds{target,method}``     their round trip (histogram)
``platform_http_requests_total{route,method,status}``       the gateway's requests; ``route`` is the
                                                            Flask rule (``/api/v1/articles/<article_id>``)
                                                            or ``<unmatched>``
``platform_http_request_duration_seconds{route,method}``    (histogram)
``platform_handler_deliveries_total{service,handler,outcome}``  ok | duplicate | retry | parked
``platform_events_parked{service}``                         parked events not yet replayed (gauge)
``platform_outbox_backlog{service}``                        unsent outbox rows (gauge, the relay)
``platform_outbox_oldest_age_seconds{service}``             age of the oldest unsent row (the relay)
``platform_outbox_published_total{service}``                rows the relay published (the relay)
``platform_poll_intake_accepted_total``                     responses the broker confirmed (gateway)
``platform_poll_intake_counted_total``                      responses committed (polls' consumer)
``platform_poll_intake_queue_depth``                        ready messages of ``polls.responses``
``platform_cache_requests_total{cache,result}``             the gateway's caches; hit | miss
``platform_timer_runs_total{service,timer,outcome}``        ran | skipped (``timer_run``)
=========================================================  ==========================================

The hot paths (a request, an RPC) count through children cached by their label values: one
dict lookup instead of ``labels()``'s lock and checks on every call. Label values are bounded
by construction (methods, handlers, Flask rules), never raw paths or ids.

Gauges that describe a database (parked events, outbox backlog) are read when scraped
(``sample``): two replicas of a service report the same figure, so dashboards take ``max``.
"""

import contextvars
import logging
import math
import os
import threading

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics, start_http_server

log = logging.getLogger("platform.metrics")

disable_created_metrics()  # no ``*_created`` series beside each counter: half the series, nothing lost

# RPCs answer in milliseconds here (DESIGN §9: p50 3.7 ms through the gateway): finer low buckets.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

RPC_OUTCOMES = ("ok", "error", "expected_error")
RPC_CLIENT_OUTCOMES = ("ok", "error", "timeout", "unavailable")
HANDLER_OUTCOMES = ("ok", "duplicate", "retry", "parked")
TIMER_OUTCOMES = ("ran", "skipped")
UNMATCHED_ROUTE = "<unmatched>"

RPC_CALLS = Counter("platform_rpc_calls", "RPCs served, by outcome.", ["service", "method", "outcome"])
RPC_DURATION = Histogram(
    "platform_rpc_duration_seconds",
    "Time an RPC spent in the service (worker start to reply).",
    ["service", "method"],
    buckets=LATENCY_BUCKETS,
)
RPC_CLIENT_CALLS = Counter(
    "platform_rpc_client_calls", "RPCs the gateway made, by outcome.", ["target", "method", "outcome"]
)
RPC_CLIENT_DURATION = Histogram(
    "platform_rpc_client_duration_seconds",
    "Round trip of the gateway's RPCs, publish to reply.",
    ["target", "method"],
    buckets=LATENCY_BUCKETS,
)
HTTP_REQUESTS = Counter(
    "platform_http_requests", "Requests the gateway answered, by route pattern.", ["route", "method", "status"]
)
HTTP_DURATION = Histogram(
    "platform_http_request_duration_seconds",
    "Time the gateway spent on a request (first hook to the response).",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
HANDLER_DELIVERIES = Counter(
    "platform_handler_deliveries", "Event deliveries to handlers, by outcome.", ["service", "handler", "outcome"]
)
EVENTS_PARKED = Gauge("platform_events_parked", "Parked events not yet replayed.", ["service"])
OUTBOX_BACKLOG = Gauge("platform_outbox_backlog", "Outbox rows not yet published.", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "platform_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox row (0 when none).", ["service"]
)
OUTBOX_PUBLISHED = Counter("platform_outbox_published", "Outbox rows the relay published.", ["service"])
CACHE_REQUESTS = Counter("platform_cache_requests", "Lookups in the gateway's caches.", ["cache", "result"])
TIMER_RUNS = Counter(
    "platform_timer_runs",
    "Timer ticks, run or skipped (another replica held the lock).",
    ["service", "timer", "outcome"],
)

# The poll intake's three have no labels: created on first use, so that a process that never
# counts them (every service but polls, the gateway's consumer side) does not export a 0.
_lazy = {}
_lazy_lock = threading.Lock()


def _once(name, factory):
    metric = _lazy.get(name)
    if metric is None:
        with _lazy_lock:
            metric = _lazy.get(name)
            if metric is None:
                metric = _lazy[name] = factory()
    return metric


def poll_intake_accepted():
    """One poll response the broker confirmed (the gateway, before its 202)."""
    _once("accepted", lambda: Counter("platform_poll_intake_accepted", "Poll responses confirmed by the broker.")).inc()


def poll_intake_counted(n):
    """``n`` poll responses committed by the polls consumer."""
    if n:
        _once("counted", lambda: Counter("platform_poll_intake_counted", "Poll responses committed.")).inc(n)


def poll_intake_queue_depth(n):
    """The ready messages of the responses queue (from a passive declare)."""
    _once(
        "depth",
        lambda: Gauge(
            "platform_poll_intake_queue_depth",
            "Ready messages in the poll responses queue.",
            multiprocess_mode="livemax",
        ),
    ).set(n)


class _Children(dict):
    """Label values → the metric's child, made once (``labels()`` takes a lock and checks each call)."""

    def __init__(self, metric):
        super().__init__()
        self.metric = metric

    def __missing__(self, key):
        child = self[key] = self.metric.labels(*key)
        return child


_rpc_calls = _Children(RPC_CALLS)
_rpc_duration = _Children(RPC_DURATION)
_client_calls = _Children(RPC_CLIENT_CALLS)
_client_duration = _Children(RPC_CLIENT_DURATION)
_http_requests = _Children(HTTP_REQUESTS)
_http_duration = _Children(HTTP_DURATION)
_deliveries = _Children(HANDLER_DELIVERIES)
_cache = _Children(CACHE_REQUESTS)


def rpc_served(service, method, outcome, seconds=None):
    """One served RPC; ``seconds`` None when it never ran (dropped on arrival, its deadline passed)."""
    _rpc_calls[service, method, outcome].inc()
    if seconds is not None:
        _rpc_duration[service, method].observe(seconds)


def rpc_called(target, method, outcome, seconds):
    """One RPC made by the gateway."""
    _client_calls[target, method, outcome].inc()
    _client_duration[target, method].observe(seconds)


def http_request(route, method, status, seconds):
    """One request answered by the gateway; ``route`` is the rule's pattern, never the path."""
    _http_requests[route, method, status].inc()
    _http_duration[route, method].observe(seconds)


def handler_delivery(service, handler, outcome):
    """One delivery to an event handler: ok, duplicate (already in the inbox), retry or parked."""
    _deliveries[service, handler, outcome].inc()


def cache_request(cache, hit):
    """One lookup in a gateway cache."""
    _cache[cache, "hit" if hit else "miss"].inc()


def outbox_published(service, n):
    if n:
        OUTBOX_PUBLISHED.labels(service).inc(n)


def timer_run(service, timer, outcome):
    """One timer tick of ``service``: ``"ran"``, or ``"skipped"`` because another replica held it."""
    if outcome not in TIMER_OUTCOMES:
        raise ValueError(f"timer outcome must be one of {TIMER_OUTCOMES}, got {outcome!r}")
    TIMER_RUNS.labels(service, timer, outcome).inc()


# -- duplicates, seen by ``inbox.seen`` and counted by the handler's telemetry ----------------

_duplicate = contextvars.ContextVar("platform_duplicate_delivery", default=False)


def note_duplicate():
    """The running handler found its event already processed (``inbox.seen``)."""
    _duplicate.set(True)


def take_duplicate():
    """Whether ``note_duplicate`` was called in this context since the last call; resets it."""
    if _duplicate.get():
        _duplicate.set(False)
        return True
    return False


# -- sampled gauges ---------------------------------------------------------------------------


def sample(gauge, service, read):
    """Make ``gauge{service}`` call ``read()`` when scraped; a failing read reports NaN (the scrape
    itself never fails because a database is away)."""

    def value():
        try:
            return float(read())
        except Exception:
            log.warning("could not read %s for %s", gauge._name, service, exc_info=True)
            return math.nan

    gauge.labels(service).set_function(value)


def unsample(gauge, service):
    try:
        gauge.remove(service)
    except KeyError:
        pass


# -- the metrics endpoint ---------------------------------------------------------------------

_servers = {}
_servers_lock = threading.Lock()


def port_from(value):
    """The metrics port of a setting: None when unset or empty (no endpoint)."""
    if value is None or str(value).strip() == "":
        return None
    port = int(value)
    if not 0 < port < 65536:
        raise ValueError(f"METRICS_PORT must be a TCP port, got {value!r}")
    return port


def configured_port(config=None):
    """``METRICS_PORT`` from a nameko config (when it has the key) or the environment."""
    value = (config or {}).get("METRICS_PORT")
    return port_from(os.environ.get("METRICS_PORT") if value in (None, "") else value)


def configured_address(config=None):
    return (config or {}).get("METRICS_ADDRESS") or os.environ.get("METRICS_ADDRESS") or "127.0.0.1"


def serve(port, addr="127.0.0.1", registry=None, starter=None):
    """Start the metrics endpoint (any path answers the metrics) once per process and port.

    ``starter(port, addr, registry)`` replaces prometheus-client's threaded server where a
    thread would not do: a nameko process (eventlet) passes a green server (``telemetry``)."""
    with _servers_lock:
        if port in _servers:
            return False
        if starter is not None:
            _servers[port] = starter(port, addr, registry)
        else:
            kwargs = {} if registry is None else {"registry": registry}
            _servers[port] = start_http_server(port, addr=addr, **kwargs)
    log.info("metrics on http://%s:%d/metrics", addr, port)
    return True
