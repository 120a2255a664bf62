"""RPC methods of the sections, mixed into ContentService. Thin. Callers: the gateway."""

from platform_shared import transport
from platform_shared.actor import Actor
from platform_shared.rpc import rpc

EXPECTED = transport.EXPECTED


class SectionsRpc:
    @rpc(expected_exceptions=EXPECTED)
    def list_sections(self, actor):
        """``[SectionRead]``: the central sections, then the actor's tenant's own."""
        return self.app.sections.list(Actor.load(actor))

    @rpc(expected_exceptions=EXPECTED)
    def create_section(self, actor, data):
        """A section of the actor's tenant's sub-site; records content.site_updated. Raises Forbidden,
        Conflict (key taken), InvalidInput."""
        return self.app.sections.create(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def update_section(self, actor, section_id, data):
        """Rename, describe, reorder (``move`` up/down), hide or show one of the tenant's sections; records
        content.site_updated. Raises NotFound, Forbidden, InvalidInput."""
        return self.app.sections.update(Actor.load(actor), section_id, data)
