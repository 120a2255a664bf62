"""A lean RPC client for the gateway, speaking nameko's wire protocol.

Why not nameko's ``ClusterRpcProxy``: one per request costs ~10 ms and leaves a
reply queue behind; its publishes wait for a broker confirm; it needs eventlet
imported. This client keeps one AMQP connection and one exclusive reply queue
per gateway thread (``RpcPool``), publishes requests transient and ``mandatory``
(an unknown service is answered at once), gives every request a TTL equal to
the caller's timeout and its absolute deadline in the ``nameko.deadline`` header (a
request the gateway gave up on is never executed late: the broker drops it unread, the
service drops it if it was delivered but not started) and turns a reply's serialised
exception back into the shared error class.

The connection is the messaging toolkit's ``LeanPublisher`` (kombu): requests go out
with a raw ``basic_publish`` (kombu's ``Producer`` costs ~20 µs more per message, see
``platform_shared.messaging``), and a connection found lost is re-established by
``Connection.ensure`` with a new reply queue, within the same request when the publish
is what failed.

Wire format (nameko 2.x): exchange ``nameko-rpc`` (topic), routing key
``<service>.<method>``, JSON body ``{"args": [...], "kwargs": {...}}``,
``reply_to`` = the routing key of the reply queue, ``correlation_id``; context in
headers ``nameko.<key>``. Reply body ``{"result": ..., "error": {exc_path, exc_args, ...}}``.

Every call counts in ``platform_rpc_client_calls_total{target,method,outcome}`` and
``platform_rpc_client_duration_seconds``: ``ok``; ``error`` — the service answered with an
error, whichever (its own ``platform_rpc_calls_total`` tells expected ones apart);
``timeout`` — no answer in time; ``unavailable`` — no such service running, or no broker.
With traces exported (``platform_shared.tracing``) each call is a client span whose
``traceparent`` goes in the ``nameko.traceparent`` header.
"""

import json
import logging
import threading
import time
import uuid

import amqp

from platform_shared import metrics, tracing
from platform_shared.errors import ALL_ERRORS, Unavailable
from platform_shared.messaging import BROKER_ERRORS, TRANSIENT, LeanPublisher

log = logging.getLogger(__name__)

RPC_EXCHANGE = "nameko-rpc"
_ERRORS_BY_PATH = {f"{cls.__module__}.{cls.__name__}": cls for cls in ALL_ERRORS}


# nameko's replies are kombu-JSON ``{"result": ..., "error": null}`` when all went well.
_OK_PREFIX, _OK_SUFFIX = '{"result": ', ', "error": null}'


class RawJson(str):
    """A JSON document received from a service, to be sent on as it is."""


class RemoteFailure(Exception):
    """A service raised something outside the shared taxonomy (a bug there)."""

    def __init__(self, service, method, error):
        super().__init__(f"{service}.{method} failed: {error.get('exc_type')}: {error.get('value')}")
        self.error = error


def rebuild_error(error, service, method):
    cls = _ERRORS_BY_PATH.get(error.get("exc_path"))
    if cls is None:
        return RemoteFailure(service, method, error)
    args = error.get("exc_args") or []
    try:
        return cls(*args)
    except TypeError:
        return cls(error.get("value"))


def _broker_unavailable():
    return Unavailable("Không kết nối được tới hàng đợi thông điệp. Vui lòng thử lại sau.", code="BROKER_UNAVAILABLE")


class RpcClient:
    """One connection and reply queue; used by one thread at a time."""

    def __init__(self, amqp_uri, *, connect_timeout=5.0):
        self._pending = set()
        self._replies = {}
        self._returned = set()
        self.reply_key = uuid.uuid4().hex  # the replies' routing key, kept across reconnections
        self.link = LeanPublisher(amqp_uri, attempts=2, on_revive=self._listen, connect_timeout=connect_timeout)
        self.link.ready()  # connect now: a broker that cannot be reached fails here

    def _listen(self, channel):
        """A new channel (first connection or after a loss): an exclusive reply queue of its own
        (a new name: the broker may not have dropped the lost connection's queue yet)."""
        channel.exchange_declare(RPC_EXCHANGE, "topic", durable=True, auto_delete=False)
        queue = f"rpc.reply-gateway-{uuid.uuid4().hex}"
        channel.queue_declare(queue, exclusive=True, auto_delete=True)
        channel.queue_bind(queue, RPC_EXCHANGE, routing_key=self.reply_key)
        channel.basic_consume(queue, callback=self._on_reply, no_ack=True)
        channel.events["basic_return"].add(self._on_return)
        self._replies.clear()
        self._returned.clear()

    def _on_reply(self, message):
        corr = message.properties.get("correlation_id")
        if corr in self._pending:
            self._replies[corr] = message.body

    def _on_return(self, exc, exchange, routing_key, message):
        self._returned.add(message.properties.get("correlation_id"))

    def call(self, service, method, args=(), kwargs=None, *, timeout=10.0, context=None, raw=False):
        started = time.perf_counter()
        headers = {f"nameko.{k}": v for k, v in (context or {}).items() if v is not None}
        span = None
        if tracing.tracer() is not None:
            span = tracing.start(f"{service}.{method}", "client", request_id=headers.get("nameko.request_id"))
            headers["nameko.traceparent"] = tracing.traceparent_of(span)
        outcome, error = "error", None
        try:
            try:
                body = self._exchange(service, method, args, kwargs, timeout, headers)
            except Unavailable as exc:
                outcome = "timeout" if exc.code == "SERVICE_TIMEOUT" else "unavailable"
                raise
            result = self._answer(body, service, method, raw)  # raises the service's error, if any
            outcome = "ok"
            return result
        except Exception as exc:
            # A shared error answered by the service (NotFound, InvalidInput…) is an answer, not a
            # failure of the call's span; everything else is.
            error = None if outcome == "error" and isinstance(exc, ALL_ERRORS) else exc
            raise
        finally:
            metrics.rpc_called(service, method, outcome, time.perf_counter() - started)
            if span is not None:
                tracing.finish(span, error)

    def _exchange(self, service, method, args, kwargs, timeout, headers):
        """Publish the request and wait for its reply's body; ``Unavailable`` when none comes."""
        corr = uuid.uuid4().hex
        headers.setdefault("nameko.call_id_stack", [f"gateway.{method}.{corr}"])
        # The absolute deadline (DESIGN 7b): a service drops the request once it has passed, even
        # if the message reached it in time (a frozen process holds prefetched messages).
        headers["nameko.deadline"] = time.time() + timeout
        message = amqp.Message(
            json.dumps({"args": list(args), "kwargs": kwargs or {}}),
            content_type="application/json",
            content_encoding="utf-8",
            reply_to=self.reply_key,
            correlation_id=corr,
            delivery_mode=TRANSIENT,
            expiration=str(max(1, int(timeout * 1000))),
            application_headers=headers,
        )
        self._pending.add(corr)
        try:
            self.link.publish(message, RPC_EXCHANGE, f"{service}.{method}", mandatory=True)
            return self._wait(corr, time.monotonic() + timeout, service, method, timeout)
        except BROKER_ERRORS as exc:
            self.link.broken()  # the next call connects again
            raise _broker_unavailable() from exc
        finally:
            self._pending.discard(corr)
            self._returned.discard(corr)

    @staticmethod
    def _answer(body, service, method, raw):
        if isinstance(body, (bytes, bytearray)):
            body = body.decode("utf-8")
        if raw and body.startswith(_OK_PREFIX) and body.endswith(_OK_SUFFIX):
            # A successful reply the gateway only forwards: no parse, no re-encode.
            return RawJson(body[len(_OK_PREFIX) : -len(_OK_SUFFIX)])
        reply = json.loads(body)
        if reply.get("error"):
            raise rebuild_error(reply["error"], service, method)
        return reply.get("result")

    def _wait(self, corr, deadline, service, method, timeout):
        while corr not in self._replies:
            if corr in self._returned:
                raise Unavailable(
                    f"Dịch vụ {service} chưa chạy.", code="SERVICE_UNAVAILABLE", details={"service": service}
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Unavailable(
                    f"Dịch vụ {service} không trả lời trong {timeout:g} giây.",
                    code="SERVICE_TIMEOUT",
                    details={"service": service},
                )
            try:
                # The raw connection: kombu's would quietly open a new one (without this reply queue).
                self.link.channel.connection.drain_events(timeout=remaining)
            except TimeoutError:
                continue
        return self._replies.pop(corr)

    def close(self):
        self.link.close()


class RpcPool:
    """A client per thread, created on first use; each client reconnects by itself."""

    def __init__(self, amqp_uri, *, timeout=10.0):
        self.amqp_uri = amqp_uri
        self.timeout = float(timeout)
        self._local = threading.local()
        self._all = []
        self._lock = threading.Lock()

    def _client(self):
        client = getattr(self._local, "client", None)
        if client is None:
            try:
                client = RpcClient(self.amqp_uri)
            except BROKER_ERRORS as exc:
                raise _broker_unavailable() from exc
            self._local.client = client
            with self._lock:
                self._all.append(client)
        return client

    def call(self, service, method, *args, timeout=None, context=None, raw=False, **kwargs):
        return self._client().call(
            service, method, args, kwargs, timeout=timeout or self.timeout, context=context, raw=raw
        )

    def close(self):
        with self._lock:
            for client in self._all:
                client.close()
            self._all.clear()
