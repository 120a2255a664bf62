"""RPC methods, timer and handler of the semiannual reports, mixed into PollsService. Thin.

The use cases live in ``polls.reports.operations``; this class wires them to the service's
database and to the content, feedback and accounts services. Attribute names carry a
``report_`` prefix so that they never shadow the polls core's own dependencies.
"""

import logging

import eventlet
from nameko.dependency_providers import Config
from nameko.exceptions import IncorrectSignature, MethodNotFound, RemoteError

from platform_shared import inbox, transport
from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import Clock
from platform_shared.contracts import accounts as accounts_events
from platform_shared.dependencies import in_thread
from platform_shared.errors import PlatformError, Unavailable
from platform_shared.handlers import handle_event
from platform_shared.rpc import ServiceRpc, rpc
from platform_shared.schemas import polls as polls_api
from platform_shared.schemas import reports as api
from platform_shared.timers import every
from polls import render
from polls.coverage.operations import GrassrootsCoverage
from polls.coverage.service import CoverageSources
from polls.reports.operations import SemiannualReports, Settings

EXPECTED = transport.EXPECTED
log = logging.getLogger("polls.reports")


class RpcSources:
    """The other services' parts of a report; ``None`` when a service cannot answer."""

    def __init__(self, service):
        self._service = service

    def _ask(self, proxy_name, method, *args):
        try:
            return getattr(getattr(self._service, proxy_name), method)(SYSTEM.dump(), *args)
        except (Unavailable, MethodNotFound) as exc:
            log.warning("report figures: %s.%s unavailable: %s", proxy_name, method, exc)
        except (PlatformError, IncorrectSignature, RemoteError) as exc:
            # E.g. a tenant the other service does not know yet: that part has no figures,
            # the report itself still answers.
            log.error("report figures: %s.%s failed: %r", proxy_name, method, exc)
        return None

    def content_figures(self, tenant_id, start, end):
        return self._ask("report_content", "report_figures", tenant_id, start, end)

    def feedback_figures(self, tenant_id, start, end):
        return self._ask("report_feedback", "question_figures", tenant_id, start, end)

    def count_members(self, tenant_ids):
        return self._ask("report_accounts", "count_members", list(tenant_ids))

    def gather(self, calls):
        """``[(method, *args)]`` asked at once (one green thread each): a draft waits for the
        slowest service, not for the sum of them."""
        pool = eventlet.GreenPool(max(1, min(len(calls), 8)))
        return list(pool.imap(lambda call: getattr(self, call[0])(*call[1:]), calls))


def _render(name, data):
    return in_thread(getattr(render, name), data)


_report, _overview, _rollup, _export = api.ReportRead(), api.Overview(), api.Rollup(), polls_api.FileRead()
_status = api.ReportStatusRead()


def _file(filename, content_type, data):
    return _export.dump({"filename": filename, "content_type": content_type, "content": data})


class ReportsRpc:
    """Semiannual reports: compiled figures, the tenant's evaluation, submission, roll-up."""

    report_config = Config()
    report_content = ServiceRpc("content")
    report_feedback = ServiceRpc("feedback")
    report_accounts = ServiceRpc("accounts")

    def _reports(self):
        clock, settings = Clock(), Settings.from_config(self.report_config)
        coverage = GrassrootsCoverage(
            self.db, clock=clock, sources=CoverageSources(self.report_accounts, self.report_content), settings=settings
        )
        return SemiannualReports(self.db, clock=clock, sources=RpcSources(self), settings=settings, coverage=coverage)

    @rpc(expected_exceptions=EXPECTED)
    def get_semiannual_report(self, actor, args=None):
        """The report of ``args.tenant`` (id or code; default: own) for ``args.period`` (default: current).

        Drafts are compiled at every read; submitted ones show their frozen figures. Tenant admins:
        their own tenant (another → NotFound); the Propaganda Dept's editors and platform admins:
        any. Raises InvalidInput (period), NotFound, Forbidden."""
        return _report.dump(self._reports().get(Actor.load(actor), args))

    @rpc(expected_exceptions=EXPECTED)
    def get_semiannual_report_status(self, actor, args=None):
        """Where the report of ``args.tenant`` for ``args.period`` stands (status, deadline, when
        submitted) without compiling its figures or opening it: the workspace's landing card.

        Same visibility and errors as ``get_semiannual_report``."""
        return _status.dump(self._reports().status(Actor.load(actor), args))

    @rpc(expected_exceptions=EXPECTED)
    def get_semiannual_report_by_id(self, actor, report_id):
        """One report by id, same visibility as ``get_semiannual_report``."""
        return _report.dump(self._reports().get_by_id(Actor.load(actor), report_id))

    @rpc(expected_exceptions=EXPECTED)
    def evaluate_semiannual_report(self, actor, report_id, data):
        """Save the draft evaluation (tenant admins of the tenant). Raises Conflict once submitted."""
        return _report.dump(self._reports().evaluate(Actor.load(actor), report_id, data))

    @rpc(expected_exceptions=EXPECTED)
    def submit_semiannual_report(self, actor, report_id, data=None):
        """Freeze the figures with the evaluation and send (tenant admins of the tenant).

        Raises Conflict (already submitted, tenant merged), InvalidInput naming ``evaluation``,
        Unavailable when a part of the figures cannot be had right now (nothing is frozen)."""
        return _report.dump(self._reports().submit(Actor.load(actor), report_id, data))

    @rpc(expected_exceptions=EXPECTED)
    def semiannual_overview(self, actor, args=None):
        """Every reporting tenant's status for a period and who has not submitted (overseers)."""
        return _overview.dump(self._reports().overview(Actor.load(actor), args))

    @rpc(expected_exceptions=EXPECTED)
    def semiannual_rollup(self, actor, args=None):
        """Sums of the submitted reports' figures, per tenant and in total (overseers)."""
        return _rollup.dump(self._reports().rollup(Actor.load(actor), args))

    @rpc(expected_exceptions=EXPECTED)
    def export_semiannual_report(self, actor, report_id, args=None):
        """``{filename, content_type, content_b64}`` of a report as PDF or XLSX."""
        return _file(*self._reports().export(Actor.load(actor), report_id, args, _render))

    @rpc(expected_exceptions=EXPECTED)
    def export_semiannual_rollup(self, actor, args=None):
        """``{filename, content_type, content_b64}``: the roll-up as XLSX or PDF (overseers)."""
        return _file(*self._reports().export_rollup(Actor.load(actor), args, _render))

    @every("REPORTS_REMINDER_INTERVAL_SECONDS", 3600)
    def remind_semiannual_reports(self):
        """Hourly: the reminder facts of the last two weeks of June and December (once each)."""
        return self._reports().remind_due()

    @handle_event("accounts", accounts_events.TENANT_MERGED)
    def handle_tenant_merged_for_reports(self, payload):
        """The surviving tenant's reports take the merged one's figures from the merge day on."""
        event = accounts_events.TenantMerged().load(payload)
        with self.db.transaction() as session:
            if inbox.seen(session, "handle_tenant_merged_for_reports", event["event_id"]):
                return
            self._reports().record_merge(session, event)
