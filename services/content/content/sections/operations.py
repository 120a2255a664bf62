"""The section use cases: the central sections and a tenant's own sub-site sections."""

import uuid

from content import policy
from content.sections.models import Section
from content.sections.store import SectionStore
from platform_shared.errors import Conflict, NotFound
from platform_shared.schemas import content as api
from platform_shared.schemas import load
from platform_shared.views import uuid_or_none

_SECTION = api.SectionRead()
_SECTIONS = api.SectionRead(many=True)


class SectionOperations:
    def __init__(self, sessions, *, clock):
        self.sessions = sessions
        self.clock = clock

    def list(self, actor):
        """The central sections, then the actor's tenant's own."""
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            store = SectionStore(session)
            sections = list(store.central())
            if actor.tenant_id:
                sections += store.component(actor.tenant_id)
            return _SECTIONS.dump(sections)

    def create(self, actor, data):
        """A section of the actor's own sub-site (tenant admins and editors). Raises Conflict on a taken key."""
        policy.require_section_manager(actor, "tạo")
        data = load(api.SectionCreate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            store = SectionStore(session)
            if store.central_by_key(data["key"]) or store.component(actor.tenant_id, data["key"]):
                raise Conflict.taken("key", data["key"], "Mã chuyên mục", "SECTION_KEY_TAKEN")
            section = store.add(
                Section(
                    tenant_id=uuid.UUID(actor.tenant_id),
                    scope="component",
                    key=data["key"],
                    name=data["name"],
                    menu_order=data["menu_order"],
                    status="active",
                    created_at=now,
                    updated_at=now,
                )
            )
            return _SECTION.dump(section)

    def update(self, actor, section_id, data):
        """Rename, reorder or archive one of the actor's tenant's sections. Raises NotFound otherwise."""
        policy.require_section_manager(actor, "sửa")
        data = load(api.SectionUpdate, data)
        with self.sessions.transaction() as session:
            section = SectionStore(session).get(uuid_or_none(section_id, "section"))
            if section is None or section.scope != "component" or str(section.tenant_id) != actor.tenant_id:
                raise NotFound.of("section", section_id)
            for key, value in data.items():
                setattr(section, key, value)
            section.updated_at = self.clock.now()
            return _SECTION.dump(section)
