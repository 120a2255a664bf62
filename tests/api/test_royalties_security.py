"""Royalties through the gateway, as an outside probe tried it (issue 12).

* Year 0: ``GET /royalties/reconciliation?period=0000-01`` and ``POST /royalties/statements
  {"period": "0000-01"}`` answered 500. Every month and day royalties takes (periods, rate
  effective dates, payment dates, list filters) lies in 2000–2100: out of range or malformed
  is a 422 naming the field.
* Decimals leave in plain notation: a statement's ``withholding.percent`` is ``"10"``, never
  ``"1E+1"``; coefficients, adjustment percents and rate values likewise, in files too.
* A ``new_work`` correction that changed only the text paid its photos again: a photo earns
  once per article unless it is replaced.
* Any other bad input (NaN, Infinity, huge or negative numbers, a NUL byte) is a 4xx naming
  the field, never a 500, and changes nothing.
"""

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from platform_shared.clock import VN_TZ
from platform_shared.testing.facts import article_published
from platform_shared.testing.waiting import wait_for

NOW = datetime.now(UTC)
AT = NOW - timedelta(days=3)
BAD_PERIODS = ["0000-01", "9999-12", "2026-13", "2026-00", "1999-12", "abcd-ef", "2026-1", "2026-11\n"]
BAD_DAYS = ["0000-01-01", "9999-12-31", "2026-13-01", "2026-02-30", "1999-12-31", "mai", "20261120"]


def _month(moment):
    local = moment.astimezone(VN_TZ)
    return f"{local.year:04d}-{local.month:02d}"


def published(author, *, at=AT, photos=(), genre="news"):
    return article_published(author, at=at, photos=photos, genre=genre)


def corrected(event, *, revision, photos, at):
    """A correction the desk marked as new work, with these photos (only the text changed otherwise)."""
    fields = ("tenant_id", "article_id", "section", "genre", "title", "site", "authors")
    author_id = event["authors"][0]["user_id"]
    return {
        **{k: event[k] for k in fields},
        "event_id": str(uuid.uuid4()),
        "event_type": "content.article_corrected",
        "occurred_at": at.isoformat(),
        "schema_version": 1,
        "asset_ids": list(photos),
        "revision": revision,
        "previous_revision": revision - 1,
        "corrected_at": at.isoformat(),
        "new_work": True,
        "photo_credits": [{"asset_id": a, "user_id": author_id, "name": "Lê Ảnh"} for a in photos],
        "word_count": 480,
    }


@pytest.fixture
def people(api, login, royalties_service):
    who = {name: api.as_(login(name)) for name in ("hanoi.contributor", "laodong.editor", "laodong.royalty")}
    who["me"] = who["hanoi.contributor"].get("/api/v1/me").json["user"]
    return who


def _items(client, count, **query):
    return wait_for(
        lambda: (
            (r := client.get("/api/v1/royalties/items", query_string={"per_page": 100, **query}).json)["total"] == count
            and r["items"]
        ),
        message=f"{count} royalty items",
    )


def _refused(response, field):
    assert response.status_code == 422, (response.status_code, response.get_data(as_text=True)[:300])
    assert field in response.json["errors"], response.json
    return response.json


def _approved_statement(people, content_event, *, coefficient="7.5", genre="news"):
    """A scored item of the current month in an approved statement of the Lao Động desk."""
    officer = people["laodong.royalty"]
    content_event(published(people["me"], genre=genre))
    (item,) = _items(officer, 1)
    scored = people["laodong.editor"].post(
        f"/api/v1/royalties/items/{item['id']}/score", json={"coefficient": coefficient}
    )
    assert scored.status_code == 200, scored.json
    draft = officer.post("/api/v1/royalties/statements", json={"period": _month(AT)})
    assert draft.status_code == 201, draft.json
    approved = officer.post(f"/api/v1/royalties/statements/{draft.json['id']}/approve")
    assert approved.status_code == 200, approved.json
    return item, approved.json


def test_year_0_and_every_month_or_day_out_of_range_is_a_422_naming_the_field(people, content_event):
    officer = people["laodong.royalty"]
    _, statement = _approved_statement(people, content_event)
    # the probe's two requests
    _refused(officer.get("/api/v1/royalties/reconciliation?period=0000-01"), "period")
    _refused(officer.post("/api/v1/royalties/statements", json={"period": "0000-01"}), "period")
    for period in BAD_PERIODS:
        q = quote(period)
        _refused(officer.get(f"/api/v1/royalties/reconciliation?period={q}"), "period")
        _refused(officer.post("/api/v1/royalties/statements", json={"period": period}), "period")
        _refused(officer.get(f"/api/v1/royalties/statements?period={q}"), "period")
        _refused(officer.get(f"/api/v1/royalties/items?period={q}"), "period")
    for day in BAD_DAYS:
        q = quote(day)
        _refused(officer.get(f"/api/v1/royalties/items/overdue?on={q}"), "on")
        _refused(officer.get(f"/api/v1/royalties/rates?on={q}"), "on")
        rate = {"kind": "unit_value", "effective_from": day, "value": 250_000}
        _refused(officer.post("/api/v1/royalties/rates", json=rate), "effective_from")
        payment = {"paid_on": day, "reference": "UNC 2026/118"}
        _refused(officer.post(f"/api/v1/royalties/statements/{statement['id']}/pay", json=payment), "paid_on")
    # the edges of the range are taken
    assert officer.get("/api/v1/royalties/reconciliation?period=2000-01").status_code == 200
    assert officer.get("/api/v1/royalties/reconciliation?period=2100-12").status_code == 200
    assert officer.get("/api/v1/royalties/items/overdue?on=2100-12-31").status_code == 200
    assert officer.get("/api/v1/royalties/rates?on=2000-01-01").json["items"] == []
    future = officer.post("/api/v1/royalties/statements", json={"period": "2100-12"})
    assert future.status_code == 422 and future.json["code"] == "PERIOD_IN_FUTURE"
    # nothing changed
    assert officer.get(f"/api/v1/royalties/statements/{statement['id']}").json["status"] == "approved"
    assert officer.get("/api/v1/royalties/statements").json["total"] == 1
    assert len(officer.get("/api/v1/royalties/rates?kind=unit_value").json["items"]) == 3


def test_a_statements_decimals_are_plain_in_answers_and_files(people, content_event):
    officer = people["laodong.royalty"]
    # 10.5 × 234,000 = 2,457,000 ≥ 2,000,000: 10 % withheld (the default rate row, 10.00 in the database)
    item, statement = _approved_statement(people, content_event, coefficient="10.50", genre="article")
    assert statement["withholding"] == {"percent": "10", "threshold": 2_000_000}
    assert (statement["gross"], statement["withheld"], statement["net"]) == (2_457_000, 245_700, 2_211_300)
    assert [e["coefficient"] for e in statement["entries"]] == ["10.5"]
    again = officer.get(f"/api/v1/royalties/statements/{statement['id']}").json
    assert again["withholding"] == {"percent": "10", "threshold": 2_000_000}
    listed = officer.get("/api/v1/royalties/statements").json["items"]
    assert [s["withholding"] for s in listed] == [{"percent": "10", "threshold": 2_000_000}]
    shown = officer.get(f"/api/v1/royalties/items/{item['id']}").json
    assert (shown["coefficient"], shown["max_coefficient"]) == ("10.5", "30")
    rates = officer.get("/api/v1/royalties/rates?kind=withholding").json["items"]
    assert [(r["value"], r["threshold"]) for r in rates] == [("10", 2_000_000)]
    exported = officer.get(f"/api/v1/royalties/statements/{statement['id']}/export?format=csv")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert [r[5] for r in rows if len(r) == 10 and r[0] == "1"] == ["10.5"]
    assert not any("E+" in cell or "E-" in cell for row in rows for cell in row)


@pytest.mark.parametrize(("percent", "shown"), [(10, "10"), ("10.5", "10.5"), (100, "100"), (0, "0")])
def test_rates_and_adjustments_are_plain_whatever_the_value(people, percent, shown):
    officer = people["laodong.royalty"]
    body = {"kind": "withholding", "effective_from": "2100-01-01", "value": percent, "threshold": 0}
    created = officer.post("/api/v1/royalties/rates", json=body)
    assert created.status_code == 201, created.json
    assert created.json["value"] == shown
    listed = officer.get("/api/v1/royalties/rates?kind=withholding&on=2100-06-01").json["items"]
    assert [r["value"] for r in listed] == [shown]


def test_a_new_work_correction_pays_its_authors_again_and_a_photo_only_when_replaced(people, content_event):
    officer = people["laodong.royalty"]
    a, b, c = (str(uuid.uuid4()) for _ in range(3))
    first = content_event(published(people["me"], photos=[a, b]))
    _items(officer, 3, article_id=first["article_id"])
    # only the text changed: the author earns (today's rule), the photos do not
    same = content_event(corrected(first, revision=2, photos=[a, b], at=AT + timedelta(hours=1)))
    items = _items(officer, 4, article_id=first["article_id"])
    assert sorted((i["revision"], i["kind"]) for i in items) == [
        (1, "author"),
        (1, "photo"),
        (1, "photo"),
        (2, "author"),
    ]
    # b replaced by c: exactly one new photo item
    content_event(corrected(first, revision=3, photos=[a, c], at=AT + timedelta(hours=2)))
    items = _items(officer, 6, article_id=first["article_id"])
    photos = sorted((i["revision"], i["asset_id"]) for i in items if i["kind"] == "photo")
    assert photos == sorted([(1, a), (1, b), (3, c)])
    # redelivered and replayed: nothing twice
    content_event(same)
    content_event({**same, "event_id": str(uuid.uuid4())})
    content_event(first)
    marker = content_event(published(people["me"]))
    _items(officer, 1, article_id=marker["article_id"])  # the facts before it were handled
    assert officer.get("/api/v1/royalties/items", query_string={"article_id": first["article_id"]}).json["total"] == 6
    report = officer.get(f"/api/v1/royalties/reconciliation?period={_month(AT)}").json
    assert "EVENT_WITHOUT_ITEMS" not in {d["code"] for d in report["discrepancies"]}


def test_bad_numbers_and_text_are_refused_naming_the_field_and_change_nothing(people, content_event):
    officer, editor = people["laodong.royalty"], people["laodong.editor"]
    content_event(published(people["me"]))
    (item,) = _items(officer, 1)
    score = f"/api/v1/royalties/items/{item['id']}/score"
    for raw in ("-5", "-0.01", "7.555", "1000.01", "1E+4"):
        _refused(editor.post(score, data=f'{{"coefficient": {raw}}}', content_type="application/json"), "coefficient")
        adjusted = f'{{"coefficient": 5, "adjustments": [{{"kind": "difficult_conditions", "percent": {raw}}}]}}'
        _refused(editor.post(score, data=adjusted, content_type="application/json"), "adjustments")
    # literals JSON does not have, or numbers beyond any range: the gateway's parser may refuse the
    # body first (400); what reaches royalties is a 422 naming the field
    for raw in ("NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e999999999"):
        for body, field in (
            (f'{{"coefficient": {raw}}}', "coefficient"),
            (
                f'{{"coefficient": 5, "adjustments": [{{"kind": "difficult_conditions", "percent": {raw}}}]}}',
                "adjustments",
            ),
        ):
            response = editor.post(score, data=body, content_type="application/json")
            assert response.status_code in (400, 422), (raw, response.status_code)
            if response.status_code == 422:
                _refused(response, field)
    for text in ("NaN", "Infinity", "1e999999999", "9" * 5000, "bảy", ""):
        _refused(editor.post(score, json={"coefficient": text}), "coefficient")
    _refused(editor.post(score, json={"coefficient": 5, "note": "ghi\x00chú"}), "note")
    assert officer.get(f"/api/v1/royalties/items/{item['id']}").json["status"] == "pending_score"

    rates = "/api/v1/royalties/rates"
    for body, field in (
        ({"kind": "unit_value", "effective_from": "2027-07-01", "value": -250_000}, "value"),
        ({"kind": "unit_value", "effective_from": "2027-07-01", "value": "NaN"}, "value"),
        ({"kind": "unit_value", "effective_from": "2027-07-01", "value": "1e999999999"}, "value"),
        ({"kind": "withholding", "effective_from": "2027-07-01", "value": 10, "threshold": -1}, "threshold"),
        ({"kind": "genre_max", "key": "news\x00", "effective_from": "2027-07-01", "value": 9}, "key"),
        ({"kind": "unit_value", "effective_from": "2027-07-01", "value": 250_000, "note": "Dự thảo\x00"}, "note"),
    ):
        _refused(officer.post(rates, json=body), field)
    assert len(officer.get(f"{rates}?kind=unit_value").json["items"]) == 3

    editor.post(score, json={"coefficient": 5})
    draft = officer.post("/api/v1/royalties/statements", json={"period": _month(AT)}).json
    officer.post(f"/api/v1/royalties/statements/{draft['id']}/approve")
    pay = f"/api/v1/royalties/statements/{draft['id']}/pay"
    today = datetime.now(UTC).astimezone(VN_TZ).date().isoformat()  # after the approval: not the import's NOW
    for reference in ("UNC\x00118", "UNC\ud800", "\x1b[31mUNC", "", "x" * 121):
        body = json.dumps({"paid_on": today, "reference": reference})  # ASCII: a lone surrogate travels as \ud800
        _refused(officer.post(pay, data=body, content_type="application/json"), "reference")
    assert officer.get(f"/api/v1/royalties/statements/{draft['id']}").json["status"] == "approved"
    paid = officer.post(pay, json={"paid_on": today, "reference": "Ủy nhiệm chi 118"})
    assert paid.status_code == 200 and paid.json["payment_reference"] == "Ủy nhiệm chi 118"
