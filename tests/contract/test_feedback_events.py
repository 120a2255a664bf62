"""feedback → the gateway's public cache: the public Q&A is cleared when an answer is published
or withdrawn. The cache reads no field, but binds its queue by event type: a renamed fact would
never clear it. No service handles feedback's events (``test_index.py`` notices one that starts)."""

from platform_shared.contracts import feedback as events


def test_the_public_cache_is_cleared_by_facts_feedback_publishes():
    from gateway.public_cache import FEEDBACK_INVALIDATING

    assert FEEDBACK_INVALIDATING and set(FEEDBACK_INVALIDATING) <= set(events.SCHEMAS)
