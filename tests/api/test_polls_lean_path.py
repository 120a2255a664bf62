"""The lean path of a poll response (gateway.api.polls.LeanResponses) answers exactly as Flask
does: the same 202 and headers, the same errors, and a failure at the broker or at the polls
service met once — never tried a second time by the Flask path it hands the error to."""

import uuid

import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from prometheus_client import REGISTRY

from gateway.confirms import NotConfirmed
from platform_shared.actor import SYSTEM
from platform_shared.errors import Unavailable
from tests.api.test_polls import GOOD, open_poll

REQUEST_ID = "lean-path-test-0001"
COUNTED = {"route": "/api/v1/polls/<poll_id>/responses", "method": "POST", "status": "202"}


def _counted():
    return REGISTRY.get_sample_value("platform_http_requests_total", COUNTED) or 0.0


@pytest.fixture
def two_gateways(start_service, demo, make_polls_gateway, client_of):
    """The same services behind a gateway with the lean path and one without it."""
    container = start_service("polls", POLLS_INTAKE_ENABLED=False, POLLS_TENANT_SYNC_INTERVAL_SECONDS=3600)
    with ServiceRpcProxy("polls", {"AMQP_URI": container.config["AMQP_URI"]}, timeout=20) as proxy:
        proxy.sync_tenants(SYSTEM.dump())
    lean, flask = make_polls_gateway(polls_lean_path=True), make_polls_gateway(polls_lean_path=False)
    assert type(lean.wsgi_app).__name__ == "LeanResponses" and type(flask.wsgi_app).__name__ != "LeanResponses"
    return client_of(lean), client_of(flask)


def _same_headers(a, b, ignore=("X-Request-ID",)):
    return {k: v for k, v in a.headers.items() if k not in ignore} == {
        k: v for k, v in b.headers.items() if k not in ignore
    }


def _without_request_id(body):
    return {k: v for k, v in (body or {}).items() if k != "request_id"}


def test_an_accepted_response_has_the_same_answer_and_headers_on_both_paths(two_gateways, login, member_token):
    lean, flask = two_gateways
    poll = open_poll(lean.as_(login("hanoi.admin")))
    path = f"/api/v1/polls/{poll['id']}/responses"
    answers, counted = [], _counted()
    for api in (lean, flask):
        member = api.as_(member_token("LDLD-HN"))
        for base in ("http://localhost", "https://localhost"):
            answers.append(
                member.post(path, json={"answers": GOOD}, base_url=base, headers={"X-Request-ID": REQUEST_ID})
            )
    for answer in answers:
        assert answer.status_code == 202, answer.json
        assert answer.headers["X-Request-ID"] == REQUEST_ID
        assert set(answer.json) == {"receipt", "status", "poll_id"} and answer.json["status"] == "accepted"
    assert _counted() == counted + 4  # both paths count under the Flask rule
    fast_http, fast_https, flask_http, flask_https = answers
    assert _same_headers(fast_http, flask_http, ignore=("Content-Length",))  # the receipt's length varies
    assert _same_headers(fast_https, flask_https, ignore=("Content-Length",))
    assert "Strict-Transport-Security" in fast_https.headers and "Strict-Transport-Security" not in fast_http.headers
    # each receipt reads back as its member's
    member = lean.as_(member_token("LDLD-HN"))
    receipt = member.post(path, json={"answers": GOOD}).json["receipt"]
    assert member.get(f"/api/v1/polls/receipts/{receipt}").json["status"] == "accepted"


def test_every_refusal_is_the_same_on_both_paths(two_gateways, login, member_token):
    lean, flask = two_gateways
    hanoi_admin = login("hanoi.admin")
    poll = open_poll(lean.as_(hanoi_admin))
    path = f"/api/v1/polls/{poll['id']}/responses"
    member = member_token("LDLD-HN")
    cases = {
        "no token": (None, path, {"json": {"answers": GOOD}}),
        "not a bearer": ("x", path, {"json": {"answers": GOOD}, "headers": {"Authorization": "Basic abc"}}),
        "a forged token": ("forged", path, {"json": {"answers": GOOD}}),
        "not a member": (hanoi_admin, path, {"json": {"answers": GOOD}}),
        "an unknown poll": (member, f"/api/v1/polls/{uuid.uuid4()}/responses", {"json": {"answers": GOOD}}),
        "not a poll id": (member, "/api/v1/polls/abc/responses", {"json": {"answers": GOOD}}),
        "wrong answers": (member, path, {"json": {"answers": {"q1": "o9", "q3": 11}}}),
        "no answers": (member, path, {"json": {"answer": GOOD}}),
        "not an object": (member, path, {"json": [GOOD]}),
        "not JSON": (member, path, {"data": b"{answers", "content_type": "application/json"}),
        "too deep": (member, path, {"data": b"[" * 100 + b"]" * 100, "content_type": "application/json"}),
        "a form": (member, path, {"data": {"answers": "o1"}}),
        "empty": (member, path, {"data": b"", "content_type": "application/json"}),
    }
    for name, (who, where, kwargs) in cases.items():
        kwargs.setdefault("headers", {})["X-Request-ID"] = REQUEST_ID
        got = [api.as_(who).post(where, **kwargs) for api in (lean, flask)]
        assert got[0].status_code == got[1].status_code and 400 <= got[0].status_code < 500, (name, got[0].json)
        assert _without_request_id(got[0].json) == _without_request_id(got[1].json), name
        assert got[0].json["request_id"] == got[1].json["request_id"] == REQUEST_ID, name
        assert _same_headers(got[0], got[1]), name
        assert got[0].json["message"], name  # a Vietnamese message for a person, whichever path


def test_a_response_the_broker_refuses_is_published_once_and_answered_503(
    two_gateways, login, member_token, monkeypatch
):
    lean, _flask = two_gateways
    poll = open_poll(lean.as_(login("hanoi.admin")))
    member = lean.as_(member_token("LDLD-HN"))
    path = f"/api/v1/polls/{poll['id']}/responses"
    assert member.post(path, json={"answers": {"q1": "o9"}}).status_code == 422  # intake made, definition cached
    publisher = lean.client.application.extensions["polls_intake"].publisher
    published = []

    def refused(body, **properties):
        published.append(properties["message_id"])
        raise NotConfirmed("the broker refused the message (nack)")

    monkeypatch.setattr(publisher, "publish", refused)
    answer = member.post(path, json={"answers": GOOD})
    assert answer.status_code == 503 and answer.json["code"] == "RESPONSE_NOT_QUEUED"
    assert answer.json["message"].startswith("Chưa ghi nhận được câu trả lời")
    assert len(published) == 1  # the Flask path that answered did not publish it again


def test_a_poll_service_that_does_not_answer_is_asked_once(two_gateways, login, member_token, monkeypatch):
    lean, _flask = two_gateways
    poll = open_poll(lean.as_(login("hanoi.admin")))
    member = lean.as_(member_token("LDLD-HN"))
    path = f"/api/v1/polls/{poll['id']}/responses"
    assert member.post(path, json={"answers": {"q1": "o9"}}).status_code == 422  # the intake exists
    definitions = lean.client.application.extensions["polls_intake"].definitions
    definitions.drop()
    asked = []

    def away(poll_id):
        asked.append(poll_id)
        raise Unavailable("Dịch vụ polls tạm thời không phản hồi.", code="SERVICE_UNAVAILABLE")

    monkeypatch.setattr(definitions, "fetch", away)
    answer = member.post(path, json={"answers": GOOD})
    assert answer.status_code == 503 and answer.json["code"] == "SERVICE_UNAVAILABLE"
    assert asked == [poll["id"]]
