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
