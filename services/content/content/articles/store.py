"""Queries of the articles, their revisions and their history; scoped by the actor."""

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import defer

from content import policy
from content.articles.models import Article, ArticleActivity, ArticleRevision
from platform_shared.database import as_uuid, paginate
from platform_shared.errors import NotFound

# A list's items leave out the body and the search columns (up to 200 KB each); reading one
# of them from a listed item is an error, not a query per item.
_NOT_LISTED = tuple(
    defer(column, raiseload=True) for column in (Article.body, Article.search_exact, Article.search_folded)
)


class ArticleStore:
    """What the actor may see (``policy.visible_articles``: their ``list`` cell of the policy's
    table); a desk's editors see what was submitted to the desk's sections (``desk_section_ids``)."""

    def __init__(self, session, actor, desk_section_ids=()):
        self.session, self.actor = session, actor
        self.desk_section_ids = list(desk_section_ids)

    def _visible(self):
        return select(Article).where(policy.visible_articles(self.actor, self.desk_section_ids))

    def _mine(self):
        """Of what they see, what the actor created or co-authors (``policy.AUTHORED``)."""
        return policy.AUTHORED.where(self.actor, self.desk_section_ids)

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
            stmt = stmt.where(self._mine())
        if q:
            like = f"%{q.lower()}%"
            stmt = stmt.where(func.lower(Article.title).like(like))
        ordering = (Article.updated_at.asc(),) if order == "waiting" else (Article.updated_at.desc(),)
        stmt = stmt.order_by(*ordering, Article.id).options(*_NOT_LISTED)
        return paginate(self.session, stmt, page, per_page)

    def waiting(self, *, authored=(), queued=()):
        """``{status: (total, oldest)}`` in one query: for each of ``authored`` (statuses of the
        actor's own articles, as ``list``'s ``mine``) and of ``queued`` (statuses of everything they
        see, as ``list`` by status), how many articles and the one unchanged longest (a row of
        ``id``, ``title``, ``status``, ``updated_at``; the ``order="waiting"`` first). A status with
        none is left out; the two must not share a status."""
        wanted = []
        if authored:
            wanted.append(and_(Article.status.in_(list(authored)), self._mine()))
        if queued:
            wanted.append(Article.status.in_(list(queued)))
        if not wanted:
            return {}
        ranked = (
            self._visible()
            .with_only_columns(
                Article.id,
                Article.title,
                Article.status,
                Article.updated_at,
                func.count().over(partition_by=Article.status).label("total"),
                func.row_number()
                .over(partition_by=Article.status, order_by=(Article.updated_at.asc(), Article.id))
                .label("rank"),
            )
            .where(or_(*wanted))
            .subquery()
        )
        rows = self.session.execute(select(ranked).where(ranked.c.rank == 1)).all()
        return {row.status: (row.total, row) for row in rows}

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
