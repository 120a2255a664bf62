"""Members' opinions on topics; the feedback events against their contracts; the public
Q&A cache (ETag, 304, cleared by publication); a tenant merge arriving from accounts."""

import pytest
from kombu import Connection
from sqlalchemy import select

from platform_shared.broker import event_exchange
from platform_shared.contracts import feedback as contracts
from platform_shared.tables import inbox, outbox
from platform_shared.testing.waiting import queue_settled, wait_for

TOPIC = {
    "title": "Góp ý dự thảo quy chế dân chủ ở cơ sở",
    "description": "Liên đoàn Lao động thành phố lấy ý kiến đoàn viên về dự thảo quy chế dân chủ tại nơi làm việc.",
}
OPINION = "Tôi đề nghị bổ sung quy định đối thoại định kỳ mỗi quý giữa công đoàn và người sử dụng lao động."
QUESTION = {
    "category": "labour_contracts",
    "title": "Hợp đồng thử việc kéo dài bao lâu",
    "body": "Công ty bắt tôi thử việc ba tháng cho vị trí công nhân, như vậy có đúng quy định không ạ?",
    "guest": {"name": "Phan Văn Hùng", "phone": "+84 987 654 321"},
}
ANSWER = {"answer": "Thời gian thử việc với công việc không cần trình độ chuyên môn cao tối đa là sáu ngày làm việc."}


@pytest.fixture
def tenants(api, login, feedback_service):
    admin = api.as_(login("admin"))
    return {t["code"]: t["id"] for t in admin.get("/api/v1/tenants", query_string={"per_page": 100}).json["items"]}


def test_a_tenant_topic_is_for_its_own_members_and_opinions_are_moderated(api, login, feedback_service):
    hanoi_admin, member = api.as_(login("hanoi.admin")), api.as_(login("hanoi.member"))
    topic = hanoi_admin.post("/api/v1/opinions/topics", json=TOPIC)
    assert topic.status_code == 201 and topic.json["national"] is False
    assert member.post("/api/v1/opinions/topics", json=TOPIC).status_code == 403
    given = member.post("/api/v1/opinions", json={"topic_id": topic.json["id"], "body": OPINION})
    assert given.status_code == 201 and given.json["status"] == "pending"
    assert member.get("/api/v1/opinions", query_string={"topic_id": topic.json["id"]}).json["total"] == 0
    danang = api.as_(login("danang.admin"))
    assert danang.get("/api/v1/opinions/topics").json["total"] == 0
    assert danang.post("/api/v1/opinions", json={"topic_id": topic.json["id"], "body": OPINION}).status_code == 404
    assert danang.post(f"/api/v1/opinions/{given.json['id']}/publish").status_code == 404
    moderator = api.as_(login("hanoi.moderator"))
    assert moderator.post(f"/api/v1/opinions/{given.json['id']}/publish").json["status"] == "published"
    answer = {"answer": "Cảm ơn đồng chí, ban soạn thảo sẽ bổ sung đối thoại định kỳ hằng quý."}
    assert (
        api.as_(login("hanoi.responder")).post(f"/api/v1/opinions/{given.json['id']}/answer", json=answer).status_code
        == 200
    )
    seen = member.get("/api/v1/opinions", query_string={"topic_id": topic.json["id"]}).json["items"]
    assert [o["answer"] for o in seen] == [answer["answer"]] and "author_id" not in seen[0]


def test_a_vgcl_topic_is_national(api, login, feedback_service):
    national = api.as_(login("admin")).post("/api/v1/opinions/topics", json=TOPIC).json
    assert national["national"] is True
    danang = api.as_(login("danang.admin"))
    assert [t["id"] for t in danang.get("/api/v1/opinions/topics").json["items"]] == [national["id"]]
    assert danang.post("/api/v1/opinions", json={"topic_id": national["id"], "body": OPINION}).status_code == 201


@pytest.mark.parametrize(
    "body, field",
    [
        ({"body": OPINION}, "topic_id"),
        ({"topic_id": "khong", "body": OPINION}, "topic_id"),
        ({"topic_id": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c"}, "body"),
        ({"topic_id": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c", "body": "ngắn"}, "body"),
        ({"topic_id": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c", "body": OPINION, "x": 1}, "x"),
    ],
)
def test_bad_opinions_name_the_field(api, login, feedback_service, body, field):
    response = api.as_(login("hanoi.member")).post("/api/v1/opinions", json=body)
    assert response.status_code == 422 and field in response.json["errors"]


def test_an_unaccented_opinion_and_a_bad_topic_are_refused(api, login, feedback_service):
    topic = api.as_(login("hanoi.admin")).post("/api/v1/opinions/topics", json=TOPIC).json
    plain = "toi de nghi bo sung quy dinh doi thoai dinh ky moi quy giua cong doan va doanh nghiep"
    response = api.as_(login("hanoi.member")).post("/api/v1/opinions", json={"topic_id": topic["id"], "body": plain})
    assert response.status_code == 422 and response.json["code"] == "DIACRITICS_REQUIRED"
    assert "body" in response.json["errors"]
    bad = api.as_(login("hanoi.admin")).post("/api/v1/opinions/topics", json={**TOPIC, "closes_on": "mai"})
    assert bad.status_code == 422 and "closes_on" in bad.json["errors"]
    assert api.post("/api/v1/opinions", json={"topic_id": topic["id"], "body": OPINION}).status_code == 401


def test_every_question_event_matches_its_contract_and_carries_nothing_private(api, login, tenants, databases):
    asked = api.post("/api/v1/questions", json={**QUESTION, "tenant_id": tenants["LDLD-HN"]}).json
    path = f"/api/v1/questions/{asked['id']}"
    responder, admin = api.as_(login("hanoi.responder")), api.as_(login("hanoi.admin"))
    assert responder.post(f"{path}/assign", json={}).status_code == 200
    responder.post(f"{path}/answer", json=ANSWER)
    admin.post(f"{path}/approve")
    admin.post(f"{path}/publish", json={})
    admin.post(f"{path}/unpublish")
    with databases.sessions("feedback").read() as session:
        rows = session.execute(select(outbox.c.event_type, outbox.c.payload).order_by(outbox.c.id)).all()
    assert [t for t, _ in rows] == [
        contracts.QUESTION_RECEIVED,
        contracts.QUESTION_ASSIGNED,
        contracts.QUESTION_ANSWERED,
        contracts.QUESTION_PUBLISHED,
        contracts.QUESTION_UNPUBLISHED,
    ]
    for event_type, payload in rows:
        loaded = contracts.SCHEMAS[event_type]().load(payload)
        assert loaded["question_id"] == asked["id"] and loaded["schema_version"] == 1
        text = str(payload)
        # the phone in any spelling; not a bare "987", which a timestamp's microseconds may hold
        assert "Phan Văn Hùng" not in text and "987654321" not in text and "987 654 321" not in text
    assert contracts.QuestionReceived().load(rows[0][1])["from_member"] is False
    assigned = contracts.QuestionAssigned().load(rows[1][1])
    assert assigned["assigned_to"] == assigned["assigned_by"] == responder.get("/api/v1/me").json["user"]["id"]
    assert contracts.QuestionAnswered().load(rows[2][1])["on_time"] is True


def test_the_public_qa_is_cached_with_etags_and_cleared_by_a_publication(api, login, make_gateway, tenants, relay):
    cached = type(api)(make_gateway(public_cache_ttl=300).test_client())
    relay("feedback")
    first = wait_for(lambda: (r := cached.get("/api/v1/public/questions")).headers.get("ETag") and r, message="etag")
    assert first.json["total"] == 0
    assert cached.get("/api/v1/public/questions", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    asked = api.post("/api/v1/questions", json={**QUESTION, "tenant_id": tenants["LDLD-HN"]}).json
    path = f"/api/v1/questions/{asked['id']}"
    admin = api.as_(login("hanoi.admin"))
    admin.post(f"{path}/answer", json=ANSWER)
    admin.post(f"{path}/approve")
    admin.post(f"{path}/publish", json={})
    fresh = wait_for(lambda: (r := cached.get("/api/v1/public/questions")).json["total"] == 1 and r, message="refresh")
    assert fresh.headers["ETag"] != first.headers["ETag"]


def test_a_merge_from_accounts_moves_open_questions_to_the_surviving_federation(api, login, tenants, relay):
    asked = api.post("/api/v1/questions", json={**QUESTION, "tenant_id": tenants["LDLD-DN"]}).json
    danang = api.as_(login("danang.admin"))
    due = danang.get(f"/api/v1/questions/{asked['id']}").json["due_at"]
    office = api.as_(login("admin"))
    assert (
        office.post(f"/api/v1/tenants/{tenants['LDLD-DN']}/merge", json={"into": tenants["LDLD-HN"]}).status_code == 200
    )
    relay("accounts")
    responder = api.as_(login("hanoi.responder"))
    moved = wait_for(
        lambda: (r := responder.get(f"/api/v1/questions/{asked['id']}")).status_code == 200 and r.json,
        message="the question to move",
    )
    assert moved["tenant_id"] == tenants["LDLD-HN"] and moved["due_at"] == due
    assert [a["action"] for a in moved["activity"]] == ["receive", "merge"]


@pytest.mark.parametrize(
    "who, path, args, field",
    [
        ("hanoi.member", "/api/v1/opinions", {"status": "deleted"}, "status"),
        ("hanoi.member", "/api/v1/opinions", {"topic_id": "khong"}, "topic_id"),
        ("hanoi.member", "/api/v1/opinions/topics", {"status": "maybe"}, "status"),
        ("hanoi.member", "/api/v1/opinions/topics", {"per_page": 500}, "per_page"),
        ("admin", "/api/v1/holidays", {"year": "năm nay"}, "year"),
        ("hanoi.moderator", "/api/v1/comments", {"page": 0}, "page"),
    ],
)
def test_bad_query_arguments_name_the_field(api, login, feedback_service, who, path, args, field):
    response = api.as_(login(who)).get(path, query_string=args)
    assert response.status_code == 422 and field in response.json["errors"], response.json


def test_bad_moderation_answers_and_topics_name_the_field(api, login, feedback_service):
    admin = api.as_(login("hanoi.admin"))
    for body, field in (({**TOPIC, "title": "Ngắn"}, "title"), ({"title": TOPIC["title"]}, "description")):
        response = admin.post("/api/v1/opinions/topics", json=body)
        assert response.status_code == 422 and field in response.json["errors"]
    topic = admin.post("/api/v1/opinions/topics", json=TOPIC).json
    given = (
        api.as_(login("hanoi.member")).post("/api/v1/opinions", json={"topic_id": topic["id"], "body": OPINION}).json
    )
    short = admin.post(f"/api/v1/opinions/{given['id']}/answer", json={"answer": "Được"})
    assert short.status_code == 422 and "answer" in short.json["errors"]
    assert admin.post("/api/v1/opinions/khong-co/publish").status_code == 404


def test_the_openapi_document_lists_the_feedback_paths_with_their_errors(api, feedback_service):
    paths = api.get("/api/v1/openapi.json").json["paths"]
    for path, methods in {
        "/api/v1/questions": ["get", "post"],
        "/api/v1/questions/track/{tracking_code}": ["get"],
        "/api/v1/questions/{question_id}/assign": ["post"],
        "/api/v1/questions/{question_id}/answer": ["post"],
        "/api/v1/questions/{question_id}/publish": ["post"],
        "/api/v1/questions/{question_id}/reject": ["post"],
        "/api/v1/public/questions": ["get"],
        "/api/v1/opinions": ["get", "post"],
        "/api/v1/articles/{article_id}/comments": ["get", "post"],
        "/api/v1/comments/{comment_id}/report": ["post"],
        "/api/v1/comments/{comment_id}/approve": ["post"],
        "/api/v1/comments/{comment_id}/hide": ["post"],
    }.items():
        for method in methods:
            responses = paths[path][method]["responses"]
            assert any(code.startswith("4") for code in responses), f"{method} {path} documents no error"


def _publish(amqp_uri, source, event_type, payload):
    exchange = event_exchange(source)
    with Connection(amqp_uri) as conn:
        conn.Producer(serializer="json").publish(
            payload, exchange=exchange, routing_key=event_type, declare=[exchange], delivery_mode=2
        )


def test_a_merge_event_delivered_twice_moves_and_records_once(
    api, login, tenants, feedback_service, databases, rabbit_manager, rabbit_config
):
    asked = api.post("/api/v1/questions", json={**QUESTION, "tenant_id": tenants["LDLD-DN"]}).json
    merged = {
        "event_id": "merge-dn-into-hn",
        "event_type": "accounts.tenant_merged",
        "occurred_at": "2026-11-26T09:00:00+00:00",
        "schema_version": 1,
        "tenant_id": tenants["LDLD-DN"],
        "into_tenant_id": tenants["LDLD-HN"],
        "merged_at": "2026-11-26T09:00:00+00:00",
    }
    for _ in range(2):
        _publish(feedback_service.config["AMQP_URI"], "accounts", "accounts.tenant_merged", merged)
    queue = "evt-accounts-accounts.tenant_merged--feedback.handle_tenant_merged"
    wait_for(
        lambda: queue_settled(rabbit_manager, rabbit_config["vhost"], queue, acked=2), message="both deliveries handled"
    )
    seen = api.as_(login("hanoi.responder")).get(f"/api/v1/questions/{asked['id']}").json
    assert [a["action"] for a in seen["activity"]] == ["receive", "merge"]
    with databases.sessions("feedback").read() as session:
        handled = session.execute(select(inbox).where(inbox.c.handler == "handle_tenant_merged")).all()
    assert [row.event_id for row in handled] == ["merge-dn-into-hn"]


def test_an_unpublished_event_delivered_twice_is_handled_once(
    api, login, feedback_service, databases, rabbit_manager, rabbit_config
):
    unpublished = {
        "event_id": "unpublish-1",
        "event_type": "content.article_unpublished",
        "occurred_at": "2026-11-26T09:00:00+00:00",
        "schema_version": 1,
        "tenant_id": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1d",
        "article_id": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c",
        "revision": 1,
        "section": "news",
        "genre": "news",
        "title": "Bài đã gỡ",
        "site": "portal",
        "asset_ids": [],
        "unpublished_at": "2026-11-26T09:00:00+00:00",
        "reason": "Thông tin cần kiểm chứng lại.",
    }
    for _ in range(2):
        _publish(feedback_service.config["AMQP_URI"], "content", "content.article_unpublished", unpublished)
    queue = "evt-content-content.article_unpublished--feedback.handle_article_unpublished"
    wait_for(
        lambda: queue_settled(rabbit_manager, rabbit_config["vhost"], queue, acked=2), message="both deliveries handled"
    )
    with databases.sessions("feedback").read() as session:
        rows = session.execute(select(inbox).where(inbox.c.handler == "handle_article_unpublished")).all()
    assert len(rows) == 1


def test_question_figures_over_rpc_for_the_semiannual_report(api, login, tenants, feedback_rpc):
    from datetime import datetime, timedelta

    from platform_shared.actor import SYSTEM
    from platform_shared.clock import VN_TZ
    from platform_shared.errors import Forbidden

    today = datetime.now(VN_TZ).date()
    start, end = (today - timedelta(days=1)).isoformat(), (today + timedelta(days=2)).isoformat()
    api.post("/api/v1/questions", json={**QUESTION, "tenant_id": tenants["LDLD-HN"]})
    figures = feedback_rpc.question_figures(SYSTEM.dump(), tenants["LDLD-HN"], start, end)
    assert figures == {"received": 1, "answered": 0, "answered_on_time": 0, "overdue_open": 0}
    danang_admin = {
        "user_id": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c",
        "tenant_id": tenants["LDLD-DN"],
        "roles": ["tenant_admin"],
    }
    with pytest.raises(Forbidden):
        feedback_rpc.question_figures(danang_admin, tenants["LDLD-HN"], start, end)
