"""One request id, from the gateway to the handler of the fact it caused: an administrator assigns
a question with ``X-Request-ID``; the feedback service works in that request's log context, the
fact it writes keeps the id, the relay publishes it as the ``nameko.request_id`` header, and the
notifications handler that consumes the fact runs in the same log context."""

import functools

import pytest
from kombu import Connection, Exchange, Queue
from sqlalchemy import select

from platform_shared.contracts import feedback as feedback_events
from platform_shared.logs import request_id_var
from platform_shared.relay import Relay
from platform_shared.tables import outbox
from platform_shared.testing.waiting import wait_for

RID = "trace-assign-0001"
QUESTION = {
    "category": "wages_bonuses",
    "title": "Công ty trả lương chậm hai tháng",
    "body": "Công ty tôi đã chậm trả lương hai tháng liền, công đoàn có thể giúp gì cho người lao động?",
    "guest": {"name": "Nguyễn Văn Khách", "phone": "0912 345 678", "email": "khach@example.vn"},
}


@pytest.fixture
def seen_request_ids(monkeypatch):
    """The request id of the log context in which the feedback use case and the notifications
    handler ran (a spy that calls the real code)."""
    from feedback.questions.operations import QuestionOperations
    from notifications.operations import Notifications

    seen = {"feedback": [], "notifications": []}

    def spy(cls, name, key):
        real = getattr(cls, name)

        @functools.wraps(real)
        def recorded(self, *args, **kwargs):
            seen[key].append((args[0] if key == "notifications" else name, request_id_var.get()))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, recorded)

    spy(QuestionOperations, "act", "feedback")
    spy(Notifications, "deliver", "notifications")
    return seen


@pytest.fixture
def taps(rabbit_config):
    """A queue of the test's own on feedback's assignments: what the relay publishes, as published."""
    with Connection(rabbit_config["AMQP_URI"]) as conn:
        queue = Queue(
            "test-request-id-taps",
            Exchange("feedback.events", type="topic", durable=True),
            routing_key=feedback_events.QUESTION_ASSIGNED,
        )(conn.default_channel)
        queue.declare()
        yield queue


def test_one_request_id_goes_from_the_gateway_through_the_fact_to_its_handler(
    api, login, feedback_service, notifications_service, databases, rabbit_config, seen_request_ids, taps
):
    admin = api.as_(login("admin"))
    tenants = {t["code"]: t for t in admin.get("/api/v1/tenants", query_string={"per_page": 100}).json["items"]}
    hanoi = api.as_(login("hanoi.admin"))
    users = {u["username"]: u["id"] for u in hanoi.get("/api/v1/users", query_string={"per_page": 100}).json["items"]}
    asked = api.as_(None).post("/api/v1/questions", json={**QUESTION, "tenant_id": tenants["LDLD-HN"]["id"]})
    assert asked.status_code == 201, asked.json

    assigned = hanoi.post(
        f"/api/v1/questions/{asked.json['id']}/assign",
        json={"responder_id": users["hanoi.responder"]},
        headers={"X-Request-ID": RID},
    )
    assert assigned.status_code == 200, assigned.json
    assert assigned.headers["X-Request-ID"] == RID
    assert ("act", RID) in seen_request_ids["feedback"]  # the feedback worker's log context

    sessions = databases.sessions("feedback")
    with sessions.transaction() as session:
        (stored,) = session.scalars(
            select(outbox.c.headers).where(outbox.c.event_type == feedback_events.QUESTION_ASSIGNED)
        ).all()
    assert stored["request_id"] == RID

    relay = Relay("feedback", sessions.engine, rabbit_config["AMQP_URI"])
    try:
        wait_for(relay.publish_pending, message="the relay to publish the fact")
    finally:
        relay._reset_broker()
    message = wait_for(lambda: taps.get(no_ack=True), message="the published fact")
    assert message.headers["nameko.request_id"] == RID
    assert message.payload["event_type"] == feedback_events.QUESTION_ASSIGNED

    handled = wait_for(
        lambda: [rid for handler, rid in seen_request_ids["notifications"] if handler == "handle_question_assigned"],
        message="the notifications handler",
    )
    assert handled == [RID]
