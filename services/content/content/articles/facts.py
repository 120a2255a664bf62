"""The facts an article records in the outbox, shaped by their contracts
(``platform_shared.contracts.content``). No nameko, no SQL."""

from platform_shared.contracts import content as events

EVENTS = {
    "submitted": events.ARTICLE_SUBMITTED,
    "returned": events.ARTICLE_RETURNED,
    "published": events.ARTICLE_PUBLISHED,
    "unpublished": events.ARTICLE_UNPUBLISHED,
    "corrected": events.ARTICLE_CORRECTED,
}


def payload(step, article, section_key, now, *, previous_revision=None, new_work=False):
    """``(event_type, payload)`` of the fact ``step`` records, or None when it records none."""
    if step.fact is None:
        return None
    body = {
        "tenant_id": str(article.tenant_id),
        "article_id": str(article.id),
        "revision": article.revision,
        "section": section_key,
        "genre": article.genre,
        "title": article.title,
        "site": article.site,
        "asset_ids": list(article.asset_ids or []),
    }
    at = now.isoformat()
    if step.fact == "submitted":
        body["submitted_at"] = at
    elif step.fact == "returned":
        body |= {
            "returned_at": at,
            "comment": step.comment,
            "authors": article.authors,
            "created_by": None if article.created_by is None else str(article.created_by),
        }
    elif step.fact == "published":
        body |= {
            "published_at": at,
            "slug": article.slug,
            **_payees(article),
            "first_publication": step.first_publication,
        }
    elif step.fact == "unpublished":
        body |= {"unpublished_at": at, "reason": article.unpublish_reason}
    elif step.fact == "corrected":
        body |= {"corrected_at": at, "previous_revision": previous_revision, "new_work": new_work, **_payees(article)}
    return EVENTS[step.fact], body


def _payees(article):
    return {"authors": article.authors, "photo_credits": article.photo_credits, "word_count": article.word_count}
