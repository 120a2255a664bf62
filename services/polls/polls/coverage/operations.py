"""The grassroots coverage use cases. Plain Python: the directory, the rules, the sources.

A federation's coverage of a half-year is put together from data each service already owns:

* accounts (``accounts.grassroots_coverage``): its active grassroots units, those with an activated
  administrator, those with registered members (in the unit or below), the registered members, and
  which of its units the given authors belong to;
* content (``content.contributors_in_period``): who wrote the items the federation first submitted
  in the period — handed to accounts as the authors;
* polls' own responses: the distinct members of the federation who answered a poll in the period.

The other services are reached through ``sources`` (``contributors``, ``grassroots_coverage``,
optionally ``gather``), which answer ``None`` when a service cannot: the figures then show as
*chưa có số liệu* (``available: false``) instead of failing.

Merged tenants are folded as the reports fold them (``polls.reports.domain.slices``): a tenant M
merged into T on day *m* adds to T its contributions and respondents from *m* on. The unit figures
are accounts' tree as it is when compiled (a merge moves M's units to T), so they are counted once,
wherever the units live now; a submitted report keeps them as they were on submission.
"""

from dataclasses import dataclass

from platform_shared.errors import NotFound
from platform_shared.schemas import load
from platform_shared.schemas import polls as api
from platform_shared.views import iso
from polls.coverage import domain, policy
from polls.coverage.store import Respondents
from polls.reports import domain as periods
from polls.reports.operations import Settings, directory, resolve_tenant


class NoSources:
    """Stands in for the other services: nothing is available."""

    def contributors(self, tenant_ids, start, end):
        return None

    def grassroots_coverage(self, tenant_ids, authors):
        return None


@dataclass(frozen=True)
class Compiled:
    """``figures``: a report tenant's coverage part; ``includes``: the merged tenants it counts."""

    figures: dict
    includes: list


class GrassrootsCoverage:
    def __init__(self, sessions, *, clock, sources=None, settings=Settings()):
        self.sessions = sessions
        self.clock = clock
        self.sources = sources or NoSources()
        self.settings = settings

    # -- reading ------------------------------------------------------------------------

    def get(self, actor, args):
        """One federation's coverage of ``period`` (default: the current half-year)."""
        args = load(api.CoverageArgs, args or {})
        now = self.clock.now()
        period = periods.parse_period(args["period"]) if args.get("period") else periods.period_of(now)
        with self.sessions.read() as session:
            tenants, merges, desk = directory(session, self.settings.desk_code)
        tenant = resolve_tenant(tenants, actor, args.get("tenant"))
        policy.require_reader(actor, tenant["id"], desk)
        periods.check_started(period, now)
        if not self._counted(tenant) or periods.reporting_status(tenant, merges, period) == "gone":
            raise NotFound(
                "Đơn vị này không theo dõi mức độ phủ sóng đến công đoàn cơ sở trong kỳ này.",
                code="COVERAGE_NOT_FOUND",
                details={"resource": "coverage"},
            )
        pieces = {tenant["id"]: periods.slices(tenant["id"], merges, period)}
        figures = self.compile(pieces)[tenant["id"]]
        return {
            **figures,
            **_tenant_fields(tenant),
            **_period_fields(period),
            "compiled_at": iso(now),
            "includes": _includes(tenant["id"], pieces[tenant["id"]], tenants),
        }

    def national(self, actor, args):
        """Every federation's coverage of ``period`` with the national totals (overseers)."""
        args = load(api.NationalCoverageArgs, args or {})
        now = self.clock.now()
        period = periods.parse_period(args["period"]) if args.get("period") else periods.period_of(now)
        with self.sessions.read() as session:
            tenants, merges, desk = directory(session, self.settings.desk_code)
        policy.require_overseer(actor, desk)
        periods.check_started(period, now)
        listed = [t for t in tenants.values() if self._counted(t) and self._own_row(t, merges, period)]
        pieces = {t["id"]: periods.slices(t["id"], merges, period) for t in listed}
        compiled = self.compile(pieces) if listed else {}
        available = all(f["available"] for f in compiled.values())
        rows = []
        for tenant in listed:
            figures = compiled[tenant["id"]] if available else domain.unavailable()
            rows.append(
                {**figures, "tenant_id": tenant["id"], "tenant_code": tenant["code"], "tenant_name": tenant["name"]}
            )
        sort = args["sort"]
        order = args.get("order") or ("asc" if sort == "name" else "desc")
        result = {
            **_period_fields(period),
            "compiled_at": iso(now),
            "available": available,
            "sort": sort,
            "order": order,
            "tenants": domain.sort_rows(rows, sort, order) if available else domain.sort_rows(rows),
            "total": len(rows),
            "totals": domain.figures(domain.totals(rows)) if available else domain.unavailable(),
        }
        if not available:
            result["note"] = domain.UNAVAILABLE_NOTE
        return result

    def report_part(self, tenant_id, pieces):
        """The coverage part of a semiannual report of ``tenant_id`` made of these slices (the
        reports' own ``slices``): the same figures ``get`` shows, frozen with the report."""
        return self.compile({str(tenant_id): pieces})[str(tenant_id)]

    # -- compiling ----------------------------------------------------------------------

    def compile(self, pieces):
        """``{report tenant id: figures}`` of the reports (or rows) made of ``pieces`` (``{report tenant
        id: [Slice]}``): content's authors per range, then accounts with them, and the respondents."""
        ranges = domain.ranges(pieces)
        calls = [("contributors", ids, starts.isoformat(), ends.isoformat()) for (starts, ends), ids in ranges.items()]
        answers = dict(zip(ranges, self._gather(calls), strict=True))
        if any(answer is None for answer in answers.values()):
            return dict.fromkeys(pieces, domain.unavailable())
        tenant_ids = sorted({piece.tenant_id for slices in pieces.values() for piece in slices})
        units = self.sources.grassroots_coverage(tenant_ids, domain.authors_by_tenant(pieces, answers))
        if units is None:
            return dict.fromkeys(pieces, domain.unavailable())
        respondents = {}
        with self.sessions.read() as session:
            store = Respondents(session)
            for (starts, ends), ids in ranges.items():
                start, end = periods.local_midnight(starts), periods.local_midnight(ends)
                respondents[(starts, ends)] = store.by_tenant(ids, start, end)
        result = {}
        for report_tenant, slices in pieces.items():
            counted = []
            for piece in slices:
                counts = dict(units.get(piece.tenant_id) or {})
                counts["respondents"] = respondents[(piece.starts, piece.ends)].get(piece.tenant_id, 0)
                counted.append(counts)
            result[report_tenant] = domain.figures(domain.fold(counted))
        return result

    def _gather(self, calls):
        gather = getattr(self.sources, "gather", None)
        if gather is not None and len(calls) > 1:
            return gather(calls)
        return [getattr(self.sources, name)(*args) for name, *args in calls]

    # -- who is listed ------------------------------------------------------------------------

    def _counted(self, tenant):
        """Federations (the reporting kinds: provincial federations, sectoral and corporate unions)."""
        return tenant["kind"] in self.settings.reporting_kinds

    @staticmethod
    def _own_row(tenant, merges, period):
        """A row of the national table: not merged into another by the end of the period (a merged
        one is folded into the survivor from its merge day, as in the reports)."""
        if tenant["status"] == "merged" and tenant["id"] not in merges:
            return False  # merged, but when is not known: no period can be attributed
        return periods.reporting_status(tenant, merges, period) is None


def _tenant_fields(tenant):
    return {"tenant_id": tenant["id"], "tenant_name": tenant["name"], "tenant_code": tenant.get("code")}


def _period_fields(period):
    return {
        "period": period.label,
        "period_label": period.title,
        "starts": period.starts.isoformat(),
        "ends": period.ends.isoformat(),
    }


def _includes(tenant_id, slices, tenants):
    return [
        {
            "tenant_id": piece.tenant_id,
            "tenant_name": (tenants.get(piece.tenant_id) or {}).get("name") or piece.tenant_id,
            "starts": piece.starts.isoformat(),
            "ends": piece.ends.isoformat(),
        }
        for piece in slices
        if piece.tenant_id != str(tenant_id)
    ]
