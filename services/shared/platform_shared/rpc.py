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
raises ``Unavailable`` instead of hanging the worker.
"""

import sys

import amqp
import eventlet
from eventlet.semaphore import Semaphore
from kombu.utils import json
from nameko.exceptions import UnknownService, UnserializableValueError, serialize
from nameko.rpc import MethodProxy, Rpc, RpcConsumer, RpcProxy

from platform_shared import transport  # noqa: F401  (registers the shared errors)
from platform_shared.errors import ConfigurationError, Unavailable
from platform_shared.messaging import TRANSIENT, LeanPublisher

DEFAULT_TIMEOUT = 10.0


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
        proxy = MethodProxy(worker_ctx, service_name, method_name, reply_listener, **self._options)
        return _TimedMethod(proxy, reply_listener, self._timeout)


class _TimedMethod:
    def __init__(self, proxy, reply_listener, timeout):
        self._proxy = proxy
        self._listener = reply_listener
        self._timeout = timeout

    def __call__(self, *args, **kwargs):
        target = f"{self._proxy.service_name}.{self._proxy.method_name}"
        timer = eventlet.Timeout(self._timeout)
        reply = None
        try:
            reply = self._proxy.call_async(*args, **kwargs)
            return reply.result()
        except UnknownService:
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
