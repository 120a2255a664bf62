"""The baseline of the portal scenario (bench/portal_bench.py): a bare Flask app rendering the
portal's own Jinja templates — ``portal/home.html`` and ``portal/article.html``, unchanged, with
the same filters and globals as the gateway (``gateway.web.format.FILTERS``, the menu,
``absolute``, ``news_article_ld``…) — from rows read with SQLAlchemy on every request, straight
from the services' PostgreSQL databases: content's (articles, sections, the tenant directory
copy, public documents), media's (the photos), feedback's (published Q&A, visible comments and
the comment setting of the section) and polls' (the national polls).

What it does, per request, with no cache of any kind:

* ``GET /``: the latest 7 news, 4 thematic and 4 directives items (each list with its count,
  as the service pages them), their tenants, their cover photos (one query to media) — the news
  led by one with a photo (the portal's ``reading.lead_first``, imported) —, 5 public
  documents, 4 polls, 4 published questions, the sub-sites directory; then the template.
* ``GET /bai-viet/<slug>``: the published item of the portal by slug, its section, tenant,
  corrections and 5 related items (with their tenants), its public photos, the section's
  comment setting and the first page of visible comments (with their count); then the template.

Both go through ``gateway.web.render.page`` — the very function the portal's pages use — so
the baseline pays the same ETag hash and answers the same 304 to ``If-None-Match``.

``GET /ceiling`` is no baseline but the scenario's ceiling: the home page's bytes (rendered
once, then kept in memory) answered by the same Flask under the same gunicorn — what any cache
of whole pages could reach on this machine.

What it does not do: no RPC, no broker, no marshmallow dump (rows become the template's dicts
by hand), no session check of a signed-in visitor (every request is an anonymous reader), no
security headers (CSP etc. are a few hundred bytes), no error pages. The queries are the
services' own (their store modules), so the rows and their order are the ones the services
answer; the scenario checks that both apps render the same HTML before it measures anything.
"""

import os
import uuid
from types import SimpleNamespace
from urllib.parse import quote

from flask import Flask, Response, abort, request
from sqlalchemy import select

from content.models import Section, TenantCopy
from content.public.domain import site_order
from content.public.store import PublicDocumentStore, PublicStore
from feedback import policy as feedback_policy
from feedback.comments import domain as comment_domain
from feedback.comments.store import Comments, CommentSettings
from feedback.questions.store import PublicQuestions
from gateway.web.format import FILTERS
from gateway.web.portal.common import MENU, SECTION_BY_KEY, absolute, article_path
from gateway.web.portal.reading import lead_first
from gateway.web.render import page
from gateway.web.session import csrf_token
from gateway.web.setup import highlight, news_article_ld, page_href
from media.models import Asset
from platform_shared.actor import Actor
from platform_shared.database import SessionFactory, make_engine
from platform_shared.schemas.content import GENRE_LABELS, SITE_KINDS
from platform_shared.schemas.feedback import CATEGORY_LABELS
from polls.store import PollStore

GATEWAY_WEB = os.path.join(os.path.dirname(__file__), "..", "gateway", "gateway", "web")
POOL = int(os.environ.get("BENCH_PORTAL_POOL", "3"))  # per database and worker (×2 with overflow)

app = Flask(
    __name__,
    static_folder=os.path.join(GATEWAY_WEB, "static"),
    template_folder=os.path.join(GATEWAY_WEB, "templates"),
)
app.secret_key = os.environ.get("BENCH_SECRET", "bench-" + os.urandom(8).hex())
app.extensions["settings"] = SimpleNamespace(portal_base_url=None)  # what ``absolute`` reads
app.jinja_env.filters.update(FILTERS)
app.jinja_env.filters["highlight"] = highlight
app.jinja_env.globals.update(
    csrf_token=csrf_token,
    portal_menu=MENU,
    page_href=page_href,
    absolute=lambda path: path if "://" in (path or "") else absolute(path or "/"),
    news_article_ld=news_article_ld,
)
app.jinja_env.trim_blocks = True
app.jinja_env.lstrip_blocks = True


def _sessions(name):
    return SessionFactory(make_engine(os.environ[f"BENCH_{name}_DATABASE_URL"], pool_size=POOL))


content_db, media_db, feedback_db, polls_db = (_sessions(n) for n in ("CONTENT", "MEDIA", "FEEDBACK", "POLLS"))
ANONYMOUS = Actor.anonymous()


def _iso(value):
    return value.isoformat() if value is not None else None


def _tenant(tenant_id, row):
    return {"id": str(tenant_id), "slug": row.slug if row else None, "name": row.name if row else None}


def _item(article, section, tenant):
    item = {
        "id": str(article.id),
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "genre": article.genre,
        "genre_label": GENRE_LABELS[article.genre],
        "section": section.key,
        "section_name": section.name,
        "site": article.site,
        "tenant": _tenant(article.tenant_id, tenant),
        "authors": article.authors,
        "asset_ids": article.asset_ids,
        "tags": article.tags,
        "published_at": _iso(article.published_at),
    }
    item["path"] = article_path(item)
    return item


def _tenants(session, ids):
    ids = {i for i in ids if i}
    return {t.id: t for t in session.scalars(select(TenantCopy).where(TenantCopy.id.in_(ids)))} if ids else {}


def _photos(asset_ids):
    """The public photos among ``asset_ids``, in that order, as the portal shows them."""
    ids = [uuid.UUID(str(i)) for i in dict.fromkeys(asset_ids) if i]
    if not ids:
        return {}
    with media_db.read() as session:
        rows = {a.id: a for a in session.scalars(select(Asset).where(Asset.id.in_(ids)))}
    out = {}
    for ident in ids:
        asset = rows.get(ident)
        if asset is None or asset.status != "stored" or not asset.public or asset.kind != "image":
            continue
        renditions = asset.renditions or {}
        medium = renditions.get("medium") or {}
        out[str(ident)] = {
            "id": str(ident),
            "caption": asset.caption,
            "alt": asset.alt_text or asset.caption or "",
            "credit": asset.credit_name,
            "source": asset.source,
            "width": medium.get("width") or asset.width,
            "height": medium.get("height") or asset.height,
            "medium": _url(ident, renditions, "medium"),
            "thumb": _url(ident, renditions, "thumb"),
        }
    return out


def _url(ident, renditions, name):
    chosen = name if name in renditions else ("medium" if "medium" in renditions else None)
    return None if chosen is None else f"/api/v1/media/{ident}/content?rendition={chosen}"


@app.get("/")
def home():
    with content_db.read() as session:
        central = {s.key: s for s in session.scalars(select(Section).where(Section.scope == "central"))}
        store = PublicStore(session)
        lists = {}
        for key, count in (("news", 7), ("thematic", 4), ("directives", 4)):
            items, total = store.page(page=1, per_page=count, section_id=central[key].id)
            lists[key] = (items, total, count)
        everyone = [a for items, _, _ in lists.values() for a in items]
        tenants = _tenants(session, {a.tenant_id for a in everyone})
        documents, _ = PublicDocumentStore(session).page(page=1, per_page=5)
        sites = sorted(
            (
                t
                for t in session.scalars(select(TenantCopy).where(TenantCopy.kind.in_(SITE_KINDS)))
                if t.status == "active" and t.slug
            ),
            key=site_order,
        )
        blocks = {
            key: {
                "items": [_item(a, central[key], tenants.get(a.tenant_id)) for a in items],
                "total": total,
                "page": 1,
                "per_page": count,
            }
            for key, (items, total, count) in lists.items()
        }
        documents = {
            "items": [
                {
                    "id": str(d.id),
                    "number": d.number,
                    "abstract": d.abstract,
                    "issuer": d.issuer,
                    "issued_on": _iso(d.issued_on),
                }
                for d in documents
            ]
        }
        sites = {"items": [{"slug": t.slug, "name": t.name} for t in sites]}
    covers = _photos([(i["asset_ids"] or [None])[0] for b in blocks.values() for i in b["items"]])
    for block in blocks.values():
        for item in block["items"]:
            item["cover"] = covers.get(str((item["asset_ids"] or [None])[0]))
    blocks["news"] = lead_first(blocks["news"])  # the portal's own presentation rule: the lead has a photo
    with polls_db.read() as session:
        polls, _ = PollStore(session, ANONYMOUS).list(page=1, per_page=4, portal=True)
        polls = {
            "items": [
                {"id": str(p.id), "title": p.title, "status": p.status, "closes_at": _iso(p.closes_at)} for p in polls
            ]
        }
    with feedback_db.read() as session:
        questions, _ = PublicQuestions(session).list(1, 4)
        questions = {
            "items": [
                {
                    "id": str(q.id),
                    "title": q.public_title,
                    "category_label": CATEGORY_LABELS.get(q.category),
                    "published_at": _iso(q.published_at),
                }
                for q in questions
            ]
        }
    return page(
        "portal/home.html",
        visitor=None,
        news=blocks["news"],
        thematic=blocks["thematic"],
        directives=blocks["directives"],
        documents=documents,
        polls=polls,
        questions=questions,
        sites=sites,
        unavailable=object(),
        canonical=absolute("/"),
    )


@app.get("/bai-viet/<slug>")
def article(slug):
    with content_db.read() as session:
        store = PublicStore(session)
        row = store.by_slug("portal", slug)
        if row is None:
            abort(404)
        section = session.get(Section, row.section_id)
        related = store.related(row)
        corrections = store.corrections(row.id)
        tenants = _tenants(session, {row.tenant_id} | {a.tenant_id for a in related})
        found = _item(row, section, tenants.get(row.tenant_id))
        found["body"] = row.body
        found["corrections"] = [
            {"revision": r.number, "note": r.note, "corrected_at": _iso(r.created_at)} for r in corrections
        ]
        found["related"] = []
        for a in related:
            entry = {
                "id": str(a.id),
                "slug": a.slug,
                "title": a.title,
                "site": a.site,
                "tenant": _tenant(a.tenant_id, tenants.get(a.tenant_id)),
                "published_at": _iso(a.published_at),
            }
            entry["path"] = article_path(entry)
            found["related"].append(entry)
    found["photos"] = list(_photos(found["asset_ids"]).values())
    comments = _comments(found)
    central = SECTION_BY_KEY.get(found["section"])
    crumbs = [("/", "Trang chủ"), (f"/{central['slug']}", central["name"]), (None, found["title"])]
    changed = max([found["published_at"] or ""] + [c["corrected_at"] or "" for c in found["corrections"]])
    return page(
        "portal/article.html",
        visitor=None,
        article=found,
        section=central,
        site=None,
        comments=comments,
        canonical=absolute(found["path"]),
        breadcrumbs=crumbs,
        last_modified=changed or None,
    )


def _comments(found):
    """What the article page shows of its comments to an anonymous reader (as ``comments.block``)."""
    with feedback_db.read() as session:
        setting = CommentSettings(session).get(comment_domain.site_key(found), found["section"])
        premoderated, guests_allowed = comment_domain.section_rules(setting)
        items, total = Comments(session, ANONYMOUS).of_article(uuid.UUID(found["id"]), 1, 50)
        items = [
            {
                "id": str(c.id),
                "author_name": c.author_name,
                "guest": c.guest,
                "body": c.body,
                "created_at": _iso(c.created_at),
            }
            for c in items
        ]
    return {
        "unavailable": False,
        "items": items,
        "total": total,
        "page": 1,
        "last": max(1, -(-total // 50)),
        "page_param": "binh-luan-trang",
        "rules": {
            "may_comment": feedback_policy.may_comment(ANONYMOUS, guests_allowed),
            "premoderated": premoderated,
            "guests_allowed": guests_allowed,
        },
        "signed_in": False,
        "action": found["path"] + "/binh-luan",
        "article_path": found["path"],
        "sign_in": "/dang-nhap?tiep=" + quote(found["path"] + "#binh-luan", safe="/"),
        "form": {},
        "errors": {},
        "problem": None,
        "notice": None,
        "fields": {"body": "Nội dung bình luận", "guest_name": "Tên hiển thị"},
    }


_kept = {}


@app.get("/ceiling")
def ceiling():
    """The home page rendered once and answered from memory ever after (the scenario's ceiling)."""
    if "home" not in _kept:
        with app.test_request_context("/", base_url=request.host_url):
            rendered = home()
        _kept["home"] = (rendered.get_data(), dict(rendered.headers))
    data, headers = _kept["home"]
    return Response(data, headers=headers)
