"""The checks of a period's trail on their own (rows as plain objects)."""

import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace

from royalties.reconciliation.domain import reconcile

ON = date(2026, 12, 20)


def an_event(expected=1, outcome="opened"):
    return SimpleNamespace(
        event_id=str(uuid.uuid4()),
        event_type="content.article_published",
        outcome=outcome,
        article_id=uuid.uuid4(),
        revision=1,
        expected_items=expected,
    )


def an_item(event, status, amount=None, **values):
    fields = dict(
        id=uuid.uuid4(),
        source_event_id=event.event_id,
        article_id=event.article_id,
        status=status,
        amount=amount,
        statement_id=None,
        reversed_at=None,
        due_on=date(2027, 1, 1),
    )
    return SimpleNamespace(**{**fields, **values})


def an_entry(item, kind, amount, statement_id=None):
    return SimpleNamespace(item_id=item.id, kind=kind, amount=amount, statement_id=statement_id)


def check(received, items, entries=(), statements=None, waiting=(), sums=None):
    by_revision = {}
    for item in items:
        key = (item.article_id, 1)
        by_revision[key] = by_revision.get(key, 0) + 1
    known = {e.event_id for e in received}
    return reconcile(
        "2026-10", ON, received, items, statements or {}, list(entries), by_revision, known, waiting, sums or {}
    )


def codes(report):
    return [d["code"] for d in report["discrepancies"]]


def test_a_clean_trail_counts_everything_and_flags_nothing():
    event = an_event()
    statement = SimpleNamespace(id=uuid.uuid4(), status="paid", gross=500, withheld=0, net=500)
    item = an_item(event, "paid", 500, statement_id=statement.id)
    report = check(
        [event],
        [item],
        [an_entry(item, "charge", 500, statement.id)],
        {statement.id: statement},
        sums={statement.id: {"entries": 500, "lines": (500, 0, 500)}},
    )
    assert report["events"] == {"published": 1, "unpublished": 0, "corrected": 0, "counted": 1}
    assert report["items"]["created"] == 1 and report["items"]["paid"] == 1
    assert report["amounts"] == {"scored": 500, "approved": 500, "paid": 500, "reversed": 0}
    assert codes(report) == []


def test_missing_items_unscored_overdue_and_unstated_work_are_flagged():
    short = an_event(expected=2)
    late = an_item(short, "pending_score", due_on=date(2026, 12, 4))
    stray = an_item(an_event(), "scored", 300)  # its event never arrived
    report = check([short], [late, stray])
    assert codes(report) == ["EVENT_WITHOUT_ITEMS", "NOT_SCORED", "OVERDUE", "ITEM_WITHOUT_EVENT", "NOT_STATED"]
    assert report["discrepancies"][0]["event_id"] == short.event_id


def test_ledger_disagreements_are_flagged():
    event = an_event()
    statement = SimpleNamespace(id=uuid.uuid4(), status="paid", gross=900, withheld=0, net=900)
    unpaid = an_item(event, "approved", 500, statement_id=statement.id)
    uncharged = an_item(event, "approved", 400)
    reversed_ = an_item(event, "paid", 100, reversed_at=datetime(2026, 11, 2, tzinfo=UTC))
    entries = [an_entry(unpaid, "charge", 501, statement.id), an_entry(reversed_, "charge", 100, statement.id)]
    waiting = [an_entry(unpaid, "reversal", -500)]
    report = check(
        [event],
        [unpaid, uncharged, reversed_],
        entries,
        {statement.id: statement},
        waiting,
        {statement.id: {"entries": 601, "lines": (900, 0, 900)}},
    )
    assert codes(report) == [
        "CHARGE_MISMATCH",
        "PAID_STATEMENT_ITEM_UNPAID",
        "APPROVED_WITHOUT_CHARGE",
        "REVERSAL_MISSING",
        "STATEMENT_TOTAL_MISMATCH",
        "REVERSAL_NOT_STATED",
    ]
