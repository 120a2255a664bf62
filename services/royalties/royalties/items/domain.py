"""The rules of a royalty item (no nameko, no SQL): who is paid for a publication, how a
score is checked and turned into an amount, and the item's states.

An item is ``pending_score`` when opened, ``scored`` once it has an amount, ``approved``
with its statement, ``paid`` with it, or ``voided`` when the article was withdrawn before
approval. An approved or paid item whose article is withdrawn stays as it is and gets
``reversed_at`` (a reversal entry for the next statement).

The adjustment factor is ``translation % / 100`` (when the work is a translation,
else 1) × ``(1 + the sum of the other adjustment percents / 100)``.
"""

from dataclasses import dataclass
from decimal import Decimal

from platform_shared.errors import Conflict, InvalidInput
from royalties.domain import GENRE_LABELS, number_text, round_vnd

ADJUSTMENT_LABELS = {
    "translation": "Tác phẩm dịch",
    "children_or_minorities": "Tác phẩm cho thiếu nhi, đồng bào dân tộc thiểu số",
    "difficult_conditions": "Tác phẩm thực hiện trong điều kiện khó khăn, nguy hiểm",
}
STATUS_LABELS = {
    "pending_score": "Chờ chấm điểm",
    "scored": "Đã chấm điểm",
    "approved": "Đã duyệt",
    "paid": "Đã chi trả",
    "voided": "Đã hủy",
}
OPEN = ("pending_score", "scored")  # not approved yet: scorable, voided by a withdrawal
UNPAID = ("pending_score", "scored", "approved")  # what the 60-day deadline applies to
STATED = ("approved", "paid")
WITHDRAWN_REASON = "Bài đã bị gỡ."
STALE_REASON = "Bài đã bị gỡ trước khi sự kiện đăng bài được xử lý."


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


def payees_due(payees, items, revision):
    """The payees a counted revision pays, given the article's items (of every revision).

    Every author share of the revision earns (a first publication; a correction marked as
    new work). A photo earns once per article: a photo that already has an item of another
    revision of the article earns nothing again, whatever that item's state; a replaced photo
    is a new asset and earns. Payees already holding an item of this very revision are still
    due (the caller skips them: a replay opens nothing)."""
    photos_itemised = {i.payee_key for i in items if i.kind == "photo" and i.revision != revision}
    return [p for p in payees if not (p.kind == "photo" and p.key in photos_itemised)]


# -- scoring -----------------------------------------------------------------------------------


def check_score(book, *, genre, on, coefficient, adjustments):
    """Validate a score against the ranges in force on the publication day; return the normalised adjustments."""
    limit = book.genre_max(genre, on)
    if coefficient <= 0:
        raise InvalidInput.field("coefficient", "Hệ số phải lớn hơn 0.", code="COEFFICIENT_NOT_POSITIVE")
    if coefficient > limit:
        label = GENRE_LABELS.get(genre, genre)
        raise InvalidInput(
            f"Hệ số {number_text(coefficient)} vượt mức tối đa {number_text(limit)} của thể loại «{label}».",
            code="COEFFICIENT_ABOVE_LIMIT",
            details={"errors": {"coefficient": [f"Tối đa {number_text(limit)}."]}, "limit": number_text(limit)},
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
            low_text, high_text = number_text(low), number_text(high)
            raise InvalidInput(
                f"{ADJUSTMENT_LABELS.get(kind, kind)}: tỷ lệ phải từ {low_text}% đến {high_text}%.",
                code="ADJUSTMENT_OUT_OF_RANGE",
                details={
                    "errors": {"adjustments": [f"{kind}: từ {low_text}% đến {high_text}%."]},
                    "limit": {"min": low_text, "max": high_text},
                },
            )
        normalised.append({"kind": kind, "percent": number_text(percent)})
    return normalised


def site_share(book, *, site, section, on):
    """The percent of the portal's amount a publication earns: 100 on the portal, a sub-site's share elsewhere."""
    return 100 if site == "portal" else book.subsite_share(section, on)


def terms(book, *, genre, site, section, on):
    """What scoring an item published on day ``on`` uses, as the scoring form shows it beside the
    field: the genre's maximum, the unit value, the site share and each adjustment's range in force
    that day (None where no row is in force)."""
    try:
        unit_value = book.unit_value(on)
    except InvalidInput:
        unit_value = None
    adjustments = []
    for kind, label in ADJUSTMENT_LABELS.items():
        bounds = book.adjustment_range(kind, on)
        if bounds is not None:
            adjustments.append({"kind": kind, "label": label, "min": bounds[0], "max": bounds[1]})
    return {
        "on": on.isoformat(),
        "max_coefficient": book.genre_max_or_none(genre, on),
        "unit_value": unit_value,
        "site_share": site_share(book, site=site, section=section, on=on),
        "adjustments": adjustments,
    }


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
    if status not in OPEN:
        raise Conflict(
            f"Khoản nhuận bút đang ở trạng thái «{STATUS_LABELS.get(status, status)}», không chấm điểm lại được.",
            code="ITEM_NOT_SCORABLE",
            details={"status": status},
        )


# -- an item's states --------------------------------------------------------------------------


def score(item, book, *, coefficient, adjustments, by, at):
    """Pending or scored → scored: the coefficient checked against the ranges in force on the
    publication day, the unit value and site share of that day frozen on the item, the amount
    computed. Raises Conflict (approved, paid, voided) or InvalidInput (out of range)."""
    require_scorable(item.status)
    on = item.published_on
    adjustments = check_score(book, genre=item.genre, on=on, coefficient=coefficient, adjustments=adjustments)
    unit_value = book.unit_value(on)
    share_of_site = site_share(book, site=item.site, section=item.section, on=on)
    item.coefficient, item.adjustments = coefficient, adjustments
    item.unit_value, item.site_share = unit_value, share_of_site
    item.amount = amount(
        coefficient=coefficient,
        adjustments=adjustments,
        unit_value=unit_value,
        share=item.share,
        site_share=share_of_site,
    )
    item.status, item.scored_by, item.scored_at = "scored", by, at


def reopen(item):
    """A re-publication brings back an item its withdrawal voided (scored again when it had a score).

    Returns whether the item changed."""
    if item.status != "voided":
        return False
    item.status = "scored" if item.amount is not None else "pending_score"
    item.voided_at = item.void_reason = None
    return True


def withdraw(item, *, at, reason=None):
    """The article was withdrawn: an open item is voided (and leaves its draft statement);
    an approved or paid one is marked reversed, once. Returns ``"voided"``, ``"reversed"``
    (a reversal entry of ``-amount`` is due) or None (nothing to do)."""
    if item.status in OPEN:
        item.status, item.voided_at, item.statement_id = "voided", at, None
        item.void_reason = reason or WITHDRAWN_REASON
        return "voided"
    if item.status in STATED and item.reversed_at is None:
        item.reversed_at = at
        return "reversed"
    return None


def is_overdue(item, on):
    """Not paid ``PAYMENT_DUE_DAYS`` after publication (withdrawn and reversed ones excluded)."""
    return item.status in UNPAID and item.reversed_at is None and item.due_on < on
