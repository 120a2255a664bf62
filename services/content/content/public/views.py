"""Replies of public reading, dumped through their ``…Read`` schemas."""

from platform_shared.schemas import content as api

_ARTICLE = api.PublicArticleRead()
_PAGE = api.PublicArticlePage()
_SITE = api.SiteRead()
_SITES = api.PublicSitesRead()
_DOCUMENT = api.PublicDocumentRead()
_DOCUMENTS = api.PublicDocumentPage()


def _tenant(tenant_id, tenant):
    """A tenant as the public sees it (``tenant``: its row, None when unknown here)."""
    return {"id": tenant_id, "slug": tenant.slug if tenant else None, "name": tenant.name if tenant else None}


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
        "tenant": _tenant(article.tenant_id, tenant),
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


def article(article, section, tenant, *, corrections=(), related=(), related_tenants=None):
    """One published item with its body, its corrections (revision rows, newest first) and the
    ``related`` items of its section (``related_tenants``: their tenants' rows by id)."""
    related_tenants = related_tenants or {}
    return _ARTICLE.dump(
        _item(article, section, tenant)
        | {
            "body": article.body,
            "corrections": [{"revision": r.number, "note": r.note, "corrected_at": r.created_at} for r in corrections],
            "related": [
                {
                    "id": a.id,
                    "slug": a.slug,
                    "title": a.title,
                    "site": a.site,
                    "tenant": _tenant(a.tenant_id, related_tenants.get(a.tenant_id)),
                    "published_at": a.published_at,
                }
                for a in related
            ],
        }
    )


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


def sites(tenants, parents):
    """The sub-sites, in the order given; ``parents``: the parents' rows by id (None when unknown)."""
    items = [
        {
            "id": t.id,
            "slug": t.slug,
            "name": t.name,
            "kind": t.kind,
            "kind_label": api.SITE_KIND_LABELS[t.kind],
            "parent": _tenant(t.parent_id, parents.get(t.parent_id)) if t.parent_id else None,
        }
        for t in tenants
    ]
    return _SITES.dump({"items": items, "total": len(items)})


def _document(d, tenant):
    return {
        "id": d.id,
        "number": d.number,
        "doc_type": d.doc_type,
        "doc_type_label": api.DOCUMENT_TYPE_LABELS[d.doc_type],
        "issuer": d.issuer,
        "abstract": d.abstract,
        "issued_on": d.issued_on,
        "effective_on": d.effective_on,
        "asset_id": d.asset_id,
        "tenant": _tenant(d.tenant_id, tenant),
    }


def public_document(d, tenant):
    """One document of the public library; ``tenant``: the issuing tenant's row."""
    return _DOCUMENT.dump(_document(d, tenant))


def documents(items, tenants, total, args, issuers):
    """A page of the public library; ``tenants``: the issuing tenants' rows by id."""
    return _DOCUMENTS.dump(
        {
            "items": [_document(d, tenants.get(d.tenant_id)) for d in items],
            "total": total,
            "page": args["page"],
            "per_page": args["per_page"],
            "issuers": issuers,
        }
    )
