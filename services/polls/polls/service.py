"""PollsService: the nameko boundary of the polls service. Thin on purpose.

Every RPC takes ``actor`` first and returns a schema dump (``platform_shared.schemas.polls``).
The batch consumer of the responses queue runs inside the service (``ResponseIntake``); a
timer closes polls whose time is up. The mixins bring the rest: the tenant copy
(``TenantDirectoryEntrypoints``: the ``accounts.tenant_*`` handlers, the sync timer and RPC),
the results (``ResultsRpc``), the semiannual reports (``ReportsRpc``) and the grassroots
coverage (``CoverageRpc``).
"""

from platform_shared import transport
from platform_shared.actor import Actor
from platform_shared.dependencies import Database
from platform_shared.errors import Forbidden
from platform_shared.operations import ServiceOperations
from platform_shared.rpc import rpc
from platform_shared.schemas import polls as api
from platform_shared.tenant_directory.service import TenantDirectoryEntrypoints
from platform_shared.timers import every
from platform_shared.views import page
from polls.coverage.service import CoverageRpc
from polls.dependencies import PollsDependency, ResponseIntake
from polls.reports.service import ReportsRpc
from polls.results.service import ResultsRpc

EXPECTED = transport.EXPECTED

_poll, _definition, _stats = api.PollRead(), api.IntakeDefinitionRead(), api.IntakeStatsRead()
_summary, _choices = api.PollSummaryRead(), api.AudienceChoicesRead()


class PollsService(TenantDirectoryEntrypoints, ResultsRpc, ReportsRpc, CoverageRpc, ServiceOperations):
    name = "polls"

    db = Database()
    app = PollsDependency()
    intake = ResponseIntake()

    # -- polls ------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def create_poll(self, actor, data):
        """A draft poll (platform admins: VGCL-wide; tenant admins: their subtree). Raises InvalidInput, Forbidden."""
        return _poll.dump(self.app.create_poll(Actor.load(actor), data))

    @rpc(expected_exceptions=EXPECTED)
    def update_poll(self, actor, poll_id, data):
        """Edit a draft (its manager). Raises InvalidInput (not a draft, bad fields), NotFound, Forbidden."""
        return _poll.dump(self.app.update_poll(Actor.load(actor), poll_id, data))

    @rpc(expected_exceptions=EXPECTED)
    def get_poll(self, actor, poll_id):
        """One poll the actor may see (managers; eligible people once it is open; anyone, signed in
        or not, a national poll that is open or has its results published). Raises NotFound."""
        return _poll.dump(self.app.get_poll(Actor.load(actor), poll_id))

    @rpc(expected_exceptions=EXPECTED)
    def list_polls(self, actor, args=None):
        """Polls the actor manages or may answer, newest first, paginated."""
        items, total, args = self.app.list_polls(Actor.load(actor), args)
        return page(_poll.dump(items, many=True), total, args)

    @rpc(expected_exceptions=EXPECTED)
    def list_audience_choices(self, actor):
        """The tenants the actor may address a poll to, in tree order with their depth (platform
        admins: every tenant, ``all`` true; a tenant admin: its subtree). Raises Forbidden."""
        return _choices.dump(self.app.audience_choices(Actor.load(actor)))

    @rpc(expected_exceptions=EXPECTED)
    def public_polls(self, actor, args=None):
        """The portal's list of polls (``PollSummaryRead`` items, newest first, paginated).

        Anyone calls it: an anonymous actor gets the national polls that are open or have their
        results published; a signed-in one the polls ``list_polls`` shows them, drafts left out.
        Raises InvalidInput (bad ``status``, ``page``, ``per_page``)."""
        items, total, args = self.app.public_polls(Actor.load(actor), args)
        return page(_summary.dump(items, many=True), total, args)

    @rpc(expected_exceptions=EXPECTED)
    def transition_poll(self, actor, poll_id, action):
        """open / close / publish (results). Raises Conflict naming the state, NotFound, Forbidden."""
        return _poll.dump(self.app.transition(Actor.load(actor), poll_id, action))

    # -- intake -----------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def intake_definition(self, actor, poll_id):
        """The gateway's view of a poll for checking responses (system actor). Raises NotFound."""
        return _definition.dump(self.app.intake_definition(Actor.load(actor), poll_id))

    @rpc(expected_exceptions=EXPECTED)
    def intake_stats(self, actor):
        """Totals of this replica's batch consumer (operators, the benchmark)."""
        if not Actor.load(actor).is_platform_admin:
            raise Forbidden(code="PLATFORM_ADMIN_REQUIRED")
        consumer = self.intake
        return None if consumer is None else _stats.dump({"connected": consumer.connected, **consumer.totals})

    # -- timers -----------------------------------------------------------------------------

    @every("POLLS_CLOSE_INTERVAL_SECONDS", 15)
    def close_due_polls(self):
        return self.app.close_due()
