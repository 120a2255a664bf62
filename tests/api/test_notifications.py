"""``/api/v1/notifications`` with the real services: an article returned and then published reaches
its writer through content's outbox and relay; a person reads and marks only their own; bad
arguments are 422, another person's notification 404, no token 401, the service away 503."""

import pytest

from platform_shared.testing.waiting import wait_for

NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công đoàn Thủ đô tổ chức Tết Sum vầy cho công nhân",
    "body": "<p>Hơn 2.000 công nhân khó khăn được tặng quà và vé xe về quê đón Tết.</p>",
}


@pytest.fixture
def media_backend(tmp_path):
    """Notifications are not about storage: the filesystem backend only."""
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


def test_an_article_returned_then_published_reaches_its_writer_who_marks_what_they_read(
    api, login, content_service, notifications_service, relay
):
    writer, desk, admin = (api.as_(login(u)) for u in ("hanoi.contributor", "laodong.editor", "hanoi.admin"))
    article = writer.post("/api/v1/articles", json=NEWS).json
    path = f"/api/v1/articles/{article['id']}"
    assert writer.post(f"{path}/submit").status_code == 200
    assert desk.post(f"{path}/open").status_code == 200
    assert desk.post(f"{path}/return", json={"comment": "Bổ sung số công nhân được hỗ trợ."}).status_code == 200
    relay("content")

    (returned,) = wait_for(lambda: writer.get("/api/v1/notifications").json["items"], message="the returned article")
    assert returned["kind"] == "article_returned" and returned["unread"] and returned["kind_label"]
    assert returned["title"] == f"Bài viết bị trả lại để sửa: «{NEWS['title']}»"
    assert "Bổ sung số công nhân được hỗ trợ." in returned["body"]
    assert returned["link"] == f"/quan-tri/bai-viet/{article['id']}"
    assert writer.get("/api/v1/notifications/unread-count").json == {"unread": 1}

    assert writer.post(f"{path}/submit").status_code == 200
    for action in ("open", "approve", "publish"):
        assert desk.post(f"{path}/{action}").status_code == 200
    listed = wait_for(
        lambda: (page := writer.get("/api/v1/notifications").json)["total"] == 2 and page, message="the publication"
    )
    assert [n["kind"] for n in listed["items"]] == ["article_published", "article_returned"]  # newest first
    assert listed["unread_total"] == 2

    read = writer.post(f"/api/v1/notifications/{returned['id']}/read")
    assert read.status_code == 200 and read.json["read_at"] and not read.json["unread"]
    listed = writer.get("/api/v1/notifications").json
    assert [(n["kind"], n["unread"]) for n in listed["items"]] == [
        ("article_published", True),
        ("article_returned", False),
    ]  # unread first
    assert writer.get("/api/v1/notifications", query_string={"unread": "true"}).json["total"] == 1
    assert writer.post("/api/v1/notifications/read-all").json == {"marked": 1, "unread": 0}
    assert writer.get("/api/v1/notifications/unread-count").json == {"unread": 0}

    # Nobody else sees them or marks them; bad arguments and ids are named, never a 500.
    assert admin.get("/api/v1/notifications").json["total"] == 0
    assert admin.post(f"/api/v1/notifications/{returned['id']}/read").status_code == 404
    assert writer.post("/api/v1/notifications/khong-co/read").status_code == 404
    for bad in ({"per_page": "0"}, {"unread": "co"}, {"sort": "old"}):
        refused = writer.get("/api/v1/notifications", query_string=bad)
        assert refused.status_code == 422, (bad, refused.json)
        assert set(refused.json["errors"]) == set(bad)
    for anonymous in (api.as_(None).get("/api/v1/notifications"), api.as_(None).post("/api/v1/notifications/read-all")):
        assert anonymous.status_code == 401


def test_the_service_away_is_a_clear_503(api, login):
    answer = api.as_(login("hanoi.admin")).get("/api/v1/notifications/unread-count")
    assert answer.status_code == 503 and answer.json["code"] == "SERVICE_UNAVAILABLE"
