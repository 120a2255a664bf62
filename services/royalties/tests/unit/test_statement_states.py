"""A statement's states on their own: draft → approved → paid, and a draft cancelled by a merge."""

import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from platform_shared.errors import Conflict, InvalidInput
from royalties.statements import domain as statements

APPROVED_AT = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)
WITHHOLDING = {"percent": "10", "threshold": 2_000_000}


def a_statement(status="draft", **values):
    fields = dict(id=uuid.uuid4(), status=status, period="2026-10", approved_at=None, paid_on=None)
    return SimpleNamespace(**{**fields, **values})


def an_item(user, amount, name="Trần Văn Bình"):
    return SimpleNamespace(
        id=uuid.uuid4(), payee_key=f"user:{user}", payee_user_id=user, payee_name=name, amount=amount, status="scored"
    )


def a_reversal(user, amount, name="Trần Văn Bình"):
    return SimpleNamespace(payee_key=f"user:{user}", payee_user_id=user, payee_name=name, amount=amount)


def test_approval_charges_each_item_and_freezes_lines_and_sums():
    ann, binh = uuid.uuid4(), uuid.uuid4()
    draft = a_statement()
    items = [an_item(ann, 1_500_000, "An"), an_item(ann, 600_000, "An"), an_item(binh, 300_000, "Bình")]
    approval = statements.approve(
        draft, items, [a_reversal(binh, -100_000, "Bình")], withholding=WITHHOLDING, by="officer", at=APPROVED_AT
    )
    assert [c.amount for c in approval.charges] == [1_500_000, 600_000, 300_000]
    assert {i.status for i in items} == {"approved"}
    assert [(line["payee_name"], line["gross"], line["withheld"], line["net"]) for line in approval.lines] == [
        ("An", 2_100_000, 210_000, 1_890_000),
        ("Bình", 200_000, 0, 200_000),
    ]
    assert (draft.status, draft.gross, draft.withheld, draft.net) == ("approved", 2_300_000, 210_000, 2_090_000)
    assert (draft.withholding, draft.approved_by, draft.approved_at) == (WITHHOLDING, "officer", APPROVED_AT)


def test_only_a_draft_with_something_in_it_is_approved():
    with pytest.raises(Conflict) as caught:
        statements.approve(a_statement("approved"), [], [], withholding=None, by=None, at=APPROVED_AT)
    assert caught.value.code == "STATEMENT_STATE"
    with pytest.raises(Conflict) as caught:
        statements.approve(a_statement(), [], [], withholding=None, by=None, at=APPROVED_AT)
    assert caught.value.code == "STATEMENT_EMPTY"


def test_payment_is_dated_between_the_approval_and_today_and_pays_every_item():
    approved = a_statement("approved", approved_at=APPROVED_AT)
    items = [an_item(uuid.uuid4(), 5)]
    now = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    for paid_on, code in ((date(2026, 11, 21), "PAID_ON_IN_FUTURE"), (date(2026, 11, 9), "PAID_BEFORE_APPROVAL")):
        with pytest.raises(InvalidInput) as caught:
            statements.pay(approved, items, paid_on=paid_on, reference="UNC-1", by=None, at=now)
        assert caught.value.code == code
    assert approved.status == "approved" and items[0].status == "scored"
    statements.pay(approved, items, paid_on=date(2026, 11, 20), reference="UNC-1", by="officer", at=now)
    assert (approved.status, approved.paid_on, approved.payment_reference) == ("paid", date(2026, 11, 20), "UNC-1")
    assert (items[0].status, items[0].paid_on) == ("paid", date(2026, 11, 20))
    with pytest.raises(Conflict):
        statements.pay(approved, items, paid_on=date(2026, 11, 20), reference="UNC-2", by=None, at=now)


def test_only_a_draft_is_cancelled():
    draft = a_statement()
    statements.cancel(draft)
    assert draft.status == "cancelled"
    with pytest.raises(Conflict):
        statements.cancel(a_statement("approved"))
