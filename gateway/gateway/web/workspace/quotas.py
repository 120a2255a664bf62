"""``/quan-tri/chi-tieu``: the week's quota dashboard of the desks and the VGCL (issue 14).

* ``GET /quan-tri/chi-tieu`` (``?tuan=2026-W48``, default this ISO week in Vietnam time;
  ``?ban=news|thematic|tat-ca``, default the signed-in desk's own section): every federation
  against the desk's rule, red / amber / green each with its word («Không đạt», «Đang thiếu»,
  «Đạt»), the totals, the week and the three before it side by side, the units that have not
  met the week listed. One ``quota_compliance_weeks`` call (the four weeks) and one
  ``quota_rules`` call. A malformed or impossible week: the page again with the message beside
  the field, 422 — never a 500.
* ``GET /quan-tri/chi-tieu?quy=2026-Q4``: the quarter roll-up — its weeks begun so far × the
  units, the count of weeks met (one ``quota_compliance_weeks`` call).

Stable element ids and names for the browser tests:
  form ``#chon-tuan`` (field ``tuan``, id ``tuan``, button «Xem»), links ``#tuan-truoc``,
  ``#tuan-sau``, ``#tuan-nay``, ``#xem-quy``; section tabs ``#ban-<key>``; totals
  ``#tong-dat``, ``#tong-dang-thieu``, ``#tong-khong-dat``; table ``#bang-chi-tieu`` (one row
  ``#dv-<tenant code>`` per unit, cells ``.rag.met|at_risk|missed`` with their word); the list
  ``#chua-dat``; quarter: form ``#chon-quy`` (field ``quy``), ``#quy-truoc``, ``#quy-sau``,
  table ``#bang-quy``.
"""

import re
from datetime import date, datetime, timedelta

from flask import Blueprint, request
from marshmallow import ValidationError

from gateway.api.common import call
from gateway.web.format import VIETNAM
from gateway.web.portal.common import SECTION_BY_KEY, field_errors
from gateway.web.render import page
from gateway.web.workspace.common import BASE, menu, staff
from platform_shared.errors import InvalidInput
from platform_shared.schemas import content as schema

bp = Blueprint("workspace_quotas", __name__)

PATH = f"{BASE}/chi-tieu"
WEEKS_SHOWN = 4
STATUS_WORDS = {"met": "Đạt", "at_risk": "Đang thiếu", "missed": "Không đạt"}
ALL = "tat-ca"
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")


def _week_label(day):
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _monday(label):
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def _shift(label, weeks):
    try:
        return _week_label(_monday(label) + timedelta(weeks=weeks))
    except (ValueError, OverflowError):
        return None


def _quarter_of(day):
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def _shift_quarter(label, by):
    year, quarter = (int(x) for x in _QUARTER.fullmatch(label).groups())
    index = year * 4 + quarter - 1 + by
    return f"{index // 4:04d}-Q{index % 4 + 1}"


def _sections_of(answer, rules, wanted):
    """The sections the page can show (those of the rules), and the one chosen: ``?ban=``, else
    the desk's own, else all."""
    keys = []
    for rule in rules:
        if rule["section"] not in keys:
            keys.append(rule["section"])
    sections = [{"key": k, "name": SECTION_BY_KEY.get(k, {}).get("short", k)} for k in keys]
    if wanted == ALL or wanted in keys:
        return sections, wanted
    own = [k for k in (answer or {}).get("desk_sections") or [] if k in keys]
    return sections, own[0] if own else ALL


def _rows(weeks, section):
    """One row per unit and rule of the shown section: the last week's line and each week's status."""
    rows = {}
    for index, week in enumerate(weeks):
        for item in week["items"]:
            if section != ALL and item["section"] != section:
                continue
            row = rows.setdefault((item["tenant_id"], item["rule"]), {"unit": item, "weeks": [None] * len(weeks)})
            row["weeks"][index] = item
            row["unit"] = item
    return sorted(rows.values(), key=lambda r: (r["unit"]["section"], r["unit"]["tenant_name"]))


def _week_page(actor, raw_week, wanted_section):
    this_week = _week_label(datetime.now(VIETNAM).date())
    errors, answer = {}, None
    week = this_week
    if raw_week is not None:
        try:
            week = schema.ComplianceArgs().load({"week": raw_week.strip()})["week"]
        except ValidationError as exc:
            errors["tuan"] = " ".join(exc.messages.get("week", [schema.WEEK_MESSAGE]))
    rules = call("content", "quota_rules", actor)
    if not errors:
        first = _shift(week, -(WEEKS_SHOWN - 1))
        try:
            answer = call("content", "quota_compliance_weeks", actor, {"first": first or week, "last": week})
        except InvalidInput as exc:
            errors = field_errors(exc, {"first": "tuan", "last": "tuan", "week": "tuan"}, known={"tuan"})
            errors.setdefault("tuan", errors.pop("", schema.WEEK_MESSAGE))
    sections, section = _sections_of(answer, rules, wanted_section)
    context = {"errors": errors, "typed_week": raw_week or "", "sections": sections, "section": section}
    if errors:
        return page("workspace/quotas_week.html", status=422, **context, **_chrome(actor, "Chỉ tiêu tuần"))
    weeks = answer["weeks"]
    shown = weeks[-1]
    rows = _rows(weeks, section)
    current = [r["weeks"][-1] for r in rows if r["weeks"][-1]]
    totals = {status: sum(1 for item in current if item["status"] == status) for status in STATUS_WORDS}
    rules_shown = [r for r in rules if section == ALL or r["section"] == section]
    monday = _monday(week)
    return page(
        "workspace/quotas_week.html",
        **context,
        week=week,
        shown=shown,
        weeks=weeks,
        rows=rows,
        totals=totals,
        not_met=[item for item in current if item["status"] != "met"],
        rules=rules_shown,
        previous=_shift(week, -1),
        next=_shift(week, 1) if week < this_week else None,
        this_week=this_week if week != this_week else None,
        quarter=_quarter_of(monday),
        sunday=monday + timedelta(days=6),
        **_chrome(actor, f"Chỉ tiêu tuần {week}"),
    )


def _quarter_page(actor, raw, wanted_section):
    raw = raw.strip()
    rules = call("content", "quota_rules", actor)
    errors, answer = {}, None
    if not _QUARTER.fullmatch(raw):
        errors["quy"] = schema.QUARTER_MESSAGE
    else:
        try:
            answer = call("content", "quota_compliance_weeks", actor, {"quarter": raw})
        except InvalidInput as exc:
            errors = field_errors(exc, {"quarter": "quy"}, known={"quy"})
            errors.setdefault("quy", errors.pop("", schema.QUARTER_MESSAGE))
    sections, section = _sections_of(answer, rules, wanted_section)
    context = {"errors": errors, "typed_quarter": raw, "sections": sections, "section": section}
    if errors:
        return page("workspace/quotas_quarter.html", status=422, **context, **_chrome(actor, "Chỉ tiêu quý"))
    rows = _rows(answer["weeks"], section)
    for row in rows:
        judged = [w for w in row["weeks"] if w]
        row["met"] = sum(1 for w in judged if w["status"] == "met")
        row["missed"] = sum(1 for w in judged if w["status"] == "missed")
        row["judged"] = len(judged)
    this_quarter = _quarter_of(datetime.now(VIETNAM).date())
    return page(
        "workspace/quotas_quarter.html",
        **context,
        quarter=raw,
        weeks=answer["weeks"],
        rows=rows,
        previous=_shift_quarter(raw, -1),
        next=_shift_quarter(raw, 1) if raw < this_quarter else None,
        **_chrome(actor, f"Chỉ tiêu quý {raw}"),
    )


def _chrome(actor, title):
    return {
        "title": title,
        "words": STATUS_WORDS,
        "all_key": ALL,
        "section_names": {key: s["name"] for key, s in SECTION_BY_KEY.items()},
        "menu": menu(actor),
        "current": PATH,
        "breadcrumbs": [(f"{BASE}/", "Tổng quan"), (None, title)],
    }


@bp.route(PATH)
def dashboard():
    actor = staff()
    wanted = request.args.get("ban")
    if "quy" in request.args:
        return _quarter_page(actor, request.args.get("quy") or "", wanted)
    return _week_page(actor, request.args.get("tuan") or None, wanted)
