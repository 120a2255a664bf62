"""Replies of the article RPCs, dumped through their ``…Read`` schemas."""

from content.articles import domain
from platform_shared.schemas import content as api

_ARTICLE = api.ArticleRead()
_PAGE = api.ArticlePage()
_REVISIONS = api.RevisionRead(many=True)
_DIFF = api.RevisionDiffRead()
_WAITING = api.WaitingArticlesRead()


def _fields(article, section, tenant_name=None):
    return {
        "id": article.id,
        "tenant_id": article.tenant_id,
        "tenant_name": tenant_name,
        "section": section.key,
        "section_name": section.name,
        "site": article.site,
        "genre": article.genre,
        "genre_label": api.GENRE_LABELS[article.genre],
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "topic": article.topic,
        "tags": article.tags,
        "authors": article.authors,
        "asset_ids": article.asset_ids,
        "photo_count": article.photo_count,
        "status": article.status,
        "status_label": api.STATUS_LABELS[article.status],
        "allowed_actions": domain.allowed_actions(article.status),
        "revision": article.revision,
        "published_revision": article.published_revision,
        "locked_by": article.locked_by,
        "locked_until": article.locked_until,
        "locked_by_name": article.locked_by_name,
        "publish_at": article.publish_at,
        "published_at": article.published_at,
        "reject_reason": article.reject_reason,
        "unpublish_reason": article.unpublish_reason,
        "word_count": article.word_count,
        "created_at": article.created_at,
        "updated_at": article.updated_at,
    }


def article(article, section, *, activity=None, tenant_name=None):
    """One article with its body (and its history, for ``get_article``)."""
    data = _fields(article, section, tenant_name) | {"body": article.body}
    if activity is not None:
        data["activity"] = [_step(a) for a in activity]
    return _ARTICLE.dump(data)


def _step(a):
    return {
        "action": a.action,
        "from_": a.from_status,
        "to": a.to_status,
        "comment": a.comment,
        "actor_id": a.actor_id,
        "at": a.at,
    }


def page(items, sections, total, args, last_comments=None, *, tenant_names=None):
    """A page of articles without their bodies; ``sections`` and ``tenant_names`` by id;
    ``last_comments`` by article id (only the articles whose history the actor may read have one)."""
    last_comments = last_comments or {}
    tenant_names = tenant_names or {}
    return _PAGE.dump(
        {
            "items": [
                _fields(a, sections[a.section_id], tenant_names.get(a.tenant_id))
                | ({"last_comment": _step(last_comments[a.id])} if a.id in last_comments else {})
                for a in items
            ],
            "total": total,
            "page": args["page"],
            "per_page": args["per_page"],
        }
    )


def revisions(article, rows):
    return _REVISIONS.dump(
        [
            {
                "number": r.number,
                "kind": r.kind,
                "title": r.title,
                "note": r.note,
                "new_work": r.new_work,
                "created_by": r.created_by,
                "created_at": r.created_at,
                "published": r.number == article.published_revision,
            }
            for r in rows
        ]
    )


def diff(old, new, changes):
    return _DIFF.dump({"from_": old.number, "to": new.number, "changes": changes})


def waiting(found, *, mine, desk):
    """``count_waiting_articles``: ``found`` is ``{status: (total, oldest row)}`` (a status with
    none left out); ``mine`` / ``desk``: whether the actor has that kind of work (else None)."""

    def kinds(statuses):
        return {
            status: {"total": found[status][0], "oldest": found[status][1]._asdict()}
            if status in found
            else {"total": 0, "oldest": None}
            for status in statuses
        }

    return _WAITING.dump(
        {
            "mine": kinds(domain.WAITING_FOR_AUTHORS) if mine else None,
            "desk": kinds(domain.WAITING_AT_THE_DESK) if desk else None,
        }
    )
