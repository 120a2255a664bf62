"""polls → the gateway's cache of poll definitions: any ``polls.*`` fact drops the poll it
names (``DefinitionCache._on_event`` reads ``poll_id``, and drops every poll without one)."""

import pytest

from platform_shared.contracts import polls as events
from platform_shared.testing.contracts import assert_consumer_reads, example


@pytest.mark.parametrize("event_type", sorted(events.SCHEMAS))
def test_every_polls_fact_names_the_poll_the_gateway_drops(event_type):
    assert_consumer_reads(
        example(event_type),
        lambda payload: payload,  # the gateway reads the raw payload, with no schema
        consumer="gateway.intake.DefinitionCache",
        needs=("poll_id",),
    )


def test_the_public_cache_is_cleared_by_facts_polls_publishes():
    from gateway.public_cache import POLLS_INVALIDATING

    assert POLLS_INVALIDATING and set(POLLS_INVALIDATING) <= set(events.SCHEMAS)
