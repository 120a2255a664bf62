"""The royalties story end to end: a Hà Nội contributor's news item published by the Lao Động
desk reaches the royalties service through the outbox, the relay and the broker, becomes an
item the desk scores; unpublished before approval, the item is voided."""

from datetime import datetime

from platform_shared.clock import VN_TZ
from platform_shared.testing.waiting import wait_for


def test_a_published_article_becomes_a_royalty_item_and_unpublishing_voids_it(
    api, login, content_service, royalties_service, relay
):
    contributor = api.as_(login("hanoi.contributor"))
    editor = api.as_(login("laodong.editor"))
    officer = api.as_(login("laodong.royalty"))
    me = contributor.get("/api/v1/me").json["user"]
    draft = contributor.post(
        "/api/v1/articles",
        json={
            "section": "news",
            "genre": "news",
            "title": "Công đoàn Khu công nghiệp Thăng Long chăm lo Tết cho công nhân",
            "body": "<p>Hơn 500 suất quà được trao tận tay công nhân có hoàn cảnh khó khăn.</p>",
        },
    )
    assert draft.status_code == 201, draft.json
    path = f"/api/v1/articles/{draft.json['id']}"
    assert contributor.post(f"{path}/submit").status_code == 200
    assert editor.post(f"{path}/open").status_code == 200
    assert editor.post(f"{path}/approve").status_code == 200
    assert editor.post(f"{path}/publish").json["status"] == "published"
    relay("content")

    item = wait_for(
        lambda: (
            (r := officer.get(f"/api/v1/royalties/items?article_id={draft.json['id']}").json)["total"] == 1
            and r["items"][0]
        ),
        message="the publication to reach the royalties service",
    )
    assert (item["payee_user_id"], item["payee_name"], item["share"]) == (me["id"], "Trần Văn Bình", 100)
    assert (item["genre"], item["status"], item["max_coefficient"]) == ("news", "pending_score", "10")
    scored = editor.post(f"/api/v1/royalties/items/{item['id']}/score", json={"coefficient": 6})
    assert scored.status_code == 200 and scored.json["amount"] == 6 * 234_000

    assert editor.post(f"{path}/unpublish", json={"reason": "Trùng lặp với bài đã đăng"}).status_code == 200
    voided = wait_for(
        lambda: (r := officer.get(f"/api/v1/royalties/items/{item['id']}").json)["status"] == "voided" and r,
        message="the unpublication to void the item",
    )
    assert voided["amount"] == 6 * 234_000  # the score is kept, nothing is owed
    period = datetime.fromisoformat(item["published_at"]).astimezone(VN_TZ).strftime("%Y-%m")
    report = officer.get(f"/api/v1/royalties/reconciliation?period={period}").json
    assert report["events"] == {"published": 1, "unpublished": 1, "corrected": 0, "counted": 1}
