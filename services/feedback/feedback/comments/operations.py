"""Use cases of the comments on articles. Plain Python: sessions, stores, the rules, the outbox.

The content service is reached through ``find_article(article_id)`` (the article's view
or None), given at construction; it is asked before any transaction opens. Every change of
an article's visible comments records ``feedback.comments_changed`` in its transaction.
"""

import uuid

from feedback import policy
from feedback.comments import domain
from feedback.comments.models import Comment
from feedback.comments.store import Comments, CommentSettings
from feedback.domain import require_plain_text
from feedback.language import public_name, vietnamese_text
from platform_shared import outbox
from platform_shared.actor import SYSTEM
from platform_shared.contracts import feedback as events
from platform_shared.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from platform_shared.schemas import feedback as api
from platform_shared.schemas import load
from platform_shared.views import page, uuid_or_none

_comment = api.CommentStaffRead()
_comments = {True: api.CommentStaffPage(), False: api.CommentPage()}
_reported = api.CommentReported()
_settings = api.CommentSettingsRead()
_sections = api.CommentSectionsRead()
_rules = api.CommentRulesRead()


class CommentOperations:
    """``limits`` counts requests; ``find_article`` asks the content service for an article,
    ``find_sections(actor)`` for the sections that actor sees (the central ones, then the own
    tenant's); ``tenants(session)`` is the tenant copy."""

    def __init__(self, sessions, *, clock, settings, limits, find_article=None, find_sections=None, tenants=None):
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.limits = limits
        self.find_article = find_article or (lambda article_id: None)
        self.find_sections = find_sections or (lambda actor: [])
        self.tenants = tenants

    def _article(self, article_id):
        """The article as content knows it, when it is published; NotFound otherwise."""
        try:
            ident = uuid.UUID(str(article_id))
        except ValueError:
            raise NotFound.of("article", article_id) from None
        article = self.find_article(str(ident))
        if article is None or article.get("status") != "published":
            raise NotFound.of("article", article_id)
        return article

    def comment(self, actor, article_id, data, client_address=None, author_name=None):
        """A comment on a published article: plain Vietnamese text, rate-limited, held for a
        moderator where the section pre-moderates (the default)."""
        data = load(api.CommentCreate, data)
        body = vietnamese_text(data["body"], "body")
        now = self.clock.now()
        article = self._article(article_id)
        site_key = domain.site_key(article)
        premoderated, guests_allowed = self._section_rules(site_key, article["section"])
        if not actor.authenticated:
            if not policy.may_comment(actor, guests_allowed):
                raise Unauthorized("Vui lòng đăng nhập để bình luận.", code="LOGIN_REQUIRED")
            if not data["guest_name"]:
                raise InvalidInput.field("guest_name", "Vui lòng cho biết tên của bạn.", code="GUEST_NAME_REQUIRED")
            public_name(data["guest_name"], "guest_name")
        s = self.settings
        keys = [(f"comment:addr:{client_address or 'unknown'}", s.comment_limit_address, s.comment_window_seconds)]
        if actor.user_id:
            keys.append((f"comment:user:{actor.user_id}", s.comment_limit_user, s.comment_window_seconds))
        self.limits.check(keys, now)
        with self.sessions.transaction() as session:
            comment = Comments(session, actor).add(
                Comment(
                    tenant_id=uuid.UUID(article["tenant_id"]),
                    article_id=uuid.UUID(article["id"]),
                    article_title=article.get("title"),
                    article_slug=article.get("slug"),
                    section=article["section"],
                    site_key=site_key,
                    author_id=uuid_or_none(actor.user_id),
                    author_name=(author_name or "Đoàn viên") if actor.authenticated else data["guest_name"],
                    guest=not actor.authenticated,
                    body=body,
                    status=domain.first_status(premoderated),
                    report_count=0,
                    created_at=now,
                )
            )
            self._announce(session, comment, domain.visibility_change(None, comment.status, "posted"), now)
            return _comment.dump(comment)

    def _section_rules(self, site_key, section):
        """``(premoderated, guests_allowed)`` of the section the article is in."""
        with self.sessions.read() as session:
            return domain.section_rules(CommentSettings(session).get(site_key, section))

    def _announce(self, session, comment, reason, now):
        """``feedback.comments_changed`` in the caller's transaction, when ``reason`` says the
        article's visible comments changed (None: they did not)."""
        if reason is None:
            return
        self._changed(session, comment.tenant_id, comment.article_id, reason, now, comment_id=comment.id)

    def _changed(self, session, tenant_id, article_id, reason, now, comment_id=None):
        session.flush()
        payload = {
            "tenant_id": str(tenant_id),
            "article_id": str(article_id),
            "comment_id": None if comment_id is None else str(comment_id),
            "reason": reason,
            "visible_count": Comments(session, SYSTEM).visible_count(article_id),
            "changed_at": now.isoformat(),
        }
        outbox.add(session, events.COMMENTS_CHANGED, payload, aggregate_id=article_id, now=now)

    def comment_rules(self, actor, article_id):
        """What a reader must know before writing on a published article: whether they may
        comment (signed in, or a guest where the section allows guests), whether a guest must
        give a name, and whether the comment waits for a moderator. NotFound as for posting."""
        article = self._article(article_id)
        premoderated, guests_allowed = self._section_rules(domain.site_key(article), article["section"])
        return _rules.dump(
            {
                "article_id": article["id"],
                "section": article["section"],
                "signed_in": actor.authenticated,
                "may_comment": policy.may_comment(actor, guests_allowed),
                "guests_allowed": guests_allowed,
                "guest_name_required": not actor.authenticated and guests_allowed,
                "premoderated": premoderated,
                "status_after_posting": domain.first_status(premoderated),
            }
        )

    def article_comments(self, actor, article_id, args):
        """Published comments of a published article (anyone); ``status=pending|hidden`` for its
        moderators. An article that is not published (a draft, an unpublished one, another
        tenant's unfinished work) or does not exist has no comments to list: NotFound, as for
        posting, so the list says nothing about articles a reader may not see."""
        args = load(api.CommentListArgs, args or {})
        article = self._article(article_id)
        status = args.get("status") or "published"
        with self.sessions.read() as session:
            items, total = Comments(session, actor).of_article(
                uuid.UUID(article["id"]), args["page"], args["per_page"], status=status
            )
            return _comments[status != "published"].dump(page(items, total, args))

    def moderation_queue(self, actor, args):
        """The comments of the moderator's tenant waiting (``pending``, default), reported and not
        decided on since (``reported``), hidden or published; each with its reports (reason and
        time, never who) and where its article is read (``article_site``)."""
        policy.require_moderator(actor)
        args = load(api.CommentQueueArgs, args or {})
        with self.sessions.read() as session:
            comments = Comments(session, actor)
            items, total = comments.queue(args["page"], args["per_page"], args.get("status") or "pending")
            reports = comments.reports_of([c.id for c in items])
            sites = self._site_slugs(session, {c.site_key for c in items} - {"portal"})
            rows = [
                {
                    **{c.key: getattr(item, c.key) for c in Comment.__table__.columns},
                    "report_details": reports[item.id],
                    "article_site": sites.get(item.site_key),
                }
                for item in items
            ]
            return _comments[True].dump(page(rows, total, args))

    def _site_slugs(self, session, site_keys):
        """``{site_key: tenant slug}`` of sub-sites (their tenant's current slug, from the copy)."""
        if not site_keys or self.tenants is None:
            return {}
        directory = self.tenants(session)
        found = {}
        for key in site_keys:
            tenant = directory.get(key)
            if tenant is not None:
                found[key] = tenant.slug
        return found

    def count_waiting(self, session, actor):
        """``(pending, reported)`` comments of the actor's moderation queue; ``(None, None)`` for a non-moderator."""
        if not actor.has(*policy.MODERATORS):
            return None, None
        comments = Comments(session, actor)
        return comments.waiting("pending"), comments.waiting("reported")

    def report_comment(self, actor, comment_id, data):
        """A signed-in user reports a comment; reports of 3 distinct users hide it until a moderator decides."""
        policy.require_signed_in(actor)
        data = load(api.Report, data or {})
        if data.get("reason"):
            require_plain_text(data["reason"], "reason")
        now = self.clock.now()
        with self.sessions.transaction() as session:
            comments = Comments(session, actor)
            comment = comments.any(comment_id, for_update=True)
            before = comment.status
            distinct = comments.report(comment, uuid.UUID(actor.user_id), data.get("reason"), now)
            domain.reported(comment, distinct, threshold=self.settings.reports_to_hide, now=now)
            self._announce(session, comment, domain.visibility_change(before, comment.status, "reported"), now)
            return _reported.dump({"id": comment.id, "reports": distinct, "hidden": comment.status == "hidden"})

    def moderate_comment(self, actor, comment_id, action):
        """approve (publish) or hide, by the article tenant's moderators."""
        policy.require_moderator(actor)
        if action not in domain.ACTIONS:
            raise NotFound.of("action", action)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            comment = Comments(session, actor).moderated(comment_id, for_update=True)
            before = comment.status
            domain.moderate(comment, action, by=uuid_or_none(actor.user_id), now=now)
            reason = "approved" if action == "approve" else "hidden"
            self._announce(session, comment, domain.visibility_change(before, comment.status, reason), now)
            return _comment.dump(comment)

    def list_comment_settings(self, actor):
        """The comment settings of the sections the actor sees (content's: the central ones, then
        the own tenant's sub-site's active ones): saved or the defaults, and whether the actor may
        change each (``policy.may_set_comment_section``). Moderators and admins."""
        policy.require_moderator(actor)
        sections = [s for s in self.find_sections(actor) or [] if s.get("status", "active") == "active"]
        keyed = [(domain.settings_site_key(s["key"], actor.tenant_id), s) for s in sections]
        keyed = [(site, s) for site, s in keyed if site]
        with self.sessions.read() as session:
            saved = CommentSettings(session).of_sites({site for site, _ in keyed})
        items = []
        for site, section in keyed:
            row = saved.get((site, section["key"]))
            premoderated, guests_allowed = domain.section_rules(row)
            items.append(
                {
                    "site_key": site,
                    "section": section["key"],
                    "section_name": section.get("name") or section["key"],
                    "scope": "central" if site == "portal" else "component",
                    "premoderated": premoderated,
                    "guests_allowed": guests_allowed,
                    "saved": row is not None,
                    "may_change": policy.may_set_comment_section(actor, site),
                }
            )
        return _sections.dump({"items": items})

    def put_comment_settings(self, actor, data):
        """Pre-moderation and guest comments of a section: central sections by platform admins,
        a sub-site's sections by its admin. A sub-site section content does not know (or has
        archived) is refused beside ``section``."""
        policy.require_signed_in(actor)
        data = load(api.CommentSettings, data)
        site_key = domain.settings_site_key(data["section"], actor.tenant_id)
        if not site_key or not policy.may_set_comment_section(actor, site_key):
            raise Forbidden("Bạn không được thay đổi thiết lập bình luận của chuyên mục này.", code="NOT_ALLOWED")
        if site_key != "portal":
            own = {
                s["key"]
                for s in self.find_sections(actor) or []
                if s.get("scope") == "component" and s.get("status", "active") == "active"
            }
            if data["section"] not in own:
                raise InvalidInput.field(
                    "section",
                    f"Trang thành phần của đơn vị không có chuyên mục «{data['section']}». "
                    "Chọn một chuyên mục trong danh sách.",
                    code="UNKNOWN_SECTION",
                )
        with self.sessions.transaction() as session:
            row = CommentSettings(session).put(
                site_key, data["section"], data["premoderated"], data["guests_allowed"], self.clock.now()
            )
            return _settings.dump(row)

    def hide_article_comments(self, session, article_id, tenant_id):
        """``content.article_unpublished``: the article's comments are hidden, in the handler's
        transaction; announced when some were visible."""
        comments, article, now = Comments(session, SYSTEM), uuid.UUID(article_id), self.clock.now()
        visible = comments.visible_count(article)
        hidden = comments.hide_article(article, now)
        if visible:
            self._changed(session, tenant_id, article, "article_unpublished", now)
        return hidden
