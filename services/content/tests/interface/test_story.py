"""The story of the content issue, through the gateway: a Hà Nội contributor's news item
with a credited photo goes through the Lao Động desk, is published on time, shows on
the portal, in search and on the federation's sub-site, counts for the week's quota,
and its publication event reaches a consumer exactly once although the relay is
killed in the middle."""

import io
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text

from platform_shared.contracts import content as contracts
from platform_shared.tables import inbox, outbox
from platform_shared.testing.waiting import wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "media" / "tests"))
import samples  # noqa: E402

BODY = (
    "<p>Ngày 26/11, <strong>Công đoàn</strong> Khu công nghiệp Thăng Long tổ chức chương trình "
    "chăm lo Tết cho công nhân có hoàn cảnh khó khăn.</p><script>alert(1)</script>"
    '<p><a href="javascript:alert(2)">xem thêm</a></p>'
)


def test_a_news_item_goes_from_a_federation_through_the_desk_to_the_portal(
    api, login, content_service, relay, databases
):
    contributor = api.as_(login("hanoi.contributor"))
    editor = api.as_(login("laodong.editor"))
    hanoi_admin = api.as_(login("hanoi.admin"))
    me = contributor.get("/api/v1/me").json["user"]

    relay("media")  # the photo's thumb and medium are made by media's worker after the upload
    photo = contributor.post(
        "/api/v1/media",
        content_type="multipart/form-data",
        data={
            "file": (io.BytesIO(samples.jpeg_with_gps()), "cham-lo-tet.jpg", "image/jpeg"),
            "caption": "Trao quà Tết cho công nhân",
            "credit_user_id": me["id"],
        },
    ).json

    draft = contributor.post(
        "/api/v1/articles",
        json={
            "section": "news",
            "genre": "news",
            "title": "Công đoàn KCN Thăng Long chăm lo Tết cho công nhân",
            "summary": "Hơn 500 suất quà được trao tận tay công nhân.",
            "body": BODY,
            "asset_ids": [photo["id"]],
            "tags": ["chăm lo Tết", "công nhân"],
        },
    )
    assert draft.status_code == 201, draft.json
    article = draft.json
    assert article["status"] == "draft" and article["slug"] == "cong-doan-kcn-thang-long-cham-lo-tet-cho-cong-nhan"
    assert "<script" not in article["body"] and "javascript:" not in article["body"]
    assert article["authors"] == [{"user_id": me["id"], "pen_name": "Trần Văn Bình", "share": 100}]

    path = f"/api/v1/articles/{article['id']}"
    assert contributor.post(f"{path}/submit").json["status"] == "submitted"
    assert article["id"] in [a["id"] for a in editor.get("/api/v1/articles?status=submitted").json["items"]]

    opened = editor.post(f"{path}/open").json
    assert opened["status"] == "in_review" and opened["locked_by"]
    locked = contributor.patch(path, json={"title": "Tác giả sửa khi bài đang được biên tập"})
    assert locked.status_code == 409 and locked.json["code"] == "ARTICLE_LOCKED"

    returned = editor.post(f"{path}/return", json={"comment": "Bổ sung số liệu và tên doanh nghiệp."})
    assert returned.status_code == 200 and returned.json["status"] == "returned"
    revised = contributor.patch(path, json={"summary": "Hơn 500 suất quà, tổng trị giá 400 triệu đồng."})
    assert revised.status_code == 200 and revised.json["revision"] == 2
    assert contributor.post(f"{path}/submit").json["status"] == "submitted"
    assert editor.post(f"{path}/open").status_code == 200
    assert editor.post(f"{path}/approve").json["status"] == "approved"

    later = datetime.now(UTC) + timedelta(hours=1)  # far enough ahead for any machine
    scheduled = editor.post(f"{path}/schedule", json={"publish_at": later.isoformat()})
    assert scheduled.status_code == 200 and scheduled.json["status"] == "scheduled"
    publish_at = _the_hour_comes(databases, article["id"])
    published = wait_for(
        lambda: (r := contributor.get(path).json)["status"] == "published" and r,
        message="the timer to publish the scheduled item",
    )
    assert datetime.fromisoformat(published["published_at"]) >= publish_at
    assert [a["action"] for a in published["activity"]][-1] == "publish"

    # the portal, search and the federation's own sub-site
    portal = api.get("/api/v1/public/articles?section=news").json
    assert [a["id"] for a in portal["items"]] == [article["id"]]
    for q in ("cong doan", "CÔNG ĐOÀN", "công đoàn", "cham lo tet"):
        found = api.get("/api/v1/public/articles", query_string={"q": q}).json
        assert [a["id"] for a in found["items"]] == [article["id"]], q
    assert api.get("/api/v1/public/articles", query_string={"q": "bão lũ"}).json["total"] == 0
    site = api.get("/api/v1/public/sites/ha-noi").json
    assert site["tenant"]["name"] == "Liên đoàn Lao động thành phố Hà Nội"
    assert [a["id"] for a in site["articles"]["items"]] == [article["id"]] and site["used_in_central_sections"] == 1
    page = api.get(f"/api/v1/public/articles/{article['slug']}")
    assert page.status_code == 200 and "Thăng Long" in page.json["body"]
    assert (
        api.get(
            f"/api/v1/public/articles/{article['slug']}", headers={"If-None-Match": page.headers["ETag"]}
        ).status_code
        == 304
    )

    # the week's quota
    compliance = hanoi_admin.get("/api/v1/quotas/compliance").json
    (mine,) = compliance["items"]
    assert (mine["tenant_code"], mine["status"], mine["submitted"], mine["used"]) == ("LDLD-HN", "met", 1, 1)

    # the fact reaches its consumer (media) once, with the relay killed in the middle
    with databases.sessions("content").transaction() as session:
        (event,) = (
            session.execute(select(outbox.c.payload).where(outbox.c.event_type == contracts.ARTICLE_PUBLISHED))
            .scalars()
            .all()
        )
    payload = contracts.ArticlePublished().load(event)
    assert payload["photo_credits"] == [{"asset_id": photo["id"], "user_id": me["id"], "name": "Trần Văn Bình"}]
    assert payload["site"] == "portal" and payload["revision"] == 2 and payload["word_count"] > 10
    first = relay("content")
    wait_for(lambda: _handled(databases, event["event_id"]), message="media to handle the publication")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    relay("content")  # restarted; anything in flight is sent again and de-duplicated by the consumer
    thumb = wait_for(
        lambda: (r := api.get(f"/api/v1/media/{photo['id']}/content?rendition=thumb")).status_code == 200 and r,
        message="the photo to become public",
    )
    assert thumb.mimetype == "image/jpeg"
    assert _handled(databases, event["event_id"]) == 1


def _the_hour_comes(databases, article_id):
    """The scheduled moment arrives without the test waiting for the clock: ``publish_at`` moves to now."""
    now = datetime.now(UTC)
    with databases.sessions("content").transaction() as session:
        session.execute(
            text("UPDATE article SET publish_at = :now WHERE id = CAST(:id AS uuid)"), {"now": now, "id": article_id}
        )
    return now


def _handled(databases, event_id):
    with databases.sessions("media").transaction() as session:
        return len(
            session.execute(
                select(inbox.c.event_id).where(
                    inbox.c.event_id == event_id, inbox.c.handler == "handle_article_published"
                )
            ).all()
        )
