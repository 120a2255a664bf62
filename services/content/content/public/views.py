"""Replies of public reading, dumped through their ``…Read`` schemas."""

from platform_shared.schemas import content as api

_ARTICLE = api.PublicArticleRead()
_PAGE = api.PublicArticlePage()
_SITE = api.SiteRead()


def _item(article, section, tenant):
    return {
        "id": article.id,
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "genre": article.genre,
        "genre_label": api.GENRE_LABELS[article.genre],
        "section": section.key,
        "section_name": section.name,
        "site": article.site,
        "tenant": {
            "id": article.tenant_id,
            "slug": tenant.slug if tenant else None,
            "name": tenant.name if tenant else None,
        },
        "authors": article.authors,
        "asset_ids": article.asset_ids,
        "tags": article.tags,
        "word_count": article.word_count,
        "revision": article.published_revision,
        "published_at": article.published_at,
    }


def page_data(items, sections, tenants, total, args):
    """The page as plain values, to dump alone (``page``) or inside a sub-site (``site``)."""
    return {
        "items": [_item(a, sections[a.section_id], tenants.get(a.tenant_id)) for a in items],
        "total": total,
        "page": args["page"],
        "per_page": args["per_page"],
    }


def page(items, sections, tenants, total, args):
    """A page of published items; ``sections`` and ``tenants`` (rows, a tenant may be unknown) by id."""
    return _PAGE.dump(page_data(items, sections, tenants, total, args))


def article(article, section, tenant):
    """One published item with its body."""
    return _ARTICLE.dump(_item(article, section, tenant) | {"body": article.body})


def site(tenant, asked, menu, used_centrally, page_of_items):
    """A sub-site: ``tenant`` answers for the ``asked`` slug (another tenant when it was merged)."""
    answer = {
        "tenant": tenant,
        "menu": menu,
        "used_in_central_sections": used_centrally,
        "articles": page_of_items,
    }
    if asked.id != tenant.id:
        answer["merged_from"] = asked
        answer["notice"] = f"{asked.name} đã hợp nhất vào {tenant.name}."
    return _SITE.dump(answer)
