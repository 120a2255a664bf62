"""The royalties use cases on PostgreSQL under the inputs an outside probe sent: a photo paid
once per article across new-work corrections, decimals in plain notation in answers and
files, and months, days, decimals and text out of range refused naming the field (never a 500)."""

import base64
import csv
import io
import uuid

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from platform_shared.errors import InvalidInput


def items_of(ledger, actor, **filters):
    return ledger.items.list(actor, {"per_page": 100, **filters})["items"]


def _photos(items):
    return sorted((i["revision"], i["asset_id"]) for i in items if i["kind"] == "photo")


def _corrected(events, published, *, photos, revision=None, at="2026-10-08T03:00:00+00:00"):
    """A new-work correction of ``published`` with these photo credits."""
    event = events.corrected(published, new_work=True, at=at)
    event["photo_credits"] = [{"asset_id": a, "user_id": None, "name": "Lê Ảnh"} for a in photos]
    if revision is not None:
        event["revision"], event["previous_revision"] = revision, revision - 1
    return event


# -- a photo earns once per article -------------------------------------------------------------


def test_a_new_work_correction_with_the_same_photos_pays_its_authors_and_no_photo_again(
    ledger, deliver, events, actors
):
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    published = events.published(photos=[a, b])
    deliver(published)
    correction = _corrected(events, published, photos=[a, b])
    assert deliver(correction) == 1  # the author's new item only
    items = items_of(ledger, actors["officer"], article_id=published["article_id"])
    assert _photos(items) == sorted([(1, a), (1, b)])
    assert sorted(i["revision"] for i in items if i["kind"] == "author") == [1, 2]  # authors: today's rule
    report = ledger.reconciliation.period(actors["officer"], {"period": "2026-10"})
    assert "EVENT_WITHOUT_ITEMS" not in {d["code"] for d in report["discrepancies"]}


def test_a_replaced_photo_earns_exactly_one_new_item(ledger, deliver, events, actors):
    a, b, c = (str(uuid.uuid4()) for _ in range(3))
    published = events.published(photos=[a, b])
    deliver(published)
    deliver(_corrected(events, published, photos=[a, c]))  # b replaced by c
    items = items_of(ledger, actors["officer"], article_id=published["article_id"])
    assert _photos(items) == sorted([(1, a), (1, b), (2, c)])
    # b back in a later new work earned already; only the author earns again
    deliver(_corrected(events, published, photos=[a, b, c], revision=3, at="2026-10-09T03:00:00+00:00"))
    items = items_of(ledger, actors["officer"], article_id=published["article_id"])
    assert _photos(items) == sorted([(1, a), (1, b), (2, c)])
    assert sorted(i["revision"] for i in items if i["kind"] == "author") == [1, 2, 3]
    report = ledger.reconciliation.period(actors["officer"], {"period": "2026-10"})
    assert "EVENT_WITHOUT_ITEMS" not in {d["code"] for d in report["discrepancies"]}


def test_a_redelivered_or_replayed_correction_opens_nothing_twice(ledger, deliver, events, actors):
    a, c = str(uuid.uuid4()), str(uuid.uuid4())
    published = events.published(photos=[a])
    deliver(published)
    correction = _corrected(events, published, photos=[c])
    assert deliver(correction) == 2  # the author and the new photo
    assert deliver(correction) is None  # same event id: the inbox
    assert deliver({**correction, "event_id": str(uuid.uuid4())}) == 0  # the same fact under a new id
    deliver(published)  # the first publication again
    items = items_of(ledger, actors["officer"], article_id=published["article_id"])
    assert _photos(items) == sorted([(1, a), (2, c)])
    assert len(items) == 4


def test_a_photo_paid_before_a_correction_stays_paid_once(ledger, deliver, events, actors):
    a = str(uuid.uuid4())
    published = events.published(photos=[a])
    deliver(published)
    for item in items_of(ledger, actors["officer"]):
        ledger.items.score(actors["editor"], item["id"], {"coefficient": 2})
    statement = ledger.statements.create(actors["officer"], {"period": "2026-10"})
    ledger.statements.approve(actors["officer"], statement["id"])
    deliver(_corrected(events, published, photos=[a]))
    photos = [i for i in items_of(ledger, actors["officer"]) if i["kind"] == "photo"]
    assert [(p["revision"], p["status"]) for p in photos] == [(1, "approved")]


# -- decimals leave in plain notation ------------------------------------------------------------


@pytest.mark.parametrize(("percent", "shown"), [(10, "10"), ("10.5", "10.5"), (100, "100"), (0, None)])
def test_the_withholding_percent_of_a_statement_is_plain_in_the_draft_approved_and_export(
    ledger, deliver, events, actors, percent, shown
):
    ledger.rates.create(
        actors["officer"],
        {"kind": "withholding", "effective_from": "2026-01-01", "value": percent, "threshold": 2_000_000},
    )
    deliver(events.published(genre="article", authors=[_author()]))
    (item,) = items_of(ledger, actors["officer"])
    ledger.items.score(actors["editor"], item["id"], {"coefficient": "10.5"})  # 2,457,000 ≥ the threshold
    draft = ledger.statements.create(actors["officer"], {"period": "2026-10"})
    expected = None if shown is None else {"percent": shown, "threshold": 2_000_000}
    assert draft["withholding"] == expected
    approved = ledger.statements.approve(actors["officer"], draft["id"])
    assert approved["withholding"] == expected  # as stored in the statement's JSON
    assert ledger.statements.get(actors["officer"], draft["id"])["withholding"] == expected
    listed = ledger.statements.list(actors["officer"], {})["items"]
    assert [s["withholding"] for s in listed] == [expected]
    (entry,) = approved["entries"]
    assert entry["coefficient"] == "10.5"


def test_a_withholding_stored_in_exponent_notation_is_shown_plain(ledger, deliver, events, actors, databases):
    statement = _stated(ledger, deliver, events, actors)
    ledger.statements.approve(actors["officer"], statement["id"])
    with databases.sessions("royalties").transaction() as session:  # what approvals stored before the fix
        session.execute(
            sa.text("UPDATE statement SET withholding = CAST(:w AS JSON) WHERE id = :id"),
            {"w": '{"percent": "1E+1", "threshold": 2000000}', "id": uuid.UUID(statement["id"])},
        )
    shown = ledger.statements.get(actors["officer"], statement["id"])
    assert shown["withholding"] == {"percent": "10", "threshold": 2_000_000}


@pytest.mark.parametrize(("coefficient", "shown"), [("10", "10"), ("10.50", "10.5"), ("1E+1", "10"), ("0.5", "0.5")])
def test_coefficients_and_percents_are_plain_in_items_rates_statements_and_files(
    ledger, deliver, events, actors, coefficient, shown
):
    deliver(events.published(genre="article"))
    (item,) = items_of(ledger, actors["officer"])
    adjustments = [{"kind": "difficult_conditions", "percent": 100}, {"kind": "children_or_minorities", "percent": 10}]
    scored = ledger.items.score(actors["editor"], item["id"], {"coefficient": coefficient, "adjustments": adjustments})
    assert (scored["coefficient"], scored["max_coefficient"]) == (shown, "30")
    assert [a["percent"] for a in scored["adjustments"]] == ["100", "10"]
    assert ledger.items.get(actors["officer"], item["id"])["coefficient"] == shown
    assert items_of(ledger, actors["officer"])[0]["coefficient"] == shown
    rates = ledger.rates.list(actors["officer"], {"kind": "adjustment"})["items"]
    assert {(r["key"], r["value"], r["min_value"]) for r in rates} == {
        ("translation", "65", "40"),
        ("children_or_minorities", "20", "10"),
        ("difficult_conditions", "100", "0"),
    }
    statement = ledger.statements.create(actors["officer"], {"period": "2026-10"})
    assert [e["coefficient"] for e in statement["entries"]] == [shown]
    ledger.statements.approve(actors["officer"], statement["id"])
    csv_file = ledger.statements.export(actors["officer"], statement["id"], {"format": "csv"})
    rows = list(csv.reader(io.StringIO(base64.b64decode(csv_file["data"]).decode("utf-8-sig"))))
    detail = next(r for r in rows if r and r[0] == "1" and len(r) == 10)
    assert detail[5] == shown
    xlsx = ledger.statements.export(actors["officer"], statement["id"], {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(base64.b64decode(xlsx["data"])))["Chi tiết"]
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == [shown]
    assert not any("E+" in str(cell) for row in rows for cell in row)


# -- months, days, decimals and text out of range ------------------------------------------------

BAD_PERIODS = ("0000-01", "9999-12", "2026-13", "2026-00", "1999-12", "2026-11\n", "tháng 11")
BAD_DAYS = ("0000-01-01", "9999-12-31", "2026-13-01", "2026-02-30", "1999-12-31", "mai", "20261120")


@pytest.mark.parametrize("period", BAD_PERIODS, ids=repr)
def test_a_month_out_of_range_or_malformed_is_refused_by_every_use_case(ledger, actors, period):
    officer = actors["officer"]
    calls = {
        "reconciliation": lambda: ledger.reconciliation.period(officer, {"period": period}),
        "create statement": lambda: ledger.statements.create(officer, {"period": period}),
        "list statements": lambda: ledger.statements.list(officer, {"period": period}),
        "list items": lambda: ledger.items.list(officer, {"period": period}),
    }
    for name, call in calls.items():
        with pytest.raises(InvalidInput) as caught:
            call()
        assert "period" in caught.value.details["errors"], name
    assert ledger.statements.list(officer, {})["total"] == 0


@pytest.mark.parametrize("day", BAD_DAYS, ids=repr)
def test_a_day_out_of_range_or_malformed_is_refused_by_every_use_case(ledger, deliver, events, actors, day):
    officer = actors["officer"]
    statement = _stated(ledger, deliver, events, actors)
    ledger.statements.approve(officer, statement["id"])
    calls = {
        "on": lambda: ledger.items.overdue(officer, {"on": day}),
        "rates on": lambda: ledger.rates.list(officer, {"on": day}),
        "effective_from": lambda: ledger.rates.create(
            officer, {"kind": "unit_value", "effective_from": day, "value": 250_000}
        ),
        "paid_on": lambda: ledger.statements.pay(officer, statement["id"], {"paid_on": day, "reference": "UNC-1"}),
    }
    for field, call in calls.items():
        with pytest.raises(InvalidInput) as caught:
            call()
        assert field.split()[-1] in caught.value.details["errors"], field
    assert ledger.statements.get(officer, statement["id"])["status"] == "approved"
    assert len(ledger.rates.list(officer, {"kind": "unit_value"})["items"]) == 3


@pytest.mark.parametrize(
    "coefficient", ["NaN", "Infinity", "-Infinity", float("nan"), float("inf"), "1e999999999", "9" * 5000, 10**30, -5]
)
def test_a_score_that_is_not_a_finite_sane_decimal_is_refused_and_changes_nothing(
    ledger, deliver, events, actors, coefficient
):
    deliver(events.published())
    (item,) = items_of(ledger, actors["officer"])
    with pytest.raises(InvalidInput) as caught:
        ledger.items.score(actors["editor"], item["id"], {"coefficient": coefficient})
    assert "coefficient" in caught.value.details["errors"]
    with pytest.raises(InvalidInput) as caught:
        ledger.items.score(
            actors["editor"],
            item["id"],
            {"coefficient": 5, "adjustments": [{"kind": "difficult_conditions", "percent": coefficient}]},
        )
    assert "adjustments" in caught.value.details["errors"]
    assert ledger.items.get(actors["officer"], item["id"])["status"] == "pending_score"


@pytest.mark.parametrize("bad", ["\x00", "\ud800", "\x1b"], ids=repr)
def test_text_the_database_refuses_is_refused_naming_the_field(ledger, deliver, events, actors, bad):
    officer = actors["officer"]
    statement = _stated(ledger, deliver, events, actors)
    ledger.statements.approve(officer, statement["id"])
    with pytest.raises(InvalidInput) as caught:
        ledger.statements.pay(officer, statement["id"], {"paid_on": "2026-11-20", "reference": f"UNC{bad}7"})
    assert "reference" in caught.value.details["errors"]
    with pytest.raises(InvalidInput) as caught:
        ledger.rates.create(
            officer, {"kind": "genre_max", "key": f"news{bad}", "effective_from": "2027-01-01", "value": 9}
        )
    assert "key" in caught.value.details["errors"]
    with pytest.raises(InvalidInput) as caught:
        ledger.rates.create(officer, {"kind": "unit_value", "effective_from": "2027-01-01", "value": 1, "note": bad})
    assert "note" in caught.value.details["errors"]
    assert ledger.statements.get(officer, statement["id"])["status"] == "approved"


def test_negative_amounts_and_rates_are_refused_naming_the_field(ledger, actors):
    officer = actors["officer"]
    for body, field in (
        ({"kind": "unit_value", "effective_from": "2027-01-01", "value": -250_000}, "value"),
        ({"kind": "withholding", "effective_from": "2027-01-01", "value": 10, "threshold": -1}, "threshold"),
        ({"kind": "withholding", "effective_from": "2027-01-01", "value": -10, "threshold": 0}, "value"),
        (
            {"kind": "adjustment", "key": "translation", "effective_from": "2027-01-01", "value": 65, "min_value": -1},
            "min_value",
        ),
        ({"kind": "genre_max", "key": "news", "effective_from": "2027-01-01", "value": 0}, "value"),
    ):
        with pytest.raises(InvalidInput) as caught:
            ledger.rates.create(officer, body)
        assert field in caught.value.details["errors"], body
    assert len(ledger.rates.list(officer, {})["items"]) == 18


def _author():
    return {"user_id": str(uuid.uuid4()), "pen_name": "Tác giả", "share": 100}


def _stated(ledger, deliver, events, actors):
    deliver(events.published())
    (item,) = items_of(ledger, actors["officer"])
    ledger.items.score(actors["editor"], item["id"], {"coefficient": 5})
    return ledger.statements.create(actors["officer"], {"period": "2026-10"})
