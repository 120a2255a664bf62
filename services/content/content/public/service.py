"""RPC methods of public reading, mixed into ContentService. Thin.

Callers: the gateway's public pages and its cache (with the anonymous actor, unused here:
everything answered is published).
"""

from platform_shared import transport
from platform_shared.rpc import rpc

EXPECTED = transport.EXPECTED


class PublicRpc:
    @rpc(expected_exceptions=EXPECTED)
    def public_articles(self, actor, args=None):
        """Published items (portal sections, a tenant, Vietnamese search), a ``PublicArticleRead`` page.
        Raises InvalidInput (unknown section, query too long), NotFound (unknown tenant)."""
        return self.app.public.articles(args)

    @rpc(expected_exceptions=EXPECTED)
    def public_article(self, actor, slug, args=None):
        """One published item by slug (``site``: a sub-site's tenant slug). Raises NotFound."""
        return self.app.public.article(slug, args)

    @rpc(expected_exceptions=EXPECTED)
    def public_site(self, actor, tenant_slug, args=None):
        """A tenant's sub-site (``SiteRead``); a merged tenant's slug answers with the surviving tenant."""
        return self.app.public.site(tenant_slug, args)

    @rpc(expected_exceptions=EXPECTED)
    def public_sites(self, actor, args=None):
        """The tenants with a sub-site (``kind``: one of ``SITE_KINDS``), with their parents, by kind
        then name (``PublicSitesRead``). Raises InvalidInput (unknown kind)."""
        return self.app.public.sites(args)

    @rpc(expected_exceptions=EXPECTED)
    def public_documents(self, actor, args=None):
        """The public document library (``q``, ``doc_type``, ``issuer``, ``tenant``, ``year``, pages),
        a ``PublicDocumentPage``. Raises InvalidInput (a bad filter), NotFound (unknown tenant)."""
        return self.app.public.documents(args)

    @rpc(expected_exceptions=EXPECTED)
    def public_document(self, actor, document_id):
        """One public, active document (``PublicDocumentRead``). Raises NotFound otherwise."""
        return self.app.public.document(document_id)
