"""The content use cases. Plain Python: sessions, stores, the workflow rules, the outbox.

The media and accounts services are reached through two small callables given at
construction (``media`` with ``check_assets``/``mark_referenced``/``release``,
``find_user``); the nameko service wires them to RPC proxies, tests may not need them.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func

from content import domain, policy, quotas, richtext, search
from content.models import Article, ArticleActivity, ArticleRevision, Document, DocumentRecipient, QuotaClosure, Section
from content.store import Articles, Documents, Public, Quotas, Sections, Tenants
from platform_shared import outbox
from platform_shared.actor import SYSTEM
from platform_shared.contracts import content as events
from platform_shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from platform_shared.schemas import content as api
from platform_shared.schemas import load
from platform_shared.text import slugify

log = logging.getLogger("content")


@dataclass(frozen=True)
class Settings:
    lock_minutes: int = 30

    @classmethod
    def from_config(cls, config):
        return cls(lock_minutes=int(config.get("CONTENT_LOCK_MINUTES", 30)))


class NoMedia:
    """Stands in for the media service where no asset is involved."""

    def check_assets(self, actor, ids):
        return {"all_usable": not ids, "assets": [{"id": str(i), "usable": False, "reason": "not_found"} for i in ids]}

    def mark_referenced(self, actor, ids, reference):
        return []

    def release(self, actor, ids, reference):
        return []


class Content:
    def __init__(self, sessions, *, clock, settings=Settings(), media=None, find_user=None):
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.media = media or NoMedia()
        self.find_user = find_user or (lambda user_id: None)

    # -- helpers ------------------------------------------------------------------------

    def _articles(self, session, actor):
        return Articles(session, actor, Sections(session).desk_section_ids(actor, Tenants(session)))

    def _desk(self, session, section):
        if section.scope == "central":
            desk = Tenants(session).by_code(section.desk_code)
            return domain.Desk(section.key, "central", str(desk.id) if desk else None)
        return domain.Desk(section.key, "component", str(section.tenant_id))

    def _resolve_section(self, session, actor, key):
        sections = Sections(session)
        section = sections.central_by_key(key)
        if section is None and actor.tenant_id:
            section = sections.component(actor.tenant_id, key)
        if section is None or section.status != "active":
            raise InvalidInput.field("section", f"Không có chuyên mục «{key}».", code="UNKNOWN_SECTION")
        return section

    def _check_assets(self, actor, asset_ids):
        """Assets the article may carry: they exist, are stored, and belong to the writer's tenant."""
        ids = [str(i) for i in dict.fromkeys(asset_ids or [])]
        if not ids:
            return [], []
        result = self.media.check_assets(actor.dump(), ids)
        bad = [
            a["id"]
            for a in result["assets"]
            if not a["usable"] or (not actor.is_platform_admin and a.get("tenant_id") != actor.tenant_id)
        ]
        if bad:
            raise InvalidInput.field(
                "asset_ids",
                "Tệp không tồn tại hoặc thuộc đơn vị khác: " + ", ".join(bad) + ".",
                code="ASSET_NOT_USABLE",
            )
        photos = [a for a in result["assets"] if a.get("kind") == "image"]
        credits = [
            {"asset_id": a["id"], "user_id": a.get("credit_user_id"), "name": a.get("credit_name")} for a in photos
        ]
        return ids, credits

    def _activity(self, session, article, action, before, actor, comment=None, now=None):
        session.add(
            ArticleActivity(
                article_id=article.id,
                tenant_id=article.tenant_id,
                action=action,
                from_status=before,
                to_status=article.status,
                comment=comment,
                actor_id=_uuid(actor.user_id),
                at=now or self.clock.now(),
            )
        )

    def _revision(self, session, article, kind, actor, now, note=None, new_work=False):
        session.add(
            ArticleRevision(
                article_id=article.id,
                tenant_id=article.tenant_id,
                number=article.revision,
                kind=kind,
                title=article.title,
                summary=article.summary,
                body=article.body,
                genre=article.genre,
                topic=article.topic,
                tags=article.tags,
                authors=article.authors,
                asset_ids=article.asset_ids,
                note=note,
                new_work=new_work,
                created_by=_uuid(actor.user_id),
                created_at=now,
            )
        )

    def _index(self, article):
        text = richtext.plain_text(article.body)
        article.word_count = richtext.word_count(text)
        article.search_exact, article.search_folded = search.search_columns(
            article.title, article.summary or "", text, " ".join(article.tags or []), article.topic or ""
        )

    # -- writing ------------------------------------------------------------------------

    def create_article(self, actor, data):
        """A draft in a section; assets checked with the media service; revision 1."""
        policy.require_writer(actor)
        data = load(api.ArticleCreate, data)
        if not actor.tenant_id:
            raise InvalidInput("Tài khoản hệ thống không viết bài.", code="NO_TENANT")
        now = self.clock.now()
        body = richtext.clean_html(data["body"])
        authors = (
            domain.normalise_authors(data["authors"])
            if data["authors"]
            else domain.default_authors(actor.user_id, self.find_user(actor.user_id) or "Tác giả")
        )
        with self.sessions.transaction() as session:
            section = self._resolve_section(session, actor, data["section"])
            if section.scope == "central" and section.key == "directives" and not actor.has("editor", "tenant_admin"):
                raise Forbidden("Chuyên mục Chỉ đạo – Điều hành chỉ nhận bài của biên tập viên.", code="NOT_ALLOWED")
            asset_ids, credits = self._check_assets(actor, data["asset_ids"])
            site_key = "portal" if section.scope == "central" else str(section.tenant_id)
            articles = self._articles(session, actor)
            base = slugify(data["title"]) or "bai-viet"
            article = Article(
                id=uuid.uuid4(),
                tenant_id=uuid.UUID(actor.tenant_id),
                origin_tenant_id=uuid.UUID(actor.tenant_id),
                section_id=section.id,
                site="portal" if section.scope == "central" else "component",
                site_key=site_key,
                genre=data["genre"],
                title=data["title"],
                slug=domain.unique_slug(base, articles.slugs_like(site_key, base)),
                summary=data["summary"],
                body=body,
                topic=data["topic"],
                tags=data["tags"],
                authors=authors,
                asset_ids=asset_ids,
                photo_credits=credits,
                photo_count=len(credits),
                status="draft",
                revision=1,
                created_by=_uuid(actor.user_id),
                created_at=now,
                updated_at=now,
            )
            self._index(article)
            articles.add(article)
            self._revision(session, article, "created", actor, now)
            self._activity(session, article, "create", "draft", actor, now=now)
            if asset_ids:
                self.media.mark_referenced(actor.dump(), asset_ids, {"kind": "article", "id": str(article.id)})
            return self._view(session, article, actor)

    def update_article(self, actor, article_id, data):
        """Edit a draft, a returned item, or (the reviewing editor) an item in review. New revision each time."""
        data = load(api.ArticleUpdate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            article = self._articles(session, actor).get(article_id, for_update=True)
            domain.check_editable(article, actor.user_id, now)
            section = Sections(session).get(article.section_id)
            if article.status == "in_review":
                policy.require_desk_editor(actor, self._desk(session, section))
            else:
                policy.require_author_side(actor, article)
            self._apply(session, actor, article, data)
            article.revision += 1
            article.updated_at = now
            self._index(article)
            self._revision(session, article, "edit", actor, now)
            return self._view(session, article, actor)

    def _apply(self, session, actor, article, data):
        if "body" in data:
            article.body = richtext.clean_html(data["body"])
        if "authors" in data:
            article.authors = domain.normalise_authors(data["authors"])
        if "asset_ids" in data:
            before = set(article.asset_ids or [])
            ids, credits = self._check_assets(actor, data["asset_ids"])
            article.asset_ids, article.photo_credits, article.photo_count = ids, credits, len(credits)
            added, removed = [i for i in ids if i not in before], [i for i in before if i not in ids]
            reference = {"kind": "article", "id": str(article.id), "published": article.status == "published"}
            if added:
                self.media.mark_referenced(actor.dump(), added, reference)
            if removed:
                self.media.release(SYSTEM.dump(), removed, reference)
        for key in ("genre", "title", "summary", "topic", "tags"):
            if key in data:
                setattr(article, key, data[key])

    def transition(self, actor, article_id, action, data=None):
        """submit, open, return, reject, approve, schedule, publish, unpublish — each checked in one place."""
        payload = data if data is not None else {}
        schema = {"return": api.Comment, "reject": api.Reason, "unpublish": api.Reason, "schedule": api.Schedule}.get(
            action, api.Empty
        )
        payload = load(schema, payload)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            article = self._articles(session, actor).get(article_id, for_update=True)
            section = Sections(session).get(article.section_id)
            desk = self._desk(session, section)
            before = article.status
            if action == "submit":
                policy.require_author_side(actor, article)
            else:
                policy.require_desk_editor(actor, desk)
            target = domain.check_transition(article.status, action)
            if action not in ("submit", "open"):
                domain.check_lock(article, actor.user_id, now)
            if action == "open":
                domain.check_lock(article, actor.user_id, now)
                article.locked_by = _uuid(actor.user_id)
                article.locked_until = now + timedelta(minutes=self.settings.lock_minutes)
            elif action in ("return", "reject", "approve"):
                article.locked_by = article.locked_until = None
            if action == "submit":
                article.submitted_at = now
                article.first_submitted_at = article.first_submitted_at or now
            if action == "reject":
                article.reject_reason = payload["reason"]
            if action == "schedule":
                domain.check_schedule(payload["publish_at"], now)
                article.publish_at = payload["publish_at"]
            article.status = target
            article.updated_at = now
            comment = payload.get("comment") or payload.get("reason")
            if action == "publish":
                self._publish(session, article, section, now)
            elif action == "unpublish":
                article.unpublish_reason = payload["reason"]
                outbox.add(
                    session,
                    events.ARTICLE_UNPUBLISHED,
                    {
                        **self._fact(article, section),
                        "unpublished_at": now.isoformat(),
                        "reason": payload["reason"],
                    },
                    aggregate_id=article.id,
                    now=now,
                )
            elif action == "submit":
                outbox.add(
                    session,
                    events.ARTICLE_SUBMITTED,
                    {**self._fact(article, section), "submitted_at": now.isoformat()},
                    aggregate_id=article.id,
                    now=now,
                )
            self._activity(session, article, action, before, actor, comment, now)
            return self._view(session, article, actor)

    def _fact(self, article, section):
        return {
            "tenant_id": str(article.tenant_id),
            "article_id": str(article.id),
            "revision": article.revision,
            "section": section.key,
            "genre": article.genre,
            "title": article.title,
            "site": article.site,
            "asset_ids": list(article.asset_ids or []),
        }

    def _publish(self, session, article, section, now):
        first = article.first_published_at is None
        article.status = "published"
        article.published_at = now
        article.first_published_at = article.first_published_at or now
        article.published_revision = article.revision
        article.publish_at = None
        article.locked_by = article.locked_until = None
        outbox.add(
            session,
            events.ARTICLE_PUBLISHED,
            {
                **self._fact(article, section),
                "published_at": now.isoformat(),
                "slug": article.slug,
                "authors": article.authors,
                "photo_credits": article.photo_credits,
                "word_count": article.word_count,
                "first_publication": first,
            },
            aggregate_id=article.id,
            now=now,
        )

    def correct(self, actor, article_id, data):
        """Change a published article: a new revision, published at once, with a note."""
        data = load(api.Correction, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            article = self._articles(session, actor).get(article_id, for_update=True)
            section = Sections(session).get(article.section_id)
            policy.require_desk_editor(actor, self._desk(session, section))
            if article.status != "published":
                domain.check_transition(article.status, "unpublish")  # raises with the allowed actions
            previous = article.published_revision
            self._apply(session, actor, article, {k: v for k, v in data.items() if k not in ("note", "new_work")})
            article.revision += 1
            article.published_revision = article.revision
            article.updated_at = now
            self._index(article)
            self._revision(session, article, "correction", actor, now, note=data["note"], new_work=data["new_work"])
            self._activity(session, article, "correct", "published", actor, data["note"], now)
            outbox.add(
                session,
                events.ARTICLE_CORRECTED,
                {
                    **self._fact(article, section),
                    "corrected_at": now.isoformat(),
                    "previous_revision": previous,
                    "new_work": data["new_work"],
                    "authors": article.authors,
                    "photo_credits": article.photo_credits,
                    "word_count": article.word_count,
                },
                aggregate_id=article.id,
                now=now,
            )
            return self._view(session, article, actor)

    def publish_due(self):
        """Publish scheduled articles whose time has come (the timer; safe with several replicas)."""
        now = self.clock.now()
        published = []
        with self.sessions.transaction() as session:
            for article in Articles(session, SYSTEM).due(now):
                section = Sections(session).get(article.section_id)
                self._publish(session, article, section, now)
                session.add(
                    ArticleActivity(
                        article_id=article.id,
                        tenant_id=article.tenant_id,
                        action="publish",
                        from_status="scheduled",
                        to_status="published",
                        comment="Đăng tự động theo giờ hẹn",
                        actor_id=None,
                        at=now,
                    )
                )
                published.append(str(article.id))
        for ident in published:
            log.info("scheduled article published", extra={"article_id": ident})
        return published

    # -- reading (signed in) --------------------------------------------------------------

    def get_article(self, actor, article_id):
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            article = self._articles(session, actor).get(article_id)
            view = self._view(session, article, actor)
            view["activity"] = [_activity_view(a) for a in self._articles(session, actor).activity(article.id)]
            return view

    def list_articles(self, actor, args):
        policy.require_signed_in(actor)
        args = load(api.ArticleListArgs, args or {})
        with self.sessions.read() as session:
            section_id = None
            if args.get("section"):
                section_id = self._resolve_section(session, actor, args["section"]).id
            items, total = self._articles(session, actor).list(
                page=args["page"],
                per_page=args["per_page"],
                status=args.get("status"),
                section_id=section_id,
                mine=args.get("mine"),
                q=args.get("q"),
            )
            return _page([self._view(session, a, actor, body=False) for a in items], total, args)

    def revisions(self, actor, article_id):
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            articles = self._articles(session, actor)
            article = articles.get(article_id)
            return [
                {
                    "number": r.number,
                    "kind": r.kind,
                    "title": r.title,
                    "note": r.note,
                    "new_work": r.new_work,
                    "created_by": _str(r.created_by),
                    "created_at": r.created_at.isoformat(),
                    "published": r.number == article.published_revision,
                }
                for r in articles.revisions(article.id)
            ]

    def diff(self, actor, article_id, args):
        policy.require_signed_in(actor)
        args = load(api.RevisionDiffArgs, args or {})
        with self.sessions.read() as session:
            articles = self._articles(session, actor)
            article = articles.get(article_id)
            old, new = articles.revision(article.id, args["from_"]), articles.revision(article.id, args["to"])
            for name, rev in (("from", old), ("to", new)):
                if rev is None:
                    raise InvalidInput.field(name, "Không có phiên bản này.", code="UNKNOWN_REVISION")
            fields = {"title": "title", "summary": "summary", "body": "body"}
            return {
                "from": old.number,
                "to": new.number,
                "changes": richtext.diff(
                    {k: getattr(old, v) or "" for k, v in fields.items()},
                    {k: getattr(new, v) or "" for k, v in fields.items()},
                ),
            }

    def _view(self, session, article, actor, body=True):
        section = Sections(session).get(article.section_id)
        view = {
            "id": str(article.id),
            "tenant_id": str(article.tenant_id),
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
            "locked_by": _str(article.locked_by),
            "locked_until": _iso(article.locked_until),
            "publish_at": _iso(article.publish_at),
            "published_at": _iso(article.published_at),
            "reject_reason": article.reject_reason,
            "unpublish_reason": article.unpublish_reason,
            "word_count": article.word_count,
            "created_at": _iso(article.created_at),
            "updated_at": _iso(article.updated_at),
        }
        if body:
            view["body"] = article.body
        return view

    # -- public reading -------------------------------------------------------------------

    def public_articles(self, args):
        """Published items: the portal's sections, a tenant's items, or search results."""
        args = load(api.PublicArticleArgs, args or {})
        with self.sessions.read() as session:
            public = Public(session)
            stmt = public.published()
            order = [Article.published_at.desc(), Article.id]
            if args.get("section"):
                section = Sections(session).central_by_key(args["section"])
                if section is None:
                    raise InvalidInput.field(
                        "section", f"Không có chuyên mục «{args['section']}».", code="UNKNOWN_SECTION"
                    )
                stmt = stmt.where(Article.section_id == section.id)
            if args.get("tenant"):
                tenant = Tenants(session).by_slug(args["tenant"])
                if tenant is None:
                    raise NotFound.of("tenant", args["tenant"])
                stmt = stmt.where(Article.tenant_id == tenant.id)
            if not args.get("tenant") and not args.get("section"):
                stmt = stmt.where(Article.site == "portal")
            if args.get("since"):
                stmt = stmt.where(Article.published_at >= quotas.day_start(args["since"]))
            if args.get("until"):
                stmt = stmt.where(Article.published_at < quotas.day_start(args["until"]) + timedelta(days=1))
            query = search.parse_query(args["q"]) if args.get("q") else None
            if query is not None:
                stmt = stmt.where(search.where_clause(query, Article.search_exact, Article.search_folded))
                order = [search.rank_expression(query, Article.search_exact)] + order
            items, total = public.list(stmt, args["page"], args["per_page"], order)
            return _page(self._public_views(session, items), total, args)

    def public_article(self, slug, args):
        args = load(api.PublicArticleRef, args or {})
        with self.sessions.read() as session:
            site_key = "portal"
            if args.get("site"):
                tenant = Tenants(session).by_slug(args["site"])
                if tenant is None:
                    raise NotFound.of("article", slug)
                site_key = str(_surviving(session, tenant).id)
            article = Public(session).by_slug(site_key, slug)
            if article is None:
                raise NotFound.of("article", slug)
            view = self._public_views(session, [article])[0]
            view["body"] = article.body
            return view

    def _public_views(self, session, items):
        sections = Sections(session).by_ids({a.section_id for a in items})
        tenants = Tenants(session)
        out = []
        for a in items:
            tenant = tenants.get(a.tenant_id)
            section = sections[a.section_id]
            out.append(
                {
                    "id": str(a.id),
                    "slug": a.slug,
                    "title": a.title,
                    "summary": a.summary,
                    "genre": a.genre,
                    "genre_label": api.GENRE_LABELS[a.genre],
                    "section": section.key,
                    "section_name": section.name,
                    "site": a.site,
                    "tenant": {
                        "id": str(a.tenant_id),
                        "slug": tenant.slug if tenant else None,
                        "name": tenant.name if tenant else None,
                    },
                    "authors": [{"pen_name": x["pen_name"]} for x in a.authors],
                    "asset_ids": a.asset_ids,
                    "tags": a.tags,
                    "word_count": a.word_count,
                    "revision": a.published_revision,
                    "published_at": _iso(a.published_at),
                }
            )
        return out

    def site(self, tenant_slug, args):
        """A tenant's component sub-site: its menu, its published items (own sections and central ones)."""
        args = load(api.PageArgs, args or {})
        with self.sessions.read() as session:
            tenants = Tenants(session)
            asked = tenants.by_slug(tenant_slug)
            if asked is None:
                raise NotFound.of("tenant", tenant_slug)
            tenant = _surviving(session, asked)
            public = Public(session)
            stmt = public.published().where(Article.tenant_id == tenant.id)
            items, total = public.list(stmt, args["page"], args["per_page"], [Article.published_at.desc(), Article.id])
            menu = [
                {"key": s.key, "name": s.name, "menu_order": s.menu_order}
                for s in Sections(session).component(tenant.id)
                if s.status == "active"
            ]
            used_centrally = session.scalar(
                func.count()
                .select()
                .select_from(Article)
                .where(Article.tenant_id == tenant.id, Article.status == "published", Article.site == "portal")
            )
            answer = {
                "tenant": {"id": str(tenant.id), "slug": tenant.slug, "name": tenant.name, "kind": tenant.kind},
                "menu": menu,
                "used_in_central_sections": used_centrally,
                "articles": _page(self._public_views(session, items), total, args),
            }
            if asked.id != tenant.id:
                answer["merged_from"] = {
                    "id": str(asked.id),
                    "slug": asked.slug,
                    "name": asked.name,
                    "merged_at": _iso(asked.merged_at),
                }
                answer["notice"] = f"{asked.name} đã hợp nhất vào {tenant.name}."
            return answer

    # -- sections -----------------------------------------------------------------------

    def list_sections(self, actor):
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            sections = Sections(session)
            out = [_section_view(s) for s in sections.central()]
            if actor.tenant_id:
                out += [_section_view(s) for s in sections.component(actor.tenant_id)]
            return out

    def create_section(self, actor, data):
        """A section of the actor's own sub-site (tenant admins and editors)."""
        policy.require_any_role(
            actor, ("tenant_admin", "editor"), "Chỉ quản trị viên hoặc biên tập viên của đơn vị được tạo chuyên mục."
        )
        data = load(api.SectionCreate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            sections = Sections(session)
            if sections.central_by_key(data["key"]) or sections.component(actor.tenant_id, data["key"]):
                raise Conflict.taken("key", data["key"], "Mã chuyên mục", "SECTION_KEY_TAKEN")
            section = sections.add(
                Section(
                    tenant_id=uuid.UUID(actor.tenant_id),
                    scope="component",
                    key=data["key"],
                    name=data["name"],
                    menu_order=data["menu_order"],
                    status="active",
                    created_at=now,
                    updated_at=now,
                )
            )
            return _section_view(section)

    def update_section(self, actor, section_id, data):
        policy.require_any_role(
            actor, ("tenant_admin", "editor"), "Chỉ quản trị viên hoặc biên tập viên của đơn vị được sửa chuyên mục."
        )
        data = load(api.SectionUpdate, data)
        with self.sessions.transaction() as session:
            section = Sections(session).get(_uuid(section_id, "section"))
            if section is None or section.scope != "component" or str(section.tenant_id) != actor.tenant_id:
                raise NotFound.of("section", section_id)
            for key, value in data.items():
                setattr(section, key, value)
            section.updated_at = self.clock.now()
            return _section_view(section)

    # -- documents ------------------------------------------------------------------------

    def create_document(self, actor, data):
        """Issue a document to recipient tenants (the VGCL and its departments)."""
        data = load(api.DocumentCreate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenants = Tenants(session)
            own = tenants.get(actor.tenant_id) if actor.tenant_id else None
            policy.require_document_issuer(actor, own.kind if own else None)
            if own is None:
                raise InvalidInput("Tài khoản không thuộc đơn vị nào để ban hành văn bản.", code="NO_TENANT")
            documents = Documents(session, actor)
            if documents.number_taken(own.id, data["number"]):
                raise Conflict.taken("number", data["number"], "Số/ký hiệu văn bản", "DOCUMENT_NUMBER_TAKEN")
            unknown = [str(t) for t in data["recipients"] if tenants.get(t) is None]
            if unknown:
                raise InvalidInput.field(
                    "recipients", "Không có đơn vị: " + ", ".join(unknown) + ".", code="UNKNOWN_RECIPIENT"
                )
            if data["asset_id"]:
                self._check_assets(actor, [data["asset_id"]])
            document = Document(
                tenant_id=own.id,
                number=data["number"],
                doc_type=data["doc_type"],
                issuer=data["issuer"] or own.name,
                abstract=data["abstract"],
                issued_on=data["issued_on"],
                effective_on=data["effective_on"],
                asset_id=data["asset_id"],
                all_tenants=data["all_tenants"],
                status="active",
                created_by=_uuid(actor.user_id),
                created_at=now,
                updated_at=now,
            )
            document.search_exact, document.search_folded = search.search_columns(
                data["number"], data["abstract"], document.issuer
            )
            session.add(document)
            session.flush()
            for tenant_id in dict.fromkeys(data["recipients"]):
                session.add(DocumentRecipient(document_id=document.id, tenant_id=tenant_id))
            if data["asset_id"]:
                self.media.mark_referenced(
                    actor.dump(),
                    [str(data["asset_id"])],
                    {"kind": "document", "id": str(document.id), "published": True},
                )
            return self._document_view(session, document, actor)

    def list_documents(self, actor, args):
        policy.require_signed_in(actor)
        args = load(api.DocumentListArgs, args or {})
        with self.sessions.read() as session:
            conditions = []
            if args.get("doc_type"):
                conditions.append(Document.doc_type == args["doc_type"])
            if args.get("year"):
                conditions.append(func.extract("year", Document.issued_on) == args["year"])
            if args.get("issued_by_me") and actor.tenant_id:
                conditions.append(Document.tenant_id == uuid.UUID(actor.tenant_id))
            if args.get("unread") and actor.tenant_id:
                conditions.append(
                    Document.id.in_(
                        DocumentRecipient.__table__.select()
                        .with_only_columns(DocumentRecipient.document_id)
                        .where(
                            DocumentRecipient.tenant_id == uuid.UUID(actor.tenant_id),
                            DocumentRecipient.read_at.is_(None),
                        )
                    )
                )
            query = search.parse_query(args["q"]) if args.get("q") else None
            if query is not None:
                conditions.append(search.where_clause(query, Document.search_exact, Document.search_folded))
            items, total = Documents(session, actor).list(conditions, args["page"], args["per_page"])
            return _page([self._document_view(session, d, actor) for d in items], total, args)

    def get_document(self, actor, document_id):
        """One document; opening it records the read receipt of the actor's tenant (once)."""
        policy.require_signed_in(actor)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            documents = Documents(session, actor)
            document = documents.get(document_id)
            if actor.tenant_id and str(document.tenant_id) != actor.tenant_id:
                receipt = documents.recipient(document.id, uuid.UUID(actor.tenant_id))
                if receipt is None and document.all_tenants:
                    receipt = DocumentRecipient(document_id=document.id, tenant_id=uuid.UUID(actor.tenant_id))
                    session.add(receipt)
                if receipt is not None and receipt.read_at is None:
                    receipt.read_at, receipt.read_by = now, _uuid(actor.user_id)
            view = self._document_view(session, document, actor)
            if actor.is_platform_admin or str(document.tenant_id) == actor.tenant_id:
                tenants = Tenants(session)
                view["receipts"] = [
                    {
                        "tenant_id": str(r.tenant_id),
                        "tenant_name": getattr(tenants.get(r.tenant_id), "name", None),
                        "read_at": _iso(r.read_at),
                    }
                    for r in documents.recipients(document.id)
                ]
            return view

    def _document_view(self, session, d, actor):
        return {
            "id": str(d.id),
            "tenant_id": str(d.tenant_id),
            "number": d.number,
            "doc_type": d.doc_type,
            "doc_type_label": api.DOCUMENT_TYPE_LABELS[d.doc_type],
            "issuer": d.issuer,
            "abstract": d.abstract,
            "issued_on": d.issued_on.isoformat(),
            "effective_on": d.effective_on.isoformat() if d.effective_on else None,
            "asset_id": _str(d.asset_id),
            "all_tenants": d.all_tenants,
            "created_at": _iso(d.created_at),
        }

    # -- quotas ---------------------------------------------------------------------------

    def quota_rules(self, actor):
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            return [_rule_view(r) for r in Quotas(session).rules()]

    def compliance(self, actor, args):
        """Per tenant and rule for one week: required, submitted, used, status; totals for desks and the VGCL."""
        policy.require_signed_in(actor)
        args = load(api.ComplianceArgs, args or {})
        now = self.clock.now()
        week = args.get("week") or quotas.week_of(now)
        year, number = quotas.parse_week(week)
        week = quotas.week_label(year, number)
        start, end = quotas.week_bounds(week)
        with self.sessions.read() as session:
            tenants = Tenants(session)
            overseer = actor.is_platform_admin or self._is_overseer(session, actor)
            rules = quotas.rules_in_force([_rule(r) for r in Quotas(session).rules()], week)
            kinds = {k for r in rules for k in r.tenant_kinds}
            candidates = [t for t in tenants.of_kinds(kinds) if _existed_in(t, start, end)]
            if not overseer:
                candidates = [t for t in candidates if str(t.id) == actor.tenant_id]
            elif args.get("tenant_id"):
                candidates = [t for t in candidates if t.id == args["tenant_id"]]
            rows = Quotas(session).submissions([t.id for t in candidates], start, end)
            by_tenant = {}
            for tenant_id, section_key, submitted_at, photos, published_revision in rows:
                by_tenant.setdefault(tenant_id, []).append(
                    quotas.Submission(
                        section=section_key,
                        submitted_at=submitted_at,
                        photos=photos,
                        published=published_revision is not None,
                    )
                )
            items = []
            for tenant in candidates:
                for rule in rules:
                    if tenant.kind not in rule.tenant_kinds:
                        continue
                    result = quotas.evaluate(rule, by_tenant.get(tenant.id, []), week, now)
                    items.append(
                        {
                            "tenant_id": str(tenant.id),
                            "tenant_name": tenant.name,
                            "tenant_code": tenant.code,
                            "tenant_status": tenant.status,
                            **result,
                        }
                    )
            totals = {s: sum(1 for i in items if i["status"] == s) for s in ("met", "at_risk", "missed")}
            return {
                "week": week,
                "starts": start.isoformat(),
                "ends": end.isoformat(),
                "items": items,
                "totals": totals if overseer else None,
            }

    def report_figures(self, actor, tenant_id, start, end):
        """A tenant's figures for a semiannual report over the Vietnam days ``[start, end)``:
        items submitted and used per central section, and quota weeks met.

        Items count by their first submission and their origin tenant (a merged tenant's items
        stay its own). ``used`` = published at least once. A quota week belongs to the period
        holding its Monday and counts once it has ended; each rule in force for the tenant's
        kind counts once per week; weeks after the tenant was merged away do not count.
        """
        first, last = _report_day(start, "start"), _report_day(end, "end")
        if last <= first:
            raise InvalidInput.field("end", "Ngày kết thúc phải sau ngày bắt đầu.", code="INVALID_RANGE")
        tenant_uuid = _uuid(tenant_id, "tenant")
        policy.require_report_reader(actor, tenant_uuid)
        now = self.clock.now()
        with self.sessions.read() as session:
            tenant = Tenants(session).get(tenant_uuid)
            if tenant is None:
                raise NotFound.of("tenant", tenant_id)
            store = Quotas(session)
            counts = {key: (submitted, used) for key, submitted, used in store.items_by_section(
                tenant.id, quotas.day_start(first), quotas.day_start(last))}  # fmt: skip
            sections = [
                {"section": s.key, "name": s.name, "submitted": counts.get(s.key, (0, 0))[0], "used": counts.get(s.key, (0, 0))[1]}
                for s in Sections(session).central()
            ]  # fmt: skip
            rules = [_rule(r) for r in store.rules()]
            weeks = []
            monday = first + timedelta(days=(7 - first.weekday()) % 7)
            while monday < last:
                label = quotas.week_of(quotas.day_start(monday))
                week_start, week_end = quotas.week_bounds(label)
                if week_end <= now and _existed_in(tenant, week_start, week_end):
                    weeks.append((label, week_start, week_end))
                monday += timedelta(days=7)
            total = met = 0
            if weeks:
                rows = store.submissions([tenant.id], weeks[0][1], weeks[-1][2])
                items = [
                    quotas.Submission(section=key, submitted_at=at, photos=photos, published=revision is not None)
                    for _, key, at, photos, revision in rows
                ]
                for label, _, _ in weeks:
                    for rule in quotas.rules_in_force(rules, label, tenant_kind=tenant.kind):
                        total += 1
                        met += quotas.evaluate(rule, items, label, now)["status"] == "met"
        return {"sections": sections, "quota_weeks": {"total": total, "met": met}}

    def _is_overseer(self, session, actor):
        """Desk editors and the VGCL's own bodies see every tenant's compliance."""
        own = Tenants(session).get(actor.tenant_id) if actor.tenant_id else None
        if own is None:
            return False
        desk_codes = {s.desk_code for s in Sections(session).central()}
        return own.code in desk_codes or own.kind in ("confederation", "department")

    def close_weeks(self, now=None):
        """After a week ends, write one ``content.quota_missed`` per tenant and rule missed (once)."""
        now = now or self.clock.now()
        previous = quotas.week_of(now - timedelta(days=7))
        result = self.compliance(SYSTEM, {"week": previous})
        emitted = []
        with self.sessions.transaction() as session:
            store = Quotas(session)
            for item in result["items"]:
                tenant_id = uuid.UUID(item["tenant_id"])
                if store.closed(tenant_id, previous, item["rule"]):
                    continue
                session.add(
                    QuotaClosure(
                        tenant_id=tenant_id,
                        week=previous,
                        rule_id=item["rule"],
                        status=item["status"],
                        submitted=item["submitted"],
                        required=item["required"],
                        closed_at=now,
                    )
                )
                if item["status"] == "missed":
                    outbox.add(
                        session,
                        events.QUOTA_MISSED,
                        {
                            "tenant_id": item["tenant_id"],
                            "week": previous,
                            "rule": item["rule"],
                            "required": item["required"],
                            "submitted": item["submitted"],
                        },
                        aggregate_id=item["tenant_id"],
                        now=now,
                    )
                    emitted.append(item["tenant_id"])
        return {"week": previous, "missed": emitted}

    # -- the tenant directory copy ----------------------------------------------------------

    def apply_tenant(self, session, payload, *, status=None):
        tenants = Tenants(session)
        before = tenants.get(payload["tenant_id"])
        shown = (before.name, before.slug) if before is not None else None
        row = tenants.upsert(
            {
                "id": uuid.UUID(payload["tenant_id"]),
                "code": payload["code"],
                "slug": payload["slug"],
                "name": payload["name"],
                "kind": payload["kind"],
                "parent_id": _uuid(payload.get("parent_id")),
                "status": status or payload.get("status") or "active",
                "updated_at": self.clock.now(),
            }
        )
        if shown is not None and shown != (row.name, row.slug):
            self._site_updated(session, payload["tenant_id"], "renamed")

    def _site_updated(self, session, tenant_id, reason):
        """Public pages showing this tenant changed: the gateway's cache listens for this fact."""
        outbox.add(
            session,
            events.SITE_UPDATED,
            {"tenant_id": str(tenant_id), "reason": reason},
            aggregate_id=tenant_id,
            now=self.clock.now(),
        )

    def merge_tenant(self, session, payload):
        """The merged tenant's items follow the surviving tenant; quota history keeps the old one."""
        merged, into = uuid.UUID(payload["tenant_id"]), uuid.UUID(payload["into_tenant_id"])
        tenant = Tenants(session).get(merged)
        if tenant is not None:
            tenant.status, tenant.merged_into_id = "merged", into
            tenant.merged_at = _parse_time(payload.get("merged_at")) or self.clock.now()
        Articles(session, SYSTEM).move_tenant(merged, into)
        sections = Sections(session)
        taken = {s.key for s in sections.component(into)}
        for section in sections.component(merged):
            section.key = domain.unique_slug(section.key, taken)
            taken.add(section.key)
            section.tenant_id = into
        self._site_updated(session, merged, "merged")

    def sync_tenants(self, tenants):
        """Replace the copy with the accounts service's list (the periodic repair)."""
        with self.sessions.transaction() as session:
            for t in tenants:
                Tenants(session).upsert(
                    {
                        "id": uuid.UUID(t["id"]),
                        "code": t["code"],
                        "slug": t["slug"],
                        "name": t["name"],
                        "kind": t["kind"],
                        "parent_id": _uuid(t.get("parent_id")),
                        "status": t["status"],
                        "merged_into_id": _uuid(t.get("merged_into_id")),
                        "merged_at": _parse_time(t.get("merged_at")),
                        "updated_at": self.clock.now(),
                    }
                )
        return len(tenants)


def _surviving(session, tenant):
    """Follow merges to the tenant that carries the slug's content today."""
    seen = 0
    while tenant.status == "merged" and tenant.merged_into_id and seen < 10:
        tenant = Tenants(session).get(tenant.merged_into_id) or tenant
        seen += 1
    return tenant


def _existed_in(tenant, start, end):
    """A merged tenant still counts for the weeks before its merge (its history keeps its name)."""
    return tenant.status != "merged" or (tenant.merged_at is not None and tenant.merged_at > start)


def _report_day(value, field):
    from datetime import date

    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput.field(field, "Ngày không hợp lệ (định dạng YYYY-MM-DD).", code="INVALID_DATE") from None


def _rule(row):
    return quotas.Rule(
        id=row.id,
        tenant_kinds=tuple(row.tenant_kinds),
        section=row.section,
        min_items=row.min_items,
        min_photos_per_item=row.min_photos_per_item,
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        label=row.label,
    )


def _rule_view(row):
    return {
        "id": row.id,
        "tenant_kinds": row.tenant_kinds,
        "section": row.section,
        "min_items": row.min_items,
        "min_photos_per_item": row.min_photos_per_item,
        "effective_from": row.effective_from.isoformat(),
        "effective_to": row.effective_to.isoformat() if row.effective_to else None,
        "label": row.label,
    }


def _section_view(s):
    return {
        "id": str(s.id),
        "key": s.key,
        "name": s.name,
        "scope": s.scope,
        "tenant_id": _str(s.tenant_id),
        "desk_code": s.desk_code,
        "menu_order": s.menu_order,
        "status": s.status,
    }


def _activity_view(a):
    return {
        "action": a.action,
        "from": a.from_status,
        "to": a.to_status,
        "comment": a.comment,
        "actor_id": _str(a.actor_id),
        "at": _iso(a.at),
    }


def _page(items, total, args):
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


def _uuid(value, kind=None):
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        if kind:
            raise NotFound.of(kind, value) from None
        raise


def _str(value):
    return None if value is None else str(value)


def _iso(value):
    return None if value is None else value.isoformat()


def _parse_time(value):
    from datetime import datetime

    return datetime.fromisoformat(value) if value else None
