"""What the public portal (issue 13) asks of feedback and polls, through the gateway:

* anyone sees the national polls that are open or have their results published, and those
  results (small groups suppressed, no breakdown); a tenant's poll stays 404 to outsiders;
* ``feedback.comments_changed`` is recorded with every change of an article's visible comments
  (posted visible at once, approved, hidden, hidden after reports) and reaches the broker;
* the comment form knows before sending whether this reader may comment and whether the
  comment will wait for a moderator; anonymous readers see visible comments and names only;
* anonymous visitors read the open national opinion topics, and give no opinion.
"""

from datetime import UTC, datetime, timedelta

import pytest
from kombu import Connection, Queue
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import select

from platform_shared.actor import Actor
from platform_shared.broker import event_exchange
from platform_shared.clock import VN_TZ
from platform_shared.contracts import feedback as contracts
from platform_shared.errors import Forbidden, NotFound, Unauthorized
from platform_shared.tables import outbox
from platform_shared.testing.samples import poll_window
from platform_shared.testing.waiting import wait_for

ANONYMOUS = Actor.anonymous().dump()

# -- polls ------------------------------------------------------------------------------------

QUESTIONS = [
    {"text": "Anh/chị có hài lòng với bữa ăn ca?", "kind": "single", "options": [{"label": "Có"}, {"label": "Không"}]},
    {"text": "Chấm điểm nhà ở công nhân", "kind": "rating"},
    {"text": "Ý kiến khác", "kind": "text", "required": False},
]


_window = poll_window


@pytest.fixture
def vgcl(polls_api, login, polls_service):
    return polls_api.as_(login("admin"))


@pytest.fixture
def hanoi(polls_api, login, polls_service):
    return polls_api.as_(login("hanoi.admin"))


@pytest.fixture
def polls_rpc(polls_service):
    with ServiceRpcProxy("polls", {"AMQP_URI": polls_service.config["AMQP_URI"]}, timeout=20) as proxy:
        yield proxy


def draft(client, title="Lấy ý kiến đoàn viên về bữa ăn ca", **extra):
    created = client.post("/api/v1/polls", json={"title": title, "questions": QUESTIONS, **_window(), **extra})
    assert created.status_code == 201, created.json
    return created.json


def step(client, poll, *actions):
    for action in actions:
        answer = client.post(f"/api/v1/polls/{poll['id']}/{action}")
        assert answer.status_code == 200, answer.json
    return answer.json


def respond(polls_api, member_token, poll, answers_by_tenant):
    sent = []
    for code, answers in answers_by_tenant:
        member = polls_api.as_(member_token(code))
        response = member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": answers})
        assert response.status_code == 202, response.json
        sent.append((member, response.json["receipt"]))
    for member, receipt in sent:
        wait_for(
            lambda m=member, r=receipt: m.get(f"/api/v1/polls/receipts/{r}").json["status"] == "counted",
            message="the response to be counted",
        )


def public_ids(client, **query):
    answer = client.get("/api/v1/public/polls", query_string=query)
    assert answer.status_code == 200, answer.json
    return [item["id"] for item in answer.json["items"]]


def test_anyone_sees_a_national_poll_while_open_and_again_once_its_results_are_published(
    vgcl, polls_api, member_token, polls_rpc
):
    poll = step(vgcl, draft(vgcl, audience={"all": True}), "open")
    hidden_draft = draft(vgcl, title="Bản nháp chưa mở của Tổng Liên đoàn", audience={"all": True})
    guest = polls_api.as_(None)

    listed = guest.get("/api/v1/public/polls").json
    assert [item["id"] for item in listed["items"]] == [poll["id"]] and listed["total"] == 1
    item = listed["items"][0]
    assert item["status"] == "open" and item["accepting_answers"] is True and item["national"] is True
    assert item["results_published"] is False and item["results_published_at"] is None
    assert item["question_count"] == 3 and item["opens_at"].endswith("+07:00") and "questions" not in item
    assert guest.get(f"/api/v1/public/polls/{poll['id']}").json["questions"][0]["text"] == QUESTIONS[0]["text"]
    early = guest.get(f"/api/v1/public/polls/{poll['id']}/results")
    assert (early.status_code, early.json["code"]) == (403, "RESULTS_NOT_PUBLISHED")
    assert guest.get(f"/api/v1/public/polls/{hidden_draft['id']}").status_code == 404

    answers = [("LDLD-HN", {"q1": "o1" if i < 4 else "o2", "q2": 4, "q3": "Cần thêm rau xanh"}) for i in range(6)]
    respond(polls_api, member_token, poll, [*answers, ("LDLD-DN", {"q1": "o2", "q2": 2})])

    step(vgcl, poll, "close")
    assert public_ids(guest) == []  # closed, results not published: not public
    assert guest.get(f"/api/v1/public/polls/{poll['id']}").status_code == 404

    step(vgcl, poll, "publish")
    item = guest.get("/api/v1/public/polls").json["items"][0]
    assert item["status"] == "published" and item["results_published"] is True and item["results_published_at"]
    assert item["accepting_answers"] is False
    assert public_ids(guest, status="published") == [poll["id"]] and public_ids(guest, status="open") == []
    results = guest.get(f"/api/v1/public/polls/{poll['id']}/results")
    assert results.status_code == 200, results.json
    assert results.json["respondents"] == 7 and not results.json.get("by_tenant")  # no breakdown
    single = results.json["questions"][0]
    assert single["suppressed"] is False
    assert [(o["count"], o["percent"]) for o in single["options"]] == [(4, 57.1), (3, 42.9)]

    # Over RPC, as the portal's pages call it: the same results, no breakdown, no members' words.
    assert polls_rpc.poll_results(ANONYMOUS, poll["id"])["respondents"] == 7
    assert polls_rpc.get_poll(ANONYMOUS, poll["id"])["status"] == "published"
    with pytest.raises(Forbidden) as refused:
        polls_rpc.poll_results(ANONYMOUS, poll["id"], {"tenant": member_token.tenants["LDLD-HN"]})
    assert refused.value.code == "BREAKDOWN_FORBIDDEN"
    with pytest.raises(Unauthorized):
        polls_rpc.list_text_answers(ANONYMOUS, poll["id"])


def test_a_tenants_poll_stays_404_to_outsiders_and_to_the_public(hanoi, polls_api, member_token, polls_rpc):
    poll = step(hanoi, draft(hanoi), "open", "close", "publish")
    guest = polls_api.as_(None)
    assert public_ids(guest) == []
    assert guest.get(f"/api/v1/public/polls/{poll['id']}").status_code == 404
    assert guest.get(f"/api/v1/public/polls/{poll['id']}/results").status_code == 404
    with pytest.raises(NotFound) as missing:
        polls_rpc.get_poll(ANONYMOUS, poll["id"])
    assert missing.value.code == "POLL_NOT_FOUND"

    danang = polls_api.as_(member_token("LDLD-DN"))
    assert public_ids(danang) == []
    assert danang.get(f"/api/v1/public/polls/{poll['id']}/results").status_code == 404
    own = polls_api.as_(member_token("LDLD-HN"))
    assert public_ids(own) == [poll["id"]]
    assert own.get(f"/api/v1/public/polls/{poll['id']}/results").json["respondents"] == 0


def test_a_signed_in_user_gets_what_list_polls_shows_them_without_drafts(hanoi, polls_api):
    opened = step(hanoi, draft(hanoi), "open")
    unopened = draft(hanoi, title="Bản nháp của Liên đoàn Lao động Hà Nội")
    assert {p["id"] for p in hanoi.get("/api/v1/polls").json["items"]} == {opened["id"], unopened["id"]}
    listed = hanoi.get("/api/v1/public/polls").json["items"]
    assert [p["id"] for p in listed] == [opened["id"]]
    assert listed[0]["tenant_name"] and listed[0]["national"] is False and listed[0]["scope"] == "tenant"


@pytest.mark.parametrize(
    "query, field",
    [({"status": "draft"}, "status"), ({"per_page": 500}, "per_page"), ({"page": 0}, "page"), ({"x": "1"}, "x")],
)
def test_bad_arguments_of_the_public_poll_list_name_the_field(polls_api, polls_service, query, field):
    answer = polls_api.as_(None).get("/api/v1/public/polls", query_string=query)
    assert answer.status_code == 422 and field in answer.json["errors"], answer.json


def test_a_malformed_poll_id_names_nothing(polls_api, polls_service):
    assert polls_api.as_(None).get("/api/v1/public/polls/khong-phai-ma").status_code == 404
    assert polls_api.as_(None).get("/api/v1/public/polls/khong-phai-ma/results").status_code == 404


# -- comments ---------------------------------------------------------------------------------

NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công nhân may mặc được tăng lương từ tháng Giêng",
    "body": "<p>Doanh nghiệp cam kết tăng lương tối thiểu 7% cho người lao động.</p>",
}
COMMENT = {"body": "Tin rất vui cho anh chị em công nhân, mong các doanh nghiệp khác cũng làm như vậy."}
OPEN_TO_GUESTS = {"section": "news", "premoderated": False, "guests_allowed": True}


@pytest.fixture
def media_backend(tmp_path):
    """Comments do not depend on where photos are stored: the filesystem backend only."""
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


@pytest.fixture
def article(api, login, content_service, feedback_service):
    contributor, desk = api.as_(login("hanoi.contributor")), api.as_(login("laodong.editor"))
    created = contributor.post("/api/v1/articles", json=NEWS).json
    path = f"/api/v1/articles/{created['id']}"
    assert contributor.post(f"{path}/submit").status_code == 200
    for action in ("open", "approve", "publish"):
        assert desk.post(f"{path}/{action}").status_code == 200
    return created


def comment_facts(databases):
    with databases.sessions("feedback").read() as session:
        rows = session.scalars(
            select(outbox.c.payload).where(outbox.c.event_type == contracts.COMMENTS_CHANGED).order_by(outbox.c.id)
        ).all()
    return [contracts.CommentsChanged().load(payload) for payload in rows]


def test_approving_and_hiding_a_comment_records_the_fact_only_when_readers_see_a_change(api, login, article, databases):
    member, moderator = api.as_(login("hanoi.member")), api.as_(login("hanoi.moderator"))
    path = f"/api/v1/articles/{article['id']}/comments"
    first = member.post(path, json=COMMENT).json
    second = member.post(path, json={"body": "Mong công đoàn tiếp tục theo dõi việc thực hiện cam kết này."}).json
    assert first["status"] == "pending" and comment_facts(databases) == []  # nothing visible yet

    assert moderator.post(f"/api/v1/comments/{first['id']}/approve").status_code == 200
    assert moderator.post(f"/api/v1/comments/{first['id']}/approve").status_code == 200  # already visible
    assert moderator.post(f"/api/v1/comments/{second['id']}/hide").status_code == 200  # was never visible
    assert moderator.post(f"/api/v1/comments/{first['id']}/hide").status_code == 200
    facts = comment_facts(databases)
    assert [(f["reason"], f["comment_id"], f["visible_count"]) for f in facts] == [
        ("approved", first["id"], 1),
        ("hidden", first["id"], 0),
    ]
    hanoi_id = api.as_(login("hanoi.admin")).get("/api/v1/me").json["user"]["tenant_id"]
    for fact in facts:
        assert fact["article_id"] == article["id"] and fact["tenant_id"] == hanoi_id
        assert fact["schema_version"] == 1 and fact["event_id"] and fact["changed_at"]
    with databases.sessions("feedback").read() as session:
        text = str(session.scalars(select(outbox.c.payload)).all())
    assert "Đỗ Thị Lan" not in text and COMMENT["body"] not in text  # no name, no words


def test_a_comment_visible_at_once_and_one_hidden_by_reports_record_the_fact(api, login, article, databases):
    assert api.as_(login("admin")).patch("/api/v1/comments/settings", json=OPEN_TO_GUESTS).status_code == 200
    path = f"/api/v1/articles/{article['id']}/comments"
    posted = api.as_(None).post(path, json={**COMMENT, "guest_name": "Bạn đọc Hải Phòng"})
    assert posted.status_code == 201 and posted.json["status"] == "published"
    for reporter in ("hanoi.contributor", "hanoi.responder", "danang.admin"):
        api.as_(login(reporter)).post(f"/api/v1/comments/{posted.json['id']}/report", json={})
    assert [(f["reason"], f["visible_count"]) for f in comment_facts(databases)] == [("posted", 1), ("reported", 0)]


def test_the_comments_fact_reaches_the_feedback_exchange(api, login, article, relay, rabbit_config):
    queue = Queue(
        "test-comments-changed",
        exchange=event_exchange("feedback"),
        routing_key=contracts.COMMENTS_CHANGED,
        durable=False,
        auto_delete=False,
    )
    with Connection(rabbit_config["AMQP_URI"]) as conn:
        queue(conn.channel()).declare()
        relay("feedback")
        posted = api.as_(login("hanoi.member")).post(f"/api/v1/articles/{article['id']}/comments", json=COMMENT).json
        assert api.as_(login("hanoi.moderator")).post(f"/api/v1/comments/{posted['id']}/approve").status_code == 200
        simple = conn.SimpleQueue(queue)
        message = simple.get(timeout=30)
        message.ack()
        simple.close()
    assert message.delivery_info["routing_key"] == contracts.COMMENTS_CHANGED
    assert message.payload["article_id"] == article["id"] and message.payload["reason"] == "approved"


def test_the_comment_form_knows_who_may_comment_and_whether_it_waits(api, login, article):
    path = f"/api/v1/articles/{article['id']}/comments/rules"
    guest = api.as_(None).get(path)
    assert guest.status_code == 200, guest.json
    assert guest.json == {
        "article_id": article["id"],
        "section": "news",
        "signed_in": False,
        "may_comment": False,
        "guests_allowed": False,
        "guest_name_required": False,
        "premoderated": True,
        "status_after_posting": "pending",
    }
    member = api.as_(login("hanoi.member")).get(path).json
    assert (member["may_comment"], member["signed_in"], member["guest_name_required"]) == (True, True, False)

    assert api.as_(login("admin")).patch("/api/v1/comments/settings", json=OPEN_TO_GUESTS).status_code == 200
    guest = api.as_(None).get(path).json
    assert (guest["may_comment"], guest["guest_name_required"]) == (True, True)
    assert (guest["premoderated"], guest["status_after_posting"]) == (False, "published")


def test_the_comment_rules_of_an_article_nobody_may_read_are_404(api, login, content_service, feedback_service):
    draft_article = api.as_(login("hanoi.contributor")).post("/api/v1/articles", json=NEWS).json
    for article_id in (draft_article["id"], "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c", "khong-co"):
        answer = api.as_(None).get(f"/api/v1/articles/{article_id}/comments/rules")
        assert answer.status_code == 404, (article_id, answer.json)


def test_anonymous_readers_see_visible_comments_with_names_and_nothing_private(api, login, article):
    member, moderator = api.as_(login("hanoi.member")), api.as_(login("hanoi.moderator"))
    path = f"/api/v1/articles/{article['id']}/comments"
    shown = member.post(path, json=COMMENT).json
    member.post(path, json={"body": "Bình luận này vẫn đang chờ người kiểm duyệt xem xét."})
    moderator.post(f"/api/v1/comments/{shown['id']}/approve")
    seen = api.as_(None).get(path).json
    assert seen["total"] == 1
    assert set(seen["items"][0]) == {"id", "article_id", "author_name", "guest", "body", "status", "status_label",
                                     "created_at"}  # fmt: skip
    assert seen["items"][0]["author_name"] == "Đỗ Thị Lan"
    assert api.as_(None).get(path, query_string={"status": "pending"}).json["total"] == 0
    bad = api.as_(None).get(path, query_string={"status": "deleted"})
    assert bad.status_code == 422 and "status" in bad.json["errors"]


# -- opinion topics -----------------------------------------------------------------------------

TOPIC = {
    "title": "Góp ý dự thảo Luật Công đoàn sửa đổi",
    "description": "Tổng Liên đoàn lấy ý kiến đoàn viên cả nước về dự thảo Luật Công đoàn sửa đổi.",
}
OPINION = "Tôi đề nghị bổ sung quy định đối thoại định kỳ mỗi quý giữa công đoàn và người sử dụng lao động."


def test_anonymous_visitors_read_the_open_national_topics_and_give_no_opinion(api, login, feedback_service):
    office, hanoi = api.as_(login("admin")), api.as_(login("hanoi.admin"))
    national = office.post("/api/v1/opinions/topics", json=TOPIC).json
    yesterday = (datetime.now(UTC).astimezone(VN_TZ).date() - timedelta(days=1)).isoformat()
    ended = office.post(
        "/api/v1/opinions/topics", json={**TOPIC, "title": "Chủ đề đã hết hạn", "closes_on": yesterday}
    ).json
    local = hanoi.post("/api/v1/opinions/topics", json={**TOPIC, "title": "Chủ đề của Hà Nội"}).json

    guest = api.as_(None)
    listed = guest.get("/api/v1/opinions/topics")
    assert listed.status_code == 200, listed.json
    assert [t["id"] for t in listed.json["items"]] == [national["id"]]
    member_sees = {t["id"] for t in api.as_(login("hanoi.member")).get("/api/v1/opinions/topics").json["items"]}
    assert member_sees == {national["id"], ended["id"], local["id"]}

    refused = guest.post("/api/v1/opinions", json={"topic_id": national["id"], "body": OPINION})
    assert (refused.status_code, refused.json["code"]) == (401, "LOGIN_REQUIRED")
    assert guest.get("/api/v1/opinions", query_string={"topic_id": national["id"]}).status_code == 401
    bad = guest.get("/api/v1/opinions/topics", query_string={"status": "maybe"})
    assert bad.status_code == 422 and "status" in bad.json["errors"]
