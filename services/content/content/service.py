"""ContentService: the nameko boundary of the content service. Thin on purpose.

Every RPC takes ``actor`` first and returns plain dicts. Timers publish scheduled
articles and close quota weeks (both safe with several replicas); handlers keep
the copy of the tenant directory current and follow merges.
"""

import logging

from content.dependencies import ContentApp
from platform_shared import inbox, transport
from platform_shared.actor import SYSTEM, Actor
from platform_shared.contracts import accounts as accounts_events
from platform_shared.dependencies import Database
from platform_shared.errors import Unavailable
from platform_shared.handlers import handle_event
from platform_shared.operations import ServiceOperations
from platform_shared.rpc import ServiceRpc, rpc
from platform_shared.timers import every

EXPECTED = transport.EXPECTED
log = logging.getLogger("content")


class ContentService(ServiceOperations):
    name = "content"

    db = Database()
    app = ContentApp()
    media = ServiceRpc("media")
    accounts = ServiceRpc("accounts")

    # -- articles -------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def create_article(self, actor, data):
        """A draft in a section (writers of a tenant). Raises InvalidInput, Forbidden, Unavailable (media)."""
        return self.app.create_article(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def update_article(self, actor, article_id, data):
        """Edit (new revision). Raises Conflict (locked, published, not editable), NotFound."""
        return self.app.update_article(Actor.load(actor), article_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def transition_article(self, actor, article_id, action, data=None):
        """submit/open/return/reject/approve/schedule/publish/unpublish. Raises Conflict listing allowed actions."""
        return self.app.transition(Actor.load(actor), article_id, action, data)

    @rpc(expected_exceptions=EXPECTED)
    def correct_article(self, actor, article_id, data):
        """A correction of a published article: a new published revision."""
        return self.app.correct(Actor.load(actor), article_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def get_article(self, actor, article_id):
        return self.app.get_article(Actor.load(actor), article_id)

    @rpc(expected_exceptions=EXPECTED)
    def list_articles(self, actor, args=None):
        return self.app.list_articles(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def list_revisions(self, actor, article_id):
        return self.app.revisions(Actor.load(actor), article_id)

    @rpc(expected_exceptions=EXPECTED)
    def diff_revisions(self, actor, article_id, args):
        return self.app.diff(Actor.load(actor), article_id, args)

    # -- public reading -------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def public_articles(self, actor, args=None):
        """Published items (portal sections, a tenant, Vietnamese search)."""
        return self.app.public_articles(args)

    @rpc(expected_exceptions=EXPECTED)
    def public_article(self, actor, slug, args=None):
        return self.app.public_article(slug, args)

    @rpc(expected_exceptions=EXPECTED)
    def public_site(self, actor, tenant_slug, args=None):
        """A tenant's sub-site; a merged tenant's slug answers with the surviving tenant."""
        return self.app.site(tenant_slug, args)

    # -- sections, documents, quotas --------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def list_sections(self, actor):
        return self.app.list_sections(Actor.load(actor))

    @rpc(expected_exceptions=EXPECTED)
    def create_section(self, actor, data):
        return self.app.create_section(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def update_section(self, actor, section_id, data):
        return self.app.update_section(Actor.load(actor), section_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def create_document(self, actor, data):
        return self.app.create_document(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def list_documents(self, actor, args=None):
        return self.app.list_documents(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def get_document(self, actor, document_id):
        """One document; records the read receipt of the actor's tenant."""
        return self.app.get_document(Actor.load(actor), document_id)

    @rpc(expected_exceptions=EXPECTED)
    def quota_rules(self, actor):
        return self.app.quota_rules(Actor.load(actor))

    @rpc(expected_exceptions=EXPECTED)
    def quota_compliance(self, actor, args=None):
        return self.app.compliance(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def report_figures(self, actor, tenant_id, start, end):
        """A tenant's figures for its semiannual report (called by the polls service as the system):
        ``{"sections": [{"section", "name", "submitted", "used"}], "quota_weeks": {"total", "met"}}``
        over the Vietnam days ``[start, end)`` (ISO dates). Raises InvalidInput, NotFound, Forbidden."""
        return self.app.report_figures(Actor.load(actor), tenant_id, start, end)

    @rpc(expected_exceptions=EXPECTED)
    def sync_tenants(self, actor):
        """Refresh the tenant directory copy from the accounts service (platform admins, timer)."""
        if not Actor.load(actor).is_platform_admin:
            from platform_shared.errors import Forbidden

            raise Forbidden(code="PLATFORM_ADMIN_REQUIRED")
        return self._sync()

    def _sync(self):
        tenants, page = [], 1
        while True:
            batch = self.accounts.list_tenants(SYSTEM.dump(), {"page": page, "per_page": 100})
            tenants += batch["items"]
            if page * batch["per_page"] >= batch["total"]:
                break
            page += 1
        return self.app.sync_tenants(tenants)

    # -- timers ---------------------------------------------------------------------------

    @every("CONTENT_PUBLISH_INTERVAL_SECONDS", 15)
    def publish_scheduled(self):
        return self.app.publish_due()

    @every("CONTENT_QUOTA_CLOSE_INTERVAL_SECONDS", 3600)
    def close_quota_weeks(self):
        return self.app.close_weeks()

    @every("CONTENT_TENANT_SYNC_INTERVAL_SECONDS", 3600, eager=True)
    def sync_tenant_directory(self):
        """At start and hourly: repair the tenant copy should an event ever have been missed."""
        try:
            return self._sync()
        except Unavailable:
            log.warning("tenant directory sync skipped: the accounts service does not answer")
            return None

    # -- events in ------------------------------------------------------------------------

    @handle_event("accounts", accounts_events.TENANT_CREATED)
    def handle_tenant_created(self, payload):
        event = accounts_events.TenantCreated().load(payload)
        with self.db.transaction() as session:
            if inbox.seen(session, "handle_tenant_created", event["event_id"]):
                return
            self.app.apply_tenant(session, event)

    @handle_event("accounts", accounts_events.TENANT_UPDATED)
    def handle_tenant_updated(self, payload):
        event = accounts_events.TenantUpdated().load(payload)
        with self.db.transaction() as session:
            if inbox.seen(session, "handle_tenant_updated", event["event_id"]):
                return
            self.app.apply_tenant(session, event)

    @handle_event("accounts", accounts_events.TENANT_MERGED)
    def handle_tenant_merged(self, payload):
        event = accounts_events.TenantMerged().load(payload)
        with self.db.transaction() as session:
            if inbox.seen(session, "handle_tenant_merged", event["event_id"]):
                return
            self.app.merge_tenant(session, event)
