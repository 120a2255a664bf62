"""Weekly quotas: which units must submit how many items to which section, as data. No nameko, no SQL.

Weeks are ISO weeks (Monday to Sunday) in Vietnam time, labelled ``2026-W48``. A rule is in
force for a week when the week's Monday falls within its effective dates, so a rule changed
mid-week keeps judging that week by the rule that held on its Monday.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from marshmallow import ValidationError

from platform_shared.clock import VN_TZ
from platform_shared.errors import InvalidInput
from platform_shared.schemas import content as api

_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")


def parse_week(text: str) -> tuple[int, int]:
    """``"2026-W48"`` → ``(2026, 48)``; anything that is not an existing ISO week of the years content
    works in (``platform_shared.schemas.content.in_weeks``) → ``InvalidInput`` naming ``week``."""
    match = _WEEK.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        raise InvalidInput.field("week", api.WEEK_MESSAGE, code="INVALID_WEEK")
    try:
        return api.in_weeks(int(match.group(1)), int(match.group(2)))
    except ValidationError as exc:
        raise InvalidInput.field("week", exc.messages[0], code="INVALID_WEEK") from None


def week_label(year: int, week: int) -> str:
    """``(2026, 5)`` → ``"2026-W05"``."""
    return f"{year:04d}-W{week:02d}"


def _aware(moment):
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is required, got {moment!r}")
    return moment


def week_of(moment: datetime) -> str:
    """The label of the ISO week holding ``moment`` (timezone-aware) in Vietnam time."""
    year, week, _ = _aware(moment).astimezone(VN_TZ).isocalendar()
    return week_label(year, week)


def _monday(label):
    year, week = parse_week(label)
    return date.fromisocalendar(year, week, 1)


def _vn_midnight_utc(day):
    return datetime.combine(day, time(), tzinfo=VN_TZ).astimezone(UTC)


def week_bounds(label: str) -> tuple[datetime, datetime]:
    """``[start, end)`` of a week in UTC: its Monday 00:00 and the next Monday 00:00, Vietnam time."""
    monday = _monday(label)
    return _vn_midnight_utc(monday), _vn_midnight_utc(monday + timedelta(days=7))


def weeks_between(first: str, last: str) -> list[str]:
    """The labels from week ``first`` to week ``last``, both included, oldest first."""
    monday, end = _monday(first), _monday(last)
    labels = []
    while monday <= end:
        labels.append(week_label(*monday.isocalendar()[:2]))
        monday += timedelta(days=7)
    return labels


def quarter_weeks(year: int, quarter: int) -> list[str]:
    """The weeks of a quarter: those whose Monday falls in it (as a report's weeks, ``report_weeks``)."""
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    labels = []
    while monday < after:
        labels.append(week_label(*monday.isocalendar()[:2]))
        monday += timedelta(days=7)
    return labels


@dataclass(frozen=True)
class Rule:
    """Every tenant of one of ``tenant_kinds`` submits at least ``min_items`` items to ``section``
    each week, each carrying at least ``min_photos_per_item`` photos."""

    id: str
    tenant_kinds: tuple[str, ...]
    section: str
    min_items: int
    min_photos_per_item: int
    effective_from: date
    effective_to: date | None
    label: str


@dataclass(frozen=True)
class Submission:
    """One item a tenant submitted."""

    section: str
    submitted_at: datetime
    photos: int
    published: bool


def rules_in_force(rules, label: str, *, tenant_kind: str | None = None) -> list[Rule]:
    """The rules whose effective dates (inclusive; ``effective_to=None`` is open) hold the week's Monday,
    in their given order; with ``tenant_kind``, only the rules for that kind of tenant."""
    monday = _monday(label)
    return [
        rule
        for rule in rules
        if rule.effective_from <= monday
        and (rule.effective_to is None or monday <= rule.effective_to)
        and (tenant_kind is None or tenant_kind in rule.tenant_kinds)
    ]


def evaluate(rule: Rule, submissions: list[Submission], label: str, now: datetime) -> dict:
    """How one tenant's ``submissions`` stand against ``rule`` in the week ``label`` at ``now``.

    ``submitted`` counts the submissions to the rule's section inside the week with enough photos,
    ``used`` those of them that are published. The status is ``met`` once enough are submitted,
    otherwise ``at_risk`` until the week ends and ``missed`` after.
    """
    now = _aware(now)
    label = week_label(*parse_week(label))
    start, end = week_bounds(label)
    counted = [
        item
        for item in submissions
        if item.section == rule.section
        and start <= _aware(item.submitted_at) < end
        and item.photos >= rule.min_photos_per_item
    ]
    submitted = len(counted)
    if submitted >= rule.min_items:
        status = "met"
    elif now < end:
        status = "at_risk"
    else:
        status = "missed"
    return {
        "rule": rule.id,
        "section": rule.section,
        "label": rule.label,
        "required": rule.min_items,
        "submitted": submitted,
        "used": sum(1 for item in counted if item.published),
        "status": status,
        "week": label,
    }


DEFAULT_RULES = (
    Rule(
        id="news-weekly-1",
        tenant_kinds=("provincial_federation", "sectoral_union", "corporate_union"),
        section="news",
        min_items=1,
        min_photos_per_item=0,
        effective_from=date(2026, 1, 1),
        effective_to=None,
        label="Ít nhất 1 tin gửi chuyên mục Tin tức mỗi tuần",
    ),
    Rule(
        id="thematic-weekly-2",
        tenant_kinds=("department",),
        section="thematic",
        min_items=2,
        min_photos_per_item=1,
        effective_from=date(2026, 1, 1),
        effective_to=None,
        label="Ít nhất 2 bài chuyên đề có ảnh mỗi tuần",
    ),
)


def day_start(day):
    """Midnight of a calendar day in Vietnam, as an aware UTC datetime."""
    return datetime.combine(day, time.min, tzinfo=VN_TZ).astimezone(UTC)


def existed_in(tenant, start, end):
    """A merged tenant still counts for the weeks before its merge (its history keeps its name)."""
    return tenant.status != "merged" or (tenant.merged_at is not None and tenant.merged_at > start)


def report_weeks(first: date, last: date, now: datetime, tenant) -> list[tuple[str, datetime, datetime]]:
    """The quota weeks of a report over the Vietnam days ``[first, last)``: ``(label, start, end)``
    of each week whose Monday falls in the period, that has ended by ``now``, and in which the
    tenant still existed (``existed_in``)."""
    weeks = []
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    while monday < last:
        label = week_of(day_start(monday))
        start, end = week_bounds(label)
        if end <= now and existed_in(tenant, start, end):
            weeks.append((label, start, end))
        monday += timedelta(days=7)
    return weeks
