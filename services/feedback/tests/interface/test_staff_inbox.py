"""The staff's inbox as the workspace reads it, on the real PostgreSQL test database with a
FrozenClock: the overdue questions first, the unassigned filter, the working days left, the
actions the reader's role allows, the history naming the tenant that held the question, and an
answer from the rich-text editor stored sanitised and shown on the tracking page."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from feedback.operations import Feedback
from platform_shared.actor import Actor
from platform_shared.clock import VN_TZ, FrozenClock

TLD, HN, DN = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
QUESTION = {
    "category": "wages_bonuses",
    "title": "Công ty trả lương chậm hai tháng",
    "body": "Công ty tôi đã chậm trả lương hai tháng liền, công đoàn có thể giúp gì cho người lao động?",
    "guest": {"name": "Trần Thị Hoa", "email": "hoa@example.vn"},
}
EDITOR_ANSWER = (
    "<p>Theo <strong>Điều 97</strong> Bộ luật Lao động, công ty phải trả lương đúng hạn.</p>"
    '<p onclick="x()">Chậm quá 15 ngày phải đền bù.<script>alert(1)</script></p>'
)


def staff(tenant, *roles):
    return Actor(user_id=str(uuid.uuid4()), tenant_id=str(tenant), roles=frozenset(roles or ("responder",)))


@pytest.fixture
def clock():
    return FrozenClock(datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ).astimezone(UTC))  # a Monday


@pytest.fixture
def app(databases, clock):
    feedback = Feedback(databases.sessions("feedback"), clock=clock)
    feedback.calendar.ensure_holidays()
    tenant = {"kind": "provincial_federation", "status": "active", "parent_id": str(TLD)}
    feedback.sync_tenants(
        [
            {**tenant, "id": str(TLD), "code": "TLD", "slug": "tld", "name": "Tổng Liên đoàn", "parent_id": None},
            {**tenant, "id": str(HN), "code": "HN", "slug": "ha-noi", "name": "LĐLĐ Hà Nội"},
            {**tenant, "id": str(DN), "code": "DN", "slug": "da-nang", "name": "LĐLĐ Đà Nẵng"},
        ]
    )
    return feedback


def ask(app, title=QUESTION["title"], tenant=HN):
    return app.questions.ask(Actor.anonymous(), {**QUESTION, "title": title, "tenant_id": str(tenant)}, "203.0.113.7")


def test_the_overdue_questions_come_first_the_most_late_first_then_the_newest(app, clock):
    oldest = ask(app, "Câu hỏi gửi sớm nhất tuần trước")
    clock.advance(timedelta(days=1))
    late = ask(app, "Câu hỏi gửi hôm sau cũng quá hạn")
    clock.advance(timedelta(days=1))
    answered = ask(app, "Câu hỏi đã được trả lời đúng hạn")
    responder = staff(HN)
    app.questions.act(responder, answered["id"], "answer", {"answer": EDITOR_ANSWER})
    clock.advance(timedelta(days=8))
    fresh = ask(app, "Câu hỏi mới gửi sáng nay xong")

    listed = app.questions.list_questions(responder, {"order": "overdue_first"})["items"]
    assert [q["id"] for q in listed] == [oldest["id"], late["id"], fresh["id"], answered["id"]]
    assert [(q["overdue"], q["days_overdue"], q["working_days_left"]) for q in listed] == [
        (True, 3, None),  # due at the end of Monday 30/11; now Thursday 3/12
        (True, 2, None),
        (False, None, 5),
        (False, None, None),  # answered: the clock stopped
    ]
    newest_first = app.questions.list_questions(responder, {})["items"]
    assert [q["id"] for q in newest_first] == [fresh["id"], answered["id"], late["id"], oldest["id"]]

    app.questions.act(responder, late["id"], "assign", {})
    unassigned = app.questions.list_questions(responder, {"unassigned": True, "order": "overdue_first"})
    assert [q["id"] for q in unassigned["items"]] == [oldest["id"], fresh["id"]]


def test_the_reader_is_offered_only_the_actions_of_their_role(app):
    asked = ask(app)
    responder, admin = staff(HN), staff(HN, "tenant_admin")
    assert app.questions.act(responder, asked["id"], "answer", {"answer": EDITOR_ANSWER})["allowed_actions"] == [
        "answer",
        "reject",
    ]
    seen = app.questions.get_question(admin, asked["id"])
    assert seen["allowed_actions"] == ["answer", "approve", "reject"]
    assert "<strong>Điều 97</strong>" in seen["answer"] and "onclick" not in seen["answer"]
    assert "alert" not in seen["answer"] and seen["answer_html"] == seen["answer"]


def test_the_history_names_the_tenant_that_held_the_question_at_each_step(app):
    asked = ask(app, tenant=DN)
    app.questions.act(staff(DN), asked["id"], "transfer", {"tenant_id": str(HN), "note": "Công ty ở Hà Nội"})
    seen = app.questions.get_question(staff(HN), asked["id"])
    assert [(line["action"], line["tenant_name"]) for line in seen["activity"]] == [
        ("receive", "LĐLĐ Đà Nẵng"),
        ("transfer", "LĐLĐ Hà Nội"),  # the tenant that holds it from that step on
    ]
    assert seen["tenant_name"] == "LĐLĐ Hà Nội" and seen["working_days_left"] == 5


def test_a_published_answer_from_the_editor_is_shown_as_safe_html_to_the_asker(app):
    asked = ask(app)
    admin = staff(HN, "tenant_admin")
    app.questions.act(staff(HN), asked["id"], "answer", {"answer": EDITOR_ANSWER})
    app.questions.act(admin, asked["id"], "approve")
    app.questions.act(admin, asked["id"], "publish", {})
    tracked = app.questions.track(asked["tracking_code"], "203.0.113.7")
    assert (
        tracked["answer_html"].startswith("<p>Theo <strong>Điều 97</strong>") and "script" not in tracked["answer_html"]
    )
    public = app.questions.public_questions({"q": "dieu 97"})
    assert [q["id"] for q in public["items"]] == [asked["id"]] and public["items"][0]["answer_html"]
    assert app.questions.public_questions({"q": "strong"})["total"] == 0  # tags are not words
