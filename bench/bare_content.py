"""The baseline of scenario 3: a bare Flask + SQLAlchemy app answering the public
article list and search with the same queries as the content service, on the same
database, without the gateway, the broker or a cache."""

import os

from flask import Flask, jsonify, request
from sqlalchemy import select

from content.models import Article, Section, TenantCopy
from platform_shared import search
from platform_shared.database import SessionFactory, make_engine, paginate
from platform_shared.schemas.content import GENRE_LABELS

app = Flask(__name__)
app.json.ensure_ascii = False
app.json.sort_keys = False
sessions = SessionFactory(make_engine(os.environ["BENCH_CONTENT_DATABASE_URL"], pool_size=8))


@app.get("/public/articles")
def public_articles():
    page, per_page = int(request.args.get("page", 1)), int(request.args.get("per_page", 20))
    with sessions.read() as session:
        stmt = select(Article).where(Article.status == "published")
        order = [Article.published_at.desc(), Article.id]
        if request.args.get("section"):
            section = session.scalars(
                select(Section).where(Section.scope == "central", Section.key == request.args["section"])
            ).one()
            stmt = stmt.where(Article.section_id == section.id)
        else:
            stmt = stmt.where(Article.site == "portal")
        query = search.parse_query(request.args["q"]) if request.args.get("q") else None
        if query is not None:
            stmt = stmt.where(search.where_clause(query, Article.search_exact, Article.search_folded))
            order = [search.rank_expression(query, Article.search_exact)] + order
        items, total = paginate(session, stmt.order_by(*order), page, per_page, large=True)
        sections = {s.id: s for s in session.scalars(select(Section)).all()}
        tenants = {
            t.id: t
            for t in session.scalars(select(TenantCopy).where(TenantCopy.id.in_({a.tenant_id for a in items}))).all()
        }
        out = [
            {
                "id": str(a.id),
                "slug": a.slug,
                "title": a.title,
                "summary": a.summary,
                "genre": a.genre,
                "genre_label": GENRE_LABELS[a.genre],
                "section": sections[a.section_id].key,
                "section_name": sections[a.section_id].name,
                "site": a.site,
                "tenant": {
                    "id": str(a.tenant_id),
                    "slug": tenants[a.tenant_id].slug,
                    "name": tenants[a.tenant_id].name,
                },
                "authors": [{"pen_name": x["pen_name"]} for x in a.authors],
                "asset_ids": a.asset_ids,
                "tags": a.tags,
                "word_count": a.word_count,
                "revision": a.published_revision,
                "published_at": a.published_at.isoformat(),
            }
            for a in items
        ]
        return jsonify({"items": out, "total": total, "page": page, "per_page": per_page})
