"""Comments on published articles: asked of the content service by RPC, pre-moderated by
default, hidden after three distinct reports, moderated by the article tenant only, plain
Vietnamese text, rate-limited per user and per address, hidden when the article is unpublished."""

import pytest

from platform_shared.testing.waiting import wait_for

NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công nhân may mặc được tăng lương từ tháng Giêng",
    "body": "<p>Doanh nghiệp cam kết tăng lương tối thiểu 7% cho người lao động.</p>",
}
COMMENT = {"body": "Tin rất vui cho anh chị em công nhân, mong các doanh nghiệp khác cũng làm như vậy."}


@pytest.fixture
def media_backend(tmp_path):
    """Comments do not depend on where photos are stored: the filesystem backend only."""
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


@pytest.fixture
def feedback_settings():
    return {"FEEDBACK_COMMENT_LIMIT_USER": 3, "FEEDBACK_COMMENT_LIMIT_ADDRESS": 4}


@pytest.fixture
def article(api, login, content_service, feedback_service):
    contributor, desk = api.as_(login("hanoi.contributor")), api.as_(login("laodong.editor"))
    created = contributor.post("/api/v1/articles", json=NEWS).json
    path = f"/api/v1/articles/{created['id']}"
    assert contributor.post(f"{path}/submit").status_code == 200
    for action in ("open", "approve", "publish"):
        assert desk.post(f"{path}/{action}").status_code == 200
    return created


@pytest.fixture
def member(api, login):
    return api.as_(login("hanoi.member"))


@pytest.fixture
def moderator(api, login):
    return api.as_(login("hanoi.moderator"))


def comments_of(api, article):
    return api.as_(None).get(f"/api/v1/articles/{article['id']}/comments").json


def test_a_comment_waits_for_a_moderator_of_the_articles_tenant(api, login, article, member, moderator):
    posted = member.post(f"/api/v1/articles/{article['id']}/comments", json=COMMENT)
    assert posted.status_code == 201, posted.json
    assert posted.json["status"] == "pending" and posted.json["author_name"] == "Đỗ Thị Lan"
    assert comments_of(api, article)["total"] == 0
    assert [c["id"] for c in moderator.get("/api/v1/comments").json["items"]] == [posted.json["id"]]
    other = api.as_(login("danang.admin"))
    assert other.post(f"/api/v1/comments/{posted.json['id']}/approve").status_code == 404
    assert other.get("/api/v1/comments").json["total"] == 0
    assert member.post(f"/api/v1/comments/{posted.json['id']}/approve").status_code == 403
    assert moderator.post(f"/api/v1/comments/{posted.json['id']}/approve").json["status"] == "published"
    shown = comments_of(api, article)["items"]
    assert [c["body"] for c in shown] == [COMMENT["body"]] and "author_id" not in shown[0]


def test_three_distinct_reports_hide_a_comment_until_a_moderator_decides(api, login, article, member, moderator):
    posted = member.post(f"/api/v1/articles/{article['id']}/comments", json=COMMENT).json
    moderator.post(f"/api/v1/comments/{posted['id']}/approve")
    path = f"/api/v1/comments/{posted['id']}/report"
    first = api.as_(login("hanoi.contributor"))
    assert first.post(path, json={"reason": "Nội dung sai sự thật"}).json == {
        "id": posted["id"],
        "reports": 1,
        "hidden": False,
    }
    assert first.post(path, json={}).json["reports"] == 1  # one user counts once
    assert api.as_(login("hanoi.responder")).post(path, json={}).json["hidden"] is False
    assert api.as_(None).post(path, json={}).status_code == 401
    third = api.as_(login("danang.admin")).post(path, json={})
    assert third.json == {"id": posted["id"], "reports": 3, "hidden": True}
    assert comments_of(api, article)["total"] == 0
    hidden = moderator.get("/api/v1/comments", query_string={"status": "hidden"}).json["items"]
    assert hidden[0]["hidden_reason"] == "reports"
    assert moderator.post(f"/api/v1/comments/{posted['id']}/approve").status_code == 200
    assert comments_of(api, article)["total"] == 1


def test_guests_comment_only_where_the_section_allows_it(api, login, article, moderator):
    guest = api.as_(None)
    path = f"/api/v1/articles/{article['id']}/comments"
    refused = guest.post(path, json={**COMMENT, "guest_name": "Bạn đọc"})
    assert (refused.status_code, refused.json["code"]) == (401, "LOGIN_REQUIRED")
    settings = {"section": "news", "premoderated": False, "guests_allowed": True}
    assert api.as_(login("hanoi.admin")).patch("/api/v1/comments/settings", json=settings).status_code == 403
    assert api.as_(login("admin")).patch("/api/v1/comments/settings", json=settings).status_code == 200
    nameless = guest.post(path, json=COMMENT)
    assert nameless.status_code == 422 and "guest_name" in nameless.json["errors"]
    markup = guest.post(path, json={**COMMENT, "guest_name": "<b>Bạn đọc</b>"})
    assert markup.status_code == 422 and "guest_name" in markup.json["errors"]
    posted = guest.post(path, json={**COMMENT, "guest_name": "Bạn đọc Hải Phòng"})
    assert posted.status_code == 201 and posted.json["status"] == "published"
    assert comments_of(api, article)["items"][0]["author_name"] == "Bạn đọc Hải Phòng"


def from_address(address):
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_comments_are_rate_limited_per_user(api, article, member):
    path = f"/api/v1/articles/{article['id']}/comments"
    for n in range(3):
        assert member.post(path, json=COMMENT, **from_address(f"198.51.100.{n + 1}")).status_code == 201
    refused = member.post(path, json=COMMENT, **from_address("198.51.100.99"))
    assert refused.status_code == 429 and refused.json["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_comments_are_rate_limited_per_client_address(api, login, article):
    path = f"/api/v1/articles/{article['id']}/comments"
    names = ("hanoi.member", "hanoi.responder", "hanoi.contributor", "hanoi.admin", "hanoi.moderator")
    users = [api.as_(login(name)) for name in names]
    for user in users[:4]:
        assert user.post(path, json=COMMENT, **from_address("203.0.113.5")).status_code == 201
    refused = users[4].post(path, json=COMMENT, **from_address("203.0.113.5"))
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert users[4].post(path, json=COMMENT, **from_address("203.0.113.6")).status_code == 201


@pytest.mark.parametrize(
    "body, field, code",
    [
        ({"body": "Tin <a href='x'>hay</a> quá, cảm ơn tòa soạn đã đưa tin kịp thời"}, "body", "HTML_NOT_ALLOWED"),
        (
            {"body": "tin rat vui cho anh chi em cong nhan, mong cac doanh nghiep khac lam theo"},
            "body",
            "DIACRITICS_REQUIRED",
        ),
        ({"body": ""}, "body", "VALIDATION_ERROR"),
        ({"body": "x" * 2001}, "body", "VALIDATION_ERROR"),
        ({}, "body", "VALIDATION_ERROR"),
        ({**COMMENT, "rating": 5}, "rating", "VALIDATION_ERROR"),
    ],
)
def test_bad_comments_are_refused_naming_the_field(api, article, member, moderator, body, field, code):
    response = member.post(f"/api/v1/articles/{article['id']}/comments", json=body)
    assert response.status_code == 422, response.json
    assert response.json["code"] == code and field in response.json["errors"]
    assert moderator.get("/api/v1/comments").json["total"] == 0


def test_only_published_articles_take_comments(api, login, article, member):
    draft = api.as_(login("hanoi.contributor")).post("/api/v1/articles", json=NEWS).json
    assert member.post(f"/api/v1/articles/{draft['id']}/comments", json=COMMENT).status_code == 404
    assert member.post("/api/v1/articles/khong-co/comments", json=COMMENT).status_code == 404
    unknown = "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c"
    assert member.post(f"/api/v1/articles/{unknown}/comments", json=COMMENT).status_code == 404


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/api/v1/comments/settings", {"section": "news", "premoderated": "có"}, "premoderated"),
        ("/api/v1/comments/settings", {"premoderated": True, "guests_allowed": False}, "section"),
    ],
)
def test_bad_comment_settings_name_the_field(api, login, article, path, body, field):
    response = api.as_(login("admin")).patch(path, json=body)
    assert response.status_code == 422 and field in response.json["errors"]


def test_bad_reports_and_moderation_targets(api, login, article, member, moderator):
    posted = member.post(f"/api/v1/articles/{article['id']}/comments", json=COMMENT).json
    long = api.as_(login("hanoi.responder")).post(f"/api/v1/comments/{posted['id']}/report", json={"reason": "x" * 501})
    assert long.status_code == 422 and "reason" in long.json["errors"]
    # a pending comment is not there for readers to report
    assert api.as_(login("hanoi.responder")).post(f"/api/v1/comments/{posted['id']}/report", json={}).status_code == 404
    assert moderator.post("/api/v1/comments/khong-co/hide").status_code == 404
    bad_list = moderator.get("/api/v1/comments", query_string={"status": "deleted"})
    assert bad_list.status_code == 422 and "status" in bad_list.json["errors"]


def test_unpublishing_the_article_hides_its_comments(api, login, article, member, moderator, relay):
    posted = member.post(f"/api/v1/articles/{article['id']}/comments", json=COMMENT).json
    moderator.post(f"/api/v1/comments/{posted['id']}/approve")
    relay("content")
    desk = api.as_(login("laodong.editor"))
    gone = desk.post(f"/api/v1/articles/{article['id']}/unpublish", json={"reason": "Thông tin cần kiểm chứng lại."})
    assert gone.status_code == 200
    # an unpublished article has no comments to list (tests/api/test_feedback_comments_security.py)
    assert api.as_(None).get(f"/api/v1/articles/{article['id']}/comments").status_code == 404
    hidden = wait_for(
        lambda: moderator.get("/api/v1/comments", query_string={"status": "hidden"}).json["items"],
        message="the comments to be hidden",
    )
    assert hidden[0]["hidden_reason"] == "article_unpublished"
    assert moderator.post(f"/api/v1/comments/{posted['id']}/approve").status_code == 409
