"""Queries of the weekly quotas: rules, first submissions, closed weeks."""

from sqlalchemy import func, select

from content.articles.models import Article
from content.quotas import domain
from content.quotas.models import QuotaClosure, QuotaRule
from content.sections.models import Section
from platform_shared.database import dialect_insert


class QuotaStore:
    def __init__(self, session):
        self.session = session

    def rules(self):
        """Every rule row, by id."""
        return self.session.scalars(select(QuotaRule).order_by(QuotaRule.id)).all()

    def rule_set(self):
        """Every rule, as the domain's ``Rule``."""
        return [
            domain.Rule(
                id=row.id,
                tenant_kinds=tuple(row.tenant_kinds),
                section=row.section,
                min_items=row.min_items,
                min_photos_per_item=row.min_photos_per_item,
                effective_from=row.effective_from,
                effective_to=row.effective_to,
                label=row.label,
            )
            for row in self.rules()
        ]

    def rule_ids(self):
        return set(self.session.scalars(select(QuotaRule.id)).all())

    def add_rule(self, rule):
        self.session.add(rule)

    def submissions(self, tenant_ids, start, end):
        """``{tenant id: [Submission]}``: items first submitted by these tenants (as they were then)
        in [start, end)."""
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
        by_tenant = {}
        for tenant_id, section_key, submitted_at, photos, published_revision in rows:
            by_tenant.setdefault(tenant_id, []).append(
                domain.Submission(
                    section=section_key,
                    submitted_at=submitted_at,
                    photos=photos,
                    published=published_revision is not None,
                )
            )
        return by_tenant

    def items_by_section(self, tenant_id, start, end):
        """``{section key: (submitted, used)}`` per central section: items the tenant (as it was then)
        first submitted in [start, end), and how many of them were ever published."""
        used = func.count(Article.first_published_at)
        rows = self.session.execute(
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
        return {key: (submitted, used) for key, submitted, used in rows}

    def authors(self, tenant_ids, start, end):
        """``{tenant id: {user id}}``: who wrote the items these tenants (as they were then) first
        submitted in [start, end); items without a known author are left out."""
        rows = self.session.execute(
            select(Article.origin_tenant_id, Article.created_by)
            .where(
                Article.origin_tenant_id.in_(list(tenant_ids)),
                Article.first_submitted_at >= start,
                Article.first_submitted_at < end,
                Article.created_by.is_not(None),
            )
            .distinct()
        ).all()
        by_tenant = {tenant_id: set() for tenant_id in tenant_ids}
        for tenant_id, user_id in rows:
            by_tenant[tenant_id].add(user_id)
        return by_tenant

    def close(self, **closure):
        """Record a week closed for a tenant and rule; False when it already was. The key decides
        (``ON CONFLICT DO NOTHING``): of two overlapping ticks, the second waits for the first's
        commit and then writes nothing, so the week's fact is written once."""
        result = self.session.execute(
            dialect_insert(self.session, QuotaClosure)
            .values(**closure)
            .on_conflict_do_nothing(index_elements=["tenant_id", "week", "rule_id"])
        )
        return result.rowcount == 1
