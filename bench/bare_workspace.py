"""The baseline of the workspace scenario (bench/workspace_bench.py): a bare Flask app rendering
the workspace's own Jinja templates — ``workspace/home.html``, ``workspace/desk_queue.html`` and
``workspace/articles_list.html``, unchanged, with the gateway's filters and globals — from rows
read with SQLAlchemy on every request, straight from the services' PostgreSQL databases with
their store modules: accounts' (the signed-in user and their tenant) and content's (the
articles, sections, the tenant directory copy, the review locks, the latest comments, the
quota rules and submissions).

What it does, per request, with no cache of any kind:

* who is asking: the user named by the ``X-Bench-User`` header, read from accounts' database
  with their roles and tenant (what a Flask app's user loader does with its session);
* ``GET /quan-tri/``: the landing page of an editor — their returned and draft articles, the
  desk's submitted, in-review and approved items (a count and the oldest of each: content's
  ``ArticleStore.list`` with one row a page) and the week's quotas (content's own
  ``QuotaOperations.compliance``, called in-process: the rules, the tenants, one query of the
  week's submissions);
* ``GET /quan-tri/bien-tap[?trang=N]``: a page of 20 of the desk's queue, longest waiting first
  (``ArticleStore.list`` scoped to the desk's sections, the sections, the tenants' names, the
  latest comments), the lock of each item, and the federations of the filter (the sub-site
  directory, read each time: the gateway keeps it in its public cache);
* ``GET /quan-tri/bai-viet``: a page of 20 of the writer's own articles, most recently changed
  first, with the desk's latest comment and the next step.

Every page goes through ``gateway.web.render.page`` — the function the workspace uses — so it
pays the same ETag hash. What it does not do: no RPC, no broker, no marshmallow dump of the
lists (rows become the templates' dicts by hand), no token check or session renewal, no CSRF
token of a session (the forms carry a fixed one; the scenario takes both out before comparing),
no security headers, no error pages. The scenario checks that both apps render the same HTML
before it measures anything.
"""

import os
from types import SimpleNamespace

from flask import Flask, abort, g, request
from sqlalchemy import select, text

from accounts.models import Tenant, User
from content import policy as content_policy
from content.articles.domain import WAITING_AT_THE_DESK, WAITING_FOR_AUTHORS
from content.articles.store import ArticleStore
from content.models import TenantCopy
from content.public.domain import site_order
from content.quotas.operations import QuotaOperations
from content.sections.store import SectionStore
from gateway.web.format import FILTERS
from gateway.web.portal.common import MENU, SECTIONS, absolute, article_path, page_number, pages_of
from gateway.web.render import page
from gateway.web.setup import highlight, news_article_ld, page_href
from gateway.web.workspace import articles as ws_articles
from gateway.web.workspace import desk as ws_desk
from gateway.web.workspace.common import BASE, ROLE_LABELS, has, menu
from platform_shared.actor import Actor
from platform_shared.clock import Clock
from platform_shared.database import SessionFactory, make_engine
from platform_shared.schemas import content as content_api
from platform_shared.schemas.content import GENRE_LABELS, SITE_KINDS, STATUS_LABELS
from platform_shared.tenant_directory import TenantDirectory

GATEWAY_WEB = os.path.join(os.path.dirname(__file__), "..", "gateway", "gateway", "web")
POOL = int(os.environ.get("BENCH_WORKSPACE_POOL", "3"))  # per database and worker (×2 with overflow)
CSRF = "bench-csrf-token"  # the scenario replaces every form's token before comparing pages

app = Flask(
    __name__,
    static_folder=os.path.join(GATEWAY_WEB, "static"),
    template_folder=os.path.join(GATEWAY_WEB, "templates"),
)
app.secret_key = os.environ.get("BENCH_SECRET", "bench-" + os.urandom(8).hex())
app.extensions["settings"] = SimpleNamespace(portal_base_url=None)
app.jinja_env.filters.update(FILTERS)
app.jinja_env.filters["highlight"] = highlight
app.jinja_env.globals.update(
    csrf_token=lambda: CSRF,
    portal_menu=MENU,
    page_href=page_href,
    absolute=lambda path: path if "://" in (path or "") else absolute(path or "/"),
    news_article_ld=news_article_ld,
)
app.jinja_env.trim_blocks = True
app.jinja_env.lstrip_blocks = True


def _sessions(name):
    return SessionFactory(make_engine(os.environ[f"BENCH_{name}_DATABASE_URL"], pool_size=POOL))


accounts_db, content_db = _sessions("ACCOUNTS"), _sessions("CONTENT")
notifications_db = _sessions("NOTIFICATIONS")


@app.template_global("unread_notifications")
def unread_notifications():
    """The header's unread count, as the gateway shows it: one query of the person's unread rows."""
    user_id = g.get("bench_user_id")
    if user_id is None:
        return None
    with notifications_db.read() as session:
        return session.execute(
            text("SELECT count(*) FROM notification WHERE user_id = :u AND read_at IS NULL"), {"u": user_id}
        ).scalar_one()


def _directory(session):
    return TenantDirectory(session, TenantCopy)


quotas = QuotaOperations(content_db, clock=Clock(), tenants=_directory)


def signed_in():
    """The actor and the header's visitor of the ``X-Bench-User`` user (one query)."""
    username = request.headers.get("X-Bench-User") or abort(401)
    with accounts_db.read() as session:
        row = session.execute(
            select(User, Tenant.name).join(Tenant, Tenant.id == User.tenant_id).where(User.username == username)
        ).one_or_none()
        if row is None:
            abort(401)
        user, tenant_name = row
        roles = user.roles
        actor = {"user_id": str(user.id), "tenant_id": str(user.tenant_id), "roles": roles}
        visitor = {"name": user.full_name, "tenant": tenant_name, "roles": roles}
    g.bench_user_id = user.id
    return actor, visitor


def _iso(value):
    return value.isoformat() if value is not None else None


def list_articles(session, actor, *, page, per_page, status=None, mine=None, order="changed"):
    """What content's ``list_articles`` answers, from its store, as plain dicts."""
    who = Actor.load(actor)
    tenants = _directory(session)
    sections = SectionStore(session)
    store = ArticleStore(session, who, sections.desk_section_ids(who, tenants))
    items, total = store.list(page=page, per_page=per_page, status=status, mine=mine, order=order)
    by_id = sections.by_ids({a.section_id for a in items})
    last = store.last_comments([a.id for a in items])
    names = {i: t.name for i, t in tenants.by_ids({a.tenant_id for a in items}).items()}
    out = []
    for a in items:
        section = by_id[a.section_id]
        item = {
            "id": str(a.id),
            "tenant_id": str(a.tenant_id),
            "tenant_name": names.get(a.tenant_id),
            "section": section.key,
            "section_name": section.name,
            "site": a.site,
            "slug": a.slug,
            "genre": a.genre,
            "genre_label": GENRE_LABELS[a.genre],
            "title": a.title,
            "photo_count": a.photo_count,
            "status": a.status,
            "status_label": STATUS_LABELS[a.status],
            "locked_by": str(a.locked_by) if a.locked_by else None,
            "locked_until": _iso(a.locked_until),
            "locked_by_name": a.locked_by_name,
            "updated_at": _iso(a.updated_at),
        }
        step = last.get(a.id)
        if step is not None:
            item["last_comment"] = {"action": step.action, "comment": step.comment, "at": _iso(step.at)}
        out.append(item)
    return {"items": out, "total": total, "page": page, "per_page": per_page}


def _waiting(session, actor):
    """What content's ``count_waiting_articles`` answers, from its store (one query)."""
    who = Actor.load(actor)
    store = ArticleStore(session, who, SectionStore(session).desk_section_ids(who, _directory(session)))
    mine, desk = content_policy.waiting_work(Actor.load(actor))
    found = store.waiting(authored=WAITING_FOR_AUTHORS if mine else (), queued=WAITING_AT_THE_DESK if desk else ())

    def kind(status):
        if status not in found:
            return {"total": 0, "oldest": None}
        total, row = found[status]
        return {"total": total, "oldest": {"id": str(row.id), "title": row.title, "updated_at": _iso(row.updated_at)}}

    return mine, desk, kind


@app.get(f"{BASE}/")
def landing():
    actor, visitor = signed_in()
    blocks = {}
    with content_db.read() as session:
        mine, desk, kind = _waiting(session, actor)
        if mine and has(actor, "contributor", "editor"):
            blocks["mine"] = {"returned": kind("returned"), "drafts": kind("draft")}
        if desk:
            blocks["desk"] = {s: kind(s) for s in ("submitted", "in_review", "approved")}
    if has(actor, "editor", "platform_admin"):
        blocks["quotas"] = quotas.compliance(Actor.load(actor), {})
    return page(
        "workspace/home.html",
        visitor=visitor,
        actor=actor,
        roles=[ROLE_LABELS[r] for r in actor["roles"] if r in ROLE_LABELS and r != "member"],
        blocks=blocks,
        menu=menu(actor),
        current=f"{BASE}/",
    )


@app.get(ws_desk.QUEUE)
def queue():
    actor, visitor = signed_in()
    number = page_number()
    with content_db.read() as session:
        answer = list_articles(session, actor, page=number, per_page=ws_desk.PER_PAGE, order="waiting")
        sites = sorted(
            (t for t in _directory(session).of_kinds(SITE_KINDS) if t.status == "active" and t.slug),
            key=site_order,
        )
        federations = [{"id": str(t.id), "name": t.name} for t in sites]
    chosen = dict.fromkeys(("trang-thai", "chuyen-muc", "don-vi", "cho", "sap-xep"), "")
    return page(
        "workspace/desk_queue.html",
        visitor=visitor,
        answer=answer,
        locks={item["id"]: ws_desk.lock_of(item) for item in answer["items"]},
        pagination=pages_of(answer, number),
        problem=None,
        chosen=chosen,
        statuses=[(s, STATUS_LABELS[s]) for s in ws_desk.STATUSES],
        sections=SECTIONS,
        federations=federations,
        waiting=ws_desk.WAITING,
        orders={key: label for key, (_, label) in ws_desk.ORDERS.items()},
        query_extra={},
        base_path=ws_desk.QUEUE,
        menu=menu(actor),
        current=ws_desk.QUEUE,
        breadcrumbs=[(f"{BASE}/", "Tổng quan"), (None, "Biên tập")],
    )


@app.get(ws_articles.HOME)
def my_articles():
    actor, visitor = signed_in()
    number = page_number()
    with content_db.read() as session:
        answer = list_articles(session, actor, page=number, per_page=ws_articles.PER_PAGE, mine=True)
    for item in answer["items"]:
        item["next_step"] = ws_articles.NEXT_STEP.get(item["status"], "")
        item["portal_path"] = article_path({**item, "tenant": None}) if item["status"] == "published" else None
    return page(
        "workspace/articles_list.html",
        visitor=visitor,
        answer=answer,
        pagination=pages_of(answer, number),
        status_filter="",
        q="",
        problem=None,
        statuses=content_api.STATUS_LABELS,
        action_labels=ws_articles.ACTION_LABELS,
        base_path=ws_articles.HOME,
        query_extra={},
        menu=menu(actor),
        current=ws_articles.HOME,
        breadcrumbs=[(f"{BASE}/", "Trang quản trị"), (None, "Bài viết của tôi")],
    )


@app.get("/noop")
def noop():
    return "ok"
