"""An item's states on their own: scoring, withdrawal, re-publication, the overdue rule."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from platform_shared.errors import Conflict, InvalidInput
from royalties import domain
from royalties.items import domain as items
from royalties.reference import DEFAULT_RATES

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def book():
    return domain.RateBook(
        domain.RateRow(kind, key, since, Decimal(value), None if low is None else Decimal(low), threshold)
        for kind, key, since, value, low, threshold, _ in DEFAULT_RATES
    )


def an_item(**values):
    fields = dict(
        id=uuid.uuid4(),
        status="pending_score",
        genre="news",
        section="news",
        site="portal",
        share=100,
        published_on=date(2026, 10, 5),
        due_on=date(2026, 12, 4),
        amount=None,
        statement_id=None,
        voided_at=None,
        void_reason=None,
        reversed_at=None,
    )
    return SimpleNamespace(**{**fields, **values})


def test_scoring_freezes_the_days_unit_and_share_and_computes_the_amount(book):
    item = an_item(site="component", section="tin-hoat-dong")
    items.score(item, book, coefficient=Decimal(10), adjustments=[], by="u1", at=NOW)
    assert (item.status, item.unit_value, item.site_share, item.amount) == ("scored", 234_000, 20, 468_000)
    assert (item.scored_by, item.scored_at) == ("u1", NOW)


def test_an_approved_item_cannot_be_scored_again_and_an_out_of_range_score_changes_nothing(book):
    with pytest.raises(Conflict):
        items.score(an_item(status="approved"), book, coefficient=Decimal(5), adjustments=[], by=None, at=NOW)
    item = an_item()
    with pytest.raises(InvalidInput):
        items.score(item, book, coefficient=Decimal(11), adjustments=[], by=None, at=NOW)
    assert (item.status, item.amount) == ("pending_score", None)


def test_a_withdrawal_voids_an_open_item_and_takes_it_out_of_its_draft():
    item = an_item(status="scored", amount=1_170_000, statement_id=uuid.uuid4())
    assert items.withdraw(item, at=NOW, reason=None) == "voided"
    assert (item.status, item.statement_id, item.voided_at, item.void_reason) == ("voided", None, NOW, "Bài đã bị gỡ.")


def test_a_withdrawal_reverses_an_approved_item_once():
    item = an_item(status="approved", amount=1_170_000)
    assert items.withdraw(item, at=NOW, reason="Sai sót") == "reversed"
    assert (item.status, item.reversed_at) == ("approved", NOW)
    assert items.withdraw(item, at=NOW, reason="Sai sót") is None


def test_a_republication_reopens_a_voided_item_as_it_was():
    scored = an_item(status="voided", amount=5, voided_at=NOW, void_reason="Bài đã bị gỡ.")
    assert items.reopen(scored) is True
    assert (scored.status, scored.voided_at, scored.void_reason) == ("scored", None, None)
    unscored = an_item(status="voided")
    assert items.reopen(unscored) and unscored.status == "pending_score"
    assert items.reopen(an_item(status="paid")) is False


def test_overdue_is_unpaid_after_the_due_day_unless_reversed():
    on = date(2026, 12, 5)
    assert items.is_overdue(an_item(status="approved"), on)
    assert not items.is_overdue(an_item(status="paid"), on)
    assert not items.is_overdue(an_item(status="approved", reversed_at=NOW), on)
    assert not items.is_overdue(an_item(), date(2026, 12, 4))
