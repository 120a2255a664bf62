"""Fixtures of the royalties tests: the use cases on the real PostgreSQL test database,
the demo desks in the tenant copy, and a factory of content events."""

import uuid
from datetime import UTC, datetime

import pytest

TENANTS = {
    "BLD": ("Báo Lao Động", "00000000-0000-4000-8000-0000000000b1"),
    "BTG": ("Ban Tuyên giáo Tổng Liên đoàn", "00000000-0000-4000-8000-0000000000b2"),
    "VP-TLD": ("Văn phòng Tổng Liên đoàn", "00000000-0000-4000-8000-0000000000b3"),
    "LDLD-HN": ("Liên đoàn Lao động thành phố Hà Nội", "00000000-0000-4000-8000-0000000000c1"),
    "LDLD-DN": ("Liên đoàn Lao động thành phố Đà Nẵng", "00000000-0000-4000-8000-0000000000c2"),
}


class EventFactory:
    """Content events as the content service publishes them (contract: platform_shared.contracts.content)."""

    def __init__(self):
        self.hanoi = TENANTS["LDLD-HN"][1]

    def published(self, article_id=None, *, at="2026-10-05T03:00:00+00:00", authors=None, photos=(), **extra):
        article_id = article_id or str(uuid.uuid4())
        return {
            "event_id": str(uuid.uuid4()),
            "event_type": "content.article_published",
            "occurred_at": at,
            "schema_version": 1,
            "tenant_id": extra.pop("tenant_id", self.hanoi),
            "article_id": article_id,
            "revision": extra.pop("revision", 1),
            "section": extra.pop("section", "news"),
            "genre": extra.pop("genre", "news"),
            "title": extra.pop("title", "Công nhân Khu công nghiệp Thăng Long đón Tết sum vầy"),
            "site": extra.pop("site", "portal"),
            "asset_ids": [],
            "published_at": at,
            "slug": "bai-" + article_id[:8],
            "authors": authors
            if authors is not None
            else [{"user_id": str(uuid.uuid4()), "pen_name": "Trần Văn Bình", "share": 100}],
            "photo_credits": [{"asset_id": a, "user_id": None, "name": "Lê Ảnh"} for a in photos],
            "word_count": 600,
            "first_publication": extra.pop("first_publication", True),
            **extra,
        }

    def unpublished(self, published, *, at="2026-10-06T03:00:00+00:00"):
        return {
            **{k: published[k] for k in ("tenant_id", "article_id", "revision", "section", "genre", "title", "site")},
            "event_id": str(uuid.uuid4()),
            "event_type": "content.article_unpublished",
            "occurred_at": at,
            "schema_version": 1,
            "asset_ids": [],
            "unpublished_at": at,
            "reason": "Sai sót nội dung",
        }

    def corrected(self, published, *, new_work, at="2026-10-07T03:00:00+00:00", authors=None):
        return {
            **{k: published[k] for k in ("tenant_id", "article_id", "section", "genre", "title", "site")},
            "event_id": str(uuid.uuid4()),
            "event_type": "content.article_corrected",
            "occurred_at": at,
            "schema_version": 1,
            "asset_ids": [],
            "revision": published["revision"] + 1,
            "previous_revision": published["revision"],
            "corrected_at": at,
            "new_work": new_work,
            "authors": authors or published["authors"],
            "photo_credits": published["photo_credits"],
            "word_count": 700,
        }


@pytest.fixture
def events():
    return EventFactory()


def seed_tenants(app):
    return app.sync_tenants(
        [{"id": ident, "code": code, "name": name, "status": "active"} for code, (name, ident) in TENANTS.items()]
    )


@pytest.fixture
def tenants():
    return {code: ident for code, (_, ident) in TENANTS.items()}


@pytest.fixture
def clock():
    from platform_shared.clock import FrozenClock

    return FrozenClock(datetime(2026, 11, 20, 3, 0, tzinfo=UTC))


class Ledger:
    """The royalties use cases by aggregate, as the service's mixins build them for a worker."""

    def __init__(self, sessions, clock):
        from royalties.items.operations import RoyaltyItems
        from royalties.items.publications import Publications
        from royalties.operations import Royalties
        from royalties.rates.operations import RateTables
        from royalties.reconciliation.operations import Reconciliation
        from royalties.statements.operations import MonthlyStatements

        self.directory = Royalties(sessions, clock=clock)
        self.publications = Publications(sessions, clock=clock)
        self.items = RoyaltyItems(sessions, clock=clock)
        self.rates = RateTables(sessions, clock=clock)
        self.statements = MonthlyStatements(sessions, clock=clock)
        self.reconciliation = Reconciliation(sessions, clock=clock)


@pytest.fixture
def ledger(databases, clock):
    """The royalties use cases on the emptied test database, rates ensured and desks known."""
    from royalties import reference

    sessions = databases.sessions("royalties")
    reference.ensure(sessions, clock.now())
    use_cases = Ledger(sessions, clock)
    seed_tenants(use_cases.directory)
    return use_cases


@pytest.fixture
def deliver(ledger, databases):
    """``deliver(event)``: what the service's handler does (inbox first, then the applier)."""
    from platform_shared import inbox

    publications = ledger.publications
    appliers = {
        "content.article_published": ("handle_article_published", publications.apply_published),
        "content.article_unpublished": ("handle_article_unpublished", publications.apply_unpublished),
        "content.article_corrected": ("handle_article_corrected", publications.apply_corrected),
    }

    def do(event):
        from platform_shared.contracts import content as contracts

        handler, apply = appliers[event["event_type"]]
        event = contracts.SCHEMAS[event["event_type"]]().load(event)
        if handler == "handle_article_published":  # the batch path, as the intake runs it
            with databases.sessions("royalties").transaction() as session:
                return publications.apply_published_batch(session, [event]) or None
        with databases.sessions("royalties").transaction() as session:
            if inbox.seen(session, handler, event["event_id"]):
                return None
            return apply(session, event)

    return do


@pytest.fixture
def actors(tenants):
    """Desk staff and others, as the gateway would pass them."""
    from platform_shared.actor import Actor

    def actor(tenant, *roles):
        return Actor(user_id=str(uuid.uuid4()), tenant_id=tenants[tenant], roles=frozenset(roles))

    return {
        "officer": actor("BLD", "royalty_officer"),
        "editor": actor("BLD", "editor"),
        "thematic_editor": actor("BTG", "editor"),
        "thematic_officer": actor("BTG", "royalty_officer"),
        "hanoi_officer": actor("LDLD-HN", "royalty_officer"),
        "hanoi_editor": actor("LDLD-HN", "editor"),
        "danang_officer": actor("LDLD-DN", "royalty_officer"),
        "desk_admin": actor("BLD", "tenant_admin"),
        "contributor": actor("LDLD-HN", "contributor"),
        "admin": Actor(user_id=str(uuid.uuid4()), tenant_id=tenants["VP-TLD"], roles=frozenset({"platform_admin"})),
    }
