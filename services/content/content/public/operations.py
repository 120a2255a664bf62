"""Public reading: the portal's sections, a tenant's items, Vietnamese search, the sub-sites
and their directory, the public document library.

Anonymous: every answer is published material only. The gateway caches these answers and
clears its cache on ``content.article_published|unpublished|corrected|site_updated`` and
``content.document_published``.
"""

from datetime import timedelta

from content.public import domain, views
from content.public.store import PublicDocumentStore, PublicStore
from content.quotas.domain import day_start
from content.sections.store import SectionStore
from platform_shared import search
from platform_shared.errors import InvalidInput, NotFound
from platform_shared.schemas import content as api
from platform_shared.schemas import load


class PublicReading:
    def __init__(self, sessions, *, tenants):
        self.sessions = sessions
        self.tenants = tenants  # session -> the tenant directory

    def articles(self, args):
        """Published items: a central section's, a tenant's, or (neither) the portal's; ``q`` searches."""
        args = load(api.PublicArticleArgs, args or {})
        with self.sessions.read() as session:
            tenants = self.tenants(session)
            section_id = tenant = None
            if args.get("tenant"):
                tenant = tenants.by_slug(args["tenant"])
                if tenant is None:
                    raise NotFound.of("tenant", args["tenant"])
            if args.get("section"):
                sections = SectionStore(session)
                # With a tenant, a section may also be one of the tenant's own (its sub-site's menu).
                section = sections.central_by_key(args["section"]) or (
                    sections.component(tenant.id, args["section"]) if tenant is not None else None
                )
                if section is None or section.status != "active":
                    raise InvalidInput.field(
                        "section", f"Không có chuyên mục «{args['section']}».", code="UNKNOWN_SECTION"
                    )
                section_id = section.id
            tenant_id = tenant.id if tenant is not None else None
            items, total = PublicStore(session).page(
                page=args["page"],
                per_page=args["per_page"],
                section_id=section_id,
                tenant_id=tenant_id,
                portal_only=not args.get("tenant") and not args.get("section"),
                published_from=day_start(args["since"]) if args.get("since") else None,
                published_before=day_start(args["until"]) + timedelta(days=1) if args.get("until") else None,
                query=search.parse_query(args["q"]) if args.get("q") else None,
            )
            sections = SectionStore(session).by_ids({a.section_id for a in items})
            return views.page(items, sections, _tenants_of(tenants, items), total, args)

    def article(self, slug, args):
        """One published item by slug: the portal's, or a sub-site's (``site``: the tenant's slug)."""
        args = load(api.PublicArticleRef, args or {})
        if not api.is_storable(slug):  # no article has such a slug, and PostgreSQL refuses to compare it
            raise NotFound.of("article")
        with self.sessions.read() as session:
            tenants = self.tenants(session)
            site_key = "portal"
            if args.get("site"):
                tenant = tenants.by_slug(args["site"])
                if tenant is None:
                    raise NotFound.of("article", slug)
                site_key = str(tenants.surviving(tenant).id)
            store = PublicStore(session)
            article = store.by_slug(site_key, slug)
            if article is None:
                raise NotFound.of("article", slug)
            section = SectionStore(session).get(article.section_id)
            related = store.related(article)
            return views.article(
                article,
                section,
                tenants.get(article.tenant_id),
                corrections=store.corrections(article.id),
                related=related,
                related_tenants=_tenants_of(tenants, related),
            )

    def sites(self, args):
        """The sub-sites: active tenants of ``SITE_KINDS`` with a slug, by kind then by name, each
        with its parent (for the portal's tree of units)."""
        args = load(api.PublicSitesArgs, args or {})
        kinds = [args["kind"]] if args.get("kind") else api.SITE_KINDS
        with self.sessions.read() as session:
            tenants = self.tenants(session)
            sites = sorted(
                (t for t in tenants.of_kinds(kinds) if t.status == "active" and t.slug),
                key=domain.site_order,
            )
            parents = {ident: tenants.get(ident) for ident in {t.parent_id for t in sites if t.parent_id}}
            return views.sites(sites, parents)

    def documents(self, args):
        """The public document library: ``q`` (number, abstract, issuer; diacritics optional),
        ``doc_type``, ``issuer``, ``tenant`` (the issuer's slug), ``year``; newest issued first."""
        args = load(api.PublicDocumentArgs, args or {})
        query = search.parse_query(args["q"]) if args.get("q") else None
        with self.sessions.read() as session:
            tenants = self.tenants(session)
            tenant_id = None
            if args.get("tenant"):
                tenant = tenants.by_slug(args["tenant"])
                if tenant is None:
                    raise NotFound.of("tenant", args["tenant"])
                tenant_id = tenant.id
            store = PublicDocumentStore(session)
            items, total = store.page(
                page=args["page"],
                per_page=args["per_page"],
                doc_type=args.get("doc_type"),
                issuer=args.get("issuer"),
                tenant_id=tenant_id,
                year=args.get("year"),
                query=query,
            )
            issuers = sorted(store.issuers(), key=domain.vietnamese_key)
            return views.documents(items, _tenants_of(tenants, items), total, args, issuers)

    def document(self, document_id):
        """One document of the public library. Raises NotFound (not public, not active, no such id)."""
        with self.sessions.read() as session:
            document = PublicDocumentStore(session).get(document_id)
            if document is None:
                raise NotFound.of("document", document_id)
            return views.public_document(document, self.tenants(session).get(document.tenant_id))

    def site(self, tenant_slug, args):
        """A tenant's component sub-site: its menu, its published items (own sections and central ones)."""
        args = load(api.PageArgs, args or {})
        if not api.is_storable(tenant_slug):
            raise NotFound.of("tenant")
        with self.sessions.read() as session:
            tenants = self.tenants(session)
            asked = tenants.by_slug(tenant_slug)
            if asked is None:
                raise NotFound.of("tenant", tenant_slug)
            tenant = tenants.surviving(asked)
            store = PublicStore(session)
            items, total = store.page(page=args["page"], per_page=args["per_page"], tenant_id=tenant.id)
            sections = SectionStore(session)
            menu = [s for s in sections.component(tenant.id) if s.status == "active"]
            listed = views.page_data(
                items, sections.by_ids({a.section_id for a in items}), _tenants_of(tenants, items), total, args
            )
            return views.site(tenant, asked, menu, store.count_in_central_sections(tenant.id), listed)


def _tenants_of(tenants, items):
    """``{tenant id: row}`` of the items' tenants, in one query (the dict keeps the rows in the
    session's identity map, which holds them only weakly); an unknown tenant maps to None."""
    ids = {a.tenant_id for a in items}
    found = tenants.by_ids(ids)
    return {tenant_id: found.get(tenant_id) for tenant_id in ids}
