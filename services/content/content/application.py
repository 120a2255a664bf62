"""The content service's use cases, one object per aggregate, and its copy of the tenant directory.

``Content`` is what the nameko dependency hands each worker: ``articles``, ``public``,
``sections``, ``documents`` and ``quotas`` hold the use cases of each aggregate; the
tenant copy's own use cases (``apply_tenant``, ``merge_tenant``, ``sync_tenants``) come
from the shared kit, with this service's two hooks: a rename changes public pages
(``content.site_updated``), a merge moves the merged tenant's items and sub-site sections.
"""

from content.articles.domain import unique_slug
from content.articles.operations import ArticleOperations, Settings
from content.articles.store import ArticleStore
from content.assets import Assets
from content.documents.operations import DocumentLibrary
from content.models import TenantCopy
from content.public.operations import PublicReading
from content.quotas.operations import QuotaOperations
from content.sections.operations import SectionOperations
from content.sections.store import SectionStore
from platform_shared import outbox
from platform_shared.actor import SYSTEM
from platform_shared.contracts import content as events
from platform_shared.tenant_directory import TenantDirectoryOperations

__all__ = ["Content", "Settings"]


class Content(TenantDirectoryOperations):
    """``media`` (``check_assets``/``mark_referenced``/``release``) and ``find_user`` (a user's
    full name) reach the other services; tests may leave them out."""

    tenant_model = TenantCopy

    def __init__(self, sessions, *, clock, settings=Settings(), media=None, find_user=None):
        self.sessions = sessions
        self.clock = clock
        assets = Assets(media)
        self.articles = ArticleOperations(
            sessions, clock=clock, tenants=self.tenants, settings=settings, assets=assets, find_user=find_user
        )
        self.public = PublicReading(sessions, tenants=self.tenants)
        self.sections = SectionOperations(sessions, clock=clock)
        self.documents = DocumentLibrary(sessions, clock=clock, tenants=self.tenants, assets=assets)
        self.quotas = QuotaOperations(sessions, clock=clock, tenants=self.tenants)

    def on_tenant_changed(self, session, change):
        """A renamed tenant's public pages show the new name."""
        if change.renamed:
            self._site_updated(session, change.row.id, "renamed")

    def on_tenant_merged(self, session, merged_id, into_id, payload):
        """The merged tenant's items and sub-site sections follow the surviving tenant (a section
        key it already has gets a suffix); quota history keeps the old tenant."""
        ArticleStore(session, SYSTEM).move_tenant(merged_id, into_id)
        sections = SectionStore(session)
        taken = {s.key for s in sections.component(into_id)}
        for section in sections.component(merged_id):
            section.key = unique_slug(section.key, taken)
            taken.add(section.key)
            section.tenant_id = into_id
        self._site_updated(session, merged_id, "merged")

    def _site_updated(self, session, tenant_id, reason):
        """Public pages showing this tenant changed: the gateway's cache listens for this fact."""
        outbox.add(
            session,
            events.SITE_UPDATED,
            {"tenant_id": str(tenant_id), "reason": reason},
            aggregate_id=tenant_id,
            now=self.clock.now(),
        )
