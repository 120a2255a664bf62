"""Rules of the semiannual reports: periods, the reminder window, merge attribution, sums.

Plain Python (no nameko, no SQL). Half-years are computed in Asia/Ho_Chi_Minh:
``2026-H1`` is 1 January – 30 June 2026 and ``2026-H2`` 1 July – 31 December 2026, each
given as local dates ``[starts, ends)`` (the end exclusive) and as UTC instants.

**Merge attribution.** When tenant M is merged into tenant T on day *m* (Vietnam time),
M's figures from day *m* on belong to T's reports, and M's own report of the period that
holds *m* covers only ``[start, m)``. M has no report for later periods and is not awaited
in them; in the period of the merge it is listed as ``merged`` rather than as missing.
Merges chain: what was merged into M before M merged into T follows M into T from *m* on.
Slices never overlap, so nothing is counted twice.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from platform_shared.clock import VN_TZ
from platform_shared.errors import InvalidInput

_PERIOD = re.compile(r"([0-9]{4})-H([12])")
REMINDER_DAYS = 14  # the last two weeks of June and of December
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    year: int
    half: int

    @property
    def label(self):
        return f"{self.year:04d}-H{self.half}"

    @property
    def title(self):
        """The name people use: ``6 tháng đầu năm 2026`` / ``6 tháng cuối năm 2026``."""
        return f"6 tháng {'đầu' if self.half == 1 else 'cuối'} năm {self.year}"

    @property
    def starts(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def ends(self) -> date:
        """The first day after the period (exclusive end)."""
        return date(self.year, 7, 1) if self.half == 1 else date(self.year + 1, 1, 1)

    @property
    def last_day(self) -> date:
        return self.ends - timedelta(days=1)

    def bounds(self) -> tuple[datetime, datetime]:
        """``[start, end)`` as aware UTC instants (Vietnam midnights)."""
        return local_midnight(self.starts), local_midnight(self.ends)

    @property
    def reminder_from(self) -> date:
        return self.ends - timedelta(days=REMINDER_DAYS)


def parse_period(text) -> Period:
    """``"2026-H2"`` → ``Period(2026, 2)``; anything else → ``InvalidInput`` naming ``period``."""
    match = _PERIOD.fullmatch(text.strip()) if isinstance(text, str) else None
    if match and FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        return Period(int(match.group(1)), int(match.group(2)))
    raise InvalidInput.field(
        "period", "Kỳ báo cáo không hợp lệ, dùng dạng 2026-H1 (6 tháng đầu năm) hoặc 2026-H2.", code="INVALID_PERIOD"
    )


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VN_TZ).astimezone(UTC)


def local_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError(f"a timezone-aware datetime is required, got {moment!r}")
    return moment.astimezone(VN_TZ).date()


def period_of(moment: datetime) -> Period:
    """The half-year holding ``moment`` in Vietnam time."""
    day = local_date(moment)
    return Period(day.year, 1 if day.month <= 6 else 2)


def check_started(period: Period, now: datetime):
    """A report exists once its period has begun."""
    if local_date(now) < period.starts:
        raise InvalidInput.field("period", "Kỳ báo cáo này chưa bắt đầu.", code="PERIOD_NOT_STARTED")


def reminder_due(now: datetime) -> Period | None:
    """The period whose reminder is due at ``now``: within its last two weeks (Vietnam time)."""
    period = period_of(now)
    return period if local_date(now) >= period.reminder_from else None


# -- merges --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    tenant_id: str
    into_tenant_id: str
    merged_on: date  # local day of the merge


@dataclass(frozen=True)
class Slice:
    """Figures of ``tenant_id`` counted for a report over the local days ``[starts, ends)``."""

    tenant_id: str
    starts: date
    ends: date


def own_end(tenant_id, merges, period) -> date:
    """Where a tenant's own reporting stops in a period: its merge day, or the period's end."""
    merge = merges.get(tenant_id)
    if merge is None or merge.merged_on >= period.ends:
        return period.ends
    return max(period.starts, merge.merged_on)


def slices(tenant_id, merges: dict, period: Period) -> list[Slice]:
    """The pieces of figures one tenant's report of ``period`` adds up (see the module docstring).

    ``merges`` maps a merged tenant id to its ``Merge``.
    """
    children = {}
    for merge in merges.values():
        children.setdefault(merge.into_tenant_id, []).append(merge)
    result = []

    def walk(tid, starts, ends, depth):
        if starts >= ends or depth > 20:
            return
        result.append(Slice(tid, starts, ends))
        for merge in sorted(children.get(tid, ()), key=lambda m: (m.merged_on, m.tenant_id)):
            # The child's figures join from its merge day and stop where the parent's do.
            walk(merge.tenant_id, max(starts, merge.merged_on), ends, depth + 1)

    walk(str(tenant_id), period.starts, own_end(str(tenant_id), merges, period), 0)
    return result


def reporting_status(tenant, merges, period):
    """``merged`` for a tenant merged during the period, ``gone`` if merged before it, else None."""
    merge = merges.get(str(tenant["id"]))
    if merge is None or merge.merged_on >= period.ends:
        return None
    return "gone" if merge.merged_on <= period.starts else "merged"


# -- figures -------------------------------------------------------------------------------

UNAVAILABLE_NOTE = "chưa có số liệu"
FEEDBACK_KEYS = ("received", "answered", "answered_on_time", "overdue_open")


def unavailable():
    return {"available": False, "note": UNAVAILABLE_NOTE}


def add_content(parts):
    """Sum ``content.report_figures`` answers (one per slice); unavailable if any part is."""
    if any(p is None for p in parts):
        return unavailable()
    sections, order = {}, []
    weeks = {"total": 0, "met": 0}
    for part in parts:
        for item in part.get("sections") or []:
            key = item["section"]
            if key not in sections:
                order.append(key)
                sections[key] = {"section": key, "name": item.get("name") or key, "submitted": 0, "used": 0}
            sections[key]["submitted"] += int(item.get("submitted") or 0)
            sections[key]["used"] += int(item.get("used") or 0)
        quota = part.get("quota_weeks") or {}
        weeks["total"] += int(quota.get("total") or 0)
        weeks["met"] += int(quota.get("met") or 0)
    return {"available": True, "sections": [sections[k] for k in order], "quota_weeks": weeks}


def add_feedback(parts):
    """Sum ``feedback.question_figures`` answers; unavailable if any part is."""
    if any(p is None for p in parts):
        return unavailable()
    return {"available": True, **{key: sum(int(p.get(key) or 0) for p in parts) for key in FEEDBACK_KEYS}}


def participation(respondents, eligible):
    """Respondents per eligible member, in percent with one decimal; None when unknown."""
    if not eligible:
        return None
    return round(100 * respondents / eligible, 1)


def totals(figures) -> dict | None:
    """The flat numbers a roll-up adds up; a part that was unavailable gives None."""
    if not figures:
        return None
    content = figures.get("content") or {}
    feedback = figures.get("feedback") or {}
    polls = figures.get("polls") or {}
    has_content, has_feedback, has_polls = content.get("available"), feedback.get("available"), polls.get("available")
    sections = content.get("sections") or []
    return {
        "items_submitted": sum(s["submitted"] for s in sections) if has_content else None,
        "items_used": sum(s["used"] for s in sections) if has_content else None,
        "quota_weeks_met": content["quota_weeks"]["met"] if has_content else None,
        "quota_weeks_total": content["quota_weeks"]["total"] if has_content else None,
        "questions_received": feedback.get("received") if has_feedback else None,
        "questions_answered": feedback.get("answered") if has_feedback else None,
        "questions_answered_on_time": feedback.get("answered_on_time") if has_feedback else None,
        "questions_overdue_open": feedback.get("overdue_open") if has_feedback else None,
        "polls_held": polls.get("held") if has_polls else None,
        "poll_respondents": polls.get("respondents") if has_polls else None,
        "poll_eligible": polls.get("eligible") if has_polls else None,
    }


def add_totals(rows):
    """Column sums over the rows that have a number (None where no row has one)."""
    keys = (
        "items_submitted",
        "items_used",
        "quota_weeks_met",
        "quota_weeks_total",
        "questions_received",
        "questions_answered",
        "questions_answered_on_time",
        "questions_overdue_open",
        "polls_held",
        "poll_respondents",
        "poll_eligible",
    )
    result = {}
    for key in keys:
        values = [row[key] for row in rows if row and row.get(key) is not None]
        result[key] = sum(values) if values else None
    return result


def check_evaluation(text):
    """The evaluation a report is submitted with: NFC text that says something."""
    if not text or not text.strip():
        raise InvalidInput.field(
            "evaluation", "Cần nhập đánh giá của đơn vị trước khi gửi báo cáo.", code="EVALUATION_REQUIRED"
        )
    return text
