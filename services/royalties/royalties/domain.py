"""Royalty rules under Decree 18/2014/NĐ-CP, as plain Python (no nameko, no SQL).

**Rounding rule (the only one):** an item's amount is computed exactly (``Decimal``)
as ``coefficient × unit value × adjustment factor × share % × site share %`` and
rounded *half up to the whole đồng once*, on the item. Everything above an item is
a sum of item amounts: a payee's statement gross is the sum of their entries, a
statement's gross is the sum of its lines. Withholding is computed on a payee's line
(``gross × percent``, rounded half up to the đồng) and net = gross − withheld.

The adjustment factor is ``translation % / 100`` (when the work is a translation,
else 1) × ``(1 + the sum of the other adjustment percents / 100)``.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from platform_shared.clock import VN_TZ
from platform_shared.errors import Conflict, InvalidInput

PAYMENT_DUE_DAYS = 60
ADJUSTMENT_KINDS = ("translation", "children_or_minorities", "difficult_conditions")
ADJUSTMENT_LABELS = {
    "translation": "Tác phẩm dịch",
    "children_or_minorities": "Tác phẩm cho thiếu nhi, đồng bào dân tộc thiểu số",
    "difficult_conditions": "Tác phẩm thực hiện trong điều kiện khó khăn, nguy hiểm",
}
GENRE_LABELS = {
    "news": "Tin",
    "article": "Bài viết",
    "commentary": "Bình luận",
    "reportage": "Phóng sự",
    "interview": "Phỏng vấn",
    "photo_story": "Phóng sự ảnh",
    "video": "Video",
    "reply_to_readers": "Trả lời bạn đọc",
    "photo": "Ảnh",
}
STATUS_LABELS = {
    "pending_score": "Chờ chấm điểm",
    "scored": "Đã chấm điểm",
    "approved": "Đã duyệt",
    "paid": "Đã chi trả",
    "voided": "Đã hủy",
}
SCORABLE = ("pending_score", "scored")
OPEN = ("pending_score", "scored")


def round_vnd(value):
    """Half up to the whole đồng."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def local_date(moment):
    """The calendar day of a UTC instant in Asia/Ho_Chi_Minh."""
    return moment.astimezone(VN_TZ).date()


def period_of(moment_or_day):
    day = moment_or_day if isinstance(moment_or_day, date) and not isinstance(moment_or_day, datetime) else None
    day = day or local_date(moment_or_day)
    return f"{day.year:04d}-{day.month:02d}"


def period_last_day(period):
    year, month = (int(p) for p in period.split("-"))
    first_next = date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    return first_next - timedelta(days=1)


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
        return {"percent": str(row.value.normalize()), "threshold": int(row.threshold or 0)}


# -- from publication events to payees ----------------------------------------------------------


@dataclass(frozen=True)
class Payee:
    key: str
    kind: str
    user_id: str | None
    name: str
    share: int
    genre: str
    asset_id: str | None = None


def payees(event):
    """One payee per author share and per photo credit of the counted revision (shares of one author added)."""
    found = {}
    for author in event.get("authors") or ():
        key = f"user:{author['user_id']}"
        before = found.get(key)
        share = int(author["share"]) + (before.share if before else 0)
        found[key] = Payee(key, "author", author["user_id"], author["pen_name"], share, event["genre"])
    for credit in event.get("photo_credits") or ():
        key = f"photo:{credit['asset_id']}"
        if key in found:
            continue
        name = credit.get("name") or "Chưa rõ tác giả ảnh"
        found[key] = Payee(key, "photo", credit.get("user_id"), name, 100, "photo", credit["asset_id"])
    return list(found.values())


# -- scoring -----------------------------------------------------------------------------------


def check_score(book, *, genre, on, coefficient, adjustments):
    """Validate a score against the ranges in force on the publication day; return the normalised adjustments."""
    limit = book.genre_max(genre, on)
    if coefficient <= 0:
        raise InvalidInput.field("coefficient", "Hệ số phải lớn hơn 0.", code="COEFFICIENT_NOT_POSITIVE")
    if coefficient > limit:
        label = GENRE_LABELS.get(genre, genre)
        raise InvalidInput(
            f"Hệ số {_num(coefficient)} vượt mức tối đa {_num(limit)} của thể loại «{label}».",
            code="COEFFICIENT_ABOVE_LIMIT",
            details={"errors": {"coefficient": [f"Tối đa {_num(limit)}."]}, "limit": _num(limit)},
        )
    normalised, seen = [], set()
    for adjustment in adjustments:
        kind, percent = adjustment["kind"], Decimal(adjustment["percent"])
        if kind in seen:
            raise InvalidInput.field(
                "adjustments", f"Điều chỉnh «{kind}» được nêu hai lần.", code="DUPLICATE_ADJUSTMENT"
            )
        seen.add(kind)
        bounds = book.adjustment_range(kind, on)
        if bounds is None:
            raise InvalidInput.field(
                "adjustments", f"Không có quy định điều chỉnh «{kind}».", code="UNKNOWN_ADJUSTMENT"
            )
        low, high = bounds
        if not low <= percent <= high:
            raise InvalidInput(
                f"{ADJUSTMENT_LABELS.get(kind, kind)}: tỷ lệ phải từ {_num(low)}% đến {_num(high)}%.",
                code="ADJUSTMENT_OUT_OF_RANGE",
                details={
                    "errors": {"adjustments": [f"{kind}: từ {_num(low)}% đến {_num(high)}%."]},
                    "limit": {"min": _num(low), "max": _num(high)},
                },
            )
        normalised.append({"kind": kind, "percent": _num(percent)})
    return normalised


def adjustment_factor(adjustments):
    factor, bonus = Decimal(1), Decimal(0)
    for adjustment in adjustments:
        percent = Decimal(str(adjustment["percent"]))
        if adjustment["kind"] == "translation":
            factor = percent / 100
        else:
            bonus += percent
    return factor * (1 + bonus / 100)


def amount(*, coefficient, adjustments, unit_value, share, site_share):
    """The item's amount in whole đồng (the one rounding, half up)."""
    exact = (
        Decimal(str(coefficient))
        * Decimal(unit_value)
        * adjustment_factor(adjustments)
        * Decimal(share)
        / 100
        * Decimal(site_share)
        / 100
    )
    return round_vnd(exact)


def require_scorable(status):
    if status not in SCORABLE:
        raise Conflict(
            f"Khoản nhuận bút đang ở trạng thái «{STATUS_LABELS.get(status, status)}», không chấm điểm lại được.",
            code="ITEM_NOT_SCORABLE",
            details={"status": status},
        )


# -- statements ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What a statement line adds up: an item's charge (positive) or a reversal (negative)."""

    payee_key: str
    payee_user_id: str | None
    payee_name: str
    amount: int


def statement_lines(entries, withholding):
    """Lines per payee (gross = sum of entries; withheld on gross ≥ threshold, half up; net = gross − withheld)."""
    lines = {}
    for entry in entries:
        line = lines.setdefault(
            entry.payee_key,
            {
                "payee_key": entry.payee_key,
                "payee_user_id": entry.payee_user_id,
                "payee_name": entry.payee_name,
                "entries": 0,
                "gross": 0,
            },
        )
        line["entries"] += 1
        line["gross"] += int(entry.amount)
    out = []
    for line in sorted(lines.values(), key=lambda x: (x["payee_name"], x["payee_key"])):
        withheld = 0
        if withholding and line["gross"] >= withholding["threshold"] and line["gross"] > 0:
            withheld = round_vnd(Decimal(line["gross"]) * Decimal(withholding["percent"]) / 100)
        out.append({**line, "withheld": withheld, "net": line["gross"] - withheld})
    return out


def totals(lines):
    return {k: sum(line[k] for line in lines) for k in ("gross", "withheld", "net")}


def check_statement_transition(status, action):
    allowed = {"approve": ("draft",), "pay": ("approved",)}[action]
    if status not in allowed:
        labels = {"draft": "nháp", "approved": "đã duyệt", "paid": "đã chi trả", "cancelled": "đã hủy"}
        raise Conflict(
            f"Bảng kê đang ở trạng thái «{labels.get(status, status)}», không thể thực hiện thao tác này.",
            code="STATEMENT_STATE",
            details={"status": status},
        )


def _num(value):
    value = Decimal(value)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
