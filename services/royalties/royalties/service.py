"""RoyaltiesService: the nameko boundary of the royalties service. Thin on purpose.

Every RPC takes ``actor`` first and returns plain dicts. Handlers turn content's
publication facts into royalty items (idempotent through the inbox and a unique key
per article, revision and payee) and keep a copy of the tenant directory.
"""

import logging

from platform_shared import inbox, transport
from platform_shared.actor import SYSTEM, Actor
from platform_shared.contracts import accounts as accounts_events
from platform_shared.contracts import content as content_events
from platform_shared.dependencies import Database
from platform_shared.errors import Forbidden, Unavailable
from platform_shared.handlers import handle_event
from platform_shared.operations import ServiceOperations
from platform_shared.rpc import ServiceRpc, rpc
from platform_shared.timers import every
from royalties.dependencies import RoyaltiesApp
from royalties.intake import handle_event_batch

EXPECTED = transport.EXPECTED
log = logging.getLogger("royalties")


class RoyaltiesService(ServiceOperations):
    name = "royalties"

    db = Database()
    app = RoyaltiesApp()
    accounts = ServiceRpc("accounts")

    # -- items ------------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def list_items(self, actor, args=None):
        """Items the actor may see (paying desk's staff, the payee), filtered and paginated."""
        return self.app.list_items(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def get_item(self, actor, item_id):
        """One item with its amount and the genre's maximum. Raises NotFound."""
        return self.app.get_item(Actor.load(actor), item_id)

    @rpc(expected_exceptions=EXPECTED)
    def score_item(self, actor, item_id, data):
        """Desk editors / royalty officers set the coefficient. Raises InvalidInput (above the limit), Conflict, Forbidden."""
        return self.app.score_item(Actor.load(actor), item_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def overdue_items(self, actor, args=None):
        """Items not paid 60 days after publication."""
        return self.app.overdue(Actor.load(actor), args)

    # -- rates ------------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def list_rates(self, actor, args=None):
        """The rate tables with their effective dates (anyone signed in)."""
        return self.app.list_rates(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def create_rate(self, actor, data):
        """A new rate row (royalty officers, platform admins). Raises Conflict when the date is taken."""
        return self.app.create_rate(Actor.load(actor), data)

    # -- statements -------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def create_statement(self, actor, data):
        """Draft the tenant's monthly statement. Raises Conflict (exists), InvalidInput (nothing to state)."""
        return self.app.create_statement(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def list_statements(self, actor, args=None):
        return self.app.list_statements(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def get_statement(self, actor, statement_id, args=None):
        """A statement with its lines per payee and its entries. Raises NotFound."""
        return self.app.get_statement(Actor.load(actor), statement_id, args)

    @rpc(expected_exceptions=EXPECTED)
    def approve_statement(self, actor, statement_id):
        """Freeze a draft into ledger entries. Raises Conflict unless it is a draft."""
        return self.app.approve_statement(Actor.load(actor), statement_id)

    @rpc(expected_exceptions=EXPECTED)
    def pay_statement(self, actor, statement_id, data):
        """Record the payment (date, reference) of an approved statement."""
        return self.app.pay_statement(Actor.load(actor), statement_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def export_statement(self, actor, statement_id, args=None):
        """``{filename, content_type, data}`` (base64) for format csv or xlsx."""
        return self.app.export_statement(Actor.load(actor), statement_id, args)

    @rpc(expected_exceptions=EXPECTED)
    def reconciliation(self, actor, args):
        """A period's events, items, amounts and discrepancies."""
        return self.app.reconciliation(Actor.load(actor), args)

    # -- tenant directory --------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def sync_tenants(self, actor):
        """Refresh the tenant copy from the accounts service (platform admins, the timer)."""
        if not Actor.load(actor).is_platform_admin:
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

    @every("ROYALTIES_TENANT_SYNC_INTERVAL_SECONDS", 3600, eager=True)
    def sync_tenant_directory(self):
        """At start and hourly: repair the tenant copy should an event ever have been missed."""
        try:
            return self._sync()
        except Unavailable:
            log.warning("tenant directory sync skipped: the accounts service does not answer")
            return None

    # -- events in --------------------------------------------------------------------------------

    @handle_event_batch("content", content_events.ARTICLE_PUBLISHED)
    def handle_article_published(self, payloads):
        """A batch of publications → items, in one transaction (idempotent through the inbox)."""
        schema = content_events.ArticlePublished()
        events = [schema.load_fast(p) for p in payloads]
        with self.db.transaction() as session:
            self.app.apply_published_batch(session, events)

    @handle_event("content", content_events.ARTICLE_UNPUBLISHED)
    def handle_article_unpublished(self, payload):
        event = content_events.ArticleUnpublished().load(payload)
        with self.db.transaction() as session:
            if inbox.seen(session, "handle_article_unpublished", event["event_id"]):
                return
            self.app.apply_unpublished(session, event)

    @handle_event("content", content_events.ARTICLE_CORRECTED)
    def handle_article_corrected(self, payload):
        event = content_events.ArticleCorrected().load(payload)
        with self.db.transaction() as session:
            if inbox.seen(session, "handle_article_corrected", event["event_id"]):
                return
            self.app.apply_corrected(session, event)

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
