"""nameko dependencies of the royalties service: each aggregate's use cases for a worker,
and the tenant directory's, with the legal rate tables ensured at start."""

from nameko.extensions import DependencyProvider

from platform_shared.clock import Clock
from platform_shared.dependencies import sessions_of
from royalties import reference
from royalties.operations import Royalties
from royalties.settings import Settings


class UseCases(DependencyProvider):
    """``UseCases(RoyaltyItems)``: a worker gets ``RoyaltyItems(sessions, clock=, settings=)``."""

    def __init__(self, cls):
        self.cls = cls

    def setup(self):
        self.settings = Settings.from_config(self.container.config)
        self.clock = Clock()

    def get_dependency(self, worker_ctx):
        return self.cls(sessions_of(self.container), clock=self.clock, settings=self.settings)


class RoyaltiesApp(UseCases):
    """The tenant directory's use cases (``Royalties``); the rate tables are ensured when the service starts."""

    def __init__(self):
        super().__init__(Royalties)

    def start(self):
        # After the Database dependency's setup: the legal rate tables exist before any call.
        reference.ensure(sessions_of(self.container), self.clock.now())
