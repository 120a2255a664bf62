"""Per-worker request context for nameko services: the request id for logs."""

from nameko.extensions import DependencyProvider

from platform_shared.logs import request_id_var


class RequestContext(DependencyProvider):
    """Copies the caller's request id (header ``nameko.request_id``) into the logs' context."""

    def worker_setup(self, worker_ctx):
        rid = worker_ctx.data.get("request_id") or (worker_ctx.call_id_stack or [None])[-1]
        worker_ctx._platform_rid_token = request_id_var.set(rid)

    def worker_teardown(self, worker_ctx):
        token = getattr(worker_ctx, "_platform_rid_token", None)
        if token is not None:
            try:
                request_id_var.reset(token)
            except ValueError:
                request_id_var.set(None)

    def get_dependency(self, worker_ctx):
        return worker_ctx.data.get("request_id")
