"""The question workflow on its own: a question applies one action at a time and says what to
record (its history line and its facts). No database: the question is an unsaved row."""

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from feedback.models import TenantCopy
from feedback.questions import domain
from feedback.questions.models import Question
from platform_shared import contracts
from platform_shared.contracts import feedback as events
from platform_shared.errors import Conflict, InvalidInput
from platform_shared.schemas.feedback import is_tracking_code

HN, DN, TLD = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
RESPONDER, ADMIN = uuid.uuid4(), uuid.uuid4()
RECEIVED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
ANSWER = {"answer": "Theo Bộ luật Lao động, người sử dụng lao động phải trả lương đúng hạn."}
PUBLISH = {"public": True, "public_title": None, "public_body": None}


def question(status="received", **changes):
    values = {
        "id": uuid.uuid4(),
        "tenant_id": HN,
        "origin_tenant_id": HN,
        "escalated_to_id": None,
        "tracking_code": "HD-20261123-000001-7KQX",
        "category": "wages_bonuses",
        "title": "Công ty trả lương chậm",
        "body": "Công ty tôi chậm trả lương hai tháng liền, tôi phải làm gì?",
        "guest_name": "Nguyễn Văn Khách",
        "guest_phone": "0912345678",
        "guest_email": "khach@example.vn",
        "status": status,
        "assigned_to": None,
        "answer": None,
        "answered_at": None,
        "public": False,
        "received_at": RECEIVED,
        "due_at": DUE,
        "overdue_at": None,
        "updated_at": RECEIVED,
    }
    return Question(**{**values, **changes})


def at(days):
    return RECEIVED + timedelta(days=days)


def recorded(step):
    """The facts of a step as the outbox records them: each must match its contract exactly."""
    for event_type, payload in step.facts:
        contracts.check(
            event_type,
            {**payload, "event_id": "e", "event_type": event_type, "schema_version": 1, "occurred_at": "t"},
        )
    return dict(step.facts)


def test_the_published_path_of_a_question():
    status = "received"
    for action in ("assign", "answer", "approve", "publish"):
        status = domain.check_transition(status, action)
    assert status == "published"


@pytest.mark.parametrize("status, action", [("received", "publish"), ("published", "answer"), ("rejected", "assign")])
def test_a_step_out_of_order_is_a_conflict_naming_the_allowed_actions(status, action):
    with pytest.raises(Conflict) as caught:
        domain.check_transition(status, action)
    assert caught.value.details["allowed_actions"] == domain.allowed_actions(status)


def test_a_transferred_question_is_worked_like_a_received_one():
    assert domain.allowed_actions("transferred") == domain.allowed_actions("received")


def test_a_question_goes_from_received_to_published_recording_each_step():
    q = question()
    steps = [
        domain.apply(q, "assign", {"responder_id": None}, actor_id=RESPONDER, now=at(1)),
        domain.apply(q, "answer", ANSWER, actor_id=RESPONDER, now=at(2)),
        domain.apply(q, "approve", {}, actor_id=ADMIN, now=at(3)),
        domain.apply(q, "publish", PUBLISH, actor_id=ADMIN, now=at(4)),
    ]
    assert [(s.action, s.from_status, s.to_status) for s in steps] == [
        ("assign", "received", "assigned"),
        ("answer", "assigned", "answered"),
        ("approve", "answered", "approved"),
        ("publish", "approved", "published"),
    ]
    assert q.status == "published" and q.updated_at == at(4)
    assert q.assigned_to == RESPONDER and q.answered_by == RESPONDER
    assert q.answered_at == at(2) and q.approved_at == at(3) and q.published_at == at(4)
    assert [list(recorded(s)) for s in steps] == [
        [events.QUESTION_ASSIGNED],
        [events.QUESTION_ANSWERED],
        [],
        [events.QUESTION_PUBLISHED],
    ]


def test_the_first_answer_stops_the_clock_and_is_the_only_one_recorded():
    q = question("assigned")
    first = recorded(domain.apply(q, "answer", ANSWER, actor_id=RESPONDER, now=at(2)))
    assert first[events.QUESTION_ANSWERED]["on_time"] is True
    assert first[events.QUESTION_ANSWERED]["answered_at"] == at(2).isoformat()
    again = domain.apply(
        q, "answer", {"answer": "Bổ sung: có thể khiếu nại lên Sở Nội vụ."}, actor_id=ADMIN, now=at(30)
    )
    assert again.facts == () and q.answered_at == at(2)
    assert q.answer.startswith("Bổ sung") and q.answered_by == ADMIN


def test_an_answer_after_the_deadline_is_recorded_as_late():
    facts = recorded(domain.apply(question(), "answer", ANSWER, actor_id=RESPONDER, now=DUE + timedelta(seconds=1)))
    assert facts[events.QUESTION_ANSWERED]["on_time"] is False


def test_a_refused_step_changes_nothing():
    q = question()
    with pytest.raises(Conflict):
        domain.apply(q, "publish", PUBLISH, actor_id=ADMIN, now=at(1))
    assert q.status == "received" and q.published_at is None and q.updated_at == RECEIVED


def test_assigning_defaults_to_oneself_and_needs_someone():
    q = question()
    taken = recorded(domain.apply(q, "assign", {"responder_id": None}, actor_id=RESPONDER, now=at(1)))
    assert q.assigned_to == RESPONDER
    assert taken[events.QUESTION_ASSIGNED]["assigned_to"] == taken[events.QUESTION_ASSIGNED]["assigned_by"]
    other = uuid.uuid4()
    given = recorded(domain.apply(q, "assign", {"responder_id": other}, actor_id=RESPONDER, now=at(1)))
    assert q.assigned_to == other
    assert given[events.QUESTION_ASSIGNED].items() >= {"assigned_to": str(other), "assigned_by": str(RESPONDER)}.items()
    assert given[events.QUESTION_ASSIGNED]["assigned_at"] == at(1).isoformat()
    with pytest.raises(InvalidInput) as caught:
        domain.apply(question(), "assign", {"responder_id": None}, actor_id=None, now=at(1))
    assert caught.value.code == "RESPONDER_REQUIRED"


def test_publishing_takes_the_public_text_and_makes_it_searchable():
    q = question("approved", answer=ANSWER["answer"])
    facts = recorded(domain.apply(q, "publish", PUBLISH, actor_id=ADMIN, now=at(4)))
    assert (q.public_title, q.public_body, q.public) == (q.title, q.body, True)
    assert " luong " in q.search_folded and " lương " in q.search_exact and " khach " not in q.search_folded
    assert facts[events.QUESTION_PUBLISHED]["public"] is True
    edited = question("approved", answer=ANSWER["answer"])
    domain.apply(
        edited,
        "publish",
        {"public": False, "public_title": "Chậm trả lương", "public_body": "Công ty chậm trả lương thì sao?"},
        actor_id=ADMIN,
        now=at(4),
    )
    assert (edited.public_title, edited.public) == ("Chậm trả lương", False)


def test_unpublishing_takes_it_off_the_public_list_and_back_to_approved():
    q = question("published", public=True)
    step = domain.apply(q, "unpublish", {}, actor_id=ADMIN, now=at(5))
    assert (step.to_status, q.public) == ("approved", False)
    assert recorded(step)[events.QUESTION_UNPUBLISHED]["unpublished_at"] == at(5).isoformat()


def test_a_rejection_keeps_its_reason_in_the_history():
    q = question("answered")
    step = domain.apply(q, "reject", {"reason": "Câu hỏi trùng lặp."}, actor_id=ADMIN, now=at(1))
    assert (step.note, q.reject_reason, q.status) == ("Câu hỏi trùng lặp.", "Câu hỏi trùng lặp.", "rejected")


def test_a_transfer_gives_the_new_tenant_a_full_deadline_and_a_clean_slate():
    q = question("assigned", assigned_to=RESPONDER, escalated_to_id=TLD, overdue_at=at(8))
    later = DUE + timedelta(days=9)
    destination = domain.Destination(DN, "LĐLĐ Đà Nẵng", True, later)
    step = domain.apply(
        q, "transfer", {"tenant_id": DN, "note": None}, actor_id=ADMIN, now=at(9), destination=destination
    )
    assert (step.note, step.to_status) == ("Chuyển tới LĐLĐ Đà Nẵng", "transferred")
    assert (q.tenant_id, q.due_at, q.assigned_to, q.escalated_to_id, q.overdue_at) == (DN, later, None, None, None)
    assert q.origin_tenant_id == HN


@pytest.mark.parametrize(
    "destination, code",
    [
        (None, "UNKNOWN_TENANT"),
        (domain.Destination(DN, "LĐLĐ Đà Nẵng", False, DUE), "UNKNOWN_TENANT"),
        (domain.Destination(HN, "LĐLĐ Hà Nội", True, DUE), "SAME_TENANT"),
    ],
)
def test_a_transfer_needs_another_active_tenant(destination, code):
    q = question()
    with pytest.raises(InvalidInput) as caught:
        domain.apply(q, "transfer", {"tenant_id": DN}, actor_id=ADMIN, now=at(1), destination=destination)
    assert caught.value.code == code and q.tenant_id == HN


def test_a_finished_question_cannot_be_transferred_even_to_nowhere():
    with pytest.raises(Conflict):
        domain.apply(question("published"), "transfer", {"tenant_id": DN}, actor_id=ADMIN, now=at(1))


def test_an_overdue_question_is_escalated_to_the_parent_tenant():
    q = question()
    parent = TenantCopy(id=TLD, name="Tổng Liên đoàn", status="active")
    step = domain.escalate(q, parent, DUE + timedelta(hours=1))
    assert (q.overdue_at, q.escalated_to_id, q.status) == (DUE + timedelta(hours=1), TLD, "received")
    assert (step.action, step.from_status, step.to_status) == ("escalate", "received", "received")
    assert step.note == "Quá hạn trả lời; chuyển lên Tổng Liên đoàn"
    assert recorded(step)[events.QUESTION_OVERDUE]["escalated_to_tenant_id"] == str(TLD)
    assert recorded(step)[events.QUESTION_OVERDUE]["assigned_to"] is None
    orphan = domain.escalate(question(), None, DUE + timedelta(hours=1))
    assert orphan.note == "Quá hạn trả lời"
    assert recorded(orphan)[events.QUESTION_OVERDUE]["escalated_to_tenant_id"] is None
    mine = domain.escalate(question("assigned", assigned_to=RESPONDER), None, DUE + timedelta(hours=1))
    assert recorded(mine)[events.QUESTION_OVERDUE]["assigned_to"] == str(RESPONDER)


def test_no_fact_carries_the_askers_contact():
    q = question()
    steps = [
        domain.receive(q, from_member=False),
        domain.apply(q, "answer", ANSWER, actor_id=RESPONDER, now=at(1)),
        domain.escalate(question(), None, at(9)),
    ]
    for step in steps:
        for _, payload in step.facts:
            assert not {"Nguyễn Văn Khách", "0912345678", "khach@example.vn"} & set(map(str, payload.values()))
    assert recorded(steps[0])[events.QUESTION_RECEIVED]["from_member"] is False


def test_the_asker_sees_review_steps_as_in_progress_and_only_open_questions_run_late():
    assert [domain.public_status(s) for s in ("answered", "approved", "published")] == [
        "assigned",
        "assigned",
        "published",
    ]
    assert domain.is_overdue(question(), DUE + timedelta(seconds=1))
    assert not domain.is_overdue(question(), DUE)
    assert not domain.is_overdue(question("answered"), DUE + timedelta(days=1))


def test_tracking_codes_carry_the_day_the_sequence_and_an_unguessable_suffix():
    code = domain.tracking_code(date(2026, 11, 26), 42)
    assert re.fullmatch(r"HD-20261126-000042-[0-9A-Z]{4}", code)
    assert is_tracking_code(code) and is_tracking_code(code.lower())
    suffixes = {domain.tracking_code(date(2026, 11, 26), 42)[-4:] for _ in range(50)}
    assert len(suffixes) > 40
    assert domain.normalise_tracking_code(" hd-20261126-000042-7kqx ") == "HD-20261126-000042-7KQX"
