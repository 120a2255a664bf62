"""RPC methods and timer of the weekly quotas, mixed into ContentService. Thin.

Callers: the gateway (rules, compliance) and the polls service (``report_figures``, ``contributors_in_period``).
"""

from platform_shared import transport
from platform_shared.actor import Actor
from platform_shared.rpc import rpc
from platform_shared.timers import every

EXPECTED = transport.EXPECTED


class QuotasRpc:
    @rpc(expected_exceptions=EXPECTED)
    def quota_rules(self, actor):
        """``[QuotaRuleRead]``: every rule with its effective dates (signed-in users)."""
        return self.app.quotas.rules(Actor.load(actor))

    @rpc(expected_exceptions=EXPECTED)
    def quota_compliance(self, actor, args=None):
        """``ComplianceRead`` of a week (``week``, default this one): a tenant sees its own line; desks and
        the VGCL's bodies see all, with totals. Raises InvalidInput (week)."""
        return self.app.quotas.compliance(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def quota_compliance_weeks(self, actor, args):
        """``ComplianceWeeksRead``: ``quota_compliance`` of weeks ``first``–``last`` (at most 14) or of a
        ``quarter``'s weeks begun so far, in one call, with each tenant's weeks met and missed (the
        dashboard's last weeks and quarter roll-up). Raises InvalidInput (weeks, quarter)."""
        return self.app.quotas.compliance_weeks(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def report_figures(self, actor, tenant_id, start, end):
        """A tenant's figures for its semiannual report (called by the polls service as the system):
        ``{"sections": [{"section", "name", "submitted", "used"}], "quota_weeks": {"total", "met"}}``
        over the Vietnam days ``[start, end)`` (ISO dates). Raises InvalidInput, NotFound, Forbidden."""
        return self.app.quotas.report_figures(Actor.load(actor), tenant_id, start, end)

    @rpc(expected_exceptions=EXPECTED)
    def contributors_in_period(self, actor, tenant_ids, start, end):
        """``{tenant_id: [user_id]}``: distinct authors of the items each tenant first submitted over the
        Vietnam days ``[start, end)`` (ISO dates). Caller: polls' grassroots coverage, as the system.
        Raises InvalidInput (dates, ids), Forbidden (not the system, a platform admin or the tenant's admin)."""
        return self.app.quotas.contributors_in_period(Actor.load(actor), tenant_ids, start, end)

    @every("CONTENT_QUOTA_CLOSE_INTERVAL_SECONDS", 3600)
    def close_quota_weeks(self):
        """Hourly: once a week has ended, one ``content.quota_missed`` per tenant and rule missed."""
        return self.app.quotas.close_weeks()
