"""Queries of the sections."""

from sqlalchemy import select

from content import policy
from content.sections.models import Section
from platform_shared.database import as_uuid
from platform_shared.errors import InvalidInput


class SectionStore:
    def __init__(self, session):
        self.session = session

    def central(self):
        """The three central sections, in menu order."""
        return self.session.scalars(
            select(Section).where(Section.scope == "central").order_by(Section.menu_order)
        ).all()

    def central_by_key(self, key):
        return self.session.scalars(select(Section).where(Section.scope == "central", Section.key == key)).first()

    def component(self, tenant_id, key=None):
        """A tenant's own sections in menu order, or the one with ``key``."""
        stmt = select(Section).where(Section.scope == "component", Section.tenant_id == as_uuid(tenant_id, "tenant"))
        if key is not None:
            return self.session.scalars(stmt.where(Section.key == key)).first()
        return self.session.scalars(stmt.order_by(Section.menu_order, Section.name)).all()

    def resolve(self, actor, key):
        """The active section ``key`` names for the actor: a central one, else one of their own
        tenant's. Raises InvalidInput (``UNKNOWN_SECTION``)."""
        section = self.central_by_key(key)
        if section is None and actor.tenant_id:
            section = self.component(actor.tenant_id, key)
        if section is None or section.status != "active":
            raise InvalidInput.field("section", f"Không có chuyên mục «{key}».", code="UNKNOWN_SECTION")
        return section

    def desk(self, section, tenants):
        """Who reviews ``section``: a central section's desk tenant (by its code), or the owner."""
        if section.scope == "central":
            desk = tenants.by_code(section.desk_code)
            return policy.Desk(section.key, "central", str(desk.id) if desk else None)
        return policy.Desk(section.key, "component", str(section.tenant_id))

    def get(self, section_id):
        return self.session.get(Section, section_id) if section_id is not None else None

    def by_ids(self, ids):
        """``{id: section}`` for these ids."""
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
