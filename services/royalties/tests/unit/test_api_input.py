"""What the royalties API accepts and how it shows decimals (``platform_shared.schemas.royalties``).

Every month, day and decimal royalties takes is checked where it is loaded: out of range or
malformed is one ``InvalidInput`` (422) naming the field, never an overflow further on (a 500).
Every decimal of an answer is dumped in plain notation."""

from decimal import Decimal

import pytest

from platform_shared.errors import InvalidInput
from platform_shared.schemas import load
from platform_shared.schemas import royalties as api

RATE = {"kind": "unit_value", "effective_from": "2027-07-01", "value": 250_000}
PAYMENT = {"paid_on": "2026-11-20", "reference": "UNC 2026/118"}

# every schema field royalties reads a month or a day from: (schema, a valid body, the field)
PERIODS = [
    (api.ReconciliationArgs, {}, "period"),
    (api.StatementCreate, {}, "period"),
    (api.StatementListArgs, {}, "period"),
    (api.ItemListArgs, {}, "period"),
]
DAYS = [
    (api.OverdueArgs, {}, "on"),
    (api.RateListArgs, {}, "on"),
    (api.RateCreate, RATE, "effective_from"),
    (api.Payment, PAYMENT, "paid_on"),
]
BAD_PERIODS = ["0000-01", "9999-12", "1999-12", "2101-01", "2026-13", "2026-00", "2026-1", "11-2026", "2026/11"]
BAD_PERIODS += ["abcd-ef", "2026-11\n", " 2026-11", "٢٠٢٦-11", "", "2026-11-01", "2026-W48"]
BAD_DAYS = ["0000-01-01", "9999-12-31", "1999-12-31", "2101-01-01", "2026-13-01", "2026-02-30", "2026-00-10"]
BAD_DAYS += ["mai", "20261120", "2026-W48-1", "2026-11-20\n", "2026-11-20T00:00:00", "", "2026-1-1", "٢٠٢٦-11-20"]


def _refused(schema, data, field):
    with pytest.raises(InvalidInput) as caught:
        load(schema, data)
    assert caught.value.status == 422
    assert field in caught.value.details["errors"], caught.value.details
    return caught.value.details["errors"][field]


@pytest.mark.parametrize(("schema", "body", "field"), PERIODS, ids=lambda x: getattr(x, "__name__", None))
@pytest.mark.parametrize("period", BAD_PERIODS)
def test_every_month_out_of_range_or_malformed_is_refused_naming_the_field(schema, body, field, period):
    _refused(schema, {**body, field: period}, field)


@pytest.mark.parametrize(("schema", "body", "field"), PERIODS, ids=lambda x: getattr(x, "__name__", None))
def test_months_of_the_years_2000_to_2100_are_taken(schema, body, field):
    for period in ("2000-01", "2026-11", "2100-12"):
        assert load(schema, {**body, field: period})[field] == period


def test_the_message_says_what_is_wrong_with_a_month():
    assert _refused(api.ReconciliationArgs, {"period": "0000-01"}, "period") == ["Kỳ phải thuộc các năm 2000–2100."]
    assert _refused(api.ReconciliationArgs, {"period": "2026-13"}, "period") == ["Tháng phải từ 01 đến 12."]
    assert _refused(api.ReconciliationArgs, {"period": "hôm nay"}, "period") == [api.PERIOD_MESSAGE]


@pytest.mark.parametrize(("schema", "body", "field"), DAYS, ids=lambda x: getattr(x, "__name__", None))
@pytest.mark.parametrize("day", BAD_DAYS)
def test_every_day_out_of_range_or_malformed_is_refused_naming_the_field(schema, body, field, day):
    _refused(schema, {**body, field: day}, field)


@pytest.mark.parametrize(("schema", "body", "field"), DAYS, ids=lambda x: getattr(x, "__name__", None))
def test_days_of_the_years_2000_to_2100_are_taken(schema, body, field):
    for day in ("2000-01-01", "2026-11-20", "2100-12-31"):
        assert load(schema, {**body, field: day})[field].isoformat() == day


DECIMALS = [
    (api.Score, {}, "coefficient"),
    (api.RateCreate, RATE, "value"),
    (api.RateCreate, {**RATE, "kind": "adjustment", "key": "translation", "value": 65}, "min_value"),
]
BAD_DECIMALS = ["NaN", "nan", "sNaN", "Infinity", "-Infinity", float("nan"), float("inf"), float("-inf")]
BAD_DECIMALS += ["1e999999999", "9" * 5000, 10**40, 1e308, -1, "-0.01", "7.555", "1e-999999999", "bảy"]
BAD_DECIMALS += [True, [], {}, "", " ", "7,5", "0x10"]


@pytest.mark.parametrize(("schema", "body", "field"), DECIMALS, ids=lambda x: getattr(x, "__name__", None))
@pytest.mark.parametrize("value", BAD_DECIMALS, ids=repr)
def test_a_decimal_that_is_not_finite_negative_huge_or_too_precise_is_refused(schema, body, field, value):
    _refused(schema, {**body, field: value}, field)


@pytest.mark.parametrize("value", BAD_DECIMALS, ids=repr)
def test_an_adjustment_percent_that_is_not_a_sane_decimal_is_refused(value):
    _refused(api.Score, {"coefficient": 5, "adjustments": [{"kind": "translation", "percent": value}]}, "adjustments")


def test_other_bad_numbers_are_refused_naming_the_field():
    _refused(api.RateCreate, {**RATE, "kind": "withholding", "value": 10, "threshold": -1}, "threshold")
    _refused(api.RateCreate, {**RATE, "kind": "withholding", "value": 10, "threshold": 10**40}, "threshold")
    _refused(api.RateCreate, {**RATE, "kind": "withholding", "value": 101, "threshold": 0}, "value")
    _refused(
        api.RateCreate, {**RATE, "kind": "adjustment", "key": "translation", "value": 5000, "min_value": 1}, "value"
    )
    _refused(api.RateCreate, {**RATE, "value": "250000.5"}, "value")
    _refused(api.ItemListArgs, {"page": 10**30}, "page")
    _refused(api.ItemListArgs, {"per_page": -1}, "per_page")


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\ud800", "\x7f"], ids=repr)
def test_text_the_database_would_refuse_is_refused_naming_the_field(bad):
    _refused(api.Payment, {**PAYMENT, "reference": f"UNC{bad}118"}, "reference")
    _refused(api.RateCreate, {**RATE, "note": f"Dự thảo{bad}"}, "note")
    _refused(api.RateCreate, {**RATE, "kind": "genre_max", "key": f"news{bad}", "value": 10}, "key")
    _refused(api.Score, {"coefficient": 5, "note": f"ghi chú{bad}"}, "note")


def test_ordinary_vietnamese_text_with_line_breaks_is_taken():
    note = "Mức mới theo Nghị định\r\n\tđiều chỉnh lương cơ sở"
    assert load(api.RateCreate, {**RATE, "note": note})["note"] == "Mức mới theo Nghị định điều chỉnh lương cơ sở"
    assert load(api.Payment, {**PAYMENT, "reference": "Ủy nhiệm chi số 118"})["reference"] == "Ủy nhiệm chi số 118"


# -- answers ------------------------------------------------------------------------------------

SHOWN = [("10", "10"), ("1E+1", "10"), ("10.00", "10"), ("10.5", "10.5"), ("10.50", "10.5")]
SHOWN += [("100", "100"), ("1E+2", "100"), ("100.00", "100"), ("0", "0"), ("0.00", "0"), ("0E+2", "0"), ("-0", "0")]


@pytest.mark.parametrize(("stored", "shown"), SHOWN)
def test_every_decimal_of_an_answer_is_in_plain_notation(stored, shown):
    number = Decimal(stored)
    item = api.ItemRead().dump(
        {"coefficient": number, "max_coefficient": number, "adjustments": [{"kind": "translation", "percent": number}]}
    )
    assert (item["coefficient"], item["max_coefficient"], item["adjustments"][0]["percent"]) == (shown,) * 3
    rate = api.RateRead().dump({"value": number, "min_value": number})
    assert (rate["value"], rate["min_value"]) == (shown, shown)
    statement = api.StatementRead().dump(
        {"withholding": {"percent": stored, "threshold": 2_000_000}, "entries": [{"coefficient": number}]}
    )
    assert statement["withholding"] == {"percent": shown, "threshold": 2_000_000}
    assert statement["entries"][0]["coefficient"] == shown


def test_absent_decimals_stay_null():
    assert api.ItemRead().dump({"coefficient": None, "max_coefficient": None})["coefficient"] is None
    assert api.StatementRead().dump({"withholding": None})["withholding"] is None
    assert api.RateRead().dump({"value": Decimal(5), "min_value": None})["min_value"] is None
