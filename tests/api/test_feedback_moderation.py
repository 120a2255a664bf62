"""What the moderators' workspace asks of feedback: topics with an opening and a closing day,
closed and opened again by their tenant's admin; the comment queue's «reported» list with the
reports (reason, time) and the article each comment is on; the sections' comment settings (a
sub-site section content does not know is refused beside the field); the counts of what waits."""

import pytest

from platform_shared.testing.waiting import wait_for

NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công nhân may mặc được tăng lương từ tháng Giêng",
    "body": "<p>Doanh nghiệp cam kết tăng lương tối thiểu 7% cho người lao động.</p>",
}
COMMENT = {"body": "Tin rất vui cho anh chị em công nhân, mong các doanh nghiệp khác cũng làm như vậy."}
TOPIC = {
    "title": "Góp ý dự thảo quy chế dân chủ ở cơ sở",
    "description": "Liên đoàn Lao động thành phố lấy ý kiến đoàn viên về dự thảo quy chế dân chủ tại nơi làm việc.",
}
OPINION = "Tôi đề nghị bổ sung quy định đối thoại định kỳ mỗi quý giữa công đoàn và người sử dụng lao động."


@pytest.fixture
def media_backend(tmp_path):
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


@pytest.fixture
def article(api, login, content_service, feedback_service):
    contributor, desk = api.as_(login("hanoi.contributor")), api.as_(login("laodong.editor"))
    created = contributor.post("/api/v1/articles", json=NEWS).json
    path = f"/api/v1/articles/{created['id']}"
    assert contributor.post(f"{path}/submit").status_code == 200
    for action in ("open", "approve", "publish"):
        assert desk.post(f"{path}/{action}").status_code == 200
    return created


def test_a_topic_opens_and_closes_on_its_days_and_only_its_tenants_admin_closes_it(api, login, feedback_service):
    admin, moderator = api.as_(login("hanoi.admin")), api.as_(login("hanoi.moderator"))
    backwards = admin.post(
        "/api/v1/opinions/topics", json={**TOPIC, "opens_on": "2030-05-10", "closes_on": "2030-05-01"}
    )
    assert backwards.status_code == 422 and list(backwards.json["errors"]) == ["closes_on"]
    later = admin.post("/api/v1/opinions/topics", json={**TOPIC, "opens_on": "2099-01-01"}).json
    assert (later["opens_on"], later["accepting"], later["opinion_counts"]) == (
        "2099-01-01",
        False,
        {
            "pending": 0,
            "published": 0,
            "hidden": 0,
        },
    )
    assert later["upcoming"] is True
    member = api.as_(login("hanoi.member"))
    early = member.post("/api/v1/opinions", json={"topic_id": later["id"], "body": OPINION})
    assert (early.status_code, early.json["code"]) == (409, "TOPIC_CLOSED")

    topic = admin.post("/api/v1/opinions/topics", json=TOPIC).json
    assert member.post("/api/v1/opinions", json={"topic_id": topic["id"], "body": OPINION}).status_code == 201
    mine = moderator.get("/api/v1/opinions/topics", query_string={"mine": "true"}).json["items"]
    assert {t["id"]: t["opinion_counts"]["pending"] for t in mine} == {topic["id"]: 1, later["id"]: 0}
    assert member.get(f"/api/v1/opinions/topics/{topic['id']}").json["opinion_counts"] is None
    assert member.get(f"/api/v1/opinions/topics/{topic['id']}", query_string={"moderated": "true"}).status_code == 403
    assert member.get("/api/v1/opinions/topics", query_string={"mine": "true"}).status_code == 403
    national = api.as_(login("admin")).post("/api/v1/opinions/topics", json=TOPIC).json
    assert moderator.get(f"/api/v1/opinions/topics/{national['id']}").status_code == 200
    assert moderator.get(f"/api/v1/opinions/topics/{national['id']}", query_string={"moderated": 1}).status_code == 404

    path = f"/api/v1/opinions/topics/{topic['id']}"
    assert moderator.post(f"{path}/close").status_code == 403
    assert api.as_(login("danang.admin")).post(f"{path}/close").status_code == 404
    closed = admin.post(f"{path}/close")
    assert (closed.status_code, closed.json["status"], closed.json["accepting"]) == (200, "closed", False)
    assert admin.post(f"{path}/close").status_code == 409
    refused = member.post("/api/v1/opinions", json={"topic_id": topic["id"], "body": OPINION})
    assert refused.status_code == 409
    past = admin.post(f"{path}/open", json={"closes_on": "2001-01-01"})
    assert past.status_code == 422 and list(past.json["errors"]) == ["closes_on"]
    opened = admin.post(f"{path}/open", json={"closes_on": "2099-12-31"}).json
    assert (opened["status"], opened["closes_on"], opened["accepting"]) == ("open", "2099-12-31", True)


def test_the_reported_list_shows_each_report_and_the_article_until_a_moderator_decides(api, login, article):
    moderator = api.as_(login("hanoi.moderator"))
    posted = api.as_(login("hanoi.member")).post(f"/api/v1/articles/{article['id']}/comments", json=COMMENT).json
    waiting = moderator.get("/api/v1/comments/waiting").json
    assert waiting == {"comments_pending": 1, "comments_reported": 0, "opinions_pending": 0}
    assert api.as_(login("hanoi.contributor")).get("/api/v1/comments/waiting").json == {
        "comments_pending": None,
        "comments_reported": None,
        "opinions_pending": None,
    }
    assert moderator.post(f"/api/v1/comments/{posted['id']}/approve").status_code == 200
    report = f"/api/v1/comments/{posted['id']}/report"
    assert api.as_(login("hanoi.contributor")).post(report, json={"reason": "Nội dung sai sự thật"}).status_code == 200

    def reported():
        return moderator.get("/api/v1/comments", query_string={"status": "reported"}).json

    [item] = reported()["items"]
    assert (item["article_title"], item["article_slug"], item["article_site"]) == (
        NEWS["title"],
        article["slug"],
        None,
    )
    assert [(r["reason"], bool(r["at"])) for r in item["report_details"]] == [("Nội dung sai sự thật", True)]
    assert moderator.post(f"/api/v1/comments/{posted['id']}/approve").status_code == 200
    assert reported()["total"] == 0  # decided after the report

    for who in ("hanoi.responder", "danang.admin", "hanoi.admin"):
        assert api.as_(login(who)).post(report, json={}).status_code == 200
    [hidden] = reported()["items"]
    assert (hidden["status"], hidden["hidden_reason"], hidden["reports"]) == ("hidden", "reports", 4)
    assert len(hidden["report_details"]) == 4
    assert moderator.get("/api/v1/comments/waiting").json["comments_reported"] == 1
    assert (
        api.as_(login("danang.admin")).get("/api/v1/comments", query_string={"status": "reported"}).json["total"] == 0
    )
    assert moderator.post(f"/api/v1/comments/{posted['id']}/hide").status_code == 200
    wait_for(lambda: reported()["total"] == 0, message="the hidden comment to leave the reported list")


def test_section_settings_are_listed_and_an_unknown_section_is_refused(api, login, article):
    admin, hanoi = api.as_(login("admin")), api.as_(login("hanoi.admin"))
    created = hanoi.post("/api/v1/sections", json={"key": "hoat-dong", "name": "Hoạt động công đoàn"})
    assert created.status_code == 201, created.json
    listed = {s["section"]: s for s in hanoi.get("/api/v1/comments/settings").json["items"]}
    assert {"news", "thematic", "directives", "hoat-dong"} <= set(listed)
    assert (listed["news"]["may_change"], listed["hoat-dong"]["may_change"]) == (False, True)
    assert (listed["hoat-dong"]["premoderated"], listed["hoat-dong"]["saved"]) == (True, False)
    assert listed["hoat-dong"]["section_name"] == "Hoạt động công đoàn"

    open_to_guests = {"premoderated": False, "guests_allowed": True}
    unknown = hanoi.patch("/api/v1/comments/settings", json={"section": "khong-co", **open_to_guests})
    assert (unknown.status_code, unknown.json["code"], list(unknown.json["errors"])) == (
        422,
        "UNKNOWN_SECTION",
        ["section"],
    )
    assert hanoi.patch("/api/v1/comments/settings", json={"section": "hoat-dong", **open_to_guests}).status_code == 200
    again = {s["section"]: s for s in hanoi.get("/api/v1/comments/settings").json["items"]}["hoat-dong"]
    assert (again["premoderated"], again["guests_allowed"], again["saved"]) == (False, True, True)
    assert {s["section"]: s for s in admin.get("/api/v1/comments/settings").json["items"]}["news"]["may_change"]
    assert api.as_(login("hanoi.member")).get("/api/v1/comments/settings").status_code == 403
