"""Queries of the articles, their revisions and their history; scoped by the actor."""

from sqlalchemy import and_, func, select, update

from content import policy
from content.articles.models import Article, ArticleActivity, ArticleRevision
from platform_shared.database import as_uuid, paginate
from platform_shared.errors import NotFound


class ArticleStore:
    """What the actor may see (``policy.visible_articles``: their ``list`` cell of the policy's
    table); a desk's editors see what was submitted to the desk's sections (``desk_section_ids``)."""

    def __init__(self, session, actor, desk_section_ids=()):
        self.session, self.actor = session, actor
        self.desk_section_ids = list(desk_section_ids)

    def _visible(self):
        return select(Article).where(policy.visible_articles(self.actor, self.desk_section_ids))

    def get(self, article_id, *, for_update=False):
        """An article the actor may see, or NotFound (another tenant's draft, or an unpublished one
        for a reader of published work only)."""
        stmt = self._visible().where(Article.id == as_uuid(article_id, "article"))
        if for_update:
            stmt = stmt.with_for_update()
        article = self.session.scalars(stmt).one_or_none()
        if article is None:
            raise NotFound.of("article", article_id)
        return article

    def list(
        self,
        *,
        page,
        per_page,
        status=None,
        section_id=None,
        mine=None,
        q=None,
        tenant_id=None,
        changed_before=None,
        order="changed",
    ):
        """One page, most recently changed first (``waiting``: longest unchanged first); ``q`` looks in
        titles; ``changed_before``: only those unchanged since then."""
        stmt = self._visible()
        if tenant_id:
            stmt = stmt.where(Article.tenant_id == tenant_id)
        if changed_before is not None:
            stmt = stmt.where(Article.updated_at <= changed_before)
        if status:
            stmt = stmt.where(Article.status == status)
        if section_id:
            stmt = stmt.where(Article.section_id == section_id)
        if mine:
            stmt = stmt.where(policy.AUTHORED.where(self.actor, self.desk_section_ids))
        if q:
            like = f"%{q.lower()}%"
            stmt = stmt.where(func.lower(Article.title).like(like))
        ordering = (Article.updated_at.asc(),) if order == "waiting" else (Article.updated_at.desc(),)
        return paginate(self.session, stmt.order_by(*ordering, Article.id), page, per_page)

    def slugs_like(self, site_key, base):
        """Slugs of a site starting with ``base`` (to make a new one unique)."""
        return set(
            self.session.scalars(
                select(Article.slug).where(Article.site_key == site_key, Article.slug.like(f"{base}%"))
            ).all()
        )

    def add(self, article):
        self.session.add(article)
        self.session.flush()
        return article

    def add_revision(self, revision):
        self.session.add(revision)

    def add_activity(self, activity):
        self.session.add(activity)

    def revisions(self, article_id):
        return self.session.scalars(
            select(ArticleRevision).where(ArticleRevision.article_id == article_id).order_by(ArticleRevision.number)
        ).all()

    def revision(self, article_id, number):
        return self.session.scalars(
            select(ArticleRevision).where(ArticleRevision.article_id == article_id, ArticleRevision.number == number)
        ).first()

    def activity(self, article_id):
        return self.session.scalars(
            select(ArticleActivity).where(ArticleActivity.article_id == article_id).order_by(ArticleActivity.at)
        ).all()

    def last_comments(self, article_ids):
        """``{article id: the latest step with a comment}`` of those of ``article_ids`` whose history
        the actor may read (``policy.readable_history``), in one query."""
        if not article_ids:
            return {}
        readable = select(Article.id).where(
            Article.id.in_(list(article_ids)), policy.readable_history(self.actor, self.desk_section_ids)
        )
        commented = ArticleActivity.comment.is_not(None)
        latest = (
            select(ArticleActivity.article_id, func.max(ArticleActivity.at).label("at"))
            .where(ArticleActivity.article_id.in_(readable), commented)
            .group_by(ArticleActivity.article_id)
            .subquery()
        )
        rows = self.session.scalars(
            select(ArticleActivity)
            .join(latest, and_(ArticleActivity.article_id == latest.c.article_id, ArticleActivity.at == latest.c.at))
            .where(commented)
        ).all()
        return {row.article_id: row for row in rows}

    def due(self, now, limit=50):
        """Scheduled articles whose time has come, locked so that one replica publishes each."""
        return self.session.scalars(
            select(Article)
            .where(Article.status == "scheduled", Article.publish_at <= now)
            .order_by(Article.publish_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()

    def move_tenant(self, from_id, into_id):
        """A merge: the merged tenant's items, revisions and history belong to the surviving tenant."""
        for table in (Article, ArticleRevision, ArticleActivity):
            self.session.execute(update(table).where(table.tenant_id == from_id).values(tenant_id=into_id))
