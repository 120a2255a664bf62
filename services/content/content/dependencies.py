"""nameko dependency of the content service: the use cases, wired to media and accounts."""

from nameko.extensions import DependencyProvider

from content import reference
from content.application import Content, Settings
from platform_shared.actor import SYSTEM
from platform_shared.clock import Clock
from platform_shared.dependencies import sessions_of
from platform_shared.errors import NotFound


class ContentApp(DependencyProvider):
    def setup(self):
        self.settings = Settings.from_config(self.container.config)
        self.clock = Clock()

    def start(self):
        # After the Database dependency's setup: sections and quota rules exist before any call.
        reference.ensure(sessions_of(self.container), self.container.config, self.clock.now())

    def get_dependency(self, worker_ctx):
        def find_user(user_id):
            try:
                return worker_ctx.service.accounts.get_user(SYSTEM.dump(), user_id)["full_name"]
            except NotFound:
                return None

        return Content(
            sessions_of(self.container),
            clock=self.clock,
            settings=self.settings,
            media=_Injected(worker_ctx, "media"),
            find_user=find_user,
        )


class _Injected:
    """A sibling dependency of the worker, looked up when used: nameko injects dependencies
    in no fixed order, so at ``get_dependency`` time the sibling may not be there yet."""

    def __init__(self, worker_ctx, name):
        self._worker_ctx, self._name = worker_ctx, name

    def __getattr__(self, attr):
        return getattr(getattr(self._worker_ctx.service, self._name), attr)
