"""Facts as their publishers send them, for tests that put one on the broker themselves."""

import uuid


def article_published(author, *, at, photos=(), section="news", genre="news", site="portal", tenant_id=None):
    """``content.article_published`` of a new article by ``author`` (a ``/me`` user: id,
    tenant_id, full_name), first published at ``at``, with these photos credited to the author."""
    article_id = str(uuid.uuid4())
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": "content.article_published",
        "occurred_at": at.isoformat(),
        "schema_version": 1,
        "tenant_id": tenant_id or author["tenant_id"],
        "article_id": article_id,
        "revision": 1,
        "section": section,
        "genre": genre,
        "title": "Công đoàn Khu công nghiệp Thăng Long chăm lo Tết cho công nhân",
        "site": site,
        "asset_ids": list(photos),
        "published_at": at.isoformat(),
        "slug": "bai-" + article_id[:8],
        "authors": [{"user_id": author["id"], "pen_name": author["full_name"], "share": 100}],
        "photo_credits": [{"asset_id": a, "user_id": author["id"], "name": author["full_name"]} for a in photos],
        "word_count": 450,
        "first_publication": True,
    }
