"""The royalty rules on their own: rounding, amounts, ranges in force, payees, statement lines."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from platform_shared.errors import InvalidInput
from royalties import domain
from royalties.items import domain as items
from royalties.reference import DEFAULT_RATES
from royalties.statements import domain as statements


@pytest.fixture
def book():
    return domain.RateBook(
        domain.RateRow(kind, key, since, Decimal(value), None if low is None else Decimal(low), threshold)
        for kind, key, since, value, low, threshold, _ in DEFAULT_RATES
    )


def test_amounts_round_half_up_to_the_whole_dong_once_per_item():
    assert domain.round_vnd(Decimal("0.5")) == 1
    assert domain.round_vnd(Decimal("1.49")) == 1
    assert domain.round_vnd(Decimal("2.5")) == 3
    # 7.5 × 234,000 × 1/3 share → 585,000 exactly; 33 % of 1,755,000 → 579,150
    assert (
        items.amount(coefficient=Decimal("7.5"), adjustments=[], unit_value=234_000, share=33, site_share=100)
        == 579_150
    )
    # 1.01 × 149,000 × 20 % × 33 % = 9,932.34 → 9,932
    assert (
        items.amount(coefficient=Decimal("1.01"), adjustments=[], unit_value=149_000, share=33, site_share=20) == 9_932
    )
    # 150 đ × 1 % × 1 % = 0.015 → 0; 5,000 đ × 1 % × 1 % = 0.5 → 1 (half up)
    assert items.amount(coefficient=Decimal("1"), adjustments=[], unit_value=150, share=1, site_share=1) == 0
    assert items.amount(coefficient=Decimal("1"), adjustments=[], unit_value=5_000, share=1, site_share=1) == 1


def test_the_unit_value_in_force_is_that_of_the_publication_day(book):
    assert book.unit_value(date(2023, 6, 30)) == 149_000
    assert book.unit_value(date(2023, 7, 1)) == 180_000
    assert book.unit_value(date(2024, 6, 30)) == 180_000
    assert book.unit_value(date(2024, 7, 1)) == 234_000
    with pytest.raises(InvalidInput):
        book.unit_value(date(2019, 6, 30))


def test_the_terms_beside_the_scoring_form_are_those_of_the_publication_day(book):
    portal = items.terms(book, genre="news", site="portal", section="news", on=date(2024, 6, 30))
    assert (portal["max_coefficient"], portal["unit_value"], portal["site_share"]) == ("10", 180_000, 100)
    assert [(a["kind"], a["min"], a["max"]) for a in portal["adjustments"]] == [
        ("translation", Decimal(40), Decimal(65)),
        ("children_or_minorities", Decimal(10), Decimal(20)),
        ("difficult_conditions", Decimal(0), Decimal(100)),
    ]
    subsite = items.terms(book, genre="article", site="ha-noi", section="tin-hoat-dong", on=date(2024, 7, 1))
    assert (subsite["max_coefficient"], subsite["unit_value"], subsite["site_share"]) == ("30", 234_000, 20)
    before_any = items.terms(book, genre="news", site="portal", section="news", on=date(2010, 1, 1))
    assert before_any["unit_value"] is None and before_any["max_coefficient"] is None


def test_a_news_item_above_ten_is_refused_naming_the_limit(book):
    with pytest.raises(InvalidInput) as caught:
        items.check_score(book, genre="news", on=date(2026, 10, 5), coefficient=Decimal("10.5"), adjustments=[])
    assert caught.value.status == 422
    assert caught.value.details["limit"] == "10"
    assert "coefficient" in caught.value.details["errors"]
    assert items.check_score(book, genre="news", on=date(2026, 10, 5), coefficient=Decimal(10), adjustments=[]) == []


def test_no_item_goes_above_the_general_cap_even_if_a_genre_says_more():
    rows = [
        domain.RateRow("genre_max", "reportage", date(2014, 6, 1), Decimal(80)),
        domain.RateRow("coefficient_cap", "", date(2014, 6, 1), Decimal(50)),
    ]
    assert domain.RateBook(rows).genre_max("reportage", date(2026, 1, 1)) == 50


def test_adjustments_are_checked_against_their_ranges_and_combined(book):
    on = date(2026, 10, 5)
    with pytest.raises(InvalidInput) as caught:
        items.check_score(
            book, genre="article", on=on, coefficient=Decimal(20), adjustments=[{"kind": "translation", "percent": 70}]
        )
    assert caught.value.code == "ADJUSTMENT_OUT_OF_RANGE"
    adjustments = items.check_score(
        book,
        genre="article",
        on=on,
        coefficient=Decimal(20),
        adjustments=[{"kind": "translation", "percent": 50}, {"kind": "children_or_minorities", "percent": 10}],
    )
    # 20 × 234,000 × 50 % × 110 % = 2,574,000
    assert (
        items.amount(coefficient=Decimal(20), adjustments=adjustments, unit_value=234_000, share=100, site_share=100)
        == 2_574_000
    )


def test_payees_are_each_author_share_and_each_photo_credit():
    event = {
        "genre": "reportage",
        "authors": [
            {"user_id": "u1", "pen_name": "Hà Anh", "share": 60},
            {"user_id": "u2", "pen_name": "Minh Đức", "share": 40},
        ],
        "photo_credits": [{"asset_id": "a1", "user_id": None, "name": "Lê Ảnh"}],
    }
    found = items.payees(event)
    assert [(p.key, p.share, p.genre) for p in found] == [
        ("user:u1", 60, "reportage"),
        ("user:u2", 40, "reportage"),
        ("photo:a1", 100, "photo"),
    ]


def test_withholding_applies_to_a_payees_gross_of_the_threshold_or_more():
    entries = [
        statements.Entry("user:a", "a", "An", 1_999_999),
        statements.Entry("user:b", "b", "Bình", 1_500_000),
        statements.Entry("user:b", "b", "Bình", 500_005),
        statements.Entry("user:c", "c", "Châu", 300_000),
        statements.Entry("user:c", "c", "Châu", -300_000),
    ]
    lines = statements.statement_lines(entries, {"percent": "10", "threshold": 2_000_000})
    by_key = {line["payee_key"]: line for line in lines}
    assert (by_key["user:a"]["withheld"], by_key["user:a"]["net"]) == (0, 1_999_999)
    assert (by_key["user:b"]["gross"], by_key["user:b"]["withheld"], by_key["user:b"]["net"]) == (
        2_000_005,
        200_001,
        1_800_004,
    )
    assert by_key["user:c"]["gross"] == 0
    assert statements.totals(lines) == {"gross": 4_000_004, "withheld": 200_001, "net": 3_800_003}


def test_periods_are_months_in_vietnam_time():
    from datetime import UTC, datetime

    assert domain.period_of(datetime(2026, 10, 31, 17, 30, tzinfo=UTC)) == "2026-11"
    assert domain.period_of(datetime(2026, 10, 31, 16, 59, tzinfo=UTC)) == "2026-10"
    assert domain.period_last_day("2026-02") == date(2026, 2, 28)
    assert domain.due_on(date(2026, 10, 5)) == date(2026, 12, 4)


@dataclass
class _Item:
    revision: int
    kind: str
    payee_key: str


def test_a_photo_earns_once_per_article_and_a_replaced_photo_earns():
    event = {
        "genre": "news",
        "authors": [{"user_id": "u1", "pen_name": "Hà Anh", "share": 100}],
        "photo_credits": [{"asset_id": "a1", "name": "Lê Ảnh"}, {"asset_id": "a2", "name": "Lê Ảnh"}],
    }
    first = [_Item(1, "author", "user:u1"), _Item(1, "photo", "photo:a1"), _Item(1, "photo", "photo:a2")]
    # a new work with the same photos: its authors earn again, the photos do not
    assert [p.key for p in items.payees_due(items.payees(event), first, 2)] == ["user:u1"]
    # one photo replaced (a new asset): that one earns
    replaced = {**event, "photo_credits": [{"asset_id": "a1", "name": "Lê Ảnh"}, {"asset_id": "a3", "name": "Lê"}]}
    assert [p.key for p in items.payees_due(items.payees(replaced), first, 2)] == ["user:u1", "photo:a3"]
    # the revision's own items are still due (a replay skips them, and expects them)
    again = [*first, _Item(2, "author", "user:u1"), _Item(2, "photo", "photo:a3")]
    assert [p.key for p in items.payees_due(items.payees(replaced), again, 2)] == ["user:u1", "photo:a3"]
    # a photo back after it was replaced earned already
    back = [*again, _Item(3, "author", "user:u1")]
    assert [p.key for p in items.payees_due(items.payees(event), back, 3)] == ["user:u1"]
    # the first publication pays everyone
    assert len(items.payees_due(items.payees(event), [], 1)) == 3


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("10", "10"), ("10.00", "10"), ("1E+1", "10"), ("10.5", "10.5"), ("10.50", "10.5"), ("100", "100")]
    + [("1E+2", "100"), ("0", "0"), ("0.00", "0"), ("0E-2", "0"), ("-0", "0"), ("7.25", "7.25")],
)
def test_decimals_are_shown_in_plain_notation(stored, shown):
    assert domain.number_text(Decimal(stored)) == shown


@pytest.mark.parametrize(("stored", "shown"), [("10.00", "10"), ("10.50", "10.5"), ("100.00", "100"), ("0.50", "0.5")])
def test_the_withholding_in_force_is_a_plain_percent(stored, shown):
    """As the database gives it back (``Numeric(14, 2)``): ``Decimal("10.00")`` is ``"10"``, never ``"1E+1"``."""
    book = domain.RateBook([domain.RateRow("withholding", "", date(2014, 6, 1), Decimal(stored), None, 2_000_000)])
    assert book.withholding(date(2026, 10, 31)) == {"percent": shown, "threshold": 2_000_000}


def test_a_period_out_of_range_is_invalid_input_naming_the_period():
    assert domain.period_days("2000-01") == (date(2000, 1, 1), date(2000, 1, 31))
    assert domain.period_last_day("2100-12") == date(2100, 12, 31)
    for period in ("0000-01", "9999-12", "2026-13", "2026-00", "1999-12", "2101-01", "26-11", "2026-11\n"):
        with pytest.raises(InvalidInput) as caught:
            domain.period_last_day(period)
        assert "period" in caught.value.details["errors"], period
