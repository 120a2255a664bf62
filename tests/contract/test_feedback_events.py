"""feedback → the gateway's public cache: the public Q&A is cleared when an answer is published
or withdrawn, an article's cached page when its visible comments change
(``feedback.comments_changed``). The cache binds its queue by event type: a renamed fact would
never clear it. No service handles feedback's events (``test_index.py`` notices one that starts)."""

import uuid

from platform_shared.contracts import feedback as events
from platform_shared.testing.contracts import assert_consumer_reads, example


def test_the_public_cache_is_cleared_by_facts_feedback_publishes():
    from gateway.public_cache import COMMENTS_INVALIDATING, FEEDBACK_INVALIDATING

    assert FEEDBACK_INVALIDATING and set(FEEDBACK_INVALIDATING) <= set(events.SCHEMAS)
    assert COMMENTS_INVALIDATING == (events.COMMENTS_CHANGED,)


def test_the_comments_fact_names_the_article_whose_cached_page_the_gateway_drops():
    """``feedback.comments_changed``: the gateway caches article pages with their visible
    comments and drops an article's entries by ``article_id`` (``tenant_id`` for a sub-site)."""
    assert events.COMMENTS_CHANGED == "feedback.comments_changed"
    assert_consumer_reads(
        example(events.COMMENTS_CHANGED, reason="approved", comment_id=str(uuid.uuid4())),
        events.CommentsChanged().load,
        consumer="gateway.public_cache",
        needs=("article_id", "tenant_id", "reason", "visible_count"),
        tolerates=("comment_id",),
    )


def test_a_whole_articles_comments_change_without_naming_a_comment():
    payload = example(events.COMMENTS_CHANGED, reason="article_unpublished", comment_id=None, visible_count=0)
    loaded = events.CommentsChanged().load(payload)
    assert loaded["comment_id"] is None and loaded["schema_version"] == 1
    assert set(events.COMMENT_CHANGE_REASONS) == {"posted", "approved", "hidden", "reported", "article_unpublished"}
