"""The royalties use cases on the real PostgreSQL database: from publication events to paid statements."""

import uuid

import pytest
import sqlalchemy as sa

from platform_shared.errors import Conflict, Forbidden, InvalidInput, NotFound


def items_of(ledger, actor, **filters):
    return ledger.items.list(actor, {"per_page": 100, **filters})["items"]


def test_a_publication_opens_one_item_per_author_share_and_photo_credit(ledger, deliver, events, actors, tenants):
    event = events.published(
        authors=[
            {"user_id": str(uuid.uuid4()), "pen_name": "Hà Anh", "share": 60},
            {"user_id": str(uuid.uuid4()), "pen_name": "Minh Đức", "share": 40},
        ],
        photos=[str(uuid.uuid4())],
    )
    deliver(event)
    items = items_of(ledger, actors["officer"])
    assert sorted((i["kind"], i["share"], i["status"]) for i in items) == [
        ("author", 40, "pending_score"),
        ("author", 60, "pending_score"),
        ("photo", 100, "pending_score"),
    ]
    assert {i["tenant_id"] for i in items} == {tenants["BLD"]}  # the news desk pays
    assert {i["due_on"] for i in items} == {"2026-12-04"}


def test_a_redelivered_or_replayed_publication_creates_nothing_new(ledger, deliver, events, actors):
    event = events.published()
    deliver(event)
    assert deliver(event) is None  # same event id: the inbox says it was handled
    replay = {**event, "event_id": str(uuid.uuid4())}  # the same fact with a new id
    deliver(replay)
    assert len(items_of(ledger, actors["officer"])) == 1


def test_thematic_items_go_to_the_propaganda_desk_and_sub_site_items_to_the_tenant(ledger, deliver, events, actors):
    deliver(events.published(section="thematic", genre="article"))
    deliver(events.published(section="tin-hoat-dong", site="component"))
    assert len(items_of(ledger, actors["thematic_officer"])) == 1
    assert len(items_of(ledger, actors["hanoi_officer"])) == 1
    assert len(items_of(ledger, actors["officer"])) == 0


def test_scoring_computes_the_amount_with_the_unit_in_force_on_the_publication_day(ledger, deliver, events, actors):
    deliver(events.published(at="2024-06-30T10:00:00+00:00", authors=[_author(50), _author(50)]))
    first, second = items_of(ledger, actors["officer"])
    scored = ledger.items.score(actors["editor"], first["id"], {"coefficient": "7.5"})
    assert (scored["status"], scored["unit_value"], scored["amount"]) == ("scored", 180_000, 675_000)
    assert scored["max_coefficient"] == "10"


def test_a_score_above_the_genre_maximum_is_refused_and_changes_nothing(ledger, deliver, events, actors):
    deliver(events.published())
    (item,) = items_of(ledger, actors["officer"])
    with pytest.raises(InvalidInput) as caught:
        ledger.items.score(actors["officer"], item["id"], {"coefficient": 12})
    assert caught.value.details["limit"] == "10"
    assert ledger.items.get(actors["officer"], item["id"])["status"] == "pending_score"


def test_only_the_paying_desk_scores_and_another_tenant_sees_nothing(ledger, deliver, events, actors):
    deliver(events.published())
    (item,) = items_of(ledger, actors["officer"])
    with pytest.raises(NotFound):
        ledger.items.score(actors["thematic_editor"], item["id"], {"coefficient": 5})
    with pytest.raises(NotFound):
        ledger.items.get(actors["hanoi_officer"], item["id"])
    with pytest.raises(Forbidden):
        ledger.items.score(actors["desk_admin"], item["id"], {"coefficient": 5})  # sees it, may not score


def test_sub_site_items_are_paid_at_the_configured_share_of_the_portal_rate(ledger, deliver, events, actors):
    deliver(events.published(section="tin-hoat-dong", site="component"))
    (item,) = items_of(ledger, actors["hanoi_officer"])
    scored = ledger.items.score(actors["hanoi_editor"], item["id"], {"coefficient": 10})
    assert (scored["site_share"], scored["amount"]) == (20, 468_000)  # 10 × 234,000 × 20 %


def test_unpublishing_before_approval_voids_the_items(ledger, deliver, events, actors):
    published = events.published()
    deliver(published)
    deliver(events.unpublished(published))
    (item,) = items_of(ledger, actors["officer"])
    assert item["status"] == "voided"
    with pytest.raises(Conflict):
        ledger.items.score(actors["officer"], item["id"], {"coefficient": 5})


def test_an_unpublication_that_arrives_first_leaves_the_late_publication_voided(ledger, deliver, events, actors):
    published = events.published()
    deliver(events.unpublished(published))
    deliver(published)
    (item,) = items_of(ledger, actors["officer"])
    assert item["status"] == "voided"


def test_a_correction_pays_only_when_marked_as_new_work(ledger, deliver, events, actors):
    published = events.published()
    deliver(published)
    deliver(events.corrected(published, new_work=False))
    assert len(items_of(ledger, actors["officer"])) == 1
    deliver(events.corrected(published, new_work=True, at="2026-10-08T03:00:00+00:00"))
    revisions = sorted(i["revision"] for i in items_of(ledger, actors["officer"]))
    assert revisions == [1, 2]


def test_a_statement_goes_from_draft_to_approved_to_paid_with_exact_sums(ledger, deliver, events, actors, databases):
    author = _author(100)
    for n in range(3):
        deliver(events.published(authors=[author], at=f"2026-10-0{n + 1}T03:00:00+00:00"))
    for item, coefficient in zip(items_of(ledger, actors["officer"]), ("7.5", "10", "3.33"), strict=True):
        ledger.items.score(actors["editor"], item["id"], {"coefficient": coefficient})
    draft = ledger.statements.create(actors["officer"], {"period": "2026-10"})
    # 1,755,000 + 2,340,000 + 779,220 = 4,874,220; 10 % withheld = 487,422
    assert (draft["status"], draft["gross"], draft["withheld"], draft["net"]) == (
        "draft",
        4_874_220,
        487_422,
        4_386_798,
    )
    approved = ledger.statements.approve(actors["officer"], draft["id"])
    assert (approved["status"], approved["gross"], approved["net"]) == ("approved", 4_874_220, 4_386_798)
    assert sum(e["amount"] for e in approved["entries"]) == approved["gross"]
    assert sum(line["net"] for line in approved["lines"]) == approved["net"]
    with pytest.raises(Conflict):
        ledger.statements.approve(actors["officer"], draft["id"])
    with pytest.raises(InvalidInput):
        ledger.statements.pay(actors["officer"], draft["id"], {"paid_on": "2027-01-01", "reference": "UNC-1"})
    paid = ledger.statements.pay(actors["officer"], draft["id"], {"paid_on": "2026-11-20", "reference": "UNC-0042"})
    assert (paid["status"], paid["paid_on"], paid["payment_reference"]) == ("paid", "2026-11-20", "UNC-0042")
    assert {i["status"] for i in items_of(ledger, actors["officer"])} == {"paid"}


def test_editors_cannot_approve_and_another_desk_cannot_see_the_statement(ledger, deliver, events, actors):
    statement = _stated(ledger, deliver, events, actors)
    with pytest.raises(Forbidden):
        ledger.statements.approve(actors["editor"], statement["id"])
    with pytest.raises(NotFound):
        ledger.statements.get(actors["thematic_officer"], statement["id"])
    with pytest.raises(NotFound):
        ledger.statements.approve(actors["thematic_officer"], statement["id"])


def test_unpublishing_after_approval_adds_a_reversal_to_the_next_statement(ledger, deliver, events, actors, clock):
    published = events.published()
    deliver(published)
    (item,) = items_of(ledger, actors["officer"])
    ledger.items.score(actors["editor"], item["id"], {"coefficient": 5})
    october = ledger.statements.create(actors["officer"], {"period": "2026-10"})
    ledger.statements.approve(actors["officer"], october["id"])
    deliver(events.unpublished(published, at="2026-11-02T03:00:00+00:00"))
    october_after = ledger.statements.get(actors["officer"], october["id"])
    assert october_after["gross"] == 1_170_000  # untouched
    november = ledger.statements.create(actors["officer"], {"period": "2026-11"})
    assert [(e["kind"], e["amount"]) for e in november["entries"]] == [("reversal", -1_170_000)]
    assert november["gross"] == -1_170_000 and november["withheld"] == 0
    assert ledger.items.get(actors["officer"], item["id"])["reversed"] is True


def test_approved_ledger_rows_cannot_be_changed_even_by_sql(ledger, deliver, events, actors, databases):
    statement = _stated(ledger, deliver, events, actors)
    ledger.statements.approve(actors["officer"], statement["id"])
    engine = databases.sessions("royalties").engine
    for sql in (
        "UPDATE ledger_entry SET amount = amount + 1",
        "DELETE FROM ledger_entry",
        "UPDATE statement_line SET net = 0",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(sa.text(sql))


def test_a_second_statement_for_the_same_month_is_refused(ledger, deliver, events, actors):
    _stated(ledger, deliver, events, actors)
    with pytest.raises(Conflict):
        ledger.statements.create(actors["officer"], {"period": "2026-10"})
    with pytest.raises(InvalidInput) as caught:
        ledger.statements.create(actors["officer"], {"period": "2026-13"})
    assert "period" in caught.value.details["errors"]


def test_a_new_rate_never_rewrites_an_approved_statement(ledger, deliver, events, actors):
    statement = _stated(ledger, deliver, events, actors)
    approved = ledger.statements.approve(actors["officer"], statement["id"])
    ledger.rates.create(actors["officer"], {"kind": "unit_value", "effective_from": "2026-01-01", "value": 300_000})
    assert ledger.statements.get(actors["officer"], statement["id"])["gross"] == approved["gross"]
    with pytest.raises(Conflict):
        ledger.rates.create(actors["officer"], {"kind": "unit_value", "effective_from": "2026-01-01", "value": 1})
    with pytest.raises(Forbidden):
        ledger.rates.create(actors["editor"], {"kind": "unit_value", "effective_from": "2026-02-01", "value": 1})


def test_rates_in_force_on_a_day_are_the_latest_row_of_each_kind_not_after_it(ledger, actors):
    units = ledger.rates.list(actors["editor"], {"kind": "unit_value", "on": "2024-06-30"})["items"]
    assert [(r["effective_from"], r["value"]) for r in units] == [("2023-07-01", "180000")]
    assert ledger.rates.list(actors["editor"], {"kind": "unit_value", "on": "2010-01-01"})["items"] == []


def test_overdue_lists_items_unpaid_sixty_days_after_publication(ledger, deliver, events, actors):
    deliver(events.published(at="2026-09-01T03:00:00+00:00"))
    deliver(events.published(at="2026-10-15T03:00:00+00:00"))
    overdue = ledger.items.overdue(actors["officer"], {})
    assert [i["published_at"][:10] for i in overdue["items"]] == ["2026-09-01"]
    assert overdue["items"][0]["overdue"] is True


def test_a_merged_tenants_statements_stay_and_its_open_items_follow_the_survivor(
    ledger, deliver, events, actors, tenants, databases
):
    hanoi, danang = tenants["LDLD-HN"], tenants["LDLD-DN"]
    old = events.published(section="tin", site="component", tenant_id=danang)
    deliver(old)
    danang_officer = actors["danang_officer"]
    (item,) = items_of(ledger, danang_officer)
    ledger.items.score(danang_officer, item["id"], {"coefficient": 5})
    past = ledger.statements.approve(
        danang_officer, ledger.statements.create(danang_officer, {"period": "2026-10"})["id"]
    )
    deliver(events.published(section="tin", site="component", tenant_id=danang, at="2026-10-20T03:00:00+00:00"))
    with databases.sessions("royalties").transaction() as session:
        ledger.directory.merge_tenant(
            session, {"tenant_id": danang, "into_tenant_id": hanoi, "merged_at": "2026-11-01T00:00:00+00:00"}
        )
    deliver(events.published(section="tin", site="component", tenant_id=danang, at="2026-11-05T03:00:00+00:00"))
    assert ledger.statements.get(actors["admin"], past["id"])["tenant_id"] == danang
    assert ledger.statements.get(actors["admin"], past["id"])["gross"] == past["gross"]
    moved = items_of(ledger, actors["hanoi_officer"])
    assert len(moved) == 2 and {i["tenant_id"] for i in moved} == {hanoi}


def test_reconciliation_counts_the_trail_and_lists_discrepancies(ledger, deliver, events, actors, databases):
    deliver(events.published())
    scored = events.published(at="2026-10-02T03:00:00+00:00")
    deliver(scored)
    item = items_of(ledger, actors["officer"], article_id=scored["article_id"])[0]
    ledger.items.score(actors["editor"], item["id"], {"coefficient": 5})
    statement = ledger.statements.create(actors["officer"], {"period": "2026-10"})
    ledger.statements.approve(actors["officer"], statement["id"])
    report = ledger.reconciliation.period(actors["officer"], {"period": "2026-10"})
    assert report["events"]["published"] == 2
    assert report["items"]["created"] == 2 and report["items"]["approved"] == 1
    assert report["amounts"]["approved"] == 1_170_000
    assert [d["code"] for d in report["discrepancies"]] == ["NOT_SCORED"]
    # an item lost behind the service's back is reported against its event
    with databases.sessions("royalties").transaction() as session:
        session.execute(sa.text("DELETE FROM royalty_item WHERE status = 'pending_score'"))
    report = ledger.reconciliation.period(actors["officer"], {"period": "2026-10"})
    assert [d["code"] for d in report["discrepancies"]] == ["EVENT_WITHOUT_ITEMS"]


def test_exports_have_vietnamese_headers_a_bom_and_the_same_sums(ledger, deliver, events, actors):
    import base64
    import io

    from openpyxl import load_workbook

    statement = _stated(ledger, deliver, events, actors)
    csv_file = ledger.statements.export(actors["officer"], statement["id"], {"format": "csv"})
    data = base64.b64decode(csv_file["data"])
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert "Người nhận" in text and "Khấu trừ thuế TNCN (đồng)" in text and "1170000" in text
    xlsx = ledger.statements.export(actors["officer"], statement["id"], {"format": "xlsx"})
    book = load_workbook(io.BytesIO(base64.b64decode(xlsx["data"])))
    assert book.sheetnames == ["Bảng kê", "Chi tiết"]
    values = [row for row in book["Bảng kê"].iter_rows(values_only=True)]
    assert (None, "Tổng cộng", 1, 1_170_000, 0, 1_170_000) in values


def _author(share):
    return {"user_id": str(uuid.uuid4()), "pen_name": "Tác giả", "share": share}


def _stated(ledger, deliver, events, actors):
    deliver(events.published())
    (item,) = items_of(ledger, actors["officer"])
    ledger.items.score(actors["editor"], item["id"], {"coefficient": 5})
    return ledger.statements.create(actors["officer"], {"period": "2026-10"})


def test_approval_and_payment_publish_their_facts_through_the_outbox_as_the_contract_says(
    ledger, deliver, events, actors, databases
):
    from platform_shared.contracts import royalties as contracts
    from platform_shared.tables import outbox

    statement = _stated(ledger, deliver, events, actors)
    ledger.statements.approve(actors["officer"], statement["id"])
    ledger.statements.pay(actors["officer"], statement["id"], {"paid_on": "2026-11-20", "reference": "UNC-7"})
    with databases.sessions("royalties").read() as session:
        rows = session.execute(sa.select(outbox.c.event_type, outbox.c.payload).order_by(outbox.c.id)).all()
    assert [r.event_type for r in rows] == [contracts.STATEMENT_APPROVED, contracts.STATEMENT_PAID]
    approved, paid = (contracts.SCHEMAS[r.event_type]().load(r.payload) for r in rows)
    assert (approved["statement_id"], approved["gross"], approved["net"], approved["payees"]) == (
        statement["id"],
        1_170_000,
        1_170_000,
        1,
    )
    assert (paid["net"], paid["paid_on"], paid["reference"]) == (1_170_000, "2026-11-20", "UNC-7")
