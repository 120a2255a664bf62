"""PollsService: the nameko boundary of the polls service. Thin on purpose.

Every RPC takes ``actor`` first and returns plain dicts. The batch consumer of the
responses queue runs inside the service (``ResponseIntake``); a timer closes polls
whose time is up; handlers keep the copy of the tenant directory current and make
eligibility follow merges. The semiannual reports come from the ``ReportsRpc`` mixin.
"""

import logging

from platform_shared import inbox, transport
from platform_shared.actor import SYSTEM, Actor
from platform_shared.contracts import accounts as accounts_events
from platform_shared.dependencies import Database, in_thread
from platform_shared.errors import Forbidden, Unavailable
from platform_shared.handlers import handle_event
from platform_shared.operations import ServiceOperations
from platform_shared.rpc import ServiceRpc, rpc
from platform_shared.timers import every
from polls.dependencies import PollsDependency, ResponseIntake
from polls.reports.service import ReportsRpc

EXPECTED = transport.EXPECTED
log = logging.getLogger("polls")


class PollsService(ReportsRpc, ServiceOperations):
    name = "polls"

    db = Database()
    app = PollsDependency()
    intake = ResponseIntake()
    accounts = ServiceRpc("accounts")

    # -- polls ------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def create_poll(self, actor, data):
        """A draft poll (platform admins: VGCL-wide; tenant admins: their subtree). Raises InvalidInput, Forbidden."""
        return self.app.create_poll(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def update_poll(self, actor, poll_id, data):
        """Edit a draft (its manager). Raises InvalidInput (not a draft, bad fields), NotFound, Forbidden."""
        return self.app.update_poll(Actor.load(actor), poll_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def get_poll(self, actor, poll_id):
        """One poll the actor may see (managers; eligible people once it is open). Raises NotFound."""
        return self.app.get_poll(Actor.load(actor), poll_id)

    @rpc(expected_exceptions=EXPECTED)
    def list_polls(self, actor, args=None):
        """Polls the actor manages or may answer, newest first, paginated."""
        return self.app.list_polls(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def transition_poll(self, actor, poll_id, action):
        """open / close / publish (results). Raises Conflict naming the state, NotFound, Forbidden."""
        return self.app.transition(Actor.load(actor), poll_id, action)

    # -- intake -----------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def intake_definition(self, actor, poll_id):
        """The gateway's view of a poll for checking responses (system actor). Raises NotFound."""
        return self.app.intake_definition(Actor.load(actor), poll_id)

    @rpc(expected_exceptions=EXPECTED)
    def get_receipt(self, actor, receipt_id):
        """counted / duplicate / rejected(+reason) for the member who got the receipt; None if not written yet."""
        return self.app.get_receipt(Actor.load(actor), receipt_id)

    @rpc(expected_exceptions=EXPECTED)
    def intake_stats(self, actor):
        """Totals of this replica's batch consumer (operators, the benchmark)."""
        if not Actor.load(actor).is_platform_admin:
            raise Forbidden(code="PLATFORM_ADMIN_REQUIRED")
        consumer = self.intake
        return None if consumer is None else {"connected": consumer.connected, **consumer.totals}

    # -- results ----------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def poll_results(self, actor, poll_id, args=None):
        """Live counts and percentages (small groups suppressed); per-tenant breakdown for the VGCL."""
        return self.app.results(Actor.load(actor), poll_id, args)

    @rpc(expected_exceptions=EXPECTED)
    def list_text_answers(self, actor, poll_id, args=None):
        """Free-text answers: all for moderators (by status), approved ones once results are published."""
        return self.app.text_answers(Actor.load(actor), poll_id, args)

    @rpc(expected_exceptions=EXPECTED)
    def moderate_text_answer(self, actor, poll_id, answer_id, data):
        """Approve or hide a free-text answer (moderators of the owner tenant, its managers)."""
        return self.app.moderate(Actor.load(actor), poll_id, answer_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def export_results(self, actor, poll_id, fmt, question_id=None, args=None):
        """CSV, XLSX or a question's PNG chart, base64 in ``content_b64`` (rendered off the hub)."""
        return self.app.export(Actor.load(actor), poll_id, fmt, question_id, args, run=in_thread)

    # -- tenant directory -------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def sync_tenants(self, actor):
        """Refresh the tenant directory copy from the accounts service (platform admins, timer)."""
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

    # -- timers -----------------------------------------------------------------------------

    @every("POLLS_CLOSE_INTERVAL_SECONDS", 15)
    def close_due_polls(self):
        return self.app.close_due()

    @every("POLLS_TENANT_SYNC_INTERVAL_SECONDS", 3600, eager=True)
    def sync_tenant_directory(self):
        """At start and hourly: repair the tenant copy should an event ever have been missed."""
        try:
            return self._sync()
        except Unavailable:
            log.warning("tenant directory sync skipped: the accounts service does not answer")
            return None

    # -- events in --------------------------------------------------------------------------

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
