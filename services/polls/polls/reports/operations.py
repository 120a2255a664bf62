"""The semiannual report use cases. Plain Python: sessions, stores, the rules, the outbox.

Figures come from three places: the content service (``content.report_figures``), the
feedback service (``feedback.question_figures``) and this service's own polls. The other
services are reached through ``sources`` (``content_figures``, ``feedback_figures``,
``count_members``), which answer ``None`` when a service cannot give its part: the
report then shows that part as *chưa có số liệu* instead of failing.

A report (shape of ``platform_shared.schemas.reports.ReportRead``)::

    {"id", "tenant_id", "tenant_name", "tenant_code", "period", "period_label", "starts", "ends", "due_on",
     "status", "status_label", "evaluation", "signer_title", "signer_name", "frozen", "compiled_at", "submitted_at", "submitted_by",
     "allowed_actions", "includes": [{"tenant_id", "tenant_name", "starts", "ends"}],
     "figures": {"content": {"available", "sections": [...], "quota_weeks": {"total", "met"}},
                 "feedback": {"available", "received", "answered", "answered_on_time", "overdue_open"},
                 "polls": {"available", "held", "respondents", "eligible", "participation", "items": [...]},
                 "coverage": {"available", "grassroots", "with_admin", "with_admin_share", ...}}}

(``coverage`` — the grassroots coverage, ``polls.coverage`` — is absent from reports submitted
before it existed.)

Drafts are compiled afresh at every read; submission freezes the figures in the row.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from platform_shared import outbox
from platform_shared.contracts import reports as events
from platform_shared.errors import Conflict, NotFound, Unavailable
from platform_shared.schemas import load
from platform_shared.schemas import reports as api
from platform_shared.views import iso, text
from polls.reports import domain, policy
from polls.reports.store import Merges, PollFigures, Reminders, Reports
from polls.store import Tenants

log = logging.getLogger("polls.reports")

STATUS_LABELS = {
    "draft": "Chưa gửi (bản nháp)",
    "submitted": "Đã gửi",
    "not_started": "Chưa lập báo cáo",
    "merged": "Đã hợp nhất vào đơn vị khác",
}

PART_LABELS = {
    "content": "thông tin, tuyên truyền",
    "feedback": "«Công nhân hỏi – Công đoàn trả lời»",
    "polls": "trưng cầu ý kiến",
    "coverage": "phủ sóng đến công đoàn cơ sở",
}


@dataclass(frozen=True)
class Settings:
    desk_code: str = "BTG"
    reporting_kinds: tuple = ("provincial_federation", "sectoral_union", "corporate_union")

    @classmethod
    def from_config(cls, config):
        kinds = config.get("REPORTS_TENANT_KINDS") or ",".join(cls.reporting_kinds)
        return cls(
            desk_code=config.get("REPORTS_DESK") or "BTG",
            reporting_kinds=tuple(k.strip() for k in str(kinds).split(",") if k.strip()),
        )


class NoSources:
    """Stands in for the other services: every part is unavailable."""

    def content_figures(self, tenant_id, start, end):
        return None

    def feedback_figures(self, tenant_id, start, end):
        return None

    def count_members(self, tenant_ids):
        return None


class SemiannualReports:
    def __init__(self, sessions, *, clock, sources=None, settings=Settings(), coverage=None):
        self.sessions = sessions
        self.clock = clock
        self.sources = sources or NoSources()
        self.settings = settings
        # The grassroots coverage part (``polls.coverage``: report_part); None leaves it out.
        self.coverage = coverage

    # -- the directory ------------------------------------------------------------------

    def _directory(self, session):
        """Tenants by id (dicts), merges by merged tenant id, and the desk tenant's id."""
        return directory(session, self.settings.desk_code)

    def _resolve_tenant(self, tenants, actor, value):
        return resolve_tenant(tenants, actor, value)

    def _reporting(self, tenant):
        return tenant["kind"] in self.settings.reporting_kinds

    # -- reading ------------------------------------------------------------------------

    def _reporting_tenant(self, session, actor, args, now):
        """``(period, tenant, tenants, merges, desk)`` of a report asked for by ``args`` (``tenant``
        default: the actor's; ``period`` default: the current half-year), once the actor may read it."""
        period = domain.parse_period(args["period"]) if args.get("period") else domain.period_of(now)
        tenants, merges, desk = self._directory(session)
        tenant = self._resolve_tenant(tenants, actor, args.get("tenant"))
        policy.require_reader(actor, tenant["id"], desk)
        domain.check_started(period, now)
        if not self._reporting(tenant) or domain.reporting_status(tenant, merges, period) == "gone":
            raise NotFound("Đơn vị này không có báo cáo 6 tháng cho kỳ này.", code="REPORT_NOT_FOUND")
        return period, tenant, tenants, merges, desk

    def get(self, actor, args):
        """The report of ``tenant`` (default: the actor's) for ``period`` (default: the current half-year)."""
        args = load(api.ReportArgs, args or {})
        now = self.clock.now()
        with self.sessions.read() as session:
            period, tenant, tenants, merges, desk = self._reporting_tenant(session, actor, args, now)
        if actor.tenant_id == tenant["id"]:
            # The tenant opens its report: from now on it is a draft with an id to act on.
            with self.sessions.transaction() as session:
                row = Reports(session).ensure(tenant["id"], period.label, now)
        else:
            # An overseer looks: nothing is created, a report nobody opened stays "not started".
            with self.sessions.read() as session:
                row = Reports(session).find(tenant["id"], period.label) or Reports.unopened(
                    tenant["id"], period.label, now
                )
        return self._view(actor, row, tenants, merges, desk)

    def status(self, actor, args):
        """Where a report stands (``ReportStatusRead``), as ``get`` finds it but without compiling
        its figures or opening it: what a landing page shows on every visit."""
        args = load(api.ReportArgs, args or {})
        now = self.clock.now()
        with self.sessions.read() as session:
            period, tenant, _, merges, _ = self._reporting_tenant(session, actor, args, now)
            row = Reports(session).find(tenant["id"], period.label)
        status = row.status if row is not None else "not_started"
        if status in ("draft", "not_started") and domain.reporting_status(tenant, merges, period):
            status = "merged"
        submitted = row is not None and row.status == "submitted"
        return {
            "id": str(row.id) if row is not None else None,
            "tenant_id": tenant["id"],
            "tenant_name": row.tenant_name if submitted and row.tenant_name else tenant["name"],
            "tenant_code": tenant.get("code"),
            "period": period.label,
            "period_label": period.title,
            "due_on": period.last_day.isoformat(),
            "status": status,
            "status_label": STATUS_LABELS[status],
            "evaluated": bool(row is not None and row.evaluation),
            "submitted_at": iso(row.submitted_at) if row is not None else None,
        }

    def get_by_id(self, actor, report_id):
        with self.sessions.read() as session:
            tenants, merges, desk = self._directory(session)
            row = Reports(session).get(report_id)
        policy.require_reader(actor, row.tenant_id, desk)
        return self._view(actor, row, tenants, merges, desk)

    def _view(self, actor, row, tenants, merges, desk):
        period = domain.parse_period(row.period)
        tenant = tenants.get(str(row.tenant_id)) or {"id": str(row.tenant_id), "name": row.tenant_name, "code": None}
        if row.status == "submitted" and row.figures is not None:
            snapshot = row.figures
            figures, includes, compiled_at = snapshot["figures"], snapshot["includes"], row.compiled_at
        else:
            figures, includes = self.compile(tenant["id"], period, tenants, merges)
            compiled_at = self.clock.now()
        status = row.status
        if status in ("draft", "not_started") and domain.reporting_status(tenant, merges, period):
            status = "merged"
        actions = []
        if status == "draft" and actor.tenant_id == str(row.tenant_id) and "tenant_admin" in actor.roles:
            actions = ["evaluate", "submit"]
        return {
            "id": str(row.id),
            "tenant_id": str(row.tenant_id),
            "tenant_name": row.tenant_name if row.status == "submitted" and row.tenant_name else tenant["name"],
            "tenant_code": tenant.get("code"),
            "period": period.label,
            "period_label": period.title,
            "starts": period.starts.isoformat(),
            "ends": period.ends.isoformat(),
            "due_on": period.last_day.isoformat(),
            "status": status,
            "status_label": STATUS_LABELS[status],
            "evaluation": row.evaluation,
            "signer_title": row.signer_title,
            "signer_name": row.signer_name,
            "figures": figures,
            "frozen": row.status == "submitted",
            "includes": includes,
            "compiled_at": iso(compiled_at),
            "submitted_at": iso(row.submitted_at),
            "submitted_by": text(row.submitted_by),
            "allowed_actions": actions,
        }

    # -- compiling ----------------------------------------------------------------------

    def compile(self, tenant_id, period, tenants, merges):
        """The tenant's figures for the period, its merged tenants' from their merge day on."""
        pieces = domain.slices(tenant_id, merges, period)
        calls = [("count_members", [p.tenant_id for p in pieces])]
        for name in ("content_figures", "feedback_figures"):
            calls += [(name, p.tenant_id, p.starts.isoformat(), p.ends.isoformat()) for p in pieces]
        answers = self._gather(calls)
        members, content, feedback = answers[0], answers[1 : 1 + len(pieces)], answers[1 + len(pieces) :]
        figures = {
            "content": domain.add_content(content),
            "feedback": domain.add_feedback(feedback),
            "polls": self._poll_figures(pieces, tenants, members or {}),
        }
        if self.coverage is not None:
            figures["coverage"] = self.coverage.report_part(tenant_id, pieces)
        includes = [
            {
                "tenant_id": p.tenant_id,
                "tenant_name": (tenants.get(p.tenant_id) or {}).get("name") or p.tenant_id,
                "starts": p.starts.isoformat(),
                "ends": p.ends.isoformat(),
            }
            for p in pieces
            if p.tenant_id != str(tenant_id)
        ]
        return figures, includes

    def _gather(self, calls):
        """The sources' answers to ``[(method, *args)]``, in order; at once when the sources can."""
        gather = getattr(self.sources, "gather", None)
        if gather is not None:
            return gather(calls)
        return [getattr(self.sources, name)(*args) for name, *args in calls]

    def _poll_figures(self, pieces, tenants, members):
        items, seen = [], set()
        with self.sessions.read() as session:
            store = PollFigures(session)
            for piece in pieces:
                start, end = domain.local_midnight(piece.starts), domain.local_midnight(piece.ends)
                polls = store.held_for(piece.tenant_id, _ancestors(piece.tenant_id, tenants), start, end)
                answered = store.respondents([p.id for p in polls], piece.tenant_id)
                eligible = members.get(piece.tenant_id)
                for poll in polls:
                    respondents = answered.get(poll.id, 0)
                    items.append(
                        {
                            "id": str(poll.id),
                            "title": poll.title,
                            "tenant_id": piece.tenant_id,
                            "opens_at": iso(poll.opens_at),
                            "closes_at": iso(poll.closes_at),
                            "respondents": respondents,
                            "eligible": eligible,
                            "participation": domain.participation(respondents, eligible),
                        }
                    )
                    seen.add(poll.id)
        respondents = sum(i["respondents"] for i in items)
        known = [i["eligible"] for i in items]
        eligible = sum(known) if items and all(e is not None for e in known) else None
        return {
            "available": True,
            "held": len(seen),
            "respondents": respondents,
            "eligible": eligible,
            "participation": domain.participation(respondents, eligible),
            "items": items,
        }

    # -- writing ------------------------------------------------------------------------

    def evaluate(self, actor, report_id, data):
        """Save the draft evaluation (the tenant's administrators)."""
        data = load(api.EvaluationUpdate, data)
        with self.sessions.transaction() as session:
            tenants, merges, desk = self._directory(session)
            row = Reports(session).get(report_id, for_update=True)
            policy.require_author(actor, row.tenant_id, desk)
            self._check_open(row, tenants, merges)
            row.evaluation = data["evaluation"] or None
            _sign(row, data)
            row.updated_at = self.clock.now()
        return self._view(actor, row, tenants, merges, desk)

    def submit(self, actor, report_id, data=None):
        """Freeze the figures with the evaluation and send the report (once). Raises Conflict when
        submitted already, InvalidInput naming ``evaluation`` when there is none."""
        data = load(api.SubmitRequest, data or {})
        with self.sessions.read() as session:
            tenants, merges, desk = self._directory(session)
            row = Reports(session).get(report_id)
        policy.require_author(actor, row.tenant_id, desk)
        self._check_open(row, tenants, merges)
        evaluation = domain.check_evaluation(data.get("evaluation") or row.evaluation)
        period = domain.parse_period(row.period)
        # Compiled outside the transaction: it asks other services.
        figures, includes = self.compile(str(row.tenant_id), period, tenants, merges)
        missing = sorted(part for part, values in figures.items() if not values.get("available"))
        if missing:
            # A submitted report is frozen: it must not keep "no figures" forever.
            parts = ", ".join(PART_LABELS[part] for part in missing)
            raise Unavailable(
                f"Chưa lấy được số liệu phần {parts} nên chưa gửi được báo cáo. Vui lòng thử lại sau ít phút.",
                code="REPORT_FIGURES_UNAVAILABLE",
                details={"parts": missing},
            )
        now = self.clock.now()
        with self.sessions.transaction() as session:
            row = Reports(session).get(report_id, for_update=True)
            self._check_open(row, tenants, merges)
            tenant = tenants.get(str(row.tenant_id)) or {}
            row.status = "submitted"
            row.evaluation = evaluation
            _sign(row, data)
            row.figures = {"figures": figures, "includes": includes}
            row.tenant_name = tenant.get("name")
            row.compiled_at = row.submitted_at = row.updated_at = now
            row.submitted_by = uuid.UUID(actor.user_id) if actor.user_id else None
            outbox.add(
                session,
                events.REPORT_SUBMITTED,
                {
                    "report_id": str(row.id),
                    "tenant_id": str(row.tenant_id),
                    "period": row.period,
                    "submitted_at": now.isoformat(),
                    "submitted_by": actor.user_id,
                },
                aggregate_id=row.id,
                now=now,
            )
        return self._view(actor, row, tenants, merges, desk)

    def _check_open(self, row, tenants, merges):
        if row.status == "submitted":
            raise Conflict(
                "Báo cáo đã được gửi, không thể sửa hoặc gửi lại.",
                code="REPORT_ALREADY_SUBMITTED",
                details={"status": row.status},
            )
        tenant = tenants.get(str(row.tenant_id))
        if tenant and domain.reporting_status(tenant, merges, domain.parse_period(row.period)):
            raise Conflict(
                "Đơn vị đã được hợp nhất vào đơn vị khác.", code="TENANT_MERGED", details={"status": "merged"}
            )

    # -- the Propaganda Dept's views ----------------------------------------------------------

    def _period_arg(self, args):
        return domain.parse_period(args["period"]) if args.get("period") else domain.period_of(self.clock.now())

    def _awaited(self, tenants, merges, period, reports):
        """Every reporting tenant of the period with its report's status (merged ones included)."""
        rows = []
        for tenant in tenants.values():
            if not self._reporting(tenant):
                continue
            if tenant["status"] == "merged" and tenant["id"] not in merges:
                continue  # merged, but when is not known: no period can be attributed
            gone = domain.reporting_status(tenant, merges, period)
            if gone == "gone":
                continue
            report = reports.get(tenant["id"])
            if gone == "merged" and not (report and report.status == "submitted"):
                status = "merged"
            elif report is None:
                status = "not_started"
            else:
                status = "submitted" if report.status == "submitted" else "draft"
            merge = merges.get(tenant["id"])
            rows.append(
                {
                    "tenant_id": tenant["id"],
                    "tenant_code": tenant["code"],
                    "tenant_name": tenant["name"],
                    "status": status,
                    "status_label": STATUS_LABELS[status],
                    "report_id": str(report.id) if report else None,
                    "submitted_at": iso(report.submitted_at) if report else None,
                    "merged_into_id": merge.into_tenant_id if merge and gone else None,
                    "_report": report,
                }
            )
        rows.sort(key=lambda r: (r["tenant_name"], r["tenant_code"]))
        return rows

    def overview(self, actor, args):
        """Every reporting tenant's status for a period, who has not submitted, with counts."""
        args = load(api.OverviewArgs, args or {})
        period = self._period_arg(args)
        with self.sessions.read() as session:
            tenants, merges, desk = self._directory(session)
            policy.require_overseer(actor, desk)
            rows = self._awaited(tenants, merges, period, Reports(session).of_period(period.label))
        for row in rows:
            row.pop("_report")
        missing = [r for r in rows if r["status"] in ("draft", "not_started")]
        counts = {
            "expected": sum(1 for r in rows if r["status"] != "merged"),
            "submitted": sum(1 for r in rows if r["status"] == "submitted"),
            "not_submitted": len(missing),
            "merged": sum(1 for r in rows if r["status"] == "merged"),
        }
        wanted = args.get("status")
        if wanted == "not_submitted":
            rows = missing
        elif wanted:
            rows = [r for r in rows if r["status"] == wanted]
        page, per_page = args["page"], args["per_page"]
        return {
            "period": period.label,
            "period_label": period.title,
            "due_on": period.last_day.isoformat(),
            "counts": counts,
            "not_submitted": missing,
            "items": rows[(page - 1) * per_page : page * per_page],
            "total": len(rows),
            "page": page,
            "per_page": per_page,
        }

    def rollup(self, actor, args):
        """The submitted reports' frozen figures per tenant and their sums, with who is missing."""
        args = load(api.RollupArgs, args or {})
        period = self._period_arg(args)
        with self.sessions.read() as session:
            tenants, merges, desk = self._directory(session)
            policy.require_overseer(actor, desk)
            rows = self._awaited(tenants, merges, period, Reports(session).of_period(period.label))
        result_rows, sums, sections = [], [], {}
        for row in rows:
            report = row.pop("_report")
            figures = report.figures["figures"] if report is not None and report.status == "submitted" else None
            row_totals = domain.totals(figures)
            if row_totals:
                sums.append(row_totals)
                content = figures.get("content") or {}
                for item in content.get("sections") or [] if content.get("available") else []:
                    entry = sections.setdefault(
                        item["section"], {"section": item["section"], "name": item["name"], "submitted": 0, "used": 0}
                    )
                    entry["submitted"] += item["submitted"]
                    entry["used"] += item["used"]
            result_rows.append(
                {
                    k: row[k]
                    for k in ("tenant_id", "tenant_code", "tenant_name", "status", "status_label", "submitted_at")
                }
                | {"totals": row_totals}
            )
        return {
            "period": period.label,
            "period_label": period.title,
            "generated_at": self.clock.now().isoformat(),
            "counts": {
                "expected": sum(1 for r in rows if r["status"] != "merged"),
                "submitted": sum(1 for r in rows if r["status"] == "submitted"),
                "not_submitted": sum(1 for r in rows if r["status"] in ("draft", "not_started")),
            },
            "desk_name": (tenants.get(str(desk)) or {}).get("name") if desk else None,
            "totals": domain.add_totals(sums),
            "sections": list(sections.values()),
            "tenants": result_rows,
        }

    # -- reminders and merges -------------------------------------------------------------------

    def remind_due(self, now=None):
        """In the last two weeks of June and December: one ``polls.report_reminder_due`` per
        reporting tenant that has not submitted, once per tenant and period."""
        now = now or self.clock.now()
        period = domain.reminder_due(now)
        if period is None:
            return []
        reminded = []
        with self.sessions.transaction() as session:
            tenants, merges, _ = self._directory(session)
            rows = self._awaited(tenants, merges, period, Reports(session).of_period(period.label))
            reminders = Reminders(session)
            for row in rows:
                if row["status"] not in ("draft", "not_started"):
                    continue
                if not reminders.record(row["tenant_id"], period.label, now):
                    continue
                outbox.add(
                    session,
                    events.REPORT_REMINDER_DUE,
                    {
                        "tenant_id": row["tenant_id"],
                        "period": period.label,
                        "period_label": period.title,
                        "due_on": period.last_day.isoformat(),
                        "report_id": row["report_id"],
                    },
                    aggregate_id=row["tenant_id"],
                    now=now,
                )
                reminded.append(row["tenant_id"])
        return reminded

    def record_merge(self, session, event):
        """``accounts.tenant_merged``: remember the merge for attribution; the merged tenant's
        open drafts are closed as ``merged`` (submitted reports stay as they were)."""
        merged_at = datetime.fromisoformat(event["merged_at"])
        now = self.clock.now()
        Merges(session).record(event["tenant_id"], event["into_tenant_id"], merged_at, now)
        merged_on = domain.local_date(merged_at)
        for row in Reports(session).drafts_of(event["tenant_id"]):
            if domain.parse_period(row.period).ends > merged_on:
                row.status, row.updated_at = "merged", now

    # -- files ------------------------------------------------------------------------------

    def export(self, actor, report_id, args, render):
        """``(filename, content type, bytes)`` of a report as PDF or XLSX."""
        args = load(api.ExportArgs, args or {})
        report = self.get_by_id(actor, report_id)
        name = f"bao-cao-{report['period']}-{report.get('tenant_code') or report['tenant_id']}"
        if args["format"] == "pdf":
            return f"{name}.pdf", "application/pdf", render("report_pdf", report)
        return f"{name}.xlsx", XLSX_TYPE, render("report_xlsx", report)

    def export_rollup(self, actor, args, render):
        args = load(api.RollupExportArgs, args or {})
        rollup = self.rollup(actor, {"period": args["period"]} if args.get("period") else {})
        name = f"tong-hop-bao-cao-{rollup['period']}"
        if args["format"] == "pdf":
            return f"{name}.pdf", "application/pdf", render("rollup_pdf", rollup)
        return f"{name}.xlsx", XLSX_TYPE, render("rollup_xlsx", rollup)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sign(row, data):
    """Who signs the report (title, name) when the request names them; blank clears."""
    for key in ("signer_title", "signer_name"):
        if key in data:
            setattr(row, key, (data[key] or "").strip() or None)


def directory(session, desk_code):
    """Tenants by id (dicts), merges by merged tenant id, and the desk tenant's id (also the
    grassroots coverage's, ``polls.coverage``)."""
    tenants = {str(t.id): _tenant(t) for t in Tenants(session).all()}
    merges = {}
    for t in tenants.values():  # the copy kept from accounts events and syncs
        if t["merged_into_id"] and t["merged_at"]:
            merges[t["id"]] = domain.Merge(t["id"], t["merged_into_id"], domain.local_date(t["merged_at"]))
    for m in Merges(session).all():  # merges this part recorded from accounts.tenant_merged
        merges[str(m.tenant_id)] = domain.Merge(str(m.tenant_id), str(m.into_tenant_id), domain.local_date(m.merged_at))
    desk = next((t["id"] for t in tenants.values() if t["code"] == desk_code), None)
    return tenants, merges, desk


def resolve_tenant(tenants, actor, value):
    """The tenant named by id or code (default: the actor's), or NotFound."""
    if value is None:
        if not actor.tenant_id:
            raise NotFound.of("tenant", None)
        value = actor.tenant_id
    found = tenants.get(str(value)) or next((t for t in tenants.values() if t["code"] == value), None)
    if found is None:
        raise NotFound.of("tenant", value)
    return found


def _tenant(t):
    return {
        "id": str(t.id),
        "code": t.code,
        "name": t.name,
        "kind": t.kind,
        "parent_id": text(t.parent_id),
        "status": t.status,
        "merged_into_id": text(t.merged_into_id),
        "merged_at": t.merged_at,
    }


def _ancestors(tenant_id, tenants):
    result, current, hops = [], tenants.get(str(tenant_id)), 0
    while current and current["parent_id"] and hops < 20:
        result.append(current["parent_id"])
        current, hops = tenants.get(current["parent_id"]), hops + 1
    return result
