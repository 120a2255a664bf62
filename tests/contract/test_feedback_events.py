"""feedback → the gateway's public cache: the public Q&A is cleared when an answer is published
or withdrawn, an article's cached page when its visible comments change
(``feedback.comments_changed``). The cache binds its queue by event type: a renamed fact would
never clear it. feedback → notifications: a question assigned or overdue tells the people it
concerns (one row per handler, with the fields it reads)."""

import uuid

import pytest

from platform_shared.contracts import feedback as events
from platform_shared.testing.contracts import assert_consumer_reads, example, handlers_of

QUESTION = ("event_id", "tenant_id", "question_id", "category", "due_at")

# notifications.domain: _question_overdue, _question_assigned
CONSUMERS = {
    ("notifications", "handle_question_overdue"): (
        events.QUESTION_OVERDUE,
        events.QuestionOverdue().load,
        {"needs": (*QUESTION, "received_at"), "tolerates": ("escalated_to_tenant_id", "assigned_to")},
    ),
    ("notifications", "handle_question_assigned"): (
        events.QUESTION_ASSIGNED,
        events.QuestionAssigned().load,
        {"needs": (*QUESTION, "assigned_to"), "tolerates": ("assigned_by",)},
    ),
}


def test_every_handler_of_feedback_events_is_in_the_table():
    assert handlers_of("feedback") == {handler: row[0] for handler, row in CONSUMERS.items()}


@pytest.mark.parametrize("handler", sorted(CONSUMERS), ids=".".join)
def test_the_handler_reads_only_what_feedback_sends(handler):
    event_type, load, reads = CONSUMERS[handler]
    assert_consumer_reads(example(event_type), load, consumer=".".join(handler), **reads)


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
