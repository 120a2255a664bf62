"""RPC between services, with the timeout nameko's ``RpcProxy`` lacks.

``ServiceRpc("accounts")`` is a drop-in for ``RpcProxy``: every call waits at most
``RPC_TIMEOUT`` seconds (config, default 10) and a stopped or unknown service
raises ``Unavailable`` instead of hanging the worker.
"""

import eventlet
from nameko.exceptions import UnknownService
from nameko.rpc import MethodProxy, RpcProxy

from platform_shared import transport  # noqa: F401  (registers the shared errors)
from platform_shared.errors import Unavailable

DEFAULT_TIMEOUT = 10.0


class ServiceRpc(RpcProxy):
    def __init__(self, target_service, timeout=None, **options):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx):
        timeout = self.timeout or float(self.container.config.get("RPC_TIMEOUT", DEFAULT_TIMEOUT))
        return _TimedServiceProxy(
            worker_ctx, self.target_service, self.rpc_reply_listener, timeout, self.options
        )


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
