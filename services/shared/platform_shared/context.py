"""Per-worker request context for nameko services: the request id for logs, and the worker
itself for the RPC entrypoint's checks (deadline, Idempotency-Key: ``platform_shared.rpc``)."""

import contextvars

from nameko.extensions import DependencyProvider

from platform_shared.logs import request_id_var

current_worker = contextvars.ContextVar("current_worker", default=None)
"""The ``WorkerContext`` of the worker running in this green thread (each has its own context)."""


class RequestContext(DependencyProvider):
    """Copies the caller's request id (header ``nameko.request_id``) into the logs' context and
    makes the worker context reachable from the RPC method's guard (``current_worker``)."""

    def worker_setup(self, worker_ctx):
        rid = worker_ctx.data.get("request_id") or (worker_ctx.call_id_stack or [None])[-1]
        worker_ctx._platform_rid_token = request_id_var.set(rid)
        current_worker.set(worker_ctx)

    def worker_teardown(self, worker_ctx):
        token = getattr(worker_ctx, "_platform_rid_token", None)
        if token is not None:
            try:
                request_id_var.reset(token)
            except ValueError:
                request_id_var.set(None)
        current_worker.set(None)

    def get_dependency(self, worker_ctx):
        return worker_ctx.data.get("request_id")
