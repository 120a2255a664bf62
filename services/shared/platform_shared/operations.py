"""RPCs every service has: ``ping`` for readiness, parked-event listing and replay; and the
request context and telemetry (metrics, traces: ``platform_shared.telemetry``) of every worker.

Mixed into each service class (nameko collects inherited entrypoints). Needs the
service to have a ``db = Database()`` attribute.
"""

from nameko.dependency_providers import Config
from sqlalchemy import text

from platform_shared import handlers, parking, transport
from platform_shared.actor import Actor
from platform_shared.context import RequestContext
from platform_shared.errors import Forbidden
from platform_shared.rpc import rpc
from platform_shared.telemetry import Telemetry


def _require_platform_admin(actor):
    if not Actor.load(actor).is_platform_admin:
        raise Forbidden("Chỉ quản trị hệ thống được xem và phát lại sự kiện bị treo.", code="PLATFORM_ADMIN_REQUIRED")


class ServiceOperations:
    config = Config()
    request = RequestContext()
    telemetry = Telemetry()

    @rpc
    def ping(self):
        """Answers when the service and its database answer (used by /readyz)."""
        with self.db.transaction() as session:
            session.execute(text("SELECT 1"))
        return {"service": self.name, "ok": True}

    @rpc(expected_exceptions=transport.EXPECTED)
    def list_parked_events(self, actor):
        """Events a handler of this service gave up on, oldest first (platform admins)."""
        _require_platform_admin(actor)
        with self.db.transaction() as session:
            return parking.list_open(session)

    @rpc(expected_exceptions=transport.EXPECTED)
    def replay_parked_event(self, actor, parked_id):
        """Put a parked event back on its handler's queue (platform admins). Raises NotFound, Conflict."""
        _require_platform_admin(actor)
        return handlers.replay(self.db, self.config["AMQP_URI"], parked_id)
