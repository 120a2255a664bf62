"""The desks' review queue through the gateway: longest waiting first (``order=waiting``), one
federation (``tenant_id``), waiting for days (``waiting_days``), the writing tenant's name, and
the review lock shown by its holder's name and refused once it has expired."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

NEWS = {"section": "news", "genre": "news", "body": "<p>Công đoàn thăm hỏi công nhân.</p>"}


@pytest.fixture
def desk(api, login, content_service):
    return api.as_(login("laodong.editor"))


def submit(writer, title):
    created = writer.post("/api/v1/articles", json={**NEWS, "title": title})
    assert created.status_code == 201, created.json
    assert writer.post(f"/api/v1/articles/{created.json['id']}/submit").status_code == 200
    return created.json["id"]


def tenant_of(writer):
    return writer.get("/api/v1/me").json["user"]["tenant_id"]


def set_article(databases, article_id, **values):
    """Moves an article's clock fields without the test waiting for time to pass."""
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    with databases.sessions("content").transaction() as session:
        session.execute(
            text(f"UPDATE article SET {assignments} WHERE id = CAST(:id AS uuid)"), {**values, "id": article_id}
        )


def titles(answer):
    assert answer.status_code == 200, answer.json
    return [item["title"] for item in answer.json["items"]]


def test_the_queue_puts_the_longest_waiting_first_and_filters_one_federation(api, login, desk):
    hanoi, danang = api.as_(login("hanoi.contributor")), api.as_(login("danang.admin"))
    for writer, title in (
        (hanoi, "Tin thứ nhất của Hà Nội"),
        (danang, "Tin của Đà Nẵng"),
        (hanoi, "Tin thứ hai của Hà Nội"),
    ):
        submit(writer, title)

    waiting = desk.get("/api/v1/articles", query_string={"status": "submitted", "order": "waiting"})
    assert titles(waiting) == ["Tin thứ nhất của Hà Nội", "Tin của Đà Nẵng", "Tin thứ hai của Hà Nội"]
    assert waiting.json["items"][1]["tenant_name"] == "Liên đoàn Lao động thành phố Đà Nẵng"
    changed = desk.get("/api/v1/articles", query_string={"status": "submitted"})
    assert titles(changed) == ["Tin thứ hai của Hà Nội", "Tin của Đà Nẵng", "Tin thứ nhất của Hà Nội"]

    only_hanoi = desk.get("/api/v1/articles", query_string={"order": "waiting", "tenant_id": tenant_of(hanoi)})
    assert titles(only_hanoi) == ["Tin thứ nhất của Hà Nội", "Tin thứ hai của Hà Nội"]
    bad = desk.get("/api/v1/articles", query_string={"order": "oldest", "tenant_id": "ha-noi"})
    assert bad.status_code == 422 and {"order", "tenant_id"} <= set(bad.json["errors"])


def test_waiting_days_keeps_only_what_has_waited_that_long(api, login, desk, databases):
    hanoi = api.as_(login("hanoi.contributor"))
    old = submit(hanoi, "Tin gửi từ ba ngày trước")
    submit(hanoi, "Tin vừa gửi sáng nay")
    set_article(databases, old, updated_at=datetime.now(UTC) - timedelta(days=3, hours=1))
    assert titles(desk.get("/api/v1/articles", query_string={"waiting_days": 3})) == ["Tin gửi từ ba ngày trước"]
    assert titles(desk.get("/api/v1/articles", query_string={"waiting_days": 4})) == []
    assert desk.get("/api/v1/articles", query_string={"waiting_days": 0}).status_code == 422


def test_the_lock_names_its_holder_and_an_expired_lock_must_be_taken_again(api, login, desk, databases):
    article_id = submit(api.as_(login("hanoi.contributor")), "Tin chờ biên tập có khóa")
    path = f"/api/v1/articles/{article_id}"
    opened = desk.post(f"{path}/open")
    assert opened.json["locked_by_name"] == "Vũ Thị Hồng"
    second = _second_editor(api, login)
    assert second.get(path).json["locked_by_name"] == "Vũ Thị Hồng"
    taken = second.post(f"{path}/open")
    assert taken.status_code == 409 and taken.json["code"] == "ARTICLE_LOCKED"
    assert "Vũ Thị Hồng" in taken.json["message"] and "giờ Việt Nam" in taken.json["message"]

    set_article(databases, article_id, locked_until=datetime.now(UTC) - timedelta(minutes=1))
    expired = desk.post(f"{path}/approve")
    assert expired.status_code == 409 and expired.json["code"] == "LOCK_EXPIRED"
    assert desk.patch(path, json={"title": "Sửa khi khóa đã hết hạn"}).status_code == 409
    assert desk.get(path).json["status"] == "in_review" and desk.get(path).json["revision"] == 1  # nothing changed

    taken_over = second.post(f"{path}/open")
    assert taken_over.status_code == 200 and taken_over.json["locked_by_name"] == "Đinh Thu Hà"
    approved = second.post(f"{path}/approve")
    assert approved.status_code == 200 and approved.json["locked_by_name"] is None


def _second_editor(api, login):
    """Another editor of the Lao Động desk, invited by the platform admin and activated."""
    admin = api.as_(login("admin"))
    tenants = admin.get("/api/v1/tenants", query_string={"q": "BLD"}).json["items"]
    invite = {
        "email": "bientap.hangcho@laodong.vn",
        "full_name": "Đinh Thu Hà",
        "roles": ["editor"],
        "tenant_id": next(t["id"] for t in tenants if t["code"] == "BLD"),
    }
    invited = admin.post("/api/v1/users", json=invite).json
    api.post("/api/v1/auth/activate", json={"token": invited["activation_token"], "password": "Bien-tap-2026-moi"})
    return api.as_(api.login(invite["email"], "Bien-tap-2026-moi"))
