"""The document library, weekly quotas and their closing, merges."""

import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import select

from platform_shared.contracts import content as contracts
from platform_shared.tables import outbox
from platform_shared.testing.waiting import wait_for
from platform_shared.testing.workers import start_worker

NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Đại hội Công đoàn cơ sở nhiệm kỳ 2026–2031",
    "body": "<p>Đại hội bầu Ban Chấp hành gồm 9 đồng chí.</p>",
}


@pytest.fixture
def office(api, login, content_service):
    return api.as_(login("admin"))


def tenant_ids(office):
    return {t["code"]: t["id"] for t in office.get("/api/v1/tenants?per_page=100").json["items"]}


def test_a_directive_goes_down_to_its_recipients_with_read_receipts(api, login, office):
    ids = tenant_ids(office)
    created = office.post(
        "/api/v1/documents",
        json={
            "number": "1197/TLĐ",
            "doc_type": "directive",
            "issued_on": "2026-11-20",
            "effective_on": "2026-11-20",
            "abstract": "Về việc tổ chức chăm lo Tết Nguyên đán cho đoàn viên, người lao động năm 2027",
            "recipients": [ids["LDLD-HN"], ids["LDLD-DN"]],
        },
    )
    assert created.status_code == 201, created.json
    document = created.json
    assert document["issuer"] == "Văn phòng Tổng Liên đoàn" and document["doc_type_label"] == "Chỉ thị"

    hanoi = api.as_(login("hanoi.admin"))
    listed = hanoi.get("/api/v1/documents", query_string={"q": "cham lo tet", "unread": "true"}).json
    assert [d["number"] for d in listed["items"]] == ["1197/TLĐ"]
    assert hanoi.get(f"/api/v1/documents/{document['id']}").status_code == 200
    assert hanoi.get("/api/v1/documents?unread=true").json["total"] == 0

    receipts = {
        r["tenant_id"]: r["read_at"] for r in office.get(f"/api/v1/documents/{document['id']}").json["receipts"]
    }
    assert receipts[ids["LDLD-HN"]] is not None and receipts[ids["LDLD-DN"]] is None

    hcm = api.as_(login("hanoi.member"))  # a member of a recipient tenant reads it too
    assert hcm.get(f"/api/v1/documents/{document['id']}").status_code == 200
    outsider_token = api.login("laodong.editor", "Mat-khau-demo-2026")
    assert api.as_(outsider_token).get(f"/api/v1/documents/{document['id']}").status_code == 404


@pytest.mark.parametrize(
    "change, field, status",
    [
        ({"effective_on": "2026-11-01"}, "effective_on", 422),
        ({"recipients": []}, "recipients", 422),
        ({"recipients": ["6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c"]}, "recipients", 422),
        ({"doc_type": "memo"}, "doc_type", 422),
        ({"issued_on": "20/11/2026"}, "issued_on", 422),
    ],
)
def test_bad_documents_are_refused(office, change, field, status):
    ids = tenant_ids(office)
    body = {
        "number": "01/HD-TLĐ",
        "doc_type": "guidance",
        "issued_on": "2026-11-20",
        "abstract": "Hướng dẫn tổ chức đại hội công đoàn cơ sở",
        "recipients": [ids["LDLD-HN"]],
        **change,
    }
    response = office.post("/api/v1/documents", json=body)
    assert response.status_code == status and field in response.json["errors"], response.json


def test_only_the_vgcl_issues_documents_and_numbers_are_unique(api, login, office):
    ids = tenant_ids(office)
    body = {
        "number": "02/TB-TLĐ",
        "doc_type": "notice",
        "issued_on": "2026-11-20",
        "abstract": "Thông báo lịch nghỉ Tết",
        "all_tenants": True,
    }
    assert office.post("/api/v1/documents", json=body).status_code == 201
    again = office.post("/api/v1/documents", json=body)
    assert again.status_code == 409 and "number" in again.json["errors"]
    federation = api.as_(login("hanoi.admin"))
    assert federation.post("/api/v1/documents", json={**body, "number": "03/HN"}).status_code == 403
    assert federation.get("/api/v1/documents").json["total"] == 1  # addressed to everyone
    assert ids


def test_weekly_compliance_for_a_federation_and_for_the_desks(api, login, office):
    contributor = api.as_(login("hanoi.contributor"))
    article = contributor.post("/api/v1/articles", json=NEWS).json
    hanoi = api.as_(login("hanoi.admin"))
    before = hanoi.get("/api/v1/quotas/compliance").json["items"][0]
    assert (before["status"], before["required"], before["submitted"]) == ("at_risk", 1, 0)
    contributor.post(f"/api/v1/articles/{article['id']}/submit")
    after = hanoi.get("/api/v1/quotas/compliance").json
    assert [(i["tenant_code"], i["status"], i["submitted"], i["used"]) for i in after["items"]] == [
        ("LDLD-HN", "met", 1, 0)
    ]
    assert after["totals"] is None  # a federation sees its own line only

    desk_view = api.as_(login("tuyengiao.editor")).get("/api/v1/quotas/compliance").json
    codes = {i["tenant_code"]: i for i in desk_view["items"]}
    assert codes["LDLD-HN"]["status"] == "met" and codes["LDLD-DN"]["status"] == "at_risk"
    assert codes["BTG"]["required"] == 2 and codes["BTG"]["label"].startswith("Ít nhất 2 bài")
    assert desk_view["totals"]["met"] == 1
    rules = hanoi.get("/api/v1/quotas/rules").json
    assert {r["id"] for r in rules} == {"news-weekly-1", "thematic-weekly-2"}
    assert hanoi.get("/api/v1/quotas/compliance?week=2026-W99").status_code == 422
    assert hanoi.get("/api/v1/quotas/compliance?week=hôm nay").status_code == 422
    past = hanoi.get("/api/v1/quotas/compliance?week=2026-W40").json["items"][0]
    assert past["status"] == "missed"


def test_several_weeks_and_a_quarter_in_one_call(api, login, office, content_service):
    from datetime import UTC, datetime, timedelta

    from content.quotas.domain import week_of

    contributor = api.as_(login("hanoi.contributor"))
    article = contributor.post("/api/v1/articles", json=NEWS).json
    contributor.post(f"/api/v1/articles/{article['id']}/submit")
    now = datetime.now(UTC)
    this_week, earlier = week_of(now), week_of(now - timedelta(days=21))
    me = api.as_(login("laodong.editor")).get("/api/v1/me").json
    editor = {"user_id": me["user"]["id"], "tenant_id": me["tenant"]["id"], "roles": ["editor"]}
    with entrypoint_hook(content_service, "quota_compliance_weeks") as weeks:
        answer = weeks(editor, {"first": earlier, "last": this_week})
        assert [w["week"] for w in answer["weeks"]][::3] == [earlier, this_week] and len(answer["weeks"]) == 4
        assert answer["desk_sections"] == ["news"]  # Báo Lao Động is the news desk
        now_hn = next(i for i in answer["weeks"][-1]["items"] if i["tenant_code"] == "LDLD-HN")
        assert now_hn["status"] == "met"
        hanoi = next(t for t in answer["tenants"] if t["tenant_code"] == "LDLD-HN")
        assert (hanoi["weeks"], hanoi["met"], hanoi["missed"]) == (4, 1, 3)
        quarter = weeks(editor, {"quarter": "2026-Q1"})
        assert quarter["quarter"] == "2026-Q1" and quarter["weeks"][0]["week"] == "2026-W02"
        for bad in ({"first": this_week}, {"first": "2026-W01", "last": "2026-W20"}, {"quarter": "2026-Q5"}):
            with pytest.raises(Exception) as refused:
                weeks(editor, bad)
            assert type(refused.value).__name__ == "InvalidInput"


def test_closing_a_week_writes_one_missed_fact_per_tenant_and_rule(content_service, databases):
    def close():
        with entrypoint_hook(content_service, "close_quota_weeks") as run:
            return run()

    first = close()
    assert len(first["missed"]) == 7  # 3 federations, 2 unions, the Office and the Propaganda Dept sent nothing
    assert close()["missed"] == []  # closed once
    with databases.sessions("content").transaction() as session:
        facts = (
            session.execute(select(outbox.c.payload).where(outbox.c.event_type == contracts.QUOTA_MISSED))
            .scalars()
            .all()
        )
    assert len(facts) == 7
    for fact in facts:
        assert contracts.QuotaMissed().load(fact)["week"] == first["week"]


def test_two_replicas_closing_the_week_at_once_write_each_missed_fact_once(start_service, content_service, databases):
    """Ticks of two replicas that overlap (the lock aside): the closed week's key decides, the
    later tick writes nothing and does not fail."""
    replica = start_service("content", CONTENT_QUOTA_CLOSE_INTERVAL_SECONDS=3600)
    ticks = [start_worker(c, "close_quota_weeks") for c in (content_service, replica) * 3]
    closed = [tick.wait() for tick in ticks]  # none raises
    assert len({c["week"] for c in closed}) == 1
    with databases.sessions("content").transaction() as session:
        facts = (
            session.execute(select(outbox.c.payload).where(outbox.c.event_type == contracts.QUOTA_MISSED))
            .scalars()
            .all()
        )
    assert len(facts) == 7
    assert len({(f["tenant_id"], f["rule"]) for f in facts}) == 7
    assert sorted(t for c in closed for t in c["missed"]) == sorted(f["tenant_id"] for f in facts)


def test_after_a_merge_items_follow_the_surviving_tenant_and_the_old_slug_still_answers(
    api, login, office, relay, databases
):
    danang = api.as_(login("danang.admin"))
    article = danang.post("/api/v1/articles", json={**NEWS, "title": "Công đoàn Đà Nẵng tổ chức Hội thao"}).json
    danang.post(f"/api/v1/articles/{article['id']}/submit")
    editor = api.as_(login("laodong.editor"))
    for action in ("open", "approve", "publish"):
        editor.post(f"/api/v1/articles/{article['id']}/{action}")
    ids = tenant_ids(office)
    assert office.post(f"/api/v1/tenants/{ids['LDLD-DN']}/merge", json={"into": ids["LDLD-HN"]}).status_code == 200
    relay("accounts", "content")  # the merge reaches content; its site_updated fact reaches the gateway

    site = wait_for(
        lambda: (s := api.get("/api/v1/public/sites/da-nang").json).get("merged_from") and s,
        message="the merge to reach the content service",
    )
    assert site["tenant"]["slug"] == "ha-noi" and "hợp nhất" in site["notice"]
    assert [a["id"] for a in site["articles"]["items"]] == [article["id"]]
    compliance = {i["tenant_code"]: i for i in office.get("/api/v1/quotas/compliance").json["items"]}
    assert compliance["LDLD-DN"]["submitted"] == 1  # this week's history keeps the old tenant's name
    assert compliance["LDLD-HN"]["submitted"] == 0
    with databases.sessions("content").transaction() as session:
        (fact,) = (
            session.execute(select(outbox.c.payload).where(outbox.c.event_type == contracts.SITE_UPDATED))
            .scalars()
            .all()
        )
    assert (
        contracts.SiteUpdated().load(fact) | {} and fact["reason"] == "merged" and fact["tenant_id"] == ids["LDLD-DN"]
    )
