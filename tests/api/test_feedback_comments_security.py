"""Comments of an article exist only while it is published: listing or posting comments of
a draft, an article in review, another tenant's unpublished work or an article that does not
exist answers 404 naming the article (never an empty list that tells a prober the id is an
article), the same for readers, members and moderators."""

import pytest

NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công nhân may mặc được tăng lương từ tháng Giêng",
    "body": "<p>Doanh nghiệp cam kết tăng lương tối thiểu 7% cho người lao động.</p>",
}
COMMENT = {"body": "Tin rất vui cho anh chị em công nhân, mong các doanh nghiệp khác cũng làm như vậy."}
UNKNOWN = "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c"


@pytest.fixture
def media_backend(tmp_path):
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


@pytest.fixture
def articles(api, login, content_service, feedback_service):
    """A published article, a draft, one in review (all of Hà Nội) and Đà Nẵng's draft."""
    contributor, desk = api.as_(login("hanoi.contributor")), api.as_(login("laodong.editor"))
    made = {}
    for name in ("published", "draft", "submitted"):
        created = contributor.post("/api/v1/articles", json={**NEWS, "title": f"{NEWS['title']} ({name})"})
        assert created.status_code == 201, created.json
        made[name] = created.json["id"]
    path = f"/api/v1/articles/{made['published']}"
    assert contributor.post(f"{path}/submit").status_code == 200
    for action in ("open", "approve", "publish"):
        assert desk.post(f"{path}/{action}").status_code == 200
    assert contributor.post(f"/api/v1/articles/{made['submitted']}/submit").status_code == 200
    foreign = api.as_(login("danang.admin")).post("/api/v1/articles", json=NEWS)
    assert foreign.status_code == 201, foreign.json
    made["foreign draft"] = foreign.json["id"]
    return made


WHO = ("anonymous", "hanoi.member", "hanoi.moderator", "danang.admin", "admin")


def as_(api, login, who):
    return api.as_(None if who == "anonymous" else login(who))


def test_a_published_articles_comments_are_listed(api, login, articles):
    path = f"/api/v1/articles/{articles['published']}/comments"
    posted = api.as_(login("hanoi.member")).post(path, json=COMMENT)
    assert posted.status_code == 201, posted.json
    for who in WHO:
        listed = as_(api, login, who).get(path)
        assert listed.status_code == 200 and listed.json["total"] == 0  # still waiting for a moderator
    pending = api.as_(login("hanoi.moderator")).get(path, query_string={"status": "pending"})
    assert pending.status_code == 200 and [c["id"] for c in pending.json["items"]] == [posted.json["id"]]


@pytest.mark.parametrize("which", ["draft", "submitted", "foreign draft", "unknown", "malformed"])
def test_comments_of_an_article_that_is_not_published_are_404(api, login, articles, which):
    ident = {"unknown": UNKNOWN, "malformed": "khong-co"}.get(which) or articles[which]
    path = f"/api/v1/articles/{ident}/comments"
    for who in WHO:
        client = as_(api, login, who)
        for response in (
            client.get(path),
            client.get(path, query_string={"status": "pending"}),
            client.post(path, json={**COMMENT, "guest_name": "Bạn đọc"} if who == "anonymous" else COMMENT),
        ):
            assert response.status_code == 404, (who, response.json)
            assert response.json["code"] == "ARTICLE_NOT_FOUND" and ident in response.json["message"]


def test_bad_list_arguments_still_name_the_field(api, login, articles):
    response = api.as_(None).get(f"/api/v1/articles/{articles['draft']}/comments", query_string={"status": "x"})
    assert response.status_code == 422 and "status" in response.json["errors"]
