"""Who sees which poll, on the embedded SQLite database: the list (filtered and paginated in SQL)
and a single poll answer exactly as the rule reads — managers see theirs, platform admins
every poll, others a non-draft poll their tenant is eligible for (its subtree, merges)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from platform_shared.actor import Actor
from platform_shared.clock import FrozenClock
from platform_shared.database import SessionFactory, make_engine
from platform_shared.errors import NotFound
from platform_shared.migrations import upgrade
from polls import domain
from polls.manifest import MANIFEST
from polls.operations import PollsApp

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
TLD, HN, HN_KCN, DN, OLD, NEW = (str(uuid.uuid4()) for _ in range(6))
TENANTS = [
    {"id": TLD, "code": "TLD", "name": "Tổng Liên đoàn", "kind": "confederation", "status": "active"},
    {"id": HN, "code": "HN", "name": "Hà Nội", "kind": "provincial_federation", "parent_id": TLD, "status": "active"},
    {
        "id": HN_KCN,
        "code": "HN-KCN",
        "name": "KCN Hà Nội",
        "kind": "sectoral_union",
        "parent_id": HN,
        "status": "active",
    },
    {"id": DN, "code": "DN", "name": "Đà Nẵng", "kind": "provincial_federation", "parent_id": TLD, "status": "active"},
    {"id": OLD, "code": "OLD", "name": "Cũ", "kind": "provincial_federation", "parent_id": TLD, "status": "active"},
]


def actor(tenant, *roles):
    return Actor(user_id=str(uuid.uuid4()), tenant_id=tenant, roles=frozenset(roles))


VGCL = actor(TLD, "platform_admin")
ADMINS = {t: actor(t, "tenant_admin") for t in (HN, HN_KCN, DN)}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Polls of every scope, audience and status; then OLD merges into HN (a token may still name OLD)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('visibility') / 'polls.db'}"
    upgrade(MANIFEST.migrations_dir, url)
    app = PollsApp(SessionFactory(make_engine(url)), clock=FrozenClock(NOW))
    app.sync_tenants(TENANTS)
    polls = []
    for author, audience in (
        (VGCL, {"all": True}),
        (VGCL, {"tenant_ids": [HN]}),
        (VGCL, {"tenant_ids": [OLD]}),
        (VGCL, {"tenant_ids": [HN_KCN, DN]}),
        (ADMINS[HN], None),
        (ADMINS[HN], {"tenant_ids": [HN_KCN]}),
        (ADMINS[DN], None),
        (ADMINS[HN_KCN], None),
    ):
        for steps in ((), ("open",), ("open", "close"), ("open", "close", "publish")):
            poll = app.create_poll(author, _poll(audience))
            for step in steps:
                poll = app.transition(author, poll["id"], step)
            polls.append(poll)
    with app.sessions.transaction() as session:
        app.merge_tenant(
            session, {"tenant_id": OLD, "into_tenant_id": HN, "merged_at": NOW.isoformat(), "event_id": "e1"}
        )
    return app, polls


def _poll(audience):
    body = {
        "title": "Lấy ý kiến đoàn viên",
        "opens_at": (NOW - timedelta(hours=1)).isoformat(),
        "closes_at": (NOW + timedelta(days=1)).isoformat(),
        "questions": [{"text": "Đồng ý?", "kind": "single", "options": [{"label": "Có"}, {"label": "Không"}]}],
    }
    return body if audience is None else {**body, "audience": audience}


def expected(app, who, poll):
    """The rule, read plainly: managers, platform admins, or eligible once it is not a draft."""
    with app.sessions.read() as session:
        tree = app.tenants(session).tree()
    manages = (
        who.is_platform_admin
        if poll["scope"] == "platform"
        else ("tenant_admin" in who.roles and who.tenant_id == poll["tenant_id"])
    )
    audience = poll_audience(app, poll)
    eligible = set(tree) if audience["all"] else domain.eligible_tenants(tree, audience["tenant_ids"])
    return manages or who.is_platform_admin or (poll["status"] != "draft" and who.tenant_id in eligible)


def poll_audience(app, poll):
    return app.get_poll(VGCL, poll["id"])["audience"]


WHO = {
    "vgcl": VGCL,
    "hn admin": ADMINS[HN],
    "kcn admin": ADMINS[HN_KCN],
    "dn admin": ADMINS[DN],
    "hn member": actor(HN, "member"),
    "kcn member": actor(HN_KCN, "member"),
    "dn moderator": actor(DN, "moderator", "member"),
    "member of the merged tenant": actor(OLD, "member"),
    "member of a tenant not copied yet": actor(str(uuid.uuid4()), "member"),
    "admin without a tenant": actor(None, "tenant_admin"),
}


@pytest.mark.parametrize("name", WHO)
def test_a_list_holds_exactly_the_polls_one_may_see_and_one_reads_them_alone_too(world, name):
    app, polls = world
    who = WHO[name]
    visible = [p["id"] for p in polls if expected(app, who, p)]
    items, total, _ = app.list_polls(who, {"per_page": 100})
    assert sorted(p["id"] for p in items) == sorted(visible) and total == len(visible)
    for poll in polls:
        if poll["id"] in visible:
            assert app.get_poll(who, poll["id"])["id"] == poll["id"]
        else:
            with pytest.raises(NotFound):
                app.get_poll(who, poll["id"])


def test_a_list_is_paginated_newest_first_and_filtered_by_status(world):
    app, polls = world
    who = WHO["hn member"]
    everything, total, _ = app.list_polls(who, {"per_page": 100})
    pages = [app.list_polls(who, {"page": n, "per_page": 3})[0] for n in range(1, (total + 2) // 3 + 1)]
    assert [p["id"] for page in pages for p in page] == [p["id"] for p in everything]
    assert all(len(page) == 3 for page in pages[:-1]) and app.list_polls(who, {"page": 99})[0] == []
    opened, count, _ = app.list_polls(who, {"status": "open", "per_page": 100})
    assert count == len(opened) > 0 and {p["status"] for p in opened} == {"open"}
    assert [p["opens_at"] for p in everything] == sorted((p["opens_at"] for p in everything), reverse=True)


def test_the_public_sees_the_national_polls_open_or_with_results_published(world):
    app, polls = world
    anonymous = Actor.anonymous()
    public = sorted(p["id"] for p in polls if p["audience"]["all"] and p["status"] in ("open", "published"))
    assert len(public) == 2
    items, total, _ = app.list_polls(anonymous, {"per_page": 100})
    assert sorted(p["id"] for p in items) == public and total == 2
    listed, total, _ = app.public_polls(anonymous, {"per_page": 100})
    assert sorted(p["id"] for p in listed) == public and total == 2
    assert {(p["status"], p["results_published"], p["question_count"]) for p in listed} == {
        ("open", False, 1),
        ("published", True, 1),
    }
    for poll in polls:
        if poll["id"] in public:
            assert app.get_poll(anonymous, poll["id"])["id"] == poll["id"]
        else:
            with pytest.raises(NotFound):
                app.get_poll(anonymous, poll["id"])


@pytest.mark.parametrize("name", WHO)
def test_the_portals_list_is_what_list_polls_shows_without_drafts(world, name):
    app, _ = world
    who = WHO[name]
    shown, _, _ = app.list_polls(who, {"per_page": 100})
    listed, total, _ = app.public_polls(who, {"per_page": 100})
    assert [p["id"] for p in listed] == [p["id"] for p in shown if p["status"] != "draft"] and total == len(listed)
