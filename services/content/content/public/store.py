"""Queries of public reading: published items only."""

from sqlalchemy import func, select

from content.articles.models import Article
from platform_shared import search
from platform_shared.database import paginate


class PublicStore:
    def __init__(self, session):
        self.session = session

    def _published(self):
        return select(Article).where(Article.status == "published")

    def page(
        self,
        *,
        page,
        per_page,
        section_id=None,
        tenant_id=None,
        portal_only=False,
        published_from=None,
        published_before=None,
        query=None,
    ):
        """Published items, newest first; with a search ``query`` (``platform_shared.search.Query``)
        the items matching it as typed come first."""
        stmt = self._published()
        if section_id is not None:
            stmt = stmt.where(Article.section_id == section_id)
        if tenant_id is not None:
            stmt = stmt.where(Article.tenant_id == tenant_id)
        if portal_only:
            stmt = stmt.where(Article.site == "portal")
        if published_from is not None:
            stmt = stmt.where(Article.published_at >= published_from)
        if published_before is not None:
            stmt = stmt.where(Article.published_at < published_before)
        order = [Article.published_at.desc(), Article.id]
        if query is not None:
            stmt = stmt.where(search.where_clause(query, Article.search_exact, Article.search_folded))
            order = [search.rank_expression(query, Article.search_exact), *order]
        return paginate(self.session, stmt.order_by(*order), page, per_page, large=True)

    def by_slug(self, site_key, slug):
        """The published item of a site (``portal`` or a tenant id) with this slug."""
        return self.session.scalars(self._published().where(Article.site_key == site_key, Article.slug == slug)).first()

    def count_in_central_sections(self, tenant_id):
        """How many of the tenant's items are published in the central sections."""
        return self.session.scalar(
            select(func.count())
            .select_from(Article)
            .where(Article.tenant_id == tenant_id, Article.status == "published", Article.site == "portal")
        )
