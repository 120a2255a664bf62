"""The notifications service in a real container, with RabbitMQ, PostgreSQL and accounts: events in
become one notification per person however often they are delivered; an accounts outage is
retried, parked and replayed, never dropped; a person reads and marks only their own."""

import uuid

import pytest
from nameko.testing.services import entrypoint_waiter
from sqlalchemy import select

from notifications.models import Notification
from platform_shared.actor import SYSTEM
from platform_shared.contracts import content as content_events
from platform_shared.contracts import feedback as feedback_events
from platform_shared.testing.waiting import wait_for


def rows(databases):
    with databases.sessions("notifications").read() as session:
        return session.scalars(select(Notification).order_by(Notification.created_at)).all()


def deliver(container, handler, publish, payload):
    """Publish ``payload`` and wait until ``handler`` has handled it once."""
    with entrypoint_waiter(container, handler, timeout=30):
        publish(payload)


def test_a_missed_week_delivered_twice_tells_each_administrator_and_contributor_once(
    notifications_service, publish, make_event, people, rpc, databases
):
    hanoi = people["hanoi.admin"]["tenant_id"]
    missed = make_event(
        content_events.QUOTA_MISSED, tenant_id=hanoi, week="2026-W48", rule="news-weekly-1", required=1, submitted=0
    )
    deliver(notifications_service, "handle_quota_missed", publish, missed)
    deliver(notifications_service, "handle_quota_missed", publish, missed)  # redelivered

    made = rows(databases)
    assert sorted(str(r.user_id) for r in made) == sorted(
        [people["hanoi.admin"]["id"], people["hanoi.contributor"]["id"]]
    )
    assert {(r.kind, r.title, r.link, str(r.tenant_id), r.source_event_id) for r in made} == {
        (
            "quota_missed",
            "Chưa đạt chỉ tiêu tin bài tuần 48/2026",
            "/quan-tri/chi-tieu?tuan=2026-W48",
            hanoi,
            missed["event_id"],
        )
    }

    notifications = rpc("notifications")
    admin = people["hanoi.admin"]["actor"]
    listed = notifications.list_notifications(admin, {})
    assert (listed["total"], listed["unread_total"]) == (1, 1)
    (item,) = listed["items"]
    assert item["unread"] and item["kind_label"] == "Chỉ tiêu tuần"
    assert notifications.count_unread(admin) == {"unread": 1}
    read = notifications.mark_read(admin, item["id"])
    assert read["read_at"] and not read["unread"]
    assert notifications.mark_read(admin, item["id"])["read_at"] == read["read_at"]  # the first moment stays
    assert notifications.count_unread(admin) == {"unread": 0}
    assert notifications.list_notifications(admin, {"unread": True})["items"] == []

    contributor = people["hanoi.contributor"]["actor"]
    for stranger in (contributor, people["danang.admin"]["actor"]):  # another person's notification: 404
        with pytest.raises(Exception) as hidden:
            notifications.mark_read(stranger, item["id"])
        assert type(hidden.value).__name__ == "NotFound"
    with pytest.raises(Exception) as malformed:
        notifications.mark_read(contributor, "khong-phai-ma")
    assert type(malformed.value).__name__ == "NotFound"
    with pytest.raises(Exception) as system:
        notifications.count_unread(SYSTEM.dump())
    assert type(system.value).__name__ == "Forbidden"
    assert notifications.count_unread(contributor) == {"unread": 1}
    assert notifications.mark_all_read(contributor) == {"marked": 1, "unread": 0}
    assert notifications.mark_all_read(contributor) == {"marked": 0, "unread": 0}
    assert notifications.list_notifications(people["danang.admin"]["actor"], {})["total"] == 0


def test_people_named_by_an_event_are_told_and_nobody_else(
    notifications_service, publish, make_event, people, databases
):
    hanoi = people["hanoi.admin"]["tenant_id"]
    article = str(uuid.uuid4())
    returned = make_event(
        content_events.ARTICLE_RETURNED,
        tenant_id=hanoi,
        article_id=article,
        revision=1,
        section="news",
        genre="news",
        title="Công nhân Khu công nghiệp Thăng Long đón Tết",
        site="portal",
        asset_ids=[],
        returned_at="2026-11-30T03:00:00+00:00",
        comment="Bổ sung ảnh.",
        authors=[{"user_id": people["hanoi.contributor"]["id"], "pen_name": "Trần Văn Bình", "share": 100}],
        created_by=people["hanoi.contributor"]["id"],
    )
    question = str(uuid.uuid4())
    assigned = make_event(
        feedback_events.QUESTION_ASSIGNED,
        tenant_id=hanoi,
        question_id=question,
        category="wages_bonuses",
        received_at="2026-11-25T02:00:00+00:00",
        due_at="2026-12-02T16:59:59+00:00",
        assigned_to=people["hanoi.responder"]["id"],
        assigned_by=people["hanoi.admin"]["id"],
        assigned_at="2026-11-26T02:00:00+00:00",
    )
    deliver(notifications_service, "handle_article_returned", publish, returned)
    deliver(notifications_service, "handle_question_assigned", publish, assigned)
    made = {(str(r.user_id), r.kind, r.link) for r in rows(databases)}
    assert made == {
        (people["hanoi.contributor"]["id"], "article_returned", f"/quan-tri/bai-viet/{article}"),
        (people["hanoi.responder"]["id"], "question_assigned", f"/quan-tri/hoi-dap/{question}"),
    }


def test_accounts_away_the_event_is_retried_then_parked_and_a_replay_tells_the_person(
    accounts_service, people, start_service, publish, make_event, rpc, databases
):
    # A second's timeout: each try waits for accounts that long, three tries, then the event is parked.
    container = start_service("notifications", EVENT_MAX_ATTEMPTS=3, RPC_TIMEOUT=1)
    responder = people["hanoi.responder"]
    accounts_service.stop()
    assigned = make_event(
        feedback_events.QUESTION_ASSIGNED,
        tenant_id=responder["tenant_id"],
        question_id=str(uuid.uuid4()),
        category="other",
        received_at="2026-11-25T02:00:00+00:00",
        due_at="2026-12-02T16:59:59+00:00",
        assigned_to=responder["id"],
        assigned_at="2026-11-26T02:00:00+00:00",
    )
    publish(assigned)
    notifications = rpc("notifications")
    (item,) = wait_for(
        lambda: notifications.list_parked_events(SYSTEM.dump()), message="the event to be parked after its tries"
    )
    assert (item["handler"], item["event_id"], item["attempts"]) == (
        "handle_question_assigned",
        assigned["event_id"],
        3,
    )
    assert "accounts" in item["error"] and rows(databases) == []

    start_service("accounts")  # accounts is back: the operator replays the event and the assignee is told
    with entrypoint_waiter(container, "handle_question_assigned", timeout=30):
        notifications.replay_parked_event(SYSTEM.dump(), item["id"])
    (made,) = rows(databases)
    assert (str(made.user_id), str(made.tenant_id), made.kind) == (
        responder["id"],
        responder["tenant_id"],
        "question_assigned",
    )
    assert notifications.list_parked_events(SYSTEM.dump()) == []
