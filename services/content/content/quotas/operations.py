"""The quota use cases: the rules, a week's compliance, closing weeks, and the content part
of a tenant's semiannual report."""

import uuid
from datetime import timedelta

from content import policy
from content.quotas import domain
from content.quotas.models import QuotaClosure
from content.quotas.store import QuotaStore
from content.sections.store import SectionStore
from platform_shared import outbox
from platform_shared.actor import SYSTEM
from platform_shared.contracts import content as events
from platform_shared.errors import NotFound
from platform_shared.schemas import content as api
from platform_shared.schemas import load
from platform_shared.views import uuid_or_none

_RULES = api.QuotaRuleRead(many=True)
_COMPLIANCE = api.ComplianceRead()
_FIGURES = api.ReportFiguresRead()


class QuotaOperations:
    def __init__(self, sessions, *, clock, tenants):
        self.sessions = sessions
        self.clock = clock
        self.tenants = tenants  # session -> the tenant directory

    def rules(self, actor):
        """Every rule with its effective dates."""
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            return _RULES.dump(QuotaStore(session).rules())

    def compliance(self, actor, args):
        """Per tenant and rule for one week: required, submitted, used, status; totals for desks and the VGCL."""
        policy.require_signed_in(actor)
        args = load(api.ComplianceArgs, args or {})
        now = self.clock.now()
        week = domain.week_label(*domain.parse_week(args.get("week") or domain.week_of(now)))
        start, end = domain.week_bounds(week)
        with self.sessions.read() as session:
            tenants = self.tenants(session)
            store = QuotaStore(session)
            own = tenants.get(actor.tenant_id) if actor.tenant_id else None
            desk_codes = {s.desk_code for s in SectionStore(session).central()}
            overseer = policy.sees_every_tenants_compliance(actor, own, desk_codes)
            rules = domain.rules_in_force(store.rule_set(), week)
            kinds = {k for r in rules for k in r.tenant_kinds}
            candidates = [t for t in tenants.of_kinds(kinds) if domain.existed_in(t, start, end)]
            if not overseer:
                candidates = [t for t in candidates if str(t.id) == actor.tenant_id]
            elif args.get("tenant_id"):
                candidates = [t for t in candidates if t.id == args["tenant_id"]]
            submitted = store.submissions([t.id for t in candidates], start, end)
            items = [
                {
                    "tenant_id": tenant.id,
                    "tenant_name": tenant.name,
                    "tenant_code": tenant.code,
                    "tenant_status": tenant.status,
                    **domain.evaluate(rule, submitted.get(tenant.id, []), week, now),
                }
                for tenant in candidates
                for rule in rules
                if tenant.kind in rule.tenant_kinds
            ]
        totals = {s: sum(1 for i in items if i["status"] == s) for s in ("met", "at_risk", "missed")}
        return _COMPLIANCE.dump(
            {"week": week, "starts": start, "ends": end, "items": items, "totals": totals if overseer else None}
        )

    def report_figures(self, actor, tenant_id, start, end):
        """A tenant's figures for a semiannual report over the Vietnam days ``[start, end)``:
        items submitted and used per central section, and quota weeks met.

        Items count by their first submission and their origin tenant (a merged tenant's items
        stay its own). ``used`` = published at least once. A quota week belongs to the period
        holding its Monday and counts once it has ended; each rule in force for the tenant's
        kind counts once per week; weeks after the tenant was merged away do not count.
        """
        period = load(api.ReportPeriod, {"start": start, "end": end})
        first, last = period["start"], period["end"]
        tenant_uuid = uuid_or_none(tenant_id, "tenant")
        policy.require_report_reader(actor, tenant_uuid)
        now = self.clock.now()
        with self.sessions.read() as session:
            tenant = self.tenants(session).get(tenant_uuid)
            if tenant is None:
                raise NotFound.of("tenant", tenant_id)
            store = QuotaStore(session)
            counts = store.items_by_section(tenant.id, domain.day_start(first), domain.day_start(last))
            sections = [
                {"section": s.key, "name": s.name, "submitted": counts.get(s.key, (0, 0))[0], "used": counts.get(s.key, (0, 0))[1]}
                for s in SectionStore(session).central()
            ]  # fmt: skip
            rules = store.rule_set()
            weeks = domain.report_weeks(first, last, now, tenant)
            total = met = 0
            if weeks:
                items = [
                    s for found in store.submissions([tenant.id], weeks[0][1], weeks[-1][2]).values() for s in found
                ]
                for label, _, _ in weeks:
                    for rule in domain.rules_in_force(rules, label, tenant_kind=tenant.kind):
                        total += 1
                        met += domain.evaluate(rule, items, label, now)["status"] == "met"
        return _FIGURES.dump({"sections": sections, "quota_weeks": {"total": total, "met": met}})

    def close_weeks(self, now=None):
        """After a week ends, write one ``content.quota_missed`` per tenant and rule missed (once)."""
        now = now or self.clock.now()
        previous = domain.week_of(now - timedelta(days=7))
        result = self.compliance(SYSTEM, {"week": previous})
        emitted = []
        with self.sessions.transaction() as session:
            store = QuotaStore(session)
            for item in result["items"]:
                tenant_id = uuid.UUID(item["tenant_id"])
                if store.closed(tenant_id, previous, item["rule"]):
                    continue
                store.close(
                    QuotaClosure(
                        tenant_id=tenant_id,
                        week=previous,
                        rule_id=item["rule"],
                        status=item["status"],
                        submitted=item["submitted"],
                        required=item["required"],
                        closed_at=now,
                    )
                )
                if item["status"] == "missed":
                    outbox.add(
                        session,
                        events.QUOTA_MISSED,
                        {
                            "tenant_id": item["tenant_id"],
                            "week": previous,
                            "rule": item["rule"],
                            "required": item["required"],
                            "submitted": item["submitted"],
                        },
                        aggregate_id=item["tenant_id"],
                        now=now,
                    )
                    emitted.append(item["tenant_id"])
        return {"week": previous, "missed": emitted}
