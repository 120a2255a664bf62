"""gateway → polls: a poll response, queued by the gateway's intake (``PollIntake.submit``) on
``polls.responses`` and read by the polls service's batch consumer (``polls.intake.parse``).

Not an event with a contract schema: the two sides' own code meet here, with no broker (the
intake's publisher is replaced by one that keeps the message)."""

import uuid
from datetime import UTC, datetime

import pytest


class KeptMessages:
    """Stands in for the intake's confirmed publisher: keeps what it is given, confirms it."""

    def __init__(self):
        self.bodies = []

    def publish(self, body, *, routing_key, **properties):
        self.bodies.append((routing_key, body))
        return True

    def close(self):
        pass


@pytest.fixture
def intake(monkeypatch):
    from gateway.intake import PollIntake

    intake = PollIntake("amqp://guest:guest@127.0.0.1:1//", fetch=None, secret="contract-test-key")
    kept = KeptMessages()
    monkeypatch.setattr(intake, "publisher", kept)
    yield intake, kept
    intake.close()


def test_the_consumer_reads_every_part_of_a_response_the_gateway_queues(intake):
    from platform_shared.contracts.polls import RESPONSES_QUEUE
    from polls.intake import parse

    intake, kept = intake
    poll_id, member_id, tenant_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    answers = {"q1": "o2", "q2": ["o1", "o3"], "q3": "Ý kiến của đoàn viên"}
    at = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    receipt = intake.submit(str(poll_id), {"user_id": str(member_id), "tenant_id": str(tenant_id)}, answers, now=at)

    ((queue, body),) = kept.bodies
    assert queue == RESPONSES_QUEUE
    item = parse(body, redelivered=False)
    assert item is not None, f"polls cannot read the gateway's message: {body}"
    assert (item["_poll"], item["_member"], item["_tenant"]) == (str(poll_id), str(member_id), str(tenant_id))
    assert item["_at"] == at and item["answers"] == answers
    assert intake.receipts.read(receipt) == (item["_receipt"], str(poll_id), str(member_id))
