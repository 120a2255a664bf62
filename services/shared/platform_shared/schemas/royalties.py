"""Public API shapes of the royalties area (``/api/v1/royalties``).

Coefficients and percents travel as decimal strings in answers, in plain notation
(``"7.5"``, ``"10"``, never ``"1E+1"``: every one is dumped through ``Number``) and are
accepted as JSON numbers or strings; money is always an integer number of đồng.

What the royalties API accepts: every month (``Period``) and day (``Day``) lies in the
years ``FIRST_DAY.year``–``LAST_DAY.year`` (year 0, year 9999 or month 13 is a 422 naming
the field, never an overflow further on); decimals are finite, with at most two places
and within their range; strings hold nothing PostgreSQL refuses to store (NUL, lone
surrogates) nor other control characters.
"""

import re
from datetime import date
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validates_schema

from platform_shared.schemas import PageArgs, StrictSchema, in_range, length, one_of, page_of, years_pattern
from platform_shared.schemas import Storable as _Storable
from platform_shared.schemas import Text as _Text

ITEM_STATUSES = ("pending_score", "scored", "approved", "paid", "voided")
STATEMENT_STATUSES = ("draft", "approved", "paid", "cancelled")
ADJUSTMENT_KINDS = ("translation", "children_or_minorities", "difficult_conditions")
RATE_KINDS = ("unit_value", "genre_max", "coefficient_cap", "subsite_share", "adjustment", "withholding")
EXPORT_FORMATS = ("csv", "xlsx")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
"""The days royalties' dates and months may name (rates, publications, statements, payments)."""
PERIOD_MESSAGE = "Kỳ phải có dạng YYYY-MM, ví dụ 2026-11."
DAY_MESSAGE = "Ngày không hợp lệ (định dạng YYYY-MM-DD)."
_PERIOD = re.compile(r"([0-9]{4})-([0-9]{2})")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_period(text):
    """``(year, month)`` of a ``YYYY-MM`` month in ``FIRST_DAY.year``–``LAST_DAY.year``, or ValidationError."""
    match = _PERIOD.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValidationError(PERIOD_MESSAGE)
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValidationError("Tháng phải từ 01 đến 12.")
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise ValidationError(f"Kỳ phải thuộc các năm {FIRST_DAY.year}–{LAST_DAY.year}.")
    return year, month


class Period(fields.String):
    """A month, ``YYYY-MM``, of a year between ``FIRST_DAY``'s and ``LAST_DAY``'s."""

    document_pattern = f"^{years_pattern(FIRST_DAY.year, LAST_DAY.year)}-(0[1-9]|1[0-2])$"

    def _deserialize(self, value, attr, data, **kwargs):
        year, month = parse_period(super()._deserialize(value, attr, data, **kwargs))
        return f"{year:04d}-{month:02d}"


class Day(fields.Date):
    """An ISO date, ``YYYY-MM-DD`` exactly, between ``FIRST_DAY`` and ``LAST_DAY``."""

    document_pattern = f"^{years_pattern(FIRST_DAY.year, LAST_DAY.year)}-[0-9]{{2}}-[0-9]{{2}}$"

    def _deserialize(self, value, attr, data, **kwargs):
        if not (isinstance(value, str) and _DAY.fullmatch(value)):
            raise ValidationError(DAY_MESSAGE)
        day = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError(f"Ngày phải trong khoảng {FIRST_DAY:%d/%m/%Y} đến {LAST_DAY:%d/%m/%Y}.")
        return day


class Text(_Storable, _Text):
    """Text a person writes (NFC, blanks trimmed) with nothing the database does not store."""


class Plain(_Storable, fields.String):
    """A string taken as sent (a rate's key) with nothing the database does not store."""


def plain_number(value):
    """A decimal in plain notation: no exponent, no trailing zeros, no negative zero
    (``Decimal("1E+1")`` → ``"10"``, ``"10.50"`` → ``"10.5"``, ``"0.00"`` → ``"0"``)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if number.is_zero():
        return "0"
    return format(number.normalize(), "f")


class Number(fields.String):
    """A decimal in an answer, as a string in plain notation (``"7.5"``, ``"10"``)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return plain_number(value)


def _period(required=True):
    return Period(
        required=required,
        metadata={"description": f"month, YYYY-MM (Asia/Ho_Chi_Minh), years {FIRST_DAY.year}–{LAST_DAY.year}"},
    )


def _day(**kwargs):
    metadata = dict(kwargs.pop("metadata", {}))
    span = f"YYYY-MM-DD, years {FIRST_DAY.year}–{LAST_DAY.year}"
    metadata["description"] = f"{metadata['description']} ({span})" if "description" in metadata else span
    return Day(metadata=metadata, **kwargs)


def _two_places(value):
    if value.as_tuple().exponent < -2:
        raise ValidationError("Tối đa 2 chữ số thập phân.")


def _decimal(validate=None, **kwargs):
    """A decimal with at most two places (more is refused, never rounded silently)."""
    return fields.Decimal(
        as_string=True,
        validate=[_two_places] + ([validate] if validate else []),
        error_messages={"invalid": "Phải là một số.", "special": "Phải là một số hữu hạn."},
        **kwargs,
    )


class Adjustment(StrictSchema):
    kind = fields.String(required=True, validate=one_of(ADJUSTMENT_KINDS))
    percent = _decimal(required=True, validate=in_range(0, 1000))


class Score(StrictSchema):
    """Score of one item: the coefficient (within the genre's range on the publication date) and adjustments."""

    coefficient = _decimal(required=True, validate=in_range(0, 1000), metadata={"description": "e.g. 7.5"})
    adjustments = fields.List(fields.Nested(Adjustment), load_default=list, validate=length(max=3))
    note = Text(load_default=None, allow_none=True, validate=length(1, 500))


class ItemListArgs(PageArgs):
    status = fields.String(validate=one_of(ITEM_STATUSES))
    article_id = fields.UUID()
    period = _period(required=False)
    payee_user_id = fields.UUID()


class OverdueArgs(PageArgs):
    on = _day(metadata={"description": "the day to judge by (default: today in Asia/Ho_Chi_Minh)"})


class RateListArgs(StrictSchema):
    kind = fields.String(validate=one_of(RATE_KINDS))
    on = _day(metadata={"description": "only the rows in force on this day"})


class RateCreate(StrictSchema):
    """A new row of a rate table. It applies to publications from ``effective_from``; approved statements never change."""

    kind = fields.String(required=True, validate=one_of(RATE_KINDS))
    key = Plain(
        load_default="",
        validate=length(max=80),
        metadata={"description": "genre (genre_max), section or * (subsite_share), adjustment kind (adjustment)"},
    )
    effective_from = _day(required=True)
    value = _decimal(
        required=True,
        validate=in_range(0, 100_000_000),
        metadata={"description": "VND (unit_value), coefficient, or percent"},
    )
    min_value = _decimal(load_default=None, allow_none=True, validate=in_range(0, 1000))
    threshold = fields.Integer(load_default=None, allow_none=True, validate=in_range(0, 10_000_000_000))
    note = Text(load_default=None, allow_none=True, validate=length(1, 500))

    @validates_schema
    def _per_kind(self, data, **kwargs):
        kind, key, value = data.get("kind"), data.get("key") or "", data.get("value")
        if kind is None or value is None:
            return
        keyed = {"genre_max": "thể loại", "subsite_share": "chuyên mục hoặc *", "adjustment": "loại điều chỉnh"}
        if kind in keyed and not key:
            raise ValidationError(f"Cần nêu {keyed[kind]}.", "key")
        if kind not in keyed and key:
            raise ValidationError("Loại mức này không có khóa.", "key")
        if kind == "adjustment" and key not in ADJUSTMENT_KINDS:
            raise ValidationError("Giá trị phải là một trong: " + ", ".join(ADJUSTMENT_KINDS) + ".", "key")
        if kind == "unit_value" and (value <= 0 or value != value.to_integral_value()):
            raise ValidationError("Giá trị đơn vị hệ số phải là số đồng nguyên dương.", "value")
        if kind in ("genre_max", "coefficient_cap") and not 0 < value <= 1000:
            raise ValidationError("Hệ số tối đa phải lớn hơn 0.", "value")
        if kind in ("subsite_share", "withholding") and not 0 <= value <= 100:
            raise ValidationError("Tỷ lệ phải trong khoảng 0–100.", "value")
        if kind == "adjustment" and value > 1000:
            raise ValidationError("Tỷ lệ điều chỉnh tối đa 1000%.", "value")
        if kind == "withholding" and data.get("threshold") is None:
            raise ValidationError("Cần nêu ngưỡng khấu trừ (đồng).", "threshold")
        if kind == "adjustment":
            low = data.get("min_value")
            if low is None:
                raise ValidationError("Cần nêu tỷ lệ tối thiểu.", "min_value")
            if low > value:
                raise ValidationError("Tỷ lệ tối thiểu không được lớn hơn tối đa.", "min_value")


class StatementCreate(StrictSchema):
    period = _period()
    tenant_id = fields.UUID(metadata={"description": "platform admins only; default: your own tenant"})


class StatementListArgs(PageArgs):
    period = _period(required=False)
    status = fields.String(validate=one_of(STATEMENT_STATUSES))


class StatementArgs(StrictSchema):
    payee_user_id = fields.UUID(metadata={"description": "only this payee's line and entries"})


class Payment(StrictSchema):
    paid_on = _day(required=True)
    reference = Text(required=True, validate=length(1, 120), metadata={"description": "transfer or voucher number"})


class ExportArgs(StrictSchema):
    format = fields.String(load_default="csv", validate=one_of(EXPORT_FORMATS))


class ReconciliationArgs(StrictSchema):
    period = _period()
    tenant_id = fields.UUID(metadata={"description": "platform admins only"})


class StatementApproval(StrictSchema):
    """No body: approval takes the draft as it stands."""


# -- answers ---------------------------------------------------------------------------------
# Every RPC of the royalties service dumps its reply through one of these.


class AdjustmentRead(Schema):
    kind = fields.String()
    percent = Number()


class AdjustmentTerms(Schema):
    kind = fields.String()
    label = fields.String()
    min = Number(metadata={"description": "percent"})
    max = Number(metadata={"description": "percent"})


class ItemTerms(Schema):
    """What scoring the item uses, in force on its publication day (shown beside the scoring form)."""

    on = fields.String(metadata={"description": "the publication day (Asia/Ho_Chi_Minh)"})
    max_coefficient = Number(allow_none=True)
    unit_value = fields.Integer(allow_none=True, metadata={"description": "VND"})
    site_share = fields.Integer(metadata={"description": "percent: 100 on the portal, a sub-site's share elsewhere"})
    adjustments = fields.List(fields.Nested(AdjustmentTerms))


class ItemRead(Schema):
    id = fields.String()
    tenant_id = fields.String(metadata={"description": "the paying tenant"})
    author_tenant_id = fields.String()
    article_id = fields.String()
    revision = fields.Integer()
    kind = fields.String(metadata={"description": "author or photo"})
    payee_user_id = fields.String(allow_none=True)
    payee_name = fields.String()
    asset_id = fields.String(allow_none=True, metadata={"description": "the photo, for a photo credit"})
    share = fields.Integer(metadata={"description": "percent of the work"})
    section = fields.String()
    genre = fields.String()
    genre_label = fields.String()
    site = fields.String()
    title = fields.String()
    published_at = fields.String()
    due_on = fields.String()
    status = fields.String()
    status_label = fields.String()
    coefficient = Number(allow_none=True, metadata={"description": "e.g. 7.5"})
    max_coefficient = Number(allow_none=True, metadata={"description": "the genre's maximum on the publication day"})
    adjustments = fields.List(fields.Nested(AdjustmentRead))
    unit_value = fields.Integer(allow_none=True)
    site_share = fields.Integer(allow_none=True)
    amount = fields.Integer(allow_none=True, metadata={"description": "VND, rounded half up once"})
    statement_id = fields.String(allow_none=True)
    reversed = fields.Boolean()
    overdue = fields.Boolean()
    terms = fields.Nested(
        ItemTerms, metadata={"description": "the rates a score uses, in force on the publication day"}
    )


ItemPage = page_of(ItemRead)


class OverduePage(ItemPage):
    on = fields.String(metadata={"description": "the day the items were judged overdue on"})


class RateRead(Schema):
    id = fields.Integer()
    kind = fields.String()
    key = fields.String()
    effective_from = fields.String()
    value = Number(metadata={"description": "VND (unit_value), coefficient, or percent"})
    min_value = Number(allow_none=True)
    threshold = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)


class RateList(Schema):
    items = fields.List(fields.Nested(RateRead))
    total = fields.Integer()


class StatementLineRead(Schema):
    payee_key = fields.String()
    payee_user_id = fields.String(allow_none=True)
    payee_name = fields.String()
    entries = fields.Integer()
    gross = fields.Integer()
    withheld = fields.Integer()
    net = fields.Integer()


class StatementEntryRead(Schema):
    """One row of a statement's detail: an item's charge, or the reversal of a withdrawn approved item."""

    kind = fields.String(metadata={"description": "charge or reversal"})
    item_id = fields.String()
    article_id = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    genre_label = fields.String(allow_none=True)
    published_on = fields.String(allow_none=True)
    payee_key = fields.String()
    payee_user_id = fields.String(allow_none=True)
    payee_name = fields.String()
    coefficient = Number(allow_none=True)
    unit_value = fields.Integer(allow_none=True)
    share = fields.Integer(allow_none=True)
    site_share = fields.Integer(allow_none=True)
    amount = fields.Integer(metadata={"description": "VND; negative for a reversal"})


class WithholdingRead(Schema):
    percent = Number(metadata={"description": "percent of a payee's gross, e.g. 10"})
    threshold = fields.Integer(metadata={"description": "VND: a payee's gross from which it applies"})


class StatementRead(Schema):
    """A statement; in a list, without ``lines`` and ``entries``."""

    id = fields.String()
    tenant_id = fields.String()
    period = fields.String()
    status = fields.String()
    gross = fields.Integer()
    withheld = fields.Integer()
    net = fields.Integer()
    withholding = fields.Nested(
        WithholdingRead, allow_none=True, metadata={"description": "the withholding in force, or null (none)"}
    )
    lines = fields.List(fields.Nested(StatementLineRead))
    entries = fields.List(fields.Nested(StatementEntryRead))
    created_at = fields.String()
    approved_at = fields.String(allow_none=True)
    paid_on = fields.String(allow_none=True)
    payment_reference = fields.String(allow_none=True)


StatementPage = page_of(StatementRead)


class StatementFile(Schema):
    """An exported statement, as the RPC returns it (the gateway sends the decoded file)."""

    filename = fields.String()
    content_type = fields.String()
    data = fields.String(metadata={"description": "the file, base64"})


class ReconciliationEvents(Schema):
    published = fields.Integer()
    unpublished = fields.Integer()
    corrected = fields.Integer()
    counted = fields.Integer(metadata={"description": "publications that opened items"})


class ReconciliationItems(Schema):
    created = fields.Integer()
    pending_score = fields.Integer()
    scored = fields.Integer()
    approved = fields.Integer()
    paid = fields.Integer()
    voided = fields.Integer()
    reversed = fields.Integer()


class ReconciliationAmounts(Schema):
    scored = fields.Integer()
    approved = fields.Integer()
    paid = fields.Integer()
    reversed = fields.Integer()


class Discrepancy(Schema):
    code = fields.String(metadata={"description": "e.g. NOT_SCORED, EVENT_WITHOUT_ITEMS (see the service README)"})
    message = fields.String()
    event_id = fields.String(metadata={"description": "present when the discrepancy is about an event"})
    article_id = fields.String()
    item_id = fields.String()
    statement_id = fields.String()


class Reconciliation(Schema):
    """A period's trail: events received, items by status, amounts, and every discrepancy."""

    period = fields.String()
    events = fields.Nested(ReconciliationEvents)
    items = fields.Nested(ReconciliationItems)
    amounts = fields.Nested(ReconciliationAmounts)
    discrepancies = fields.List(fields.Nested(Discrepancy))
