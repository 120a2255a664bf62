"""Reading: the home page, the central sections, articles, the federations' sub-sites, search.

Everything here is public material read as an anonymous actor from the gateway's cache
(cleared by content's publication facts), rendered per request around the visitor's own
parts. A block whose service does not answer is shown as unavailable; the page still renders.
"""

import logging

from flask import Blueprint, abort, redirect, request

from gateway.web.portal.comments import block as comments_block
from gateway.web.portal.common import (
    PER_PAGE,
    SECTION_BY_KEY,
    SECTION_BY_SLUG,
    SECTIONS,
    absolute,
    article_path,
    page_number,
    pages_of,
    public,
)
from gateway.web.render import degraded, page, shared
from platform_shared.errors import InvalidInput, PlatformError

log = logging.getLogger("gateway.web")
bp = Blueprint("portal_reading", __name__)

UNAVAILABLE = object()


def _block(load):
    """A home-page block: its data, or ``UNAVAILABLE`` when its service does not answer."""
    try:
        return load()
    except PlatformError as exc:
        if exc.status < 500:
            raise
        log.warning("home page block unavailable: %s", exc.code)
        degraded()
        return UNAVAILABLE


def articles(args):
    return public("content", "content", "public_articles", args)


def photos_of(asset_ids):
    """The public photos of an item (caption, alt text, credit, rendition URLs), in order; an
    asset that is not (or no longer) public is left out by media."""
    if not asset_ids:
        return []
    return [
        photo_view(a) for a in public("content", "media", "public_assets", list(asset_ids)) if a.get("kind") == "image"
    ]


def photo_view(asset, url="public_url"):
    """A photo as the article template shows it, from media's answer about the asset; ``url``: which
    URL of a rendition (``public_url``; the workspace's preview uses ``url``, short-lived and signed)."""
    renditions = asset.get("renditions") or {}
    return {
        "id": asset["id"],
        "caption": asset.get("caption"),
        "alt": asset.get("alt_text") or asset.get("caption") or "",
        "credit": asset.get("credit_name"),
        "source": asset.get("source"),
        "width": (renditions.get("medium") or {}).get("width") or asset.get("width"),
        "height": (renditions.get("medium") or {}).get("height") or asset.get("height"),
        "medium": _rendition_url(renditions, "medium", url),
        "thumb": _rendition_url(renditions, "thumb", url),
    }


def _rendition_url(renditions, name, url):
    rendition = renditions.get(name) or renditions.get("medium") or renditions.get("original")
    return None if rendition is None else rendition.get(url)


def with_covers(answer):
    """A copy of a list answer whose items have their path and their cover (their first public
    photo), in one call to media (the answer itself may be the cache's: it is not changed)."""
    if answer is UNAVAILABLE:
        return answer
    items = [dict(item) for item in answer.get("items", [])]
    firsts = [(item.get("asset_ids") or [None])[0] for item in items]
    photos = {p["id"]: p for p in photos_of([i for i in firsts if i])}
    for item, first in zip(items, firsts, strict=True):
        item["cover"] = photos.get(first)
        item["path"] = article_path(item)
    return {**answer, "items": items}


def lead_first(answer):
    """The home page leads with the newest of the first three news items that has a photo."""
    if answer is UNAVAILABLE:
        return answer
    items = answer.get("items", [])
    lead = next((i for i, item in enumerate(items[:3]) if item.get("cover")), 0)
    return {**answer, "items": [items[lead], *items[:lead], *items[lead + 1 :]] if items else items}


@bp.route("/")
@shared
def home():
    news = _block(lambda: lead_first(with_covers(articles({"section": "news", "per_page": "7"}))))
    thematic = _block(lambda: with_covers(articles({"section": "thematic", "per_page": "4"})))
    directives = _block(lambda: with_covers(articles({"section": "directives", "per_page": "4"})))
    documents = _block(lambda: public("content", "content", "public_documents", {"per_page": "5"}))
    polls = _block(lambda: public("polls", "polls", "public_polls", {"per_page": "4"}))
    questions = _block(lambda: public("questions", "feedback", "public_questions", {"per_page": "4"}))
    sites = _block(lambda: public("content", "content", "public_sites", {}))
    return page(
        "portal/home.html",
        news=news,
        thematic=thematic,
        directives=directives,
        documents=documents,
        polls=polls,
        questions=questions,
        sites=sites,
        unavailable=UNAVAILABLE,
        canonical=absolute("/"),
    )


@bp.route("/<section_slug>")
@shared
def section(section_slug):
    found = SECTION_BY_SLUG.get(section_slug)
    if found is None:
        abort(404)
    number = page_number()
    answer = with_covers(articles({"section": found["key"], "page": str(number), "per_page": str(PER_PAGE)}))
    pagination = pages_of(answer, number)
    return page(
        "portal/section.html",
        section=found,
        answer=answer,
        pagination=pagination,
        base_path=f"/{section_slug}",
        canonical=absolute(f"/{section_slug}" + (f"?trang={number}" if number > 1 else "")),
        feed=f"/rss/{section_slug}.xml",
        breadcrumbs=[("/", "Trang chủ"), (None, found["name"])],
    )


def article_data(slug, site=None):
    args = {"site": site} if site else {}
    article = dict(public("content", "content", "public_article", slug, args))
    article["photos"] = photos_of(article.get("asset_ids"))
    article["path"] = article_path(article)
    article["related"] = [{**related, "path": article_path(related)} for related in article.get("related") or []]
    return article


def article_page(article, site=None):
    section = SECTION_BY_KEY.get(article.get("section"))
    crumbs = [("/", "Trang chủ")]
    if site is not None:
        crumbs.append((f"/don-vi/{site['tenant']['slug']}", site["tenant"]["name"]))
    elif section is not None:
        crumbs.append((f"/{section['slug']}", section["name"]))
    crumbs.append((None, article["title"]))
    changed = max(
        [article.get("published_at") or ""] + [c.get("corrected_at") or "" for c in article.get("corrections") or []]
    )
    return page(
        "portal/article.html",
        article=article,
        section=section,
        site=site,
        comments=comments_block(article),
        canonical=absolute(article["path"]),
        breadcrumbs=crumbs,
        last_modified=changed or None,
    )


@bp.route("/bai-viet/<slug>")
@shared
def article(slug):
    found = article_data(slug)
    if found["path"] != f"/bai-viet/{slug}":
        return redirect(found["path"], code=301)
    return article_page(found)


# -- sub-sites ------------------------------------------------------------------------------


def site_data(tenant_slug, number=1):
    try:
        site = public(
            "content", "content", "public_site", tenant_slug, {"page": str(number), "per_page": str(PER_PAGE)}
        )
    except InvalidInput:
        abort(404)
    return site


@bp.route("/don-vi/<tenant_slug>")
@shared
def site(tenant_slug):
    number = page_number()
    found = site_data(tenant_slug, number)
    if found.get("merged_from"):
        return redirect(f"/don-vi/{found['tenant']['slug']}", code=301)
    answer = with_covers(found["articles"])
    pagination = pages_of(answer, number)
    return page(
        "portal/site.html",
        site=found,
        answer=answer,
        pagination=pagination,
        current=None,
        base_path=f"/don-vi/{tenant_slug}",
        canonical=absolute(f"/don-vi/{tenant_slug}"),
        feed=f"/don-vi/{tenant_slug}/rss.xml",
        breadcrumbs=[("/", "Trang chủ"), (None, found["tenant"]["name"])],
    )


@bp.route("/don-vi/<tenant_slug>/<section_key>")
@shared
def site_section(tenant_slug, section_key):
    found = site_data(tenant_slug)
    if found.get("merged_from"):
        return redirect(f"/don-vi/{found['tenant']['slug']}/{section_key}", code=301)
    menu = {entry.get("key"): entry for entry in found.get("menu") or []}
    entry = menu.get(section_key)
    if entry is None:
        abort(404)
    number = page_number()
    # With ``tenant``, ``section`` names one of that tenant's own sections.
    answer = with_covers(
        articles({"tenant": tenant_slug, "section": section_key, "page": str(number), "per_page": str(PER_PAGE)})
    )
    pagination = pages_of(answer, number)
    return page(
        "portal/site.html",
        site=found,
        answer=answer,
        pagination=pagination,
        current=entry,
        base_path=f"/don-vi/{tenant_slug}/{section_key}",
        canonical=absolute(f"/don-vi/{tenant_slug}/{section_key}"),
        feed=f"/don-vi/{tenant_slug}/rss.xml",
        breadcrumbs=[("/", "Trang chủ"), (f"/don-vi/{tenant_slug}", found["tenant"]["name"]), (None, entry["name"])],
    )


@bp.route("/don-vi/<tenant_slug>/bai-viet/<slug>")
@shared
def site_article(tenant_slug, slug):
    found = site_data(tenant_slug)
    if found.get("merged_from"):
        return redirect(f"/don-vi/{found['tenant']['slug']}/bai-viet/{slug}", code=301)
    article = article_data(slug, site=tenant_slug)
    if article["path"] != f"/don-vi/{tenant_slug}/bai-viet/{slug}":
        return redirect(article["path"], code=301)
    return article_page(article, site=found)


# -- search ---------------------------------------------------------------------------------


@bp.route("/tim-kiem")
@shared
def search():
    q = (request.args.get("q") or "").strip()
    number = page_number()
    answer, pagination, problem = None, None, None
    if q:
        try:
            answer = with_covers(articles({"q": q, "page": str(number), "per_page": str(PER_PAGE)}))
            pagination = pages_of(answer, number)
        except InvalidInput as exc:
            problem = (exc.details.get("errors") or {}).get("q") or exc.message
            if isinstance(problem, list):
                problem = " ".join(problem)
    return page(
        "portal/search.html",
        q=q,
        answer=answer,
        pagination=pagination,
        problem=problem,
        base_path="/tim-kiem",
        query_extra={"q": q},
        canonical=absolute("/tim-kiem"),
        robots="noindex, follow",
        breadcrumbs=[("/", "Trang chủ"), (None, "Tìm kiếm")],
        sections=SECTIONS,
    )
