"""The tenant copy's use cases, for a service's application object to inherit. No nameko here."""

from platform_shared.tenant_directory.store import TenantDirectory


class TenantDirectoryOperations:
    """Mixin for a service's application class.

    The class sets ``tenant_model`` (its ``TenantCopy``) and has ``self.clock`` and
    ``self.sessions`` (a ``SessionFactory``). It may override the two hooks:
    :meth:`on_tenant_changed` (after a created/updated event was applied) and
    :meth:`on_tenant_merged` (after a merge was recorded: move the service's own open work).
    """

    tenant_model = None

    def tenants(self, session):
        """The tenant copy in ``session``."""
        return TenantDirectory(session, self.tenant_model)

    def apply_tenant(self, session, payload, *, status=None):
        """``accounts.tenant_created`` / ``tenant_updated`` applied in the handler's transaction."""
        change = self.tenants(session).apply(payload, now=self.clock.now(), status=status)
        self.on_tenant_changed(session, change)
        return change

    def merge_tenant(self, session, payload):
        """``accounts.tenant_merged`` applied in the handler's transaction."""
        row = self.tenants(session).record_merge(payload, now=self.clock.now())
        session.flush()
        return self.on_tenant_merged(session, row.id, row.merged_into_id, payload)

    def sync_tenants(self, tenants):
        """The periodic repair: the accounts service's whole list written over the copy."""
        with self.sessions.transaction() as session:
            return self.tenants(session).replace(tenants, now=self.clock.now())

    def on_tenant_changed(self, session, change):
        """Hook: a tenant was created, renamed, moved or changed status (``change``: a ``TenantChange``)."""

    def on_tenant_merged(self, session, merged_id, into_id, payload):
        """Hook: ``merged_id`` was merged into ``into_id``; move the service's open work."""
