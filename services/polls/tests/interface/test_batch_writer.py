"""The bulk writer on the embedded SQLite database (``make run``): counted, duplicate,
redelivered and rejected responses, and the tallies they leave."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from platform_shared.actor import Actor
from platform_shared.clock import FrozenClock
from platform_shared.database import SessionFactory, make_engine
from platform_shared.migrations import upgrade
from polls import intake
from polls.manifest import MANIFEST
from polls.models import PollResponse
from polls.operations import PollsApp
from polls.results.operations import PollResults

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
HN, DN = str(uuid.uuid4()), str(uuid.uuid4())
ADMIN = Actor(user_id=str(uuid.uuid4()), tenant_id=HN, roles=frozenset({"platform_admin"}))


@pytest.fixture
def app(tmp_path):
    return _app(f"sqlite:///{tmp_path / 'polls.db'}")


@pytest.fixture(params=["sqlite", "postgresql"])
def either_app(request, tmp_path):
    """The embedded SQLite database and PostgreSQL (the writer's JSON-rows path)."""
    if request.param == "sqlite":
        app = _app(f"sqlite:///{tmp_path / 'polls.db'}")
    else:
        app = _app(request.getfixturevalue("databases").url("polls"), migrate=False)
    yield app
    app.sessions.dispose()


def _app(url, migrate=True):
    if migrate:
        upgrade(MANIFEST.migrations_dir, url)
    app = PollsApp(SessionFactory(make_engine(url)), clock=FrozenClock(NOW))
    app.sync_tenants(
        [
            {"id": HN, "code": "HN", "name": "Hà Nội", "kind": "provincial_federation", "status": "active"},
            {"id": DN, "code": "DN", "name": "Đà Nẵng", "kind": "provincial_federation", "status": "active"},
        ]
    )
    return app


@pytest.fixture
def results(app):
    return PollResults(app.sessions, clock=app.clock)


POLL = {
    "title": "Phiếu thử",
    "opens_at": (NOW - timedelta(hours=1)).isoformat(),
    "closes_at": (NOW + timedelta(hours=1)).isoformat(),
    "audience": {"tenant_ids": [HN]},
    "questions": [
        {"text": "Một", "kind": "single", "options": [{"label": "A"}, {"label": "B"}]},
        {"text": "Tự do", "kind": "text", "required": False},
    ],
}


@pytest.fixture
def poll(app):
    return app.transition(ADMIN, app.create_poll(ADMIN, POLL)["id"], "open")


def message(poll_id, member=None, tenant=HN, answers=None, receipt=None, at=NOW):
    body = {
        "receipt": receipt or str(uuid.uuid4()),
        "poll_id": poll_id,
        "member_id": member or str(uuid.uuid4()),
        "tenant_id": tenant,
        "answers": {"q1": "o1"} if answers is None else answers,
        "received_at": at.isoformat(),
    }
    return intake.parse(json.dumps(body))


def write(app, items):
    with app.sessions.transaction() as session:
        return intake.record_batch(session, items, now=NOW, rules=intake.RulesCache())


def test_one_response_per_member_duplicates_and_redeliveries(app, results, poll):
    member = str(uuid.uuid4())
    first = message(poll["id"], member, answers={"q1": "o2", "q2": "Cần thêm nhà trẻ"})
    outcome = write(app, [first, message(poll["id"], member), message(poll["id"])])
    assert outcome == {"counted": 2, "duplicate": 1}
    again = intake.parse(json.dumps({**json.loads(_body(first)), "answers": {"q1": "o2"}}))
    assert write(app, [again]) == {"redelivered": 1}  # the same receipt once more: nothing changes

    counts = results.results(ADMIN, poll["id"])
    assert counts["respondents"] == 2
    assert [o["count"] for o in counts["questions"][0]["options"]] == [None, None]  # 2 < 5: suppressed
    assert results.get_receipt(Actor(user_id=member, tenant_id=HN, roles=frozenset({"member"})), first["receipt"]) == {
        "status": "counted",
        "poll_id": poll["id"],
    }
    texts, total, _ = results.text_answers(ADMIN, poll["id"], {"status": "pending"})
    assert [t["text"] for t in texts] == ["Cần thêm nhà trẻ"] and total == 1


def _body(item):
    return json.dumps({k: v for k, v in item.items() if not k.startswith("_")})


def test_what_the_gateway_should_not_have_let_through_is_rejected_with_the_reason(app, results, poll):
    late = message(poll["id"], at=NOW + timedelta(hours=2))
    outsider = message(poll["id"], tenant=DN)
    wrong = message(poll["id"], answers={"q1": "o9"})
    unknown = message(str(uuid.uuid4()))
    assert write(app, [late, outsider, wrong, unknown]) == {"rejected": 4}
    reasons = {
        name: results.get_receipt(Actor(user_id=item["member_id"], tenant_id=HN, roles=frozenset()), item["receipt"])
        for name, item in (("late", late), ("outsider", outsider), ("wrong", wrong))
    }
    assert all(r["status"] == "rejected" for r in reasons.values())
    assert "đã đóng" in reasons["late"]["reason"]
    assert "không thuộc đối tượng" in reasons["outsider"]["reason"]
    assert "q1" in reasons["wrong"]["reason"]
    assert results.results(ADMIN, poll["id"])["respondents"] == 0


def test_identical_answers_are_checked_once_yet_every_member_is_counted_with_their_text(either_app):
    app = either_app
    results = PollResults(app.sessions, clock=app.clock)
    poll = app.transition(ADMIN, app.create_poll(ADMIN, POLL)["id"], "open")
    rules = intake.RulesCache()  # one cache over both batches, as the consumer keeps it
    same = {"q1": "o1", "q2": "Cần thêm nhà trẻ"}
    first = [message(poll["id"], answers=dict(same)) for _ in range(4)] + [
        message(poll["id"], answers={"q1": "o2"}) for _ in range(5)
    ]
    wrong = [message(poll["id"], answers={"q1": "o9"}) for _ in range(2)]  # the same mistake twice
    second = [message(poll["id"], answers=dict(same)) for _ in range(2)] + [
        message(poll["id"], tenant=DN, answers=same)
    ]
    with app.sessions.transaction() as session:
        assert intake.record_batch(session, first + wrong, now=NOW, rules=rules) == {"counted": 9, "rejected": 2}
    with app.sessions.transaction() as session:
        assert intake.record_batch(session, second, now=NOW, rules=rules) == {"counted": 2, "rejected": 1}

    counts = results.results(ADMIN, poll["id"])
    assert counts["respondents"] == 11
    assert [o["count"] for o in counts["questions"][0]["options"]] == [6, 5]
    texts, total, _ = results.text_answers(ADMIN, poll["id"], {"status": "pending", "per_page": 50})
    assert total == 6 and {t["text"] for t in texts} == {"Cần thêm nhà trẻ"}
    member = Actor(user_id=wrong[1]["member_id"], tenant_id=HN, roles=frozenset({"member"}))
    refused = results.get_receipt(member, wrong[1]["receipt"])
    assert refused["status"] == "rejected" and "q1" in refused["reason"]


def test_a_mixed_batch_counts_the_good_ones_once_and_stores_what_was_checked(either_app):
    """One batch with a duplicate, a bad message and a second copy of a receipt: the good ones are
    counted once, with the answers as checked (the blank optional answer left out) and the time as
    sent, whichever ISO form the message used."""
    app = either_app
    results = PollResults(app.sessions, clock=app.clock)
    poll = app.transition(ADMIN, app.create_poll(ADMIN, POLL)["id"], "open")
    member = str(uuid.uuid4())
    good = message(poll["id"], member, answers={"q1": "o2", "q2": ""})
    zulu = intake.parse(json.dumps({**json.loads(_body(message(poll["id"]))), "received_at": "2026-12-01T02:30:00Z"}))
    batch = [
        good,
        message(poll["id"], member),  # the same member again: a duplicate
        message(poll["id"], answers={"q1": "o9"}),  # the gateway should not have let it through
        intake.parse(_body(good), redelivered=False),  # the same receipt twice in one batch
        zulu,
    ]
    with app.sessions.transaction() as session:
        outcome = intake.record_batch(session, batch, now=NOW, rules=intake.RulesCache())
    assert outcome == {"counted": 2, "duplicate": 1, "rejected": 1, "redelivered": 1}

    with app.sessions.read() as session:
        stored = {
            str(r.id): r
            for r in session.scalars(select(PollResponse).where(PollResponse.poll_id == uuid.UUID(poll["id"])))
        }
    assert set(stored) == {good["receipt"], zulu["receipt"]}
    assert stored[good["receipt"]].answers == {"q1": "o2"}
    assert stored[good["receipt"]].received_at == NOW
    assert stored[zulu["receipt"]].received_at == datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
    counts = results.results(ADMIN, poll["id"])
    assert counts["respondents"] == 2
    texts, total, _ = results.text_answers(ADMIN, poll["id"], {"status": "pending"})
    assert total == 0  # the blank free-text answer is not a text to moderate


def test_a_receipt_is_told_only_to_its_member(app, results, poll):
    item = message(poll["id"])
    write(app, [item])
    stranger = Actor(user_id=str(uuid.uuid4()), tenant_id=HN, roles=frozenset({"member"}))
    assert results.get_receipt(stranger, item["receipt"]) is None
    assert intake.parse(b"not json") is None
