"""nameko dependency of the notifications service: the use cases for a worker, wired to accounts."""

from nameko.extensions import DependencyProvider

from notifications.operations import Directory, Notifications
from platform_shared.clock import Clock
from platform_shared.dependencies import sessions_of


class NotificationsApp(DependencyProvider):
    def setup(self):
        self.clock = Clock()
        self.max_recipients = int(self.container.config.get("NOTIFICATIONS_MAX_RECIPIENTS") or 2000)

    def get_dependency(self, worker_ctx):
        return Notifications(
            sessions_of(self.container),
            clock=self.clock,
            directory=Directory(_Injected(worker_ctx, "accounts"), self.max_recipients),
        )


class _Injected:
    """A sibling dependency of the worker, looked up when used: nameko injects dependencies in
    no fixed order, so at ``get_dependency`` time the sibling may not be there yet."""

    def __init__(self, worker_ctx, name):
        self._worker_ctx, self._name = worker_ctx, name

    def __getattr__(self, attr):
        return getattr(getattr(self._worker_ctx.service, self._name), attr)
