"""content.count_waiting_articles: what waits for a person (the workspace's landing) — their own
returned items and drafts, an editor's queue — counted as ``list_articles`` lists them, with the
item unchanged longest; and the desk's queue read in as many statements for a page of 20 as of 1."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import event, insert, select

from content.models import Article, TenantCopy
from platform_shared import transport  # noqa: F401  (errors cross RPC as themselves)
from platform_shared.actor import Actor
from platform_shared.errors import Unauthorized

NEWS = {"section": "news", "genre": "news", "body": "<p>Công đoàn thăm hỏi công nhân.</p>"}
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def content(content_service):
    with ServiceRpcProxy("content", {"AMQP_URI": content_service.config["AMQP_URI"]}, timeout=20) as proxy:
        yield proxy


def actor_of(client):
    user = client.get("/api/v1/me").json["user"]
    return Actor(user["id"], user["tenant_id"], frozenset(user["roles"]))


def write(writer, title, **extra):
    created = writer.post("/api/v1/articles", json={**NEWS, "title": title, **extra})
    assert created.status_code == 201, created.json
    return created.json["id"]


def submit(writer, article_id):
    assert writer.post(f"/api/v1/articles/{article_id}/submit").status_code == 200


def unchanged_since(databases, article_id, minutes):
    """The article was last changed ``minutes`` after ``START`` (the oldest is not a matter of timing)."""
    with databases.sessions("content").transaction() as session:
        session.get(Article, uuid.UUID(article_id)).updated_at = START + timedelta(minutes=minutes)


def counts(kinds):
    return {status: kind["total"] for status, kind in kinds.items()}


def oldest(kind):
    return kind["oldest"]["title"] if kind["oldest"] else None


def test_what_waits_is_counted_as_the_lists_count_it_with_the_longest_unchanged_first(api, login, content, databases):
    contributor, desk = api.as_(login("hanoi.contributor")), api.as_(login("laodong.editor"))
    hanoi_admin, danang = api.as_(login("hanoi.admin")), api.as_(login("danang.admin"))
    co_author = actor_of(hanoi_admin)
    draft = write(contributor, "Bản nháp chưa gửi")
    shared = write(
        contributor,
        "Bản nháp viết chung",
        authors=[
            {"user_id": actor_of(contributor).user_id, "pen_name": "Bình Minh", "share": 50},
            {"user_id": co_author.user_id, "pen_name": "Thu Hà", "share": 50},
        ],
    )
    returned = write(contributor, "Tin bị trả lại")
    first, second = write(contributor, "Tin gửi trước"), write(danang, "Tin Đà Nẵng gửi sau")
    for writer, article_id in ((contributor, returned), (contributor, first), (danang, second)):
        submit(writer, article_id)
    assert desk.post(f"/api/v1/articles/{returned}/open").status_code == 200
    assert desk.post(f"/api/v1/articles/{returned}/return", json={"comment": "Thêm số liệu."}).status_code == 200
    for minutes, article_id in enumerate((shared, draft, returned, first, second)):
        unchanged_since(databases, article_id, minutes)

    mine = content.count_waiting_articles(actor_of(contributor).dump())
    assert mine["desk"] is None
    assert counts(mine["mine"]) == {"returned": 1, "draft": 2}
    assert oldest(mine["mine"]["returned"]) == "Tin bị trả lại"
    assert oldest(mine["mine"]["draft"]) == "Bản nháp viết chung"
    assert mine["mine"]["draft"]["oldest"]["status"] == "draft"
    assert mine["mine"]["draft"]["oldest"]["updated_at"].startswith("2026-01-05T08:00:00")
    for status, kind in mine["mine"].items():  # the same rule as the list of "my articles"
        listed = contributor.get(
            "/api/v1/articles", query_string={"mine": "true", "status": status, "order": "waiting"}
        )
        assert listed.json["total"] == kind["total"] and listed.json["items"][0]["id"] == kind["oldest"]["id"]

    # A co-author's drafts are theirs too; an administrator reviews nothing.
    admin = content.count_waiting_articles(co_author.dump())
    assert counts(admin["mine"]) == {"returned": 0, "draft": 1} and admin["desk"] is None
    assert oldest(admin["mine"]["draft"]) == "Bản nháp viết chung"

    # The news desk's queue: what its list shows by status, never a draft.
    queue = content.count_waiting_articles(actor_of(desk).dump())
    assert counts(queue["desk"]) == {"submitted": 2, "in_review": 0, "approved": 0}
    assert oldest(queue["desk"]["submitted"]) == "Tin gửi trước" and queue["desk"]["in_review"]["oldest"] is None
    assert counts(queue["mine"]) == {"returned": 0, "draft": 0}
    listed = desk.get("/api/v1/articles", query_string={"status": "submitted", "order": "waiting"})
    assert listed.json["total"] == 2 and listed.json["items"][0]["id"] == queue["desk"]["submitted"]["oldest"]["id"]

    # Another desk sees nothing of the news desk's queue; a member has no such work.
    other = content.count_waiting_articles(actor_of(api.as_(login("tuyengiao.editor"))).dump())
    assert counts(other["desk"]) == {"submitted": 0, "in_review": 0, "approved": 0}
    member = content.count_waiting_articles(actor_of(api.as_(login("hanoi.member"))).dump())
    assert member == {"mine": None, "desk": None}
    with pytest.raises(Unauthorized):
        content.count_waiting_articles(Actor.anonymous().dump())


class Statements:
    """Counts the SQL statements an engine runs while active."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _seen(self, *_args):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)


def test_the_desks_queue_reads_a_page_of_20_in_as_many_statements_as_a_page_of_1(api, login, content, databases):
    from content.application import Content
    from platform_shared.clock import Clock

    writer, desk = api.as_(login("hanoi.contributor")), api.as_(login("laodong.editor"))
    model = write(writer, "Tin mẫu trong hàng chờ")
    submit(writer, model)
    sessions = databases.sessions("content")
    with sessions.transaction() as session:  # 24 submitted items from every federation in the copy
        row = dict(session.execute(select(Article.__table__).where(Article.id == uuid.UUID(model))).mappings().one())
        tenants = session.scalars(select(TenantCopy.id)).all()
        assert len(tenants) >= 5
        session.execute(
            insert(Article.__table__),
            [
                row
                | {"id": uuid.uuid4(), "slug": f"tin-{n}", "tenant_id": tenants[n % len(tenants)], "title": f"Tin {n}"}
                for n in range(24)
            ],
        )
    app, editor = Content(sessions, clock=Clock()), actor_of(desk)
    args = {"status": "submitted", "order": "waiting"}

    with Statements(sessions.engine) as one:
        assert len(app.articles.list(editor, {**args, "per_page": 1})["items"]) == 1
    with Statements(sessions.engine) as twenty:
        page = app.articles.list(editor, {**args, "per_page": 20})
    assert len(page["items"]) == 20 and len({item["tenant_name"] for item in page["items"]}) >= 5
    assert all(item["tenant_name"] for item in page["items"])
    assert twenty.count == one.count

    with Statements(sessions.engine) as landing:
        waiting = app.articles.waiting(editor)
    assert waiting["desk"]["submitted"]["total"] == 25
    assert landing.count <= 3  # the desk's sections (2) and one read of the articles
