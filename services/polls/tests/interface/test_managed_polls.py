"""What the workspace reads of polls, on the embedded SQLite database: the list of the polls one
manages (``managed``) with how many have answered each, ``managed``/``respondents`` on a poll, and
the tenants an author may address (``list_audience_choices``) in tree order."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from platform_shared.actor import Actor
from platform_shared.clock import FrozenClock
from platform_shared.database import SessionFactory, make_engine
from platform_shared.errors import Forbidden
from platform_shared.migrations import upgrade
from polls.manifest import MANIFEST
from polls.models import Tally
from polls.operations import PollsApp

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
TLD, HN, HN_KCN, DN, OLD = (str(uuid.uuid4()) for _ in range(5))
TENANTS = [
    {"id": TLD, "code": "TLD", "name": "Tổng Liên đoàn", "kind": "confederation", "status": "active"},
    {"id": HN, "code": "HN", "name": "Hà Nội", "kind": "provincial_federation", "parent_id": TLD, "status": "active"},
    {"id": HN_KCN, "code": "KCN", "name": "KCN Hà Nội", "kind": "sectoral_union", "parent_id": HN, "status": "active"},
    {"id": DN, "code": "DN", "name": "Đà Nẵng", "kind": "provincial_federation", "parent_id": TLD, "status": "active"},
    {"id": OLD, "code": "OLD", "name": "Cũ", "kind": "provincial_federation", "parent_id": TLD, "status": "active"},
]


def actor(tenant, *roles):
    return Actor(user_id=str(uuid.uuid4()), tenant_id=tenant, roles=frozenset(roles))


VGCL, HN_ADMIN, DN_ADMIN = actor(TLD, "platform_admin"), actor(HN, "tenant_admin"), actor(DN, "tenant_admin")


def body(audience=None):
    data = {
        "title": "Lấy ý kiến đoàn viên",
        "opens_at": (NOW - timedelta(hours=1)).isoformat(),
        "closes_at": (NOW + timedelta(days=1)).isoformat(),
        "questions": [{"text": "Đồng ý?", "kind": "single", "options": [{"label": "Có"}, {"label": "Không"}]}],
    }
    return data if audience is None else {**data, "audience": audience}


@pytest.fixture
def app(tmp_path):
    url = f"sqlite:///{tmp_path / 'polls.db'}"
    upgrade(MANIFEST.migrations_dir, url)
    app = PollsApp(SessionFactory(make_engine(url)), clock=FrozenClock(NOW))
    app.sync_tenants(TENANTS)
    return app


def answered(app, poll_id, counts):
    """``counts``: {tenant id: respondents} written as the intake's poll-level tally rows."""
    with app.sessions.transaction() as session:
        for tenant, n in counts.items():
            session.add(
                Tally(
                    poll_id=uuid.UUID(poll_id),
                    tenant_id=uuid.UUID(tenant),
                    question_id="",
                    row_id="",
                    option_id="",
                    count=n,
                )
            )


def test_the_list_of_managed_polls_holds_ones_own_with_their_respondents(app):
    national = app.transition(VGCL, app.create_poll(VGCL, body({"all": True}))["id"], "open")
    hanoi_draft = app.create_poll(HN_ADMIN, body())
    hanoi_open = app.transition(HN_ADMIN, app.create_poll(HN_ADMIN, body())["id"], "open")
    danang = app.create_poll(DN_ADMIN, body())
    answered(app, national["id"], {HN: 3, DN: 4})
    answered(app, hanoi_open["id"], {HN: 2})

    mine, total, _ = app.list_polls(HN_ADMIN, {"managed": True, "per_page": 50})
    assert {p["id"] for p in mine} == {hanoi_draft["id"], hanoi_open["id"]} and total == 2
    assert {p["id"]: p["respondents"] for p in mine} == {hanoi_draft["id"]: 0, hanoi_open["id"]: 2}
    assert all(p["managed"] for p in mine)
    # without the filter the national poll (eligible, not managed) is listed too, with no count
    seen = {p["id"]: p for p in app.list_polls(HN_ADMIN, {"per_page": 50})[0]}
    assert seen[national["id"]]["managed"] is False and seen[national["id"]]["respondents"] is None

    vgcl, total, _ = app.list_polls(VGCL, {"managed": True, "per_page": 50})
    assert [p["id"] for p in vgcl] == [national["id"]] and vgcl[0]["respondents"] == 7
    opened, total, _ = app.list_polls(HN_ADMIN, {"managed": True, "status": "open"})
    assert [p["id"] for p in opened] == [hanoi_open["id"]] and total == 1
    assert app.list_polls(DN_ADMIN, {"managed": True})[0][0]["id"] == danang["id"]

    assert app.get_poll(VGCL, national["id"])["respondents"] == 7
    assert app.get_poll(HN_ADMIN, national["id"])["respondents"] is None  # eligible, not its manager
    assert app.get_poll(VGCL, hanoi_open["id"])["managed"] is False  # the VGCL sees it, Hà Nội manages it
    for who in (actor(HN, "contributor"), actor(HN, "member")):
        with pytest.raises(Forbidden):
            app.list_polls(who, {"managed": True})


def test_the_audience_choices_are_the_tree_an_author_may_address(app):
    with app.sessions.transaction() as session:
        app.merge_tenant(
            session, {"tenant_id": OLD, "into_tenant_id": HN, "merged_at": NOW.isoformat(), "event_id": "e1"}
        )
    vgcl = app.audience_choices(VGCL)
    assert vgcl["all"] is True
    assert [(c["name"], c["depth"]) for c in vgcl["items"]] == [
        ("Tổng Liên đoàn", 0),
        ("Đà Nẵng", 1),
        ("Hà Nội", 1),
        ("KCN Hà Nội", 2),
    ]  # by name under each parent; the merged tenant is gone
    hanoi = app.audience_choices(HN_ADMIN)
    assert hanoi["all"] is False
    assert [(c["id"], c["depth"], c["parent_id"]) for c in hanoi["items"]] == [(HN, 0, TLD), (HN_KCN, 1, HN)]
    with pytest.raises(Forbidden):
        app.audience_choices(actor(HN, "contributor"))
