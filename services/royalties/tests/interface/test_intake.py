"""The batch intake in a real container: a batch with a broken event still lands the good
ones, and the broken one is parked where an operator sees it — never dropped."""

import sqlalchemy as sa

from platform_shared.testing.waiting import wait_for


def _count(databases, sql):
    with databases.sessions("royalties").read() as session:
        return session.execute(sa.text(sql)).scalar()


def test_a_broken_event_is_parked_and_the_rest_of_its_batch_lands(
    ledger, events, content_event, start_service, databases
):
    start_service("royalties", ROYALTIES_BATCH_WAIT=0.3, EVENT_MAX_ATTEMPTS=3, RPC_TIMEOUT=1)
    good = [events.published() for _ in range(3)]
    broken = {**events.published(), "authors": "nobody"}  # breaks the contract
    for event in (good[0], broken, good[1], good[2]):
        content_event(event)
    wait_for(lambda: _count(databases, "SELECT count(*) FROM parked_event") == 1, message="the broken event parked")
    assert _count(databases, "SELECT count(*) FROM royalty_item") == 3
    assert _count(databases, "SELECT event_id FROM parked_event") == broken["event_id"]
    assert _count(databases, "SELECT attempts FROM parked_event") == 3
