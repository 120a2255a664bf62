"""The section use cases: the central sections and a tenant's own sub-site sections."""

import uuid

from content import policy
from content.sections import domain
from content.sections.models import Section
from content.sections.store import SectionStore
from platform_shared import outbox
from platform_shared.contracts import content as events
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
                    description=data["description"],
                    menu_order=data["menu_order"],
                    status="active",
                    created_at=now,
                    updated_at=now,
                )
            )
            self._site_updated(session, section, now)
            return _SECTION.dump(section)

    def update(self, actor, section_id, data):
        """Rename, describe, reorder (``menu_order``, or ``move`` one place up or down), hide
        (``archived``) or show one of the actor's tenant's sections. Raises NotFound otherwise."""
        policy.require_section_manager(actor, "sửa")
        data = load(api.SectionUpdate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            store = SectionStore(session)
            section = store.get(uuid_or_none(section_id, "section"))
            if section is None or section.scope != "component" or str(section.tenant_id) != actor.tenant_id:
                raise NotFound.of("section", section_id)
            direction = data.pop("move", None)
            if direction is not None:
                ordered = list(store.component(section.tenant_id))
                for other, order in domain.positions(domain.move(ordered, ordered.index(section), direction)):
                    if other.menu_order != order:
                        other.menu_order, other.updated_at = order, now
            for key, value in data.items():
                setattr(section, key, value)
            section.updated_at = now
            self._site_updated(session, section, now)
            return _SECTION.dump(section)

    def _site_updated(self, session, section, now):
        """The sub-site's menu changed: the gateway's public cache hears it (``content.site_updated``)."""
        outbox.add(
            session,
            events.SITE_UPDATED,
            {"tenant_id": str(section.tenant_id), "reason": "sections"},
            aggregate_id=section.tenant_id,
            now=now,
        )
