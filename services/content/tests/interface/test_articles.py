"""Articles through the gateway: bad input, who sees what, the desks, sub-site sections,
corrections, revisions, unpublishing, and one publication however many replicas run."""

import io
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from platform_shared.contracts import content as contracts
from platform_shared.tables import outbox
from platform_shared.testing.waiting import wait_for
from platform_shared.testing.workers import start_worker

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "media" / "tests"))
import samples  # noqa: E402

NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công nhân may mặc được tăng lương từ tháng Giêng",
    "body": "<p>Doanh nghiệp cam kết tăng lương tối thiểu 7% cho người lao động.</p>",
}


@pytest.fixture
def contributor(api, login, content_service):
    return api.as_(login("hanoi.contributor"))


@pytest.fixture
def desk(api, login, content_service):
    return api.as_(login("laodong.editor"))


def new_editor(api, login, admin_name, email, name, tenant_code=None):
    """Another editor, invited by an administrator (into ``tenant_code``, or its own tenant) and activated."""
    admin = api.as_(login(admin_name))
    invite = {"email": email, "full_name": name, "roles": ["editor"]}
    if tenant_code:
        tenants = admin.get("/api/v1/tenants", query_string={"q": tenant_code}).json["items"]
        invite["tenant_id"] = next(t["id"] for t in tenants if t["code"] == tenant_code)
    invited = admin.post("/api/v1/users", json=invite).json
    api.post("/api/v1/auth/activate", json={"token": invited["activation_token"], "password": "Bien-tap-2026-moi"})
    return api.as_(api.login(email, "Bien-tap-2026-moi"))


def submitted(contributor, **changes):
    article = contributor.post("/api/v1/articles", json={**NEWS, **changes}).json
    assert contributor.post(f"/api/v1/articles/{article['id']}/submit").status_code == 200
    return article


def published(contributor, desk, **changes):
    article = submitted(contributor, **changes)
    path = f"/api/v1/articles/{article['id']}"
    for action in ("open", "approve", "publish"):
        response = desk.post(f"{path}/{action}")
        assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": None}, "title"),
        ({"title": "Ngắn"}, "title"),
        ({"body": "<p>" + "chữ " * 60_000 + "</p>"}, "body"),
        ({"body": "<script>alert(1)</script>"}, "body"),
        (
            {"authors": [{"user_id": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c", "pen_name": "Minh An", "share": 60}]},
            "authors",
        ),
        ({"section": "khong-co"}, "section"),
        ({"genre": "poem"}, "genre"),
        ({"tags": "không phải danh sách"}, "tags"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_bad_articles_are_refused_naming_the_field(contributor, change, field):
    body = {**NEWS, **change}
    if change.get(field, "") is None:
        body.pop(field)
    response = contributor.post("/api/v1/articles", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert contributor.get("/api/v1/articles").json["total"] == 0


def test_another_tenants_photo_cannot_be_attached(api, login, contributor):
    theirs = (
        api.as_(login("danang.admin"))
        .post(
            "/api/v1/media",
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(samples.png()), "x.png", "image/png")},
        )
        .json
    )
    response = contributor.post("/api/v1/articles", json={**NEWS, "asset_ids": [theirs["id"]]})
    assert response.status_code == 422 and "asset_ids" in response.json["errors"]


def test_drafts_are_private_and_submissions_reach_only_their_desk(api, login, contributor, desk):
    draft = contributor.post("/api/v1/articles", json=NEWS).json
    path = f"/api/v1/articles/{draft['id']}"
    thematic_desk = api.as_(login("tuyengiao.editor"))
    other_tenant = api.as_(login("danang.admin"))
    for outsider in (desk, thematic_desk, other_tenant):
        assert outsider.get(path).status_code == 404
    contributor.post(f"{path}/submit")
    assert desk.get(path).status_code == 200
    assert thematic_desk.get(path).status_code == 404  # not their section
    assert other_tenant.get(path).status_code == 404
    assert other_tenant.post(f"{path}/open").status_code == 404
    assert contributor.post(f"{path}/approve").status_code == 403  # only the desk reviews


def test_a_list_carries_the_latest_comment_to_those_who_may_read_the_history(api, login, contributor, desk):
    article = submitted(contributor)
    path = f"/api/v1/articles/{article['id']}"
    assert desk.post(f"{path}/open").status_code == 200
    comment = "Bổ sung số liệu của quý IV rồi gửi lại."
    assert desk.post(f"{path}/return", json={"comment": comment}).status_code == 200

    def listed(client):
        items = client.get("/api/v1/articles", query_string={"per_page": "50"}).json["items"]
        return next(i for i in items if i["id"] == article["id"])

    last = listed(contributor)["last_comment"]
    assert last["action"] == "return" and last["comment"] == comment and last["to"] == "returned"
    assert contributor.post(f"{path}/submit").status_code == 200
    for action in ("open", "approve", "publish"):
        assert desk.post(f"{path}/{action}").status_code == 200
    assert listed(contributor)["last_comment"]["comment"] == comment  # the latest step with a comment
    assert "last_comment" not in listed(api.as_(login("hanoi.member")))  # a reader of published work only


def test_a_transition_not_allowed_is_409_listing_the_allowed_ones(contributor, desk):
    article = submitted(contributor)
    response = desk.post(f"/api/v1/articles/{article['id']}/publish")  # not opened, not approved
    assert response.status_code == 409
    assert response.json["code"] == "TRANSITION_NOT_ALLOWED" and "nhận biên tập" in response.json["message"]
    draft = contributor.post("/api/v1/articles", json=NEWS).json
    resubmit = contributor.post(f"/api/v1/articles/{draft['id']}/submit")
    assert contributor.post(f"/api/v1/articles/{draft['id']}/submit").status_code == 409 and resubmit.status_code == 200
    schedule_past = published(contributor, desk, title="Bài thứ hai về chính sách tiền lương")
    again = desk.post(f"/api/v1/articles/{schedule_past['id']}/approve")
    assert again.status_code == 409


def test_a_review_lock_blocks_others_until_it_expires(api, login, start_service, content_service, contributor):
    article = submitted(contributor)
    path = f"/api/v1/articles/{article['id']}"
    first = api.as_(login("laodong.editor"))
    second = new_editor(api, login, "admin", "bientap2@laodong.vn", "Đinh Thu Hà", "BLD")
    assert first.post(f"{path}/open").status_code == 200
    taken = second.post(f"{path}/open")
    assert taken.status_code == 409 and taken.json["code"] == "ARTICLE_LOCKED"
    assert second.post(f"{path}/approve").status_code == 409


def test_lock_expiry_lets_another_editor_take_over(api, login, start_service, media_service, demo):
    from nameko.standalone.rpc import ServiceRpcProxy

    from platform_shared.actor import SYSTEM

    container = start_service("content", CONTENT_LOCK_MINUTES=0)
    with ServiceRpcProxy("content", {"AMQP_URI": container.config["AMQP_URI"]}, timeout=20) as proxy:
        proxy.sync_tenants(SYSTEM.dump())
    contributor = api.as_(login("hanoi.contributor"))
    article = submitted(contributor)
    path = f"/api/v1/articles/{article['id']}"
    assert api.as_(login("laodong.editor")).post(f"{path}/open").status_code == 200
    second = new_editor(api, login, "admin", "bientap3@laodong.vn", "Lý Quốc Bảo", "BLD")
    assert second.post(f"{path}/open").json["locked_by"] == second.get("/api/v1/me").json["user"]["id"]


def test_a_published_item_changes_only_by_correction_and_revisions_tell_what_changed(contributor, desk, databases):
    article = published(contributor, desk)
    path = f"/api/v1/articles/{article['id']}"
    refused = desk.patch(path, json={"title": "Sửa thẳng bài đã đăng"})
    assert refused.status_code == 409 and refused.json["code"] == "USE_CORRECTION"
    corrected = desk.post(
        f"{path}/correct",
        json={
            "body": "<p>Doanh nghiệp cam kết tăng lương tối thiểu 8% cho người lao động.</p>",
            "note": "Đính chính tỉ lệ tăng lương: 8% chứ không phải 7%.",
        },
    )
    assert corrected.status_code == 200, corrected.json
    assert corrected.json["status"] == "published" and corrected.json["published_revision"] == 2
    revisions = desk.get(f"{path}/revisions").json
    assert [(r["number"], r["kind"]) for r in revisions] == [(1, "created"), (2, "correction")]
    diff = desk.get(f"{path}/revisions/diff?from=1&to=2").json
    (change,) = diff["changes"]
    assert change["field"] == "body" and any("8%" in line for line in change["changes"])
    with databases.sessions("content").transaction() as session:
        (event,) = (
            session.execute(select(outbox.c.payload).where(outbox.c.event_type == contracts.ARTICLE_CORRECTED))
            .scalars()
            .all()
        )
    assert contracts.ArticleCorrected().load(event)["previous_revision"] == 1
    assert desk.get(f"{path}/revisions/diff?from=1&to=9").status_code == 422


def test_unpublishing_takes_an_item_off_the_portal(api, contributor, desk):
    article = published(contributor, desk)
    assert api.get("/api/v1/public/articles?section=news").json["total"] == 1
    assert desk.post(f"/api/v1/articles/{article['id']}/unpublish", json={}).status_code == 422  # a reason
    gone = desk.post(f"/api/v1/articles/{article['id']}/unpublish", json={"reason": "Sai số liệu, cần xác minh."})
    assert gone.json["status"] == "unpublished"
    assert api.get("/api/v1/public/articles?section=news").json["total"] == 0
    assert api.get(f"/api/v1/public/articles/{article['slug']}").status_code == 404


def test_scheduling_in_the_past_is_refused(contributor, desk):
    article = submitted(contributor)
    path = f"/api/v1/articles/{article['id']}"
    desk.post(f"{path}/open")
    desk.post(f"{path}/approve")
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    response = desk.post(f"{path}/schedule", json={"publish_at": past})
    assert response.status_code == 422 and "publish_at" in response.json["errors"]
    naive = desk.post(f"{path}/schedule", json={"publish_at": "2030-01-01T08:00:00"})
    assert naive.status_code == 422 and "publish_at" in naive.json["errors"]


def test_a_tenants_own_site_sections_are_published_by_its_own_editors(api, login, contributor, desk):
    hanoi_admin = api.as_(login("hanoi.admin"))
    section = hanoi_admin.post("/api/v1/sections", json={"key": "tin-co-so", "name": "Tin cơ sở", "menu_order": 1})
    assert section.status_code == 201, section.json
    assert hanoi_admin.post("/api/v1/sections", json={"key": "tin-co-so", "name": "Trùng"}).status_code == 409
    assert hanoi_admin.post("/api/v1/sections", json={"key": "news", "name": "Trùng trung ương"}).status_code == 409
    article = submitted(contributor, section="tin-co-so", title="Công đoàn phường Dịch Vọng ra mắt tổ tự quản")
    path = f"/api/v1/articles/{article['id']}"
    assert desk.get(path).status_code == 404  # the central desk has no say here
    assert hanoi_admin.post(f"{path}/open").status_code == 403  # an administrator is not an editor
    hanoi_editor = new_editor(api, login, "hanoi.admin", "bientap@hanoi.vn", "Cao Thị Nguyệt")
    for action in ("open", "approve", "publish"):
        assert hanoi_editor.post(f"{path}/{action}").status_code == 200
    site = api.get("/api/v1/public/sites/ha-noi").json
    assert site["menu"] == [{"key": "tin-co-so", "name": "Tin cơ sở", "description": None, "menu_order": 1}]
    assert [a["id"] for a in site["articles"]["items"]] == [article["id"]]
    assert site["used_in_central_sections"] == 0
    assert api.get("/api/v1/public/articles").json["total"] == 0  # not on the portal's own pages
    assert api.get(f"/api/v1/public/articles/{article['slug']}?site=ha-noi").status_code == 200


def test_two_replicas_publish_a_scheduled_item_once(start_service, content_service, contributor, desk, databases):
    """Both replicas' timers fire while the items come due (``@every`` lets one run a tick at a
    time): each item is published once, with one ``content.article_published`` fact."""
    replica = start_service("content", CONTENT_PUBLISH_INTERVAL_SECONDS=0.05)  # on the same database
    ids = []
    for n in range(8):
        article = submitted(contributor, title=f"Bài hẹn giờ số {n + 1} của Công đoàn Hà Nội")
        path = f"/api/v1/articles/{article['id']}"
        desk.post(f"{path}/open")
        desk.post(f"{path}/approve")
        at = (datetime.now(UTC) + timedelta(hours=1)).isoformat()  # far enough ahead for any machine
        assert desk.post(f"{path}/schedule", json={"publish_at": at}).status_code == 200
        ids.append(article["id"])
    with databases.sessions("content").transaction() as session:  # the hour comes for all of them at once
        session.execute(
            text("UPDATE article SET publish_at = :now WHERE id = ANY(CAST(:ids AS uuid[]))"),
            {"now": datetime.now(UTC), "ids": ids},
        )
    wait_for(
        lambda: all(contributor.get(f"/api/v1/articles/{i}").json["status"] == "published" for i in ids),
        message="the scheduled items to be published",
    )
    replica.stop(), content_service.stop()  # every tick begun has ended
    with databases.sessions("content").transaction() as session:
        events = (
            session.execute(select(outbox.c.payload).where(outbox.c.event_type == contracts.ARTICLE_PUBLISHED))
            .scalars()
            .all()
        )
        steps = session.execute(
            text(
                "SELECT article_id::text, count(*) FROM article_activity"
                " WHERE action = 'publish' AND article_id = ANY(CAST(:ids AS uuid[])) GROUP BY article_id"
            ),
            {"ids": ids},
        ).all()
    assert sorted(e["article_id"] for e in events) == sorted(ids)
    assert sorted(steps) == sorted((i, 1) for i in ids)


def test_overlapping_publication_ticks_publish_each_item_once(
    start_service, content_service, contributor, desk, databases
):
    """The lock aside (a lost connection, a direct call): ticks that overlap still publish each
    due item once — the rows are taken ``FOR UPDATE SKIP LOCKED`` while still scheduled."""
    replica = start_service("content", CONTENT_PUBLISH_INTERVAL_SECONDS=3600)
    ids = []
    for n in range(6):
        article = submitted(contributor, title=f"Bài hẹn giờ chồng nhịp số {n + 1}")
        path = f"/api/v1/articles/{article['id']}"
        desk.post(f"{path}/open")
        desk.post(f"{path}/approve")
        at = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        assert desk.post(f"{path}/schedule", json={"publish_at": at}).status_code == 200
        ids.append(article["id"])
    content_service.stop()  # its own timer out of the way: only the direct calls below publish
    with databases.sessions("content").transaction() as session:
        session.execute(
            text("UPDATE article SET publish_at = :now WHERE id = ANY(CAST(:ids AS uuid[]))"),
            {"now": datetime.now(UTC), "ids": ids},
        )

    ticks = [start_worker(replica, "publish_scheduled") for _ in range(6)]  # six at once, none holding the lock
    published_by = [tick.wait() for tick in ticks]
    assert sorted(i for run in published_by for i in run) == sorted(ids)
    with databases.sessions("content").transaction() as session:
        events = (
            session.execute(select(outbox.c.payload).where(outbox.c.event_type == contracts.ARTICLE_PUBLISHED))
            .scalars()
            .all()
        )
    assert sorted(e["article_id"] for e in events) == sorted(ids)


def test_every_article_event_matches_its_contract(contributor, desk, databases):
    """Contract test of the publisher: submitted, returned, published, corrected, unpublished."""
    draft = submitted(contributor)
    path = f"/api/v1/articles/{draft['id']}"
    desk.post(f"{path}/open")
    assert desk.post(f"{path}/return", json={"comment": "Bổ sung ảnh hiện trường."}).status_code == 200
    contributor.post(f"{path}/submit")
    for action in ("open", "approve", "publish"):
        assert desk.post(f"{path}/{action}").status_code == 200
    desk.post(f"{path}/correct", json={"summary": "Tóm tắt mới", "note": "Bổ sung phần tóm tắt.", "new_work": True})
    desk.post(f"{path}/unpublish", json={"reason": "Thông tin cần kiểm tra lại."})
    with databases.sessions("content").transaction() as session:
        rows = session.execute(select(outbox.c.event_type, outbox.c.payload).order_by(outbox.c.id)).all()
    assert [t for t, _ in rows] == [
        contracts.ARTICLE_SUBMITTED,
        contracts.ARTICLE_RETURNED,
        contracts.ARTICLE_SUBMITTED,
        contracts.ARTICLE_PUBLISHED,
        contracts.ARTICLE_CORRECTED,
        contracts.ARTICLE_UNPUBLISHED,
    ]
    for event_type, payload in rows:
        loaded = contracts.SCHEMAS[event_type]().load(payload)
        assert loaded["article_id"] == draft["id"] and loaded["schema_version"] == 1
    returned = contracts.ArticleReturned().load(rows[1][1])
    assert (
        returned["comment"] == "Bổ sung ảnh hiện trường."
        and returned["created_by"] == contributor.get("/api/v1/me").json["user"]["id"]
    )
    assert [a["user_id"] for a in returned["authors"]] == [a["user_id"] for a in draft["authors"]]
    corrected = contracts.ArticleCorrected().load(rows[4][1])
    assert corrected["new_work"] is True and corrected["revision"] == 2
