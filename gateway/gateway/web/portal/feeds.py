"""Feeds for machines: RSS 2.0 per section and per sub-site, sitemaps (with a news sitemap of
the last two days) and robots.txt. Read from the same cache as the pages."""

import math
from datetime import datetime, timedelta

from flask import Blueprint, abort

from gateway.web.format import VIETNAM
from gateway.web.portal.common import SECTION_BY_SLUG, SECTIONS, absolute, article_path, public
from gateway.web.render import page, shared

bp = Blueprint("portal_feeds", __name__)

RSS_ITEMS = 30
API_PAGE = 100  # the most items content gives in one answer
SITEMAP_URLS = 1000  # article URLs in one sitemap file (a sitemap may hold 50,000; kept small to stay quick)
XML = "application/xml"


def _articles(args):
    return public("content", "content", "public_articles", args)


def _with_paths(answer):
    """A copy of a list answer (maybe the cache's) whose items have their absolute ``url``."""
    return {**answer, "items": [{**item, "url": absolute(article_path(item))} for item in answer.get("items", [])]}


def _rss(title, link, description, answer, self_path):
    return page(
        "portal/rss.xml",
        mimetype="application/rss+xml",
        title=title,
        link=absolute(link),
        description=description,
        items=_with_paths(answer)["items"],
        self_url=absolute(self_path),
        visitor=None,
    )


@bp.route("/rss/<section_slug>.xml")
@shared
def section_rss(section_slug):
    section = SECTION_BY_SLUG.get(section_slug)
    if section is None:
        abort(404)
    answer = _articles({"section": section["key"], "per_page": str(RSS_ITEMS)})
    return _rss(
        f"{section['name']} – Cổng thông tin Công đoàn Việt Nam",
        f"/{section_slug}",
        f"Bài mới của chuyên mục {section['name']}",
        answer,
        f"/rss/{section_slug}.xml",
    )


@bp.route("/don-vi/<tenant_slug>/rss.xml")
@shared
def site_rss(tenant_slug):
    site = public("content", "content", "public_site", tenant_slug, {"per_page": str(RSS_ITEMS)})
    name = site["tenant"]["name"]
    return _rss(
        f"{name} – Cổng thông tin Công đoàn Việt Nam",
        f"/don-vi/{site['tenant']['slug']}",
        f"Bài mới của {name}",
        site["articles"],
        f"/don-vi/{tenant_slug}/rss.xml",
    )


@bp.route("/robots.txt")
@shared
def robots():
    return page("portal/robots.txt", mimetype="text/plain", sitemap=absolute("/sitemap.xml"), visitor=None)


@bp.route("/sitemap.xml")
@shared
def sitemap_index():
    """The index: the fixed pages and sites, the news of the last two days, the articles in files of 1,000."""
    total = _articles({"per_page": "1"}).get("total") or 0
    files = max(1, math.ceil(total / SITEMAP_URLS))
    maps = ["/sitemap-trang.xml", "/sitemap-tin-moi.xml"] + [f"/sitemap-bai-viet-{n}.xml" for n in range(1, files + 1)]
    return page("portal/sitemap_index.xml", mimetype=XML, maps=[absolute(m) for m in maps], visitor=None)


@bp.route("/sitemap-trang.xml")
@shared
def sitemap_pages():
    paths = ["/", *(f"/{s['slug']}" for s in SECTIONS), "/van-ban", "/hoi-dap", "/hoi-dap/gui-cau-hoi"]
    paths += ["/y-kien-doan-vien", "/trung-cau-y-kien"]
    sites = public("content", "content", "public_sites", {})
    paths += [f"/don-vi/{s['slug']}" for s in sites["items"]]
    return page("portal/sitemap.xml", mimetype=XML, urls=[{"loc": absolute(p)} for p in paths], visitor=None)


@bp.route("/sitemap-bai-viet-<int:number>.xml")
@shared
def sitemap_articles(number):
    if number < 1:
        abort(404)
    per_file = SITEMAP_URLS // API_PAGE
    urls = []
    for n in range((number - 1) * per_file + 1, number * per_file + 1):
        answer = _with_paths(_articles({"page": str(n), "per_page": str(API_PAGE)}))
        urls += [{"loc": item["url"], "lastmod": item.get("published_at")} for item in answer["items"]]
        if n * API_PAGE >= (answer.get("total") or 0):
            break
    if not urls and number > 1:
        abort(404)
    return page("portal/sitemap.xml", mimetype=XML, urls=urls, visitor=None)


@bp.route("/sitemap-tin-moi.xml")
@shared
def sitemap_news():
    """Google News sitemap: the portal's articles published in the last two days."""
    since = (datetime.now(VIETNAM) - timedelta(days=2)).date().isoformat()
    items = []
    for n in range(1, SITEMAP_URLS // API_PAGE + 1):
        answer = _with_paths(_articles({"since": since, "page": str(n), "per_page": str(API_PAGE)}))
        items += answer["items"]
        if n * API_PAGE >= (answer.get("total") or 0):
            break
    return page("portal/sitemap_news.xml", mimetype=XML, items=items, visitor=None)
