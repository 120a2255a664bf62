"""nameko dependencies of the polls service: the use cases, and the batch consumer of responses.

The consumer runs inside the service process as a managed greenlet (no extra process
to deploy): ``POLLS_INTAKE_ENABLED`` (default true) turns it off, e.g. for a replica
that should only answer RPCs; ``POLLS_INTAKE_AMQP_URI`` (default ``AMQP_URI``) lets it
use another broker address (tests put a cuttable TCP proxy there).
"""

import gc
import logging

from nameko.extensions import DependencyProvider

from platform_shared.clock import Clock
from platform_shared.dependencies import sessions_of
from polls.consumer import BatchConsumer
from polls.operations import PollsApp

log = logging.getLogger("polls")


def _truthy(value):
    return str(value).lower() not in ("0", "false", "no", "off", "")


class PollsDependency(DependencyProvider):
    """The polls use cases (``PollsApp``) on the service's database."""

    def setup(self):
        self.clock = Clock()

    def get_dependency(self, worker_ctx):
        return PollsApp(sessions_of(self.container), clock=self.clock)


class ResponseIntake(DependencyProvider):
    """Starts the batch consumer with the container; stops it after its current batch."""

    def setup(self):
        config = self.container.config
        self.enabled = _truthy(config.get("POLLS_INTAKE_ENABLED", True))
        self.consumer = None
        self._thread = None

    def start(self):
        if not self.enabled:
            return
        # Everything alive now (the service's modules, nameko, SQLAlchemy: ~160,000 objects) is
        # moved out of the cyclic collector's sight: the drain allocates a few containers per
        # response, and each full collection it set off walked them all again (~100-150 ms each,
        # several per 100,000 responses; issue 18).
        gc.freeze()
        config = self.container.config
        self.consumer = BatchConsumer(
            config.get("POLLS_INTAKE_AMQP_URI") or config["AMQP_URI"],
            sessions_of(self.container),
            batch_size=int(config.get("POLLS_INTAKE_BATCH", 500)),
            max_wait=float(config.get("POLLS_INTAKE_MAX_WAIT_SECONDS", 0.05)),
        )
        self._thread = self.container.spawn_managed_thread(self.consumer.run, identifier="polls.intake")

    def stop(self):
        if self.consumer is not None:
            self.consumer.stop()
            if self._thread is not None:
                try:
                    self._thread.wait()
                except Exception:
                    pass

    def kill(self):
        if self.consumer is not None:
            self.consumer.stop()

    def get_dependency(self, worker_ctx):
        return self.consumer
