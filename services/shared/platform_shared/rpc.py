"""RPC of the platform, on nameko's wire protocol.

``@rpc`` replaces ``nameko.rpc.rpc`` in every service: replies go out on one
persistent channel without waiting for a broker confirm (the caller has a
timeout anyway, and the reply queue is transient), which lets one service
process answer about a quarter more calls per second. The reply format is
nameko's own (``{"result", "error"}``, JSON). A service must use this ``rpc`` for
all of its methods: two consumer classes on one queue would each see only their
own methods.

``ServiceRpc("accounts")`` is a drop-in for ``RpcProxy``: every call waits at most
``RPC_TIMEOUT`` seconds (config, default 10) and a stopped or unknown service
raises ``Unavailable`` instead of hanging the worker. Its calls count in
``platform_rpc_client_calls_total`` like the gateway's (and are client spans when traces
are exported).

Deadlines (DESIGN 7b, ``platform_shared.deadlines``): every call carries its caller's
absolute deadline (``nameko.deadline``); ``ServiceRpc`` sends the sooner of its own
caller's and now + its timeout. A request whose deadline has passed is dropped — acked,
one warning line, no reply (its caller has gone) — when it arrives (a frozen or busy
process holds prefetched messages past the broker's TTL), and again right before the
method body runs (it may have waited for a worker slot). The second check is a guard
wrapped around each ``@rpc`` method: nameko 2.14 has no safe hook between the worker's
setup and the method (a ``worker_setup`` that raises kills the container), and a method
that *returns* the ``DROPPED`` sentinel, which the reply step recognises, leaves no
traceback in the logs. The guard finds its worker through ``context.current_worker``,
set by ``RequestContext`` (``ServiceOperations`` gives it to every service).

Idempotency-Key (``platform_shared.idempotency``): when the request carries
``nameko.idempotency_key``, the same guard claims the key before the body runs, answers a
repeat with the first result, and has the key marked inside the work's own write
transaction (``database.before_commit``). The idempotency headers are never passed on to
the services this one calls.
"""

import functools
import inspect
import logging
import sys
import time
import types

import amqp
import eventlet
from eventlet.semaphore import Semaphore
from kombu.utils import json
from nameko.exceptions import IncorrectSignature, UnknownService, UnserializableValueError, serialize
from nameko.rpc import MethodProxy, Rpc, RpcConsumer, RpcProxy

from platform_shared import deadlines, metrics, tracing, transport  # noqa: F401  (transport registers the shared errors)
from platform_shared.clock import utcnow
from platform_shared.context import current_worker
from platform_shared.database import before_commit, outage
from platform_shared.dependencies import sessions_of
from platform_shared.errors import ALL_ERRORS, ConfigurationError, Unavailable
from platform_shared.idempotency import CONTEXT_KEYS, Claim, IdempotencyStore
from platform_shared.messaging import TRANSIENT, LeanPublisher

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0

DROPPED = type("Dropped", (), {"__repr__": lambda self: "DROPPED"})()
"""What a guarded method returns instead of running: its deadline had passed."""


def _dropped(service, method, late, when):
    log.warning("%s.%s dropped %s: its caller's deadline passed %.2f s ago", service, method, when, late)


def _guarded(fn):
    """The method with the deadline check and the Idempotency-Key glue in front of its body."""

    @functools.wraps(fn)
    def method(self, *args, **kwargs):
        worker = current_worker.get()
        if worker is None or getattr(worker, "_platform_guarded", False):
            return fn(self, *args, **kwargs)  # no request context, or a method called by another
        worker._platform_guarded = True
        late = deadlines.lateness(worker.data.get(deadlines.HEADER))
        if late is not None:
            _dropped(worker.service_name, worker.entrypoint.method_name, late, "after waiting for a worker")
            return DROPPED
        if worker.data.get("idempotency_key") is not None:
            return _idempotent(worker, functools.partial(fn, self, *args, **kwargs))
        return fn(self, *args, **kwargs)

    return method


def _idempotent(worker, work):
    """Run ``work`` once per Idempotency-Key; a repeat answers the stored result."""
    data, now = worker.data, utcnow()
    claim = Claim.of(
        caller=data.get("idempotency_caller"),
        operation=f"{worker.service_name}.{worker.entrypoint.method_name}",
        key=data["idempotency_key"],
        fingerprint=data.get("idempotency_fingerprint") or "",
        now=now,
        deadline=deadlines.parse(data.get(deadlines.HEADER)),
        attempt=data.get("idempotency_attempt"),
    )
    store = IdempotencyStore(sessions_of(worker.container))
    replay = store.begin(claim, now)
    if replay is not None:
        return json.loads(replay.response)
    token = before_commit.set(functools.partial(store.mark, claim=claim))
    try:
        result = work()
    except BaseException:
        before_commit.reset(token)
        try:
            store.abandon(claim)
        except Exception:  # the work's own error is the one to answer
            log.exception("could not release Idempotency-Key %r of %s", claim.key, claim.scope)
        raise
    before_commit.reset(token)
    store.finish(claim, json.dumps(result))
    return result


class _RpcConsumer(RpcConsumer):
    """Publishes replies on one raw py-amqp channel of its own, without a broker confirm.

    nameko's responder builds a kombu publisher per reply and waits for a confirm;
    a reply goes to a transient queue of a caller who has a timeout, so neither is
    worth its cost (about a quarter of a no-op call's CPU). The toolkit's
    ``LeanPublisher`` keeps ``basic_publish`` (kombu's ``Producer`` would add ~20 µs per
    reply, see its docstring) on a kombu connection that ``Connection.ensure`` re-opens
    once when it was lost.
    """

    def setup(self):
        super().setup()
        self._reply_lock = Semaphore()
        self._replies = None

    def stop(self):
        super().stop()
        self._close_replies()

    def kill(self):
        super().kill()
        self._close_replies()

    def _close_replies(self):
        if self._replies is not None:
            self._replies.close()
        self._replies = None

    def _publish_reply(self, message, body):
        reply = amqp.Message(
            body,
            content_type="application/json",
            content_encoding="utf-8",
            correlation_id=message.properties.get("correlation_id"),
            delivery_mode=TRANSIENT,
        )
        exchange = self.container.config.get("rpc_exchange", "nameko-rpc")
        with self._reply_lock:
            if self._replies is None:
                self._replies = LeanPublisher(self.container.config["AMQP_URI"], attempts=2)
            self._replies.publish(reply, exchange, message.properties["reply_to"])

    def handle_result(self, message, result, exc_info):
        if result is DROPPED:  # the caller has gone: nothing to answer
            self.queue_consumer.ack_message(message)
            return None, None
        if exc_info is not None and (unavailable := outage(exc_info[1])) is not None:
            log.warning("%s answered 503: %s", message.delivery_info.get("routing_key"), exc_info[1])
            exc_info = (type(unavailable), unavailable, None)
        error = serialize(exc_info[1]) if exc_info is not None else None
        try:
            body = json.dumps({"result": result, "error": error})
        except (TypeError, ValueError):
            exc_info = sys.exc_info()
            body = json.dumps({"result": None, "error": serialize(UnserializableValueError(result))})
            result = None
        self._publish_reply(message, body)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class PlatformRpc(Rpc):
    rpc_consumer = _RpcConsumer()

    @classmethod
    def decorator(cls, *args, **kwargs):
        register = super().decorator
        if len(args) == 1 and not kwargs and isinstance(args[0], types.FunctionType):
            return register(_guarded(args[0]))
        with_options = register(*args, **kwargs)
        return lambda fn: with_options(_guarded(fn))

    def check_signature(self, args, kwargs):
        # The guard takes anything; the signature that counts is the method's own (``__wrapped__``).
        fn = getattr(self.container.service_cls, self.method_name)
        try:
            inspect.signature(fn).bind(None, *args, **kwargs)
        except TypeError as exc:
            raise IncorrectSignature(str(exc)) from None

    def handle_message(self, body, message):
        late = deadlines.lateness((message.headers or {}).get(f"nameko.{deadlines.HEADER}"))
        if late is not None:
            _dropped(self.container.service_name, self.method_name, late, "on arrival")
            metrics.rpc_served(self.container.service_name, self.method_name, "error")  # no worker ran
            self.rpc_consumer.queue_consumer.ack_message(message)
            return
        super().handle_message(body, message)

    def setup(self):
        mixed = [
            ep.method_name
            for ep in self.container.entrypoints
            if isinstance(ep, Rpc) and not isinstance(ep, PlatformRpc)
        ]
        if mixed:
            raise ConfigurationError(
                f"{self.container.service_name}: {', '.join(sorted(mixed))} use nameko.rpc.rpc; "
                "use platform_shared.rpc.rpc for every method (one consumer per RPC queue)"
            )
        super().setup()


rpc = PlatformRpc.decorator


class ServiceRpc(RpcProxy):
    def __init__(self, target_service, timeout=None, **options):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx):
        timeout = self.timeout or float(self.container.config.get("RPC_TIMEOUT", DEFAULT_TIMEOUT))
        return _TimedServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener, timeout, self.options)


class _TimedServiceProxy:
    def __init__(self, worker_ctx, service_name, reply_listener, timeout, options):
        self._args = (worker_ctx, service_name, reply_listener)
        self._timeout = timeout
        self._options = options

    def __getattr__(self, method_name):
        worker_ctx, service_name, reply_listener = self._args
        proxy = _MethodProxy(worker_ctx, service_name, method_name, reply_listener, **self._options)
        return _TimedMethod(proxy, reply_listener, self._timeout)


class _MethodProxy(MethodProxy):
    """nameko's method proxy sending ``deadline`` and never the caller's Idempotency-Key."""

    deadline = None
    traceparent = None

    def get_message_headers(self, worker_ctx):
        headers = super().get_message_headers(worker_ctx)
        for key in CONTEXT_KEYS:
            headers.pop(f"{self.header_prefix}.{key}", None)
        if self.deadline is not None:
            headers[f"{self.header_prefix}.{deadlines.HEADER}"] = self.deadline
        if self.traceparent is not None:  # the call's own client span, child of the worker's
            headers[f"{self.header_prefix}.{tracing.HEADER}"] = self.traceparent
        return headers


class _TimedMethod:
    def __init__(self, proxy, reply_listener, timeout):
        self._proxy = proxy
        self._listener = reply_listener
        self._timeout = timeout

    def __call__(self, *args, **kwargs):
        service, method = self._proxy.service_name, self._proxy.method_name
        started = time.perf_counter()
        span = None
        if tracing.tracer() is not None:
            data = self._proxy.worker_ctx.data
            span = tracing.start(f"{service}.{method}", "client", request_id=data.get("request_id"))
            self._proxy.traceparent = tracing.traceparent_of(span)
        outcome, error = "error", None
        self._no_answer = None
        try:
            result = self._call(args, kwargs)
            outcome = "ok"
            return result
        except Exception as exc:
            outcome = self._no_answer or "error"  # "timeout", "unavailable": set where raised
            # A shared error the service answered (NotFound…) is an answer, not a failed span.
            error = exc if self._no_answer or not isinstance(exc, ALL_ERRORS) else None
            raise
        finally:
            metrics.rpc_called(service, method, outcome, time.perf_counter() - started)
            if span is not None:
                tracing.finish(span, error)

    def _call(self, args, kwargs):
        target = f"{self._proxy.service_name}.{self._proxy.method_name}"
        now = time.time()
        deadline = deadlines.for_call(self._timeout, self._proxy.worker_ctx.data.get(deadlines.HEADER), now)
        self._proxy.deadline = deadline
        timer = eventlet.Timeout(max(0.0, deadline - now))
        reply = None
        try:
            reply = self._proxy.call_async(*args, **kwargs)
            return reply.result()
        except UnknownService:
            self._no_answer = "unavailable"
            raise Unavailable(
                f"Dịch vụ {self._proxy.service_name} chưa chạy.",
                code="SERVICE_UNAVAILABLE",
                details={"service": self._proxy.service_name},
            ) from None
        except eventlet.Timeout as exc:
            if exc is not timer:
                raise
            if reply is not None:
                self._forget(reply)
            self._no_answer = "timeout"
            raise Unavailable(
                f"Dịch vụ {self._proxy.service_name} không trả lời trong {self._timeout:g} giây ({target}).",
                code="SERVICE_TIMEOUT",
                details={"service": self._proxy.service_name},
            ) from None
        finally:
            timer.cancel()

    def _forget(self, reply):
        # A late reply would otherwise keep its event in the listener forever.
        events = self._listener._reply_events
        for key, event in list(events.items()):
            if event is reply.reply_event:
                events.pop(key, None)
