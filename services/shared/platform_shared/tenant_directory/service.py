"""The nameko side of the tenant copy: three idempotent handlers and the repair timer.

``class ContentService(TenantDirectoryEntrypoints, ServiceOperations)`` gives the
service ``handle_tenant_created``, ``handle_tenant_updated``, ``handle_tenant_merged``
(their names are part of the queue names: frozen), the ``sync_tenants`` RPC (platform
admins) and ``sync_tenant_directory``, which
runs at start and every ``<SERVICE>_TENANT_SYNC_INTERVAL_SECONDS`` (default 3600). The
service class provides ``db`` (a ``Database``) and ``app`` whose object inherits
``TenantDirectoryOperations``.
"""

import logging

from platform_shared import inbox, transport
from platform_shared.actor import SYSTEM, Actor
from platform_shared.contracts import accounts as accounts_events
from platform_shared.errors import Forbidden, Unavailable
from platform_shared.handlers import handle_event
from platform_shared.rpc import ServiceRpc, rpc
from platform_shared.timers import ConfiguredTimer

log = logging.getLogger(__name__)

SYNC_PAGE = 100


class _SyncTimer(ConfiguredTimer):
    """The interval from ``<SERVICE>_TENANT_SYNC_INTERVAL_SECONDS``, named after the service."""

    def setup(self):
        self.config_key = f"{self.container.service_name.upper()}_TENANT_SYNC_INTERVAL_SECONDS"
        super().setup()


class TenantDirectoryEntrypoints:
    accounts = ServiceRpc("accounts")

    @rpc(expected_exceptions=transport.EXPECTED)
    def sync_tenants(self, actor):
        """Refresh the tenant copy from the accounts service now (platform admins). Raises Forbidden."""
        if not Actor.load(actor).is_platform_admin:
            raise Forbidden(code="PLATFORM_ADMIN_REQUIRED")
        return self._sync()

    def _sync(self):
        """The accounts service's whole list written over the copy; the count. Raises Unavailable."""
        tenants, page = [], 1
        while True:
            batch = self.accounts.list_tenants(SYSTEM.dump(), {"page": page, "per_page": SYNC_PAGE})
            tenants += batch["items"]
            if page * batch["per_page"] >= batch["total"]:
                break
            page += 1
        return self.app.sync_tenants(tenants)

    @_SyncTimer.decorator("TENANT_SYNC_INTERVAL_SECONDS", 3600, eager=True)
    def sync_tenant_directory(self):
        """At start and hourly: repair the tenant copy should an event ever have been missed."""
        try:
            return self._sync()
        except Unavailable:
            log.warning("tenant directory sync skipped: the accounts service does not answer")
            return None

    @handle_event("accounts", accounts_events.TENANT_CREATED)
    def handle_tenant_created(self, payload):
        event = accounts_events.TenantCreated().load(payload)
        with self.db.transaction() as session:
            if not inbox.seen(session, "handle_tenant_created", event["event_id"]):
                self.app.apply_tenant(session, event)

    @handle_event("accounts", accounts_events.TENANT_UPDATED)
    def handle_tenant_updated(self, payload):
        event = accounts_events.TenantUpdated().load(payload)
        with self.db.transaction() as session:
            if not inbox.seen(session, "handle_tenant_updated", event["event_id"]):
                self.app.apply_tenant(session, event)

    @handle_event("accounts", accounts_events.TENANT_MERGED)
    def handle_tenant_merged(self, payload):
        event = accounts_events.TenantMerged().load(payload)
        with self.db.transaction() as session:
            if not inbox.seen(session, "handle_tenant_merged", event["event_id"]):
                self.app.merge_tenant(session, event)
