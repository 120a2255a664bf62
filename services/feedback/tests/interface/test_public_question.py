"""One question of the public Q&A (``public_question``, the portal's ``/hoi-dap/{id}``): the
published public text and answer only; anything not published publicly is NotFound."""

import uuid

import pytest

from feedback.operations import Feedback
from platform_shared.actor import Actor
from platform_shared.clock import Clock
from platform_shared.errors import NotFound

HN = uuid.uuid4()
QUESTION = {
    "category": "labour_contracts",
    "title": "Hợp đồng thử việc kéo dài quá hạn",
    "body": "Công ty bắt tôi thử việc bốn tháng rồi mới ký hợp đồng, như vậy có đúng luật không?",
    "guest": {"name": "Trần Thị Hoa", "email": "hoa@example.vn"},
}
ANSWER = {"answer": "Thời gian thử việc tối đa là 60 ngày với công việc cần trình độ cao đẳng trở lên."}


def staff(*roles):
    return Actor(user_id=str(uuid.uuid4()), tenant_id=str(HN), roles=frozenset(roles))


@pytest.fixture
def app(databases):
    feedback = Feedback(databases.sessions("feedback"), clock=Clock())
    feedback.calendar.ensure_holidays()
    tenant = {"code": "HN", "slug": "ha-noi", "name": "LĐLĐ Hà Nội", "kind": "provincial_federation"}
    feedback.sync_tenants([{**tenant, "id": str(HN), "parent_id": None, "status": "active"}])
    return feedback


def answered(app, publish=None):
    asked = app.questions.ask(Actor.anonymous(), {**QUESTION, "tenant_id": str(HN)}, "203.0.113.9")
    app.questions.act(staff("responder"), asked["id"], "answer", ANSWER)
    if publish is not None:
        app.questions.act(staff("tenant_admin"), asked["id"], "approve")
        app.questions.act(staff("tenant_admin"), asked["id"], "publish", publish)
    return asked


def test_a_question_published_publicly_shows_its_public_text_and_answer(app):
    asked = answered(app, {"public_body": "Công ty bắt người lao động thử việc bốn tháng, có đúng luật không?"})
    shown = app.questions.public_question(asked["id"])
    assert shown["id"] == asked["id"] and shown["title"] == QUESTION["title"]
    assert shown["question"].startswith("Công ty bắt người lao động") and shown["answer"] == ANSWER["answer"]
    assert shown["category_label"] == "Hợp đồng lao động"
    assert shown["tenant"] == {"name": "LĐLĐ Hà Nội", "slug": "ha-noi"}
    assert "hoa@example.vn" not in str(shown) and "Trần Thị Hoa" not in str(shown)


@pytest.mark.parametrize("publish", [None, {"public": False}], ids=["answered, not published", "published privately"])
def test_a_question_not_published_publicly_is_not_found(app, publish):
    asked = answered(app, publish)
    with pytest.raises(NotFound):
        app.questions.public_question(asked["id"])


@pytest.mark.parametrize("ident", [str(uuid.uuid4()), "không-phải-mã", ""])
def test_an_unknown_or_malformed_id_is_not_found(app, ident):
    with pytest.raises(NotFound):
        app.questions.public_question(ident)
