"""What the workspace's question pages need of the rules: an answer written in the rich-text editor
is sanitised before it is stored (plain text from the API is kept as sent), the working days left
before a deadline over the holiday table, and the actions a reader's role allows. No database."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from feedback import policy
from feedback.calendar.domain import SEED, WorkingCalendar
from feedback.questions import answers, domain
from feedback.questions.models import Question
from platform_shared.actor import Actor
from platform_shared.clock import VN_TZ
from platform_shared.errors import InvalidInput

SEEDED = WorkingCalendar.from_rows((day, working) for day, _, working in SEED)
EDITOR_HTML = (
    "<p>Theo <strong>Điều 97</strong> Bộ luật Lao động, công ty phải trả lương đúng hạn.</p><script>alert(1)</script>"
    '<p onclick="steal()">Xem <a href="javascript:alert(2)">đây</a> và '
    '<a href="https://thuvienphapluat.vn/bo-luat-lao-dong">văn bản</a>.</p><img src=x onerror=alert(3)>'
)


def local(y, m, d, h=9):
    return datetime(y, m, d, h, tzinfo=VN_TZ)


def question(status="received", received=local(2026, 11, 23), days=5, **changes):
    values = {
        "id": uuid.uuid4(),
        "tenant_id": uuid.uuid4(),
        "category": "wages_bonuses",
        "title": "Công ty trả lương chậm",
        "body": "Công ty tôi chậm trả lương hai tháng liền, tôi phải làm gì?",
        "status": status,
        "answer": None,
        "answered_at": None,
        "received_at": received.astimezone(UTC),
        "due_at": SEEDED.due_at(received, days).astimezone(UTC),
        "updated_at": received.astimezone(UTC),
    }
    return Question(**{**values, **changes})


def test_an_answer_from_the_editor_is_sanitised_and_plain_text_is_kept_as_sent():
    stored = answers.clean_answer(EDITOR_HTML)
    assert "<strong>Điều 97</strong>" in stored and 'href="https://thuvienphapluat.vn/bo-luat-lao-dong"' in stored
    assert 'rel="noopener noreferrer nofollow"' in stored
    for unsafe in ("script", "alert", "onclick", "onerror", "javascript:", "<img"):
        assert unsafe not in stored, unsafe
    assert answers.answer_text(stored).startswith("Theo Điều 97 Bộ luật Lao động")
    plain = "Công ty phải trả lương đúng hạn, chậm quá 15 ngày phải đền bù <theo luật> & lãi."
    assert answers.clean_answer(plain) == plain
    assert answers.answer_html(plain) == (
        "<p>Công ty phải trả lương đúng hạn, chậm quá 15 ngày phải đền bù &lt;theo luật&gt; &amp; lãi.</p>"
    )
    assert answers.answer_html("<p>Cũ <script>x()</script>chưa lọc</p>") == "<p>Cũ chưa lọc</p>"  # read again safely
    assert answers.answer_html(None) is None


@pytest.mark.parametrize("empty", ["<p><br></p>", "<p>   </p><script>alert('một câu trả lời dài')</script>", "Ngắn"])
def test_an_answer_with_too_little_readable_text_is_refused_on_the_answer_field(empty):
    with pytest.raises(InvalidInput) as refused:
        answers.clean_answer(empty)
    assert refused.value.code == "ANSWER_TOO_SHORT" and "answer" in refused.value.details["errors"]


def test_answering_stores_the_sanitised_markup_and_publishing_searches_its_words_not_its_tags():
    q = question()
    domain.apply(q, "answer", {"answer": EDITOR_HTML}, actor_id=uuid.uuid4(), now=q.received_at)
    assert q.answer == answers.clean_answer(EDITOR_HTML)
    domain.apply(q, "approve", {}, actor_id=None, now=q.received_at)
    domain.apply(q, "publish", {"public": True}, actor_id=None, now=q.received_at)
    assert " điều 97 " in q.search_exact and " strong " not in q.search_exact and " href " not in q.search_exact


def test_working_days_left_count_down_to_zero_on_the_last_day_then_days_overdue_count_up():
    q = question()  # received Monday 23/11/2026, 5 working days: the last day is Monday 30/11
    assert domain.time_left(q, local(2026, 11, 23, 15), SEEDED) == (5, None)
    assert domain.time_left(q, local(2026, 11, 27, 8), SEEDED) == (1, None)  # Friday: Monday is left
    assert domain.time_left(q, local(2026, 11, 28, 8), SEEDED) == (1, None)  # a weekend takes nothing
    assert domain.time_left(q, local(2026, 11, 30, 23), SEEDED) == (0, None)  # the last day
    assert domain.time_left(q, local(2026, 12, 1, 0) + timedelta(minutes=1), SEEDED) == (None, 1)
    assert domain.time_left(q, local(2026, 12, 5, 10), SEEDED) == (None, 5)
    answered = question("answered")
    assert domain.time_left(answered, local(2026, 12, 5, 10), SEEDED) == (None, None)  # the clock stopped
    assert domain.time_left(q, local(2026, 11, 23), None) == (None, None)


def test_working_days_left_skip_the_tet_holiday():
    q = question(received=local(2026, 2, 13))  # Friday before Tết: due at the end of Friday 27/2
    assert domain.time_left(q, local(2026, 2, 13, 10), SEEDED) == (5, None)
    assert domain.time_left(q, local(2026, 2, 20, 10), SEEDED) == (5, None)  # still Tết
    assert domain.time_left(q, local(2026, 2, 24, 10), SEEDED) == (3, None)


def test_the_actions_offered_are_those_the_status_and_the_readers_role_allow():
    responder = Actor(user_id=str(uuid.uuid4()), tenant_id=str(uuid.uuid4()), roles=frozenset({"responder"}))
    admin = Actor(user_id=str(uuid.uuid4()), tenant_id=responder.tenant_id, roles=frozenset({"tenant_admin"}))
    for_responder = lambda action: policy.may_question_action(responder, action)  # noqa: E731
    for_admin = lambda action: policy.may_question_action(admin, action)  # noqa: E731
    assert domain.allowed_actions("answered", for_responder) == ["answer", "reject"]
    assert domain.allowed_actions("answered", for_admin) == ["answer", "approve", "reject"]
    assert domain.allowed_actions("approved", for_responder) == ["reject"]
    assert domain.allowed_actions("approved") == ["publish", "reject"]
