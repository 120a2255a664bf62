"""DESIGN 7b, issue 12 item 4: a request its caller gave up on is not carried out later, and a
creating POST repeated with the same Idempotency-Key answers the first result instead of
creating twice. Real RabbitMQ and PostgreSQL; the feedback service is frozen by pausing its
link to the broker (a TCP proxy that stops passing bytes, as a stopped process would)."""

import logging
import uuid

import pytest
import sqlalchemy as sa

from platform_shared.testing.tcpproxy import TcpProxy
from platform_shared.testing.waiting import wait_for

QUESTION = {
    "category": "wages_bonuses",
    "title": "Công ty trả lương chậm hai tháng",
    "body": "Công ty tôi đã chậm trả lương hai tháng liền, công đoàn có thể giúp gì cho người lao động?",
}
GUEST = {"name": "Nguyễn Văn Khách", "phone": "0912 345 678", "email": "khach@example.vn"}


@pytest.fixture
def link():
    proxy = TcpProxy()
    yield proxy
    proxy.close()


@pytest.fixture
def feedback_behind_link(start_service, demo, link, rabbit_config):
    """The feedback service talking to the broker through ``link`` only."""
    from nameko.standalone.rpc import ServiceRpcProxy

    from platform_shared.actor import SYSTEM

    container = start_service(
        "feedback", AMQP_URI=link.uri(rabbit_config["AMQP_URI"]), FEEDBACK_TENANT_SYNC_INTERVAL_SECONDS=3600
    )
    with ServiceRpcProxy("feedback", {"AMQP_URI": rabbit_config["AMQP_URI"]}, timeout=20) as proxy:
        proxy.sync_tenants(SYSTEM.dump())
    return container


@pytest.fixture
def hanoi(api, login, demo):
    admin = api.as_(login("admin"))
    tenants = admin.get("/api/v1/tenants", query_string={"per_page": 100}).json["items"]
    return next(t for t in tenants if t["code"] == "LDLD-HN")


@pytest.fixture
def quick(make_gateway, client_of):
    """A gateway that gives up on a service after 2 s."""
    return client_of(make_gateway(rpc_timeout=2)).as_(None)


def questions(databases):
    with databases.sessions("feedback").read() as session:
        return session.execute(sa.text("SELECT id, title FROM question ORDER BY received_at")).all()


def ask(client, tenant, key=None, **changes):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        "/api/v1/questions", json={**QUESTION, "tenant_id": tenant["id"], "guest": GUEST, **changes}, headers=headers
    )


def dropped(caplog, method):
    return [r for r in caplog.records if f"feedback.{method} dropped" in r.getMessage()]


def test_a_question_the_gateway_gave_up_on_is_not_created_when_the_service_resumes(
    quick, hanoi, feedback_behind_link, link, databases, caplog
):
    caplog.set_level(logging.WARNING, logger="platform_shared.rpc")
    link.pause()  # the service is frozen: the request reaches its connection and waits there
    try:
        timed_out = ask(quick, hanoi)
    finally:
        link.resume()
    assert timed_out.status_code == 503, timed_out.json
    assert timed_out.json["code"] == "SERVICE_TIMEOUT"

    later = ask(quick, hanoi, title="Một câu hỏi khác gửi sau khi dịch vụ chạy lại")
    assert later.status_code == 201, later.json
    (line,) = wait_for(lambda: dropped(caplog, "ask_question"), message="the late request dropped")
    assert line.levelno == logging.WARNING and line.exc_info is None
    assert "deadline passed" in line.getMessage()
    assert [title for _, title in questions(databases)] == ["Một câu hỏi khác gửi sau khi dịch vụ chạy lại"]


def test_a_retry_with_the_same_key_after_a_timeout_creates_the_question_once(
    quick, hanoi, feedback_behind_link, link, databases, caplog
):
    caplog.set_level(logging.WARNING, logger="platform_shared.rpc")
    key = str(uuid.uuid4())
    link.pause()
    try:
        assert ask(quick, hanoi, key).status_code == 503
    finally:
        link.resume()
    retried = ask(quick, hanoi, key)
    assert retried.status_code == 201, retried.json
    wait_for(lambda: dropped(caplog, "ask_question"), message="the first attempt dropped")
    again = ask(quick, hanoi, key)
    assert again.status_code == 201, again.json
    assert again.json == retried.json  # the same id and tracking code
    assert [str(row.id) for row in questions(databases)] == [retried.json["id"]]


def test_a_repeat_answers_the_first_result_and_creates_nothing(api, hanoi, feedback_service, databases):
    guest, key = api.as_(None), str(uuid.uuid4())
    first = ask(guest, hanoi, key)
    assert first.status_code == 201, first.json
    repeat = ask(guest, hanoi, key)
    assert (repeat.status_code, repeat.json) == (201, first.json)
    assert first.json["tracking_code"].startswith("HD-")
    assert len(questions(databases)) == 1


def test_the_same_key_with_another_body_is_refused(api, hanoi, feedback_service, databases):
    guest, key = api.as_(None), str(uuid.uuid4())
    assert ask(guest, hanoi, key).status_code == 201
    other = ask(guest, hanoi, key, title="Một câu hỏi hoàn toàn khác về bảo hiểm")
    assert other.status_code == 422, other.json
    assert other.json["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert len(questions(databases)) == 1


def test_a_guest_and_a_member_using_the_same_key_do_not_collide(api, login, hanoi, feedback_service, databases):
    key = "the-same-key-1"
    as_guest = ask(api.as_(None), hanoi, key)
    as_member = api.as_(login("hanoi.member")).post(
        "/api/v1/questions", json=QUESTION, headers={"Idempotency-Key": key}
    )
    assert as_guest.status_code == 201 and as_member.status_code == 201, as_member.json
    assert as_guest.json["id"] != as_member.json["id"]
    assert len(questions(databases)) == 2


def test_a_first_attempt_refused_with_a_4xx_is_not_remembered(api, hanoi, feedback_service, databases):
    guest, key = api.as_(None), str(uuid.uuid4())
    refused = guest.post(
        "/api/v1/questions", json={**QUESTION, "tenant_id": hanoi["id"]}, headers={"Idempotency-Key": key}
    )
    assert refused.status_code == 422, refused.json
    corrected = ask(guest, hanoi, key)
    assert corrected.status_code == 201, corrected.json
    assert len(questions(databases)) == 1


@pytest.mark.parametrize("key", ["khóa-có-dấu", "two words", "x" * 256, ""])
def test_a_malformed_key_is_a_400_naming_it(api, hanoi, feedback_service, databases, key):
    response = ask(api.as_(None), hanoi, key)
    assert response.status_code == 400, response.json
    assert response.json["code"] == "IDEMPOTENCY_KEY_INVALID"
    assert questions(databases) == []


def test_the_openapi_document_offers_the_key_on_creating_posts_only(api):
    paths = api.get("/api/v1/openapi.json").json["paths"]

    def takes_key(path, method="post"):
        return any(p.get("name") == "Idempotency-Key" for p in paths[path][method].get("parameters", []))

    for path in ("/api/v1/questions", "/api/v1/articles", "/api/v1/tenants/import", "/api/v1/members/import"):
        assert takes_key(path), path
    assert takes_key("/api/v1/articles/{article_id}/comments")
    assert not takes_key("/api/v1/auth/login")
    assert not takes_key("/api/v1/questions/{question_id}/assign")


REGISTRATIONS = (
    "code,name,kind,parent_code,admin_name,admin_email\n"
    "LDLD-HP,Liên đoàn Lao động thành phố Hải Phòng,provincial_federation,TLD,Phạm Thị Hoa,hoa.hp@example.vn\n"
)


def test_a_repeated_import_answers_the_first_activation_sheet_again(api, login, databases):
    """Without a key a re-import answers «nothing new» and the one-time tokens of the lost reply
    are gone; with it, the client that lost the reply gets the sheet it missed."""
    import io

    office, key = api.as_(login("admin")), str(uuid.uuid4())

    def upload(text, filename="dk.csv"):
        return office.post(
            "/api/v1/tenants/import",
            data={"file": (io.BytesIO(text.encode()), filename)},
            content_type="multipart/form-data",
            headers={"Idempotency-Key": key},
        )

    first = upload(REGISTRATIONS)
    assert first.status_code == 200, first.json
    assert [c["tenant_code"] for c in first.json["credentials"]] == ["LDLD-HP"]
    repeat = upload(REGISTRATIONS)
    assert (repeat.status_code, repeat.json) == (200, first.json)
    other_file = upload(REGISTRATIONS.replace("Phạm Thị Hoa", "Phạm Thị Hòa"))
    assert other_file.status_code == 422 and other_file.json["code"] == "IDEMPOTENCY_KEY_REUSED"
    with databases.sessions("accounts").read() as session:
        assert session.execute(sa.text("SELECT count(*) FROM tenant WHERE code = 'LDLD-HP'")).scalar() == 1


def test_a_repeat_while_the_first_attempt_still_runs_is_asked_to_wait(api, hanoi, feedback_service, databases):
    """The first attempt holds the key (here: claimed in the service's store, as a worker of
    another replica would be while it works); the repeat is 409 and creates nothing."""
    from datetime import timedelta

    from platform_shared import idempotency
    from platform_shared.clock import utcnow

    key, body = str(uuid.uuid4()), {**QUESTION, "tenant_id": hanoi["id"], "guest": GUEST}
    running = idempotency.Claim.of(
        caller=None,
        operation="feedback.ask_question",
        key=key,
        fingerprint=idempotency.fingerprint("POST", "/api/v1/questions", idempotency.canonical_json(body)),
        now=utcnow(),
        deadline=(utcnow() + timedelta(minutes=5)).timestamp(),
    )
    assert idempotency.IdempotencyStore(databases.sessions("feedback")).begin(running, utcnow()) is None
    repeat = api.as_(None).post("/api/v1/questions", json=body, headers={"Idempotency-Key": key})
    assert repeat.status_code == 409, repeat.json
    assert repeat.json["code"] == "REQUEST_IN_PROGRESS"
    assert "thử lại sau vài giây" in repeat.json["message"]
    assert questions(databases) == []
