"""Royalty rules every part of the service uses, under Decree 18/2014/NĐ-CP (no nameko, no SQL):
money, the calendar and the rate tables. Each aggregate's own rules live beside it
(``items/domain.py``: payees, scoring, an item's states; ``statements/domain.py``: lines,
withholding, a statement's states; ``reconciliation/domain.py``: the checks of a period).

**Rounding rule (the only one):** an item's amount is computed exactly (``Decimal``)
as ``coefficient × unit value × adjustment factor × share % × site share %`` and
rounded *half up to the whole đồng once*, on the item. Everything above an item is
a sum of item amounts: a payee's statement gross is the sum of their entries, a
statement's gross is the sum of its lines. Withholding is computed on a payee's line
(``gross × percent``, rounded half up to the đồng) and net = gross − withheld.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from marshmallow import ValidationError

from platform_shared.clock import VN_TZ
from platform_shared.errors import InvalidInput
from platform_shared.schemas import content as content_api
from platform_shared.schemas.royalties import parse_period, plain_number

PAYMENT_DUE_DAYS = 60
# The genres of content (one list of labels), and the photo credit royalties adds to them.
GENRE_LABELS = content_api.GENRE_LABELS | {"photo": "Ảnh"}


def round_vnd(value):
    """Half up to the whole đồng."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def number_text(value):
    """A decimal as the API shows it: ``"7.5"``, ``"10"`` (no trailing zeros, no exponent: the
    same text as the answers' ``Number`` fields)."""
    return plain_number(value)


def local_date(moment):
    """The calendar day of a UTC instant in Asia/Ho_Chi_Minh."""
    return moment.astimezone(VN_TZ).date()


def period_of(moment_or_day):
    """The month (``YYYY-MM``) of a day, or of an instant in Asia/Ho_Chi_Minh."""
    day = moment_or_day if isinstance(moment_or_day, date) and not isinstance(moment_or_day, datetime) else None
    day = day or local_date(moment_or_day)
    return f"{day.year:04d}-{day.month:02d}"


def period_last_day(period):
    """The last day of a month (``YYYY-MM``, years 2000–2100). Raises InvalidInput naming ``period``."""
    try:
        year, month = parse_period(period)
    except ValidationError as exc:
        raise InvalidInput.field("period", exc.messages[0]) from None
    first_next = date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    return first_next - timedelta(days=1)


def period_days(period):
    """The first and the last day of a month (``YYYY-MM``)."""
    last = period_last_day(period)
    return last.replace(day=1), last


def due_on(published_on):
    return published_on + timedelta(days=PAYMENT_DUE_DAYS)


# -- rate tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    kind: str
    key: str
    effective_from: date
    value: Decimal
    min_value: Decimal | None = None
    threshold: int | None = None


class RateBook:
    """The rate rows, answering 'what was in force on day D' for a kind and key."""

    def __init__(self, rows):
        self._rows = {}
        for row in rows:
            self._rows.setdefault((row.kind, row.key), []).append(row)
        for rows_of_key in self._rows.values():
            rows_of_key.sort(key=lambda r: r.effective_from)

    def in_force(self, kind, key, on):
        found = None
        for row in self._rows.get((kind, key), ()):
            if row.effective_from <= on:
                found = row
            else:
                break
        return found

    def unit_value(self, on):
        row = self.in_force("unit_value", "", on)
        if row is None:
            raise InvalidInput.field(
                "coefficient",
                f"Chưa có giá trị một đơn vị hệ số áp dụng cho ngày {on:%d/%m/%Y}.",
                code="NO_UNIT_VALUE",
            )
        return int(row.value)

    def genre_max(self, genre, on):
        """The genre's maximum coefficient, never above the general cap."""
        row = self.in_force("genre_max", genre, on)
        cap = self.in_force("coefficient_cap", "", on)
        limits = [r.value for r in (row, cap) if r is not None]
        if not limits:
            raise InvalidInput.field(
                "coefficient", f"Chưa có khung hệ số cho thể loại «{GENRE_LABELS.get(genre, genre)}».", code="NO_RANGE"
            )
        return min(limits)

    def genre_max_or_none(self, genre, on):
        """``genre_max`` as the API shows it (``"10"``), or None when no range is in force."""
        try:
            return number_text(self.genre_max(genre, on))
        except InvalidInput:
            return None

    def subsite_share(self, section, on):
        row = self.in_force("subsite_share", section, on) or self.in_force("subsite_share", "*", on)
        return int(row.value) if row is not None else 100

    def adjustment_range(self, kind, on):
        row = self.in_force("adjustment", kind, on)
        return None if row is None else (row.min_value or Decimal(0), row.value)

    def withholding(self, on):
        """``{"percent", "threshold"}`` in force on the day, or None (nothing withheld)."""
        row = self.in_force("withholding", "", on)
        if row is None or row.value == 0:
            return None
        return {"percent": number_text(row.value), "threshold": int(row.threshold or 0)}
