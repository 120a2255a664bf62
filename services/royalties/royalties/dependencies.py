"""nameko dependency of the royalties service: the use cases, with the rate tables ensured at start."""

from nameko.extensions import DependencyProvider

from platform_shared.clock import Clock
from platform_shared.dependencies import sessions_of
from royalties import reference
from royalties.operations import Royalties, Settings


class RoyaltiesApp(DependencyProvider):
    def setup(self):
        self.settings = Settings.from_config(self.container.config)
        self.clock = Clock()

    def start(self):
        # After the Database dependency's setup: the legal rate tables exist before any call.
        reference.ensure(sessions_of(self.container), self.clock.now())

    def get_dependency(self, worker_ctx):
        return Royalties(sessions_of(self.container), clock=self.clock, settings=self.settings)
