"""The quota use cases: the rules, a week's compliance, closing weeks, and the content part
of a tenant's semiannual report."""

import uuid
from datetime import timedelta

from content import policy
from content.quotas import domain
from content.quotas.store import QuotaStore
from content.sections.store import SectionStore
from platform_shared import outbox
from platform_shared.actor import SYSTEM
from platform_shared.contracts import content as events
from platform_shared.errors import InvalidInput, NotFound
from platform_shared.schemas import content as api
from platform_shared.schemas import load
from platform_shared.views import uuid_or_none

_RULES = api.QuotaRuleRead(many=True)
_COMPLIANCE = api.ComplianceRead()
_WEEKS = api.ComplianceWeeksRead()
_FIGURES = api.ReportFiguresRead()
MAX_TENANTS = 1000  # every tenant of the platform (~60 today) in one call


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
        week = domain.week_label(*domain.parse_week(args.get("week") or domain.week_of(self.clock.now())))
        return _COMPLIANCE.dump(self._weeks(actor, [week], args.get("tenant_id"))[0])

    def compliance_weeks(self, actor, args):
        """``compliance`` of several weeks in one answer (weeks ``first``–``last``, or the weeks of a
        ``quarter`` that have begun), with each tenant's count of rule-weeks met and missed."""
        policy.require_signed_in(actor)
        args = load(api.ComplianceWeeksArgs, args or {})
        now = self.clock.now()
        quarter = args.get("quarter")
        if quarter:
            labels = [w for w in domain.quarter_weeks(*quarter) if domain.week_bounds(w)[0] <= now]
        else:
            labels = domain.weeks_between(args["first"], args["last"])
        weeks = self._weeks(actor, labels, args.get("tenant_id")) if labels else []
        with self.sessions.read() as session:
            own = self.tenants(session).get(actor.tenant_id) if actor.tenant_id else None
            desk_sections = [s.key for s in SectionStore(session).central() if own and s.desk_code == own.code]
        tenants = {}
        for week in weeks:
            for item in week["items"]:
                row = tenants.setdefault(
                    item["tenant_id"],
                    {k: item[k] for k in ("tenant_id", "tenant_name", "tenant_code")}
                    | {"weeks": 0, "met": 0, "missed": 0},
                )
                row["weeks"] += 1
                row["met"] += item["status"] == "met"
                row["missed"] += item["status"] == "missed"
        return _WEEKS.dump(
            {
                "first": labels[0] if labels else None,
                "last": labels[-1] if labels else None,
                "quarter": f"{quarter[0]:04d}-Q{quarter[1]}" if quarter else None,
                "weeks": weeks,
                "desk_sections": desk_sections,
                "tenants": sorted(tenants.values(), key=lambda t: t["tenant_name"]),
            }
        )

    def _weeks(self, actor, labels, tenant_id=None):
        """Compliance of each week of ``labels`` (one query for the submissions of them all)."""
        now = self.clock.now()
        bounds = {week: domain.week_bounds(week) for week in labels}
        with self.sessions.read() as session:
            tenants = self.tenants(session)
            store = QuotaStore(session)
            own = tenants.get(actor.tenant_id) if actor.tenant_id else None
            desk_codes = {s.desk_code for s in SectionStore(session).central()}
            overseer = policy.sees_every_tenants_compliance(actor, own, desk_codes)
            rule_set = store.rule_set()
            rules = {week: domain.rules_in_force(rule_set, week) for week in labels}
            kinds = {k for found in rules.values() for r in found for k in r.tenant_kinds}
            everyone = tenants.of_kinds(kinds)
            if not overseer:
                everyone = [t for t in everyone if str(t.id) == actor.tenant_id]
            elif tenant_id:
                everyone = [t for t in everyone if t.id == tenant_id]
            first_start, last_end = bounds[labels[0]][0], bounds[labels[-1]][1]
            submitted = store.submissions([t.id for t in everyone], first_start, last_end)
            answers = []
            for week in labels:
                start, end = bounds[week]
                items = [
                    {
                        "tenant_id": tenant.id,
                        "tenant_name": tenant.name,
                        "tenant_code": tenant.code,
                        "tenant_status": tenant.status,
                        **domain.evaluate(rule, submitted.get(tenant.id, []), week, now),
                    }
                    for tenant in everyone
                    if domain.existed_in(tenant, start, end)
                    for rule in rules[week]
                    if tenant.kind in rule.tenant_kinds
                ]
                totals = {s: sum(1 for i in items if i["status"] == s) for s in ("met", "at_risk", "missed")}
                answers.append(
                    {"week": week, "starts": start, "ends": end, "items": items, "totals": totals if overseer else None}
                )
        return answers

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

    def contributors_in_period(self, actor, tenant_ids, start, end):
        """``{tenant id: [user id]}``: the distinct authors (``created_by``) of the items each tenant
        first submitted over the Vietnam days ``[start, end)``, counted as ``report_figures`` counts
        items (origin tenant, first submission; any section). For the grassroots coverage in polls,
        which asks accounts which grassroots unions these people belong to."""
        period = load(api.ReportPeriod, {"start": start, "end": end})
        if not isinstance(tenant_ids, list | tuple) or len(tenant_ids) > MAX_TENANTS:
            raise InvalidInput.field("tenant_ids", f"Cần một danh sách mã đơn vị (tối đa {MAX_TENANTS}).")
        try:
            ids = {uuid.UUID(str(t)) for t in tenant_ids}
        except (ValueError, TypeError):
            raise InvalidInput.field("tenant_ids", "Mã đơn vị không hợp lệ.") from None
        for tenant_id in ids:
            policy.require_report_reader(actor, tenant_id)
        with self.sessions.read() as session:
            found = QuotaStore(session).authors(ids, domain.day_start(period["start"]), domain.day_start(period["end"]))
        return {str(t): sorted(str(u) for u in users) for t, users in found.items()}

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
                if not store.close(
                    tenant_id=tenant_id,
                    week=previous,
                    rule_id=item["rule"],
                    status=item["status"],
                    submitted=item["submitted"],
                    required=item["required"],
                    closed_at=now,
                ):
                    continue  # closed before, or by an overlapping tick
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
