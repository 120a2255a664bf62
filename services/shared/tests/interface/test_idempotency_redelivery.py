"""A keyed creating RPC whose replica dies while it works is delivered again by the broker to
another replica: that delivery takes the key over and answers the caller, who is still waiting
for the first use of its key. It does not answer 409 REQUEST_IN_PROGRESS (the key's lease, held
by the dead replica, would have made the request fail until the caller's deadline); the thing is
created once. Real RabbitMQ, real PostgreSQL, two containers of one service."""

import time
import uuid

import eventlet
import pytest
import sqlalchemy as sa
from nameko.dependency_providers import Config
from nameko.standalone.rpc import ServiceRpcProxy

from platform_shared.clock import utcnow
from platform_shared.context import RequestContext
from platform_shared.dependencies import Database
from platform_shared.errors import Conflict
from platform_shared.rpc import rpc
from platform_shared.tables import idempotency_key, outbox
from platform_shared.testing.waiting import wait_for


class Creator:
    name = "creator"
    request = RequestContext()  # the worker the @rpc glue reads the key from
    db = Database()
    config = Config()

    @rpc
    def create(self, marker):
        """Record ``marker`` once; a replica configured ``STALL`` holds the work that long first."""
        eventlet.sleep(float(self.config.get("STALL", 0)))
        with self.db.transaction() as session:
            session.execute(
                outbox.insert().values(event_id=marker, event_type="test.created", payload={}, created_at=utcnow())
            )
        return {"created": marker}


def _rows(sessions):
    with sessions.read() as session:
        created = sorted(session.scalars(sa.select(outbox.c.event_id).where(outbox.c.event_type == "test.created")))
        keys = session.execute(sa.select(idempotency_key.c.state, idempotency_key.c.attempt)).all()
    return created, keys


def _keyed(key, attempt):
    return {
        "idempotency_key": key,
        "idempotency_caller": "u-1",
        "idempotency_fingerprint": "f" * 64,
        "idempotency_attempt": attempt,
        "deadline": time.time() + 60,
    }


def test_a_redelivered_call_takes_its_key_over_and_creates_once(container_factory, rabbit_config, databases):
    sessions = databases.sessions("feedback")
    config = {**rabbit_config, "DATABASE_URL": databases.url("feedback")}
    dying = container_factory(Creator, {**config, "STALL": 30})
    dying.start()
    attempt = uuid.uuid4().hex
    with ServiceRpcProxy("creator", config, context_data=_keyed("k-1", attempt), timeout=30) as proxy:
        reply = proxy.create.call_async("e-1")
        # The first replica holds the key (running, leased for a minute) and sleeps in the work.
        wait_for(lambda: _rows(sessions)[1] == [("running", attempt)], timeout=10)
        dying.kill()  # its unacknowledged message goes back to the queue
        container_factory(Creator, config).start()  # the surviving replica
        assert reply.result() == {"created": "e-1"}
    assert _rows(sessions) == (["e-1"], [("done", attempt)])


def test_another_call_with_the_same_key_still_waits_for_the_running_one(container_factory, rabbit_config, databases):
    """The takeover is for a delivery of the same message only: a client's own retry (a new RPC)
    is told to wait while the first attempt's lease holds."""
    sessions = databases.sessions("feedback")
    config = {**rabbit_config, "DATABASE_URL": databases.url("feedback")}
    container_factory(Creator, {**config, "STALL": 3}).start()
    with ServiceRpcProxy("creator", config, context_data=_keyed("k-2", uuid.uuid4().hex), timeout=30) as first:
        reply = first.create.call_async("e-2")
        wait_for(lambda: len(_rows(sessions)[1]) == 1, timeout=10)
        with ServiceRpcProxy("creator", config, context_data=_keyed("k-2", uuid.uuid4().hex), timeout=30) as retry:
            with pytest.raises(Conflict) as refused:
                retry.create("e-2")
            assert refused.value.code == "REQUEST_IN_PROGRESS"
        assert reply.result() == {"created": "e-2"}
    assert _rows(sessions)[0] == ["e-2"]
