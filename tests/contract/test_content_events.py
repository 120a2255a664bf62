"""content → its consumers: media (which photos turn public), royalties (the items of a
publication, their withdrawal and a correction counted as new work), feedback (comments hidden
with an unpublished article), notifications (a missed quota, an article returned or published),
and the gateway's public cache (which facts clear it).

One row per handler, with the fields it reads; ``platform_shared.testing.contracts`` says how
they are checked against what content is bound to send. When a handler starts reading
another field, add it to its row."""

import pytest

from platform_shared.contracts import content as events
from platform_shared.testing.contracts import assert_consumer_reads, example, handlers_of

# media.service.MediaService._follow: the schema of the payload's own event type.
MEDIA = {"needs": ("event_id", "article_id", "asset_ids")}

# royalties.items.publications: _payer, _article, _item_row and items.domain.payees.
ROYALTIES_ARTICLE = ("event_id", "event_type", "article_id", "tenant_id", "section", "site", "occurred_at", "revision")
PAYEES = ("genre", "title", "authors[].user_id", "authors[].pen_name", "authors[].share", "photo_credits[].asset_id")
PHOTO_CREDIT = ("photo_credits[].user_id", "photo_credits[].name")


def _by_type(payload):
    return events.SCHEMAS[payload.get("event_type", "")]().load(payload)


CONSUMERS = {
    ("media", "handle_article_published"): (events.ARTICLE_PUBLISHED, _by_type, MEDIA),
    ("media", "handle_article_corrected"): (events.ARTICLE_CORRECTED, _by_type, MEDIA),
    ("media", "handle_article_unpublished"): (events.ARTICLE_UNPUBLISHED, _by_type, MEDIA),
    # media.service.MediaService.handle_document_published: a public document's file
    ("media", "handle_document_published"): (
        events.DOCUMENT_PUBLISHED,
        events.DocumentPublished().load,
        {"needs": ("event_id", "document_id", "asset_ids")},
    ),
    # the batch consumer loads with load_fast: the same result as load, faster
    ("royalties", "handle_article_published"): (
        events.ARTICLE_PUBLISHED,
        events.ArticlePublished().load_fast,
        {"needs": (*ROYALTIES_ARTICLE, "published_at", "first_publication", *PAYEES), "tolerates": PHOTO_CREDIT},
    ),
    ("royalties", "handle_article_corrected"): (
        events.ARTICLE_CORRECTED,
        events.ArticleCorrected().load,
        {"needs": (*ROYALTIES_ARTICLE, "corrected_at", "new_work", *PAYEES), "tolerates": PHOTO_CREDIT},
    ),
    ("royalties", "handle_article_unpublished"): (
        events.ARTICLE_UNPUBLISHED,
        events.ArticleUnpublished().load,
        {"needs": (*ROYALTIES_ARTICLE, "unpublished_at"), "tolerates": ("reason",)},
    ),
    # feedback.comments: the article's comments hidden
    ("feedback", "handle_article_unpublished"): (
        events.ARTICLE_UNPUBLISHED,
        events.ArticleUnpublished().load,
        {"needs": ("event_id", "article_id")},
    ),
    # notifications.domain: who is told (authors, the draft's writer, the tenant's people) and the text
    ("notifications", "handle_quota_missed"): (
        events.QUOTA_MISSED,
        events.QuotaMissed().load,
        {"needs": ("event_id", "tenant_id", "week", "required", "submitted")},
    ),
    ("notifications", "handle_article_returned"): (
        events.ARTICLE_RETURNED,
        events.ArticleReturned().load,
        {"needs": ("event_id", "article_id", "title", "authors[].user_id"), "tolerates": ("comment", "created_by")},
    ),
    ("notifications", "handle_article_published"): (
        events.ARTICLE_PUBLISHED,
        events.ArticlePublished().load,
        {
            "needs": (
                "event_id",
                "article_id",
                "title",
                "site",
                "published_at",
                "first_publication",
                "authors[].user_id",
            )
        },
    ),
}


def test_every_handler_of_content_events_is_in_the_table():
    assert handlers_of("content") == {handler: row[0] for handler, row in CONSUMERS.items()}


@pytest.mark.parametrize("handler", sorted(CONSUMERS), ids=".".join)
def test_the_handler_reads_only_what_content_sends(handler):
    event_type, load, reads = CONSUMERS[handler]
    assert_consumer_reads(example(event_type), load, consumer=".".join(handler), **reads)


def test_the_public_cache_is_cleared_by_facts_content_publishes():
    """The gateway binds its cache's queue by event type: a renamed fact would never clear it."""
    from gateway.public_cache import INVALIDATING

    assert set(INVALIDATING) <= set(events.SCHEMAS)


ARTICLE_FACTS = (
    events.ARTICLE_SUBMITTED,
    events.ARTICLE_PUBLISHED,
    events.ARTICLE_UNPUBLISHED,
    events.ARTICLE_CORRECTED,
)


@pytest.mark.parametrize("event_type", ARTICLE_FACTS)
def test_every_article_fact_must_carry_its_asset_ids_even_when_none(event_type):
    """Media turns photos public or private from ``asset_ids``: a fact without it is refused at
    content's outbox, not read by media as "no photos"."""
    from platform_shared.contracts import ContractViolation, check

    check(event_type, example(event_type, asset_ids=[]))
    payload = example(event_type)
    del payload["asset_ids"]
    with pytest.raises(ContractViolation) as refused:
        check(event_type, payload)
    assert "asset_ids" in refused.value.errors
