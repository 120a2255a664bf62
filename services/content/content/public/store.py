"""Queries of public reading: published items, their corrections, public documents only."""

from datetime import date

from sqlalchemy import func, select

from content.articles.models import Article, ArticleRevision
from content.documents.models import Document
from platform_shared import search
from platform_shared.database import as_uuid, paginate

RELATED = 5  # other items of the section shown under an article


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

    def corrections(self, article_id):
        """An article's corrections (each published at once), newest first."""
        return self.session.scalars(
            select(ArticleRevision)
            .where(ArticleRevision.article_id == article_id, ArticleRevision.kind == "correction")
            .order_by(ArticleRevision.number.desc())
        ).all()

    def related(self, article, limit=RELATED):
        """Other published items of the article's section on the same site, newest first."""
        return self.session.scalars(
            self._published()
            .where(
                Article.section_id == article.section_id,
                Article.site_key == article.site_key,
                Article.id != article.id,
            )
            .order_by(Article.published_at.desc(), Article.id)
            .limit(limit)
        ).all()


class PublicDocumentStore:
    """The portal's public library: active documents issued with ``public``."""

    def __init__(self, session):
        self.session = session

    def _public(self):
        return select(Document).where(Document.public.is_(True), Document.status == "active")

    def page(self, *, page, per_page, doc_type=None, issuer=None, tenant_id=None, year=None, query=None):
        """Newest issued first; with a search ``query`` the documents matching it as typed come first."""
        stmt = self._public()
        if doc_type:
            stmt = stmt.where(Document.doc_type == doc_type)
        if issuer:
            stmt = stmt.where(Document.issuer == issuer)
        if tenant_id is not None:
            stmt = stmt.where(Document.tenant_id == tenant_id)
        if year:
            stmt = stmt.where(Document.issued_on >= date(year, 1, 1), Document.issued_on < date(year + 1, 1, 1))
        order = [Document.issued_on.desc(), Document.created_at.desc(), Document.id]
        if query is not None:
            stmt = stmt.where(search.where_clause(query, Document.search_exact, Document.search_folded))
            order = [search.rank_expression(query, Document.search_exact), *order]
        return paginate(self.session, stmt.order_by(*order), page, per_page)

    def get(self, document_id):
        """A public document, or None (a malformed id raises NotFound)."""
        ident = as_uuid(document_id, "document")
        return self.session.scalars(self._public().where(Document.id == ident)).first()

    def issuers(self, limit=500):
        """The distinct issuers of the public library."""
        return self.session.scalars(
            select(Document.issuer)
            .where(Document.public.is_(True), Document.status == "active")
            .distinct()
            .limit(limit)
        ).all()
