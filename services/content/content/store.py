"""The only module of the content service that queries the database."""

import uuid

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from content import policy
from content.models import (
    Article,
    ArticleActivity,
    ArticleRevision,
    Document,
    DocumentRecipient,
    QuotaClosure,
    QuotaRule,
    Section,
    TenantCopy,
)
from platform_shared.database import as_uuid, paginate
from platform_shared.errors import NotFound


class Tenants:
    """The service's copy of the tenant directory."""

    def __init__(self, session):
        self.session = session

    def get(self, tenant_id):
        return self.session.get(TenantCopy, as_uuid(tenant_id, "tenant")) if tenant_id else None

    def by_code(self, code):
        return self.session.scalars(select(TenantCopy).where(TenantCopy.code == code)).first()

    def by_slug(self, slug):
        return self.session.scalars(select(TenantCopy).where(TenantCopy.slug == slug)).first()

    def of_kinds(self, kinds):
        return self.session.scalars(
            select(TenantCopy).where(TenantCopy.kind.in_(list(kinds))).order_by(TenantCopy.name)
        ).all()

    def upsert(self, values):
        """Insert or update one tenant in one statement: an event and a sync may race."""
        dialect = self.session.get_bind().dialect.name
        insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[dialect]
        statement = insert(TenantCopy).values(**values)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["id"], set_={k: statement.excluded[k] for k in values if k != "id"}
            )
        )
        self.session.expire_all()
        return self.session.get(TenantCopy, values["id"])

    def count(self):
        return self.session.scalar(select(func.count()).select_from(TenantCopy))


class Sections:
    def __init__(self, session):
        self.session = session

    def central(self):
        return self.session.scalars(
            select(Section).where(Section.scope == "central").order_by(Section.menu_order)
        ).all()

    def central_by_key(self, key):
        return self.session.scalars(select(Section).where(Section.scope == "central", Section.key == key)).first()

    def component(self, tenant_id, key=None):
        stmt = select(Section).where(Section.scope == "component", Section.tenant_id == as_uuid(tenant_id, "tenant"))
        if key is not None:
            return self.session.scalars(stmt.where(Section.key == key)).first()
        return self.session.scalars(stmt.order_by(Section.menu_order, Section.name)).all()

    def get(self, section_id):
        return self.session.get(Section, section_id)

    def by_ids(self, ids):
        return {s.id: s for s in self.session.scalars(select(Section).where(Section.id.in_(list(ids)))).all()}

    def desk_section_ids(self, actor, tenants):
        """Central sections whose desk is the actor's tenant, when the actor is an editor there."""
        if not actor.tenant_id or "editor" not in actor.roles:
            return []
        own = tenants.get(actor.tenant_id)
        if own is None:
            return []
        return [s.id for s in self.central() if s.desk_code == own.code]

    def add(self, section):
        self.session.add(section)
        self.session.flush()
        return section


class Articles:
    def __init__(self, session, actor, desk_section_ids=()):
        self.session, self.actor = session, actor
        self.desk_section_ids = list(desk_section_ids)

    def _visible(self):
        return select(Article).where(policy.visible_articles(self.actor, self.desk_section_ids))

    def get(self, article_id, *, for_update=False):
        """An article the actor may see, or NotFound (another tenant's draft included)."""
        stmt = self._visible().where(Article.id == as_uuid(article_id, "article"))
        if for_update:
            stmt = stmt.with_for_update()
        article = self.session.scalars(stmt).one_or_none()
        if article is None:
            raise NotFound.of("article", article_id)
        return article

    def list(self, *, page, per_page, status=None, section_id=None, mine=None, q=None):
        stmt = self._visible()
        if status:
            stmt = stmt.where(Article.status == status)
        if section_id:
            stmt = stmt.where(Article.section_id == section_id)
        if mine and self.actor.user_id:
            stmt = stmt.where(Article.created_by == uuid.UUID(self.actor.user_id))
        if q:
            like = f"%{q.lower()}%"
            stmt = stmt.where(func.lower(Article.title).like(like))
        return paginate(self.session, stmt.order_by(Article.updated_at.desc(), Article.id), page, per_page)

    def slugs_like(self, site_key, base):
        return set(
            self.session.scalars(
                select(Article.slug).where(Article.site_key == site_key, Article.slug.like(f"{base}%"))
            ).all()
        )

    def add(self, article):
        self.session.add(article)
        self.session.flush()
        return article

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
        self.session.execute(update(Article).where(Article.tenant_id == from_id).values(tenant_id=into_id))
        self.session.execute(
            update(ArticleRevision).where(ArticleRevision.tenant_id == from_id).values(tenant_id=into_id)
        )
        self.session.execute(
            update(ArticleActivity).where(ArticleActivity.tenant_id == from_id).values(tenant_id=into_id)
        )


class Public:
    """Published items only: the portal, the sub-sites, search."""

    def __init__(self, session):
        self.session = session

    def published(self):
        return select(Article).where(Article.status == "published")

    def list(self, stmt, page, per_page, order):
        return paginate(self.session, stmt.order_by(*order), page, per_page, large=True)

    def by_slug(self, site_key, slug):
        return self.session.scalars(self.published().where(Article.site_key == site_key, Article.slug == slug)).first()


class Documents:
    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def _visible(self):
        if self.actor.is_platform_admin:
            return select(Document)
        tenant = as_uuid(self.actor.tenant_id, "tenant")
        addressed = select(DocumentRecipient.document_id).where(DocumentRecipient.tenant_id == tenant)
        return select(Document).where(
            or_(Document.tenant_id == tenant, Document.all_tenants.is_(True), Document.id.in_(addressed))
        )

    def get(self, document_id):
        document = self.session.scalars(self._visible().where(Document.id == as_uuid(document_id, "document"))).first()
        if document is None:
            raise NotFound.of("document", document_id)
        return document

    def list(self, stmt_filter, page, per_page):
        stmt = self._visible()
        for condition in stmt_filter:
            stmt = stmt.where(condition)
        return paginate(self.session, stmt.order_by(Document.issued_on.desc(), Document.number), page, per_page)

    def recipients(self, document_id):
        return self.session.scalars(select(DocumentRecipient).where(DocumentRecipient.document_id == document_id)).all()

    def recipient(self, document_id, tenant_id):
        return self.session.get(DocumentRecipient, (document_id, tenant_id))

    def number_taken(self, tenant_id, number):
        return (
            self.session.scalars(
                select(Document.id).where(Document.tenant_id == tenant_id, Document.number == number)
            ).first()
            is not None
        )


class Quotas:
    def __init__(self, session):
        self.session = session

    def rules(self):
        return self.session.scalars(select(QuotaRule).order_by(QuotaRule.id)).all()

    def submissions(self, tenant_ids, start, end):
        """Articles first submitted by these tenants (as they were then) in [start, end)."""
        rows = self.session.execute(
            select(
                Article.origin_tenant_id,
                Section.key,
                Article.first_submitted_at,
                Article.photo_count,
                Article.published_revision,
            )
            .join(Section, Section.id == Article.section_id)
            .where(
                Article.origin_tenant_id.in_(list(tenant_ids)),
                Article.first_submitted_at >= start,
                Article.first_submitted_at < end,
            )
        ).all()
        return rows

    def items_by_section(self, tenant_id, start, end):
        """Per central section: items the tenant (as it was then) first submitted in [start, end),
        and how many of them were ever published (used)."""
        used = func.count(Article.first_published_at)
        return self.session.execute(
            select(Section.key, func.count(Article.id), used)
            .join(Section, Section.id == Article.section_id)
            .where(
                Section.scope == "central",
                Article.origin_tenant_id == tenant_id,
                Article.first_submitted_at >= start,
                Article.first_submitted_at < end,
            )
            .group_by(Section.key)
        ).all()

    def closed(self, tenant_id, week, rule_id):
        return self.session.get(QuotaClosure, (tenant_id, week, rule_id)) is not None
