"""Content asks the media service about assets before a transaction opens and tells it of
references after the change has committed: no call to another service while a content
transaction (or read session) is open. Runs the use cases on the real test database with a
fake media service that checks this at every call."""

import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from content import reference
from content.application import Content
from content.articles.models import Article
from content.models import TenantCopy
from platform_shared.actor import Actor
from platform_shared.clock import FrozenClock
from platform_shared.errors import Unavailable
from platform_shared.tenant_directory import TenantDirectory

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
HANOI, DESK = uuid.uuid4(), uuid.uuid4()
NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công đoàn Thủ đô trao quà Tết cho công nhân",
    "body": "<p>Hơn 2.000 suất quà được trao tận tay người lao động.</p>",
    "authors": [{"user_id": str(uuid.uuid4()), "pen_name": "Minh An", "share": 100}],
}


class WatchedSessions:
    """The real session factory, counting the sessions open at any moment."""

    def __init__(self, sessions):
        self._sessions, self.open = sessions, 0

    @contextmanager
    def _watched(self, make):
        self.open += 1
        try:
            with make() as session:
                yield session
        finally:
            self.open -= 1  # after the commit (or rollback) and the close

    def transaction(self):
        return self._watched(self._sessions.transaction)

    def read(self):
        return self._watched(self._sessions.read)


class FakeMedia:
    """Every asset is a stored photo of the caller's tenant; each call asserts no session is open."""

    def __init__(self, sessions, *, failing=False):
        self.sessions, self.failing, self.calls = sessions, failing, []

    def _call(self, name, *args):
        assert self.sessions.open == 0, f"media.{name} called with a content session open"
        self.calls.append((name, *args))
        if self.failing and name != "check_assets":
            raise Unavailable("media is away")

    def check_assets(self, actor, ids):
        self._call("check_assets", list(ids))
        assets = [{"id": i, "usable": True, "kind": "image", "tenant_id": actor["tenant_id"]} for i in ids]
        return {"all_usable": True, "assets": assets}

    def mark_referenced(self, actor, ids, reference):
        self._call("mark_referenced", list(ids), reference)
        return ids

    def release(self, actor, ids, reference):
        self._call("release", list(ids), reference)
        return ids


@pytest.fixture
def sessions(databases):
    sessions = WatchedSessions(databases.sessions("content"))
    reference.ensure(sessions, {}, NOW)
    with sessions.transaction() as session:
        tenants = TenantDirectory(session, TenantCopy)
        for ident, code, slug, kind in (
            (HANOI, "LDLD-HN", "ha-noi", "provincial_federation"),
            (DESK, "BLD", "bao-lao-dong", "newspaper"),
        ):
            tenants.upsert(
                {
                    "id": ident,
                    "code": code,
                    "slug": slug,
                    "name": code,
                    "kind": kind,
                    "status": "active",
                    "updated_at": NOW,
                }
            )
    return sessions


def content(sessions, **media):
    fake = FakeMedia(sessions, **media)
    return Content(sessions, clock=FrozenClock(NOW), media=fake), fake


WRITER = Actor(str(uuid.uuid4()), str(HANOI), frozenset({"contributor"}))
EDITOR = Actor(str(uuid.uuid4()), str(DESK), frozenset({"editor"}))
PHOTOS = [str(uuid.uuid4()) for _ in range(3)]


def test_writing_and_correcting_with_assets_calls_media_outside_any_transaction(sessions):
    app, media = content(sessions)
    draft = app.articles.create(WRITER, {**NEWS, "asset_ids": PHOTOS[:2]})
    assert draft["photo_count"] == 2
    article = {"kind": "article", "id": draft["id"], "published": False, "reviewer_tenant_id": None}
    assert media.calls == [("check_assets", PHOTOS[:2]), ("mark_referenced", PHOTOS[:2], article)]

    media.calls.clear()
    app.articles.update(WRITER, draft["id"], {"asset_ids": [PHOTOS[1], PHOTOS[2]]})
    assert media.calls == [
        ("check_assets", [PHOTOS[1], PHOTOS[2]]),
        ("mark_referenced", [PHOTOS[2]], article),
        ("release", [PHOTOS[0]], article),
    ]

    # Submitted, it is in the Lao Động desk's queue: every photo (attached to the draft) is
    # told again with the desk that may now read it; the desk's own steps tell media nothing.
    media.calls.clear()
    reviewed = article | {"reviewer_tenant_id": str(DESK)}
    for actor, action in ((WRITER, "submit"), (EDITOR, "open"), (EDITOR, "approve"), (EDITOR, "publish")):
        app.articles.transition(actor, draft["id"], action)
    assert media.calls == [("mark_referenced", [PHOTOS[1], PHOTOS[2]], reviewed)]
    media.calls.clear()
    corrected = app.articles.correct(EDITOR, draft["id"], {"asset_ids": PHOTOS, "note": "Bổ sung ảnh trao quà."})
    assert corrected["published_revision"] == 3
    assert media.calls == [
        ("check_assets", PHOTOS),
        ("mark_referenced", [PHOTOS[0]], reviewed | {"published": True}),
    ]


def test_a_returned_article_keeps_its_desk_as_the_photos_reviewer_and_submitting_without_photos_tells_nothing(
    sessions,
):
    app, media = content(sessions)
    plain = app.articles.create(WRITER, NEWS)
    app.articles.transition(WRITER, plain["id"], "submit")
    assert media.calls == []

    draft = app.articles.create(WRITER, NEWS)
    app.articles.transition(WRITER, draft["id"], "submit")
    app.articles.transition(EDITOR, draft["id"], "open")
    app.articles.transition(EDITOR, draft["id"], "return", {"comment": "Cần thêm ảnh."})
    media.calls.clear()
    app.articles.update(WRITER, draft["id"], {"asset_ids": PHOTOS[:1]})
    reviewed = {"kind": "article", "id": draft["id"], "published": False, "reviewer_tenant_id": str(DESK)}
    assert media.calls == [("check_assets", PHOTOS[:1]), ("mark_referenced", PHOTOS[:1], reviewed)]


def test_edits_without_assets_do_not_call_media(sessions):
    app, media = content(sessions)
    draft = app.articles.create(WRITER, NEWS)
    app.articles.update(WRITER, draft["id"], {"title": "Công đoàn Thủ đô trao 2.000 suất quà Tết"})
    app.articles.update(WRITER, draft["id"], {"asset_ids": []})
    assert media.calls == []


def test_a_document_file_is_checked_before_and_referenced_after_the_write(sessions):
    app, media = content(sessions)
    office = Actor(str(uuid.uuid4()), str(HANOI), frozenset({"platform_admin"}))
    document = app.documents.create(
        office,
        {
            "number": "01/TB-TLĐ",
            "doc_type": "notice",
            "issued_on": "2026-11-20",
            "abstract": "Thông báo lịch nghỉ Tết Nguyên đán",
            "asset_id": PHOTOS[0],
            "all_tenants": True,
        },
    )
    assert media.calls == [
        ("check_assets", [PHOTOS[0]]),
        ("mark_referenced", [PHOTOS[0]], {"kind": "document", "id": document["id"], "published": True}),
    ]


def test_media_failing_after_the_commit_does_not_undo_or_fail_the_change(sessions):
    app, media = content(sessions, failing=True)
    draft = app.articles.create(WRITER, {**NEWS, "asset_ids": PHOTOS[:1]})
    assert [name for name, *_ in media.calls] == ["check_assets", "mark_referenced"]
    with sessions.read() as session:
        saved = session.scalars(select(Article).where(Article.id == uuid.UUID(draft["id"]))).one()
    assert saved.asset_ids == PHOTOS[:1]
