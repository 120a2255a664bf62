"""Poll intake metrics: a response confirmed by the broker is counted accepted at the gateway, then
counted by the polls consumer once committed; the consumer reports the queue's depth."""

import uuid

from prometheus_client import REGISTRY

from platform_shared.testing.waiting import wait_for
from tests.api.test_polls import GOOD, open_poll, settled


def value(name):
    return REGISTRY.get_sample_value(name) or 0.0


def test_a_response_is_accepted_at_the_gateway_and_counted_by_the_consumer(
    polls_service, polls_api, login, member_token
):
    poll = open_poll(polls_api.as_(login("hanoi.admin")))
    accepted, counted = value("platform_poll_intake_accepted_total"), value("platform_poll_intake_counted_total")
    member = polls_api.as_(member_token("LDLD-HN", user_id=str(uuid.uuid4())))
    answered = member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD})
    assert answered.status_code == 202
    assert value("platform_poll_intake_accepted_total") == accepted + 1
    assert settled(member, answered.json["receipt"])["status"] == "counted"
    wait_for(lambda: value("platform_poll_intake_counted_total") == counted + 1, message="the consumer's count")
    assert REGISTRY.get_sample_value("platform_poll_intake_queue_depth") is not None
