"""nameko dependency of the content service: the use cases, wired to media and accounts."""

from nameko.extensions import DependencyProvider

from content.operations import Content, Settings
from platform_shared.actor import SYSTEM
from platform_shared.clock import Clock
from platform_shared.dependencies import Database
from platform_shared.errors import NotFound


class ContentApp(DependencyProvider):
    def setup(self):
        self.settings = Settings.from_config(self.container.config)
        self.clock = Clock()

    def _database(self):
        for dep in self.container.dependencies:
            if isinstance(dep, Database):
                return dep
        raise RuntimeError("ContentApp needs a Database dependency")

    def get_dependency(self, worker_ctx):
        service = worker_ctx.service

        def find_user(user_id):
            try:
                return service.accounts.get_user(SYSTEM.dump(), user_id)["full_name"]
            except NotFound:
                return None

        return Content(
            self._database().sessions,
            clock=self.clock,
            settings=self.settings,
            media=service.media,
            find_user=find_user,
        )
