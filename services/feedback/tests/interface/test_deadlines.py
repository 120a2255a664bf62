"""Deadlines across holidays with an injectable clock, the overdue list, escalation to the
parent tenant, the semiannual figures and a tenant merge — the use cases on the real
PostgreSQL test database, time controlled by a FrozenClock."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from feedback.operations import Feedback
from platform_shared.actor import SYSTEM, Actor
from platform_shared.clock import VN_TZ, FrozenClock
from platform_shared.contracts import feedback as contracts
from platform_shared.errors import Forbidden
from platform_shared.tables import outbox
from platform_shared.testing.waiting import wait_for
from platform_shared.testing.workers import start_worker

TLD, HN, DN = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
QUESTION = {
    "category": "social_insurance",
    "title": "Chốt sổ bảo hiểm xã hội khi nghỉ việc",
    "body": "Công ty chưa chốt sổ bảo hiểm xã hội cho tôi sau khi nghỉ việc ba tháng, tôi phải làm gì?",
    "guest": {"name": "Trần Thị Hoa", "email": "hoa@example.vn"},
}


def staff(tenant, *roles):
    return Actor(user_id=str(uuid.uuid4()), tenant_id=str(tenant), roles=frozenset(roles or ("responder",)))


@pytest.fixture
def clock():
    return FrozenClock(datetime(2026, 2, 13, 9, 0, tzinfo=VN_TZ).astimezone(UTC))  # Friday before Tết


@pytest.fixture
def app(databases, clock):
    feedback = Feedback(databases.sessions("feedback"), clock=clock)
    feedback.calendar.ensure_holidays()
    feedback.sync_tenants(
        [
            {
                "id": str(TLD),
                "code": "TLD",
                "slug": "tld",
                "name": "Tổng Liên đoàn",
                "kind": "confederation",
                "parent_id": None,
                "status": "active",
            },
            {
                "id": str(HN),
                "code": "HN",
                "slug": "ha-noi",
                "name": "LĐLĐ Hà Nội",
                "kind": "provincial_federation",
                "parent_id": str(TLD),
                "status": "active",
            },
            {
                "id": str(DN),
                "code": "DN",
                "slug": "da-nang",
                "name": "LĐLĐ Đà Nẵng",
                "kind": "provincial_federation",
                "parent_id": str(TLD),
                "status": "active",
            },
        ]
    )
    return feedback


def ask(app, tenant=HN):
    return app.questions.ask(Actor.anonymous(), {**QUESTION, "tenant_id": str(tenant)}, "203.0.113.7")


def events_of(databases, event_type):
    with databases.sessions("feedback").read() as session:
        return [r.payload for r in session.execute(select(outbox).where(outbox.c.event_type == event_type)).all()]


def test_the_deadline_skips_tet_and_weekends(app):
    asked = ask(app)
    # Friday 13/2/2026; 14–22/2 is Tết with its weekends: due at the end of Friday 27/2.
    assert datetime.fromisoformat(asked["due_at"]) == datetime(2026, 2, 28, tzinfo=VN_TZ)


def test_nothing_is_overdue_on_the_last_day_and_everything_open_is_the_day_after(app, clock, databases):
    asked = ask(app)
    clock.at = datetime(2026, 2, 27, 23, 59, tzinfo=VN_TZ).astimezone(UTC)
    assert app.questions.escalate_overdue() == []
    assert app.questions.list_questions(staff(HN), {"overdue": True})["total"] == 0
    clock.at = datetime(2026, 2, 28, 0, 1, tzinfo=VN_TZ).astimezone(UTC)
    overdue = app.questions.list_questions(staff(HN), {"overdue": True})
    assert [q["id"] for q in overdue["items"]] == [asked["id"]] and overdue["items"][0]["overdue"]


def test_an_overdue_question_escalates_once_to_the_parent_tenant(app, clock, databases):
    asked = ask(app)
    answered = ask(app)
    app.questions.act(
        staff(HN), answered["id"], "answer", {"answer": "Công ty phải chốt sổ bảo hiểm trong bảy ngày làm việc."}
    )
    assert app.questions.list_questions(staff(TLD), {})["total"] == 0
    clock.advance(timedelta(days=20))
    assert app.questions.escalate_overdue() == [asked["id"]]
    assert app.questions.escalate_overdue() == []  # once
    seen = app.questions.list_questions(staff(TLD), {"overdue": True})["items"]
    assert [q["id"] for q in seen] == [asked["id"]] and seen[0]["escalated_to_id"] == str(TLD)
    assert app.questions.list_questions(staff(DN), {})["total"] == 0  # a sibling sees nothing
    facts = events_of(databases, contracts.QUESTION_OVERDUE)
    assert len(facts) == 1
    fact = contracts.QuestionOverdue().load(facts[0])
    assert fact["question_id"] == asked["id"] and fact["escalated_to_tenant_id"] == str(TLD)
    assert "guest" not in str(facts[0]) and "hoa@example.vn" not in str(facts[0])
    # the parent may work it now
    done = app.questions.act(
        staff(TLD), asked["id"], "answer", {"answer": "Tổng Liên đoàn đã đề nghị công ty chốt sổ ngay."}
    )
    assert done["status"] == "answered"


def test_the_answer_clock_stops_at_the_first_answer(app, clock, databases):
    asked = ask(app)
    clock.advance(timedelta(days=3))
    app.questions.act(
        staff(HN), asked["id"], "answer", {"answer": "Công ty phải chốt sổ bảo hiểm trong bảy ngày làm việc."}
    )
    clock.advance(timedelta(days=30))
    app.questions.act(
        staff(HN), asked["id"], "answer", {"answer": "Bổ sung: người lao động có thể khiếu nại lên Sở Nội vụ."}
    )
    assert app.questions.escalate_overdue() == []
    facts = [contracts.QuestionAnswered().load(p) for p in events_of(databases, contracts.QUESTION_ANSWERED)]
    assert len(facts) == 1 and facts[0]["on_time"] is True


def test_figures_for_the_semiannual_report(app, clock):
    on_time = ask(app)
    late = ask(app)
    ask(app)  # stays open past its deadline
    ask(app, DN)  # another tenant
    clock.advance(timedelta(days=1))
    app.questions.act(
        staff(HN), on_time["id"], "answer", {"answer": "Công ty phải chốt sổ bảo hiểm trong bảy ngày làm việc."}
    )
    clock.advance(timedelta(days=30))
    app.questions.act(
        staff(HN), late["id"], "answer", {"answer": "Công ty phải chốt sổ bảo hiểm trong bảy ngày làm việc."}
    )
    figures = app.questions.question_figures(SYSTEM, str(HN), "2026-01-01", "2026-07-01")
    assert figures == {"received": 3, "answered": 2, "answered_on_time": 1, "overdue_open": 1}
    assert app.questions.question_figures(SYSTEM, str(HN), "2026-02-14", "2026-07-01")["received"] == 0
    assert (
        app.questions.question_figures(staff(HN, "tenant_admin"), str(HN), "2026-01-01", "2026-07-01")["received"] == 3
    )
    with pytest.raises(Forbidden):
        app.questions.question_figures(staff(DN, "tenant_admin"), str(HN), "2026-01-01", "2026-07-01")
    with pytest.raises(Forbidden):
        app.questions.question_figures(staff(HN, "responder"), str(HN), "2026-01-01", "2026-07-01")


@pytest.mark.parametrize(
    "args, field",
    [
        (("nope", "2026-01-01", "2026-07-01"), "tenant_id"),
        ((str(HN), "2026-13-01", "2026-07-01"), "start"),
        ((str(HN), "2026-07-01", "2026-01-01"), "end"),
    ],
)
def test_bad_figures_arguments_name_the_field(app, args, field):
    from platform_shared.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        app.questions.question_figures(SYSTEM, *args)
    assert field in caught.value.details["errors"]


def test_a_merge_moves_open_questions_with_their_deadlines_and_leaves_history(app, clock, databases):
    open_one = ask(app, DN)
    finished = ask(app, DN)
    app.questions.act(staff(DN), finished["id"], "reject", {"reason": "Câu hỏi trùng với câu đã trả lời."})
    with databases.sessions("feedback").transaction() as session:
        app.merge_tenant(
            session, {"tenant_id": str(DN), "into_tenant_id": str(HN), "merged_at": clock.now().isoformat()}
        )
    moved = app.questions.get_question(staff(HN), open_one["id"])
    assert moved["tenant_id"] == str(HN) and moved["due_at"] == open_one["due_at"]
    assert [a["action"] for a in moved["activity"]] == ["receive", "merge"]
    assert app.questions.get_question(staff(DN), finished["id"])["status"] == "rejected"
    # later questions to the merged tenant reach the surviving one
    assert ask(app, DN)["tenant"]["id"] == str(HN)


def test_the_timer_escalates_overdue_questions(app, clock, start_service, databases):
    asked = ask(app)  # received on 13/2/2026, long overdue by the real clock
    start_service("feedback", FEEDBACK_ESCALATION_INTERVAL_SECONDS=0.2, FEEDBACK_TENANT_SYNC_INTERVAL_SECONDS=3600)
    wait_for(lambda: events_of(databases, contracts.QUESTION_OVERDUE), message="the overdue fact")
    assert app.questions.get_question(staff(TLD), asked["id"])["escalated_to_id"] == str(TLD)


def asked_from_many(app, count):
    """``count`` questions to Hà Nội, each from its own asker and address (asking is limited per both)."""
    return [
        app.questions.ask(
            Actor.anonymous(),
            {**QUESTION, "tenant_id": str(HN), "guest": {"name": "Trần Thị Hoa", "email": f"hoa{n}@example.vn"}},
            f"203.0.113.{n + 10}",
        )["id"]
        for n in range(count)
    ]


def escalations(databases):
    """``{question_id: how many escalate steps}`` and the overdue facts' question ids."""
    facts = sorted(f["question_id"] for f in events_of(databases, contracts.QUESTION_OVERDUE))
    with databases.sessions("feedback").read() as session:
        steps = session.execute(
            text("SELECT question_id::text, count(*) FROM question_activity WHERE action = 'escalate' GROUP BY 1")
        ).all()
    return dict(steps), facts


def test_two_replicas_escalate_each_overdue_question_once(app, start_service, databases):
    """Both replicas' timers fire while questions are overdue (``@every`` lets one run a tick at
    a time): one escalation and one ``feedback.question_overdue`` per question and deadline."""
    ids = asked_from_many(app, 8)  # received on 13/2/2026, long overdue by the real clock
    replicas = [
        start_service("feedback", FEEDBACK_ESCALATION_INTERVAL_SECONDS=0.02, FEEDBACK_TENANT_SYNC_INTERVAL_SECONDS=3600)
        for _ in range(2)
    ]
    wait_for(lambda: len(escalations(databases)[1]) >= len(ids), message="every question escalated")
    for replica in replicas:
        replica.stop()  # every tick begun has ended
    steps, facts = escalations(databases)
    assert facts == sorted(ids)
    assert steps == {i: 1 for i in ids}


def test_overlapping_escalation_ticks_escalate_each_question_once(app, start_service, databases):
    """The lock aside (a lost connection, a direct call): overlapping ticks of two replicas take
    each overdue question once (``FOR UPDATE SKIP LOCKED`` of those not yet flagged)."""
    ids = asked_from_many(app, 8)
    replicas = [
        start_service("feedback", FEEDBACK_ESCALATION_INTERVAL_SECONDS=3600, FEEDBACK_TENANT_SYNC_INTERVAL_SECONDS=3600)
        for _ in range(2)
    ]
    ticks = [start_worker(r, "escalate_overdue") for r in replicas * 3]
    flagged = [i for tick in ticks for i in tick.wait()]
    assert sorted(flagged) == sorted(ids)
    steps, facts = escalations(databases)
    assert facts == sorted(ids)
    assert steps == {i: 1 for i in ids}


def test_a_holiday_added_by_a_platform_admin_moves_later_deadlines(app):
    before = datetime.fromisoformat(ask(app)["due_at"])
    admin = Actor(user_id=str(uuid.uuid4()), tenant_id=None, roles=frozenset({"platform_admin"}))
    app.calendar.put_holiday(admin, {"day": "2026-02-23", "name": "Nghỉ bổ sung"})
    assert datetime.fromisoformat(ask(app)["due_at"]) == before + timedelta(days=3)  # Friday 27/2 → Monday 2/3


def test_rate_counters_count_every_attempt_in_a_fixed_window(databases):
    from feedback.store import Counters

    sessions = databases.sessions("feedback")
    start = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)

    def hit(seconds_later):
        with sessions.autocommit() as session:
            return Counters(session).hit("k", start + timedelta(seconds=seconds_later), limit=2, seconds=60)

    assert [hit(0), hit(10), hit(20), hit(30)] == [0, 0, 40, 30]
    assert hit(60) == 0  # a new window
    assert hit(61) == 0 and hit(62) == 58
