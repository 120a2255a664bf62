"""The only module of the polls core that queries the database (besides the bulk writer in intake.py).

``PollStore`` is built with the actor: what it returns is a poll that actor may see
(``policy.visible_polls``), so another tenant's poll is NotFound and a list is filtered
and paginated in SQL. ``Polls`` is the same store for the system: intake, the closing
timer and tenant merges look across tenants. The results' queries live in
``polls.results.store``.
"""

import uuid
from collections import defaultdict

from sqlalchemy import delete, select

from platform_shared.actor import SYSTEM
from platform_shared.database import as_uuid, paginate
from platform_shared.errors import NotFound
from platform_shared.tenant_directory import TenantDirectory
from polls import domain, policy
from polls.models import Poll, PollAudience, TenantCopy


class Tenants(TenantDirectory):
    """The service's copy of the tenant directory, with the tree eligibility is computed on."""

    def __init__(self, session):
        super().__init__(session, TenantCopy)

    def tree(self):
        """{id: {"parent_id", "merged_into_id", "name", "status", "kind"}} with string ids, for eligibility."""
        rows = self.session.execute(
            select(
                TenantCopy.id,
                TenantCopy.parent_id,
                TenantCopy.merged_into_id,
                TenantCopy.name,
                TenantCopy.status,
                TenantCopy.kind,
            )
        ).all()
        return {
            str(r.id): {
                "parent_id": str(r.parent_id) if r.parent_id else None,
                "merged_into_id": str(r.merged_into_id) if r.merged_into_id else None,
                "name": r.name,
                "status": r.status,
                "kind": r.kind,
            }
            for r in rows
        }

    def names(self, tenant_ids):
        """{tenant id (string): name} of the given tenants that the copy knows."""
        ids = {as_uuid(t, "tenant") for t in tenant_ids}
        if not ids:
            return {}
        rows = self.session.execute(select(TenantCopy.id, TenantCopy.name).where(TenantCopy.id.in_(ids)))
        return {str(r.id): r.name for r in rows}

    def all(self):
        """Every tenant of the copy, by name."""
        return self.session.scalars(select(TenantCopy).order_by(TenantCopy.name)).all()


class PollStore:
    """Polls the actor may see."""

    def __init__(self, session, actor):
        self.session, self.actor = session, actor
        self._filter = None

    def _visible(self):
        if self._filter is None:
            if not policy.by_eligibility(self.actor):
                self._filter = policy.visible_polls(self.actor)
            else:
                tree = Tenants(self.session).tree()
                reaching = domain.audiences_reaching(tree, self.actor.tenant_id)
                self._filter = policy.visible_polls(self.actor, reaching, self.actor.tenant_id in tree)
        return select(Poll).where(self._filter)

    def get(self, poll_id, *, lock=False):
        """A poll the actor may see, or NotFound (``lock``: FOR UPDATE)."""
        statement = self._visible().where(Poll.id == as_uuid(poll_id, "poll"))
        if lock:
            statement = statement.with_for_update()
        poll = self.session.scalars(statement).one_or_none()
        if poll is None:
            raise NotFound("Không tìm thấy phiếu trưng cầu ý kiến.", code="POLL_NOT_FOUND")
        return poll

    def list(self, *, page, per_page, status=None, portal=False, managed=False):
        """One page of the polls the actor may see, newest first; (items, total). ``portal``:
        the portal's list (``policy.listed_on_the_portal``); ``managed``: only those the actor
        manages (``policy.managed_polls``: the workspace's list)."""
        statement = self._visible()
        if portal:
            statement = statement.where(policy.listed_on_the_portal())
        if managed:
            statement = statement.where(policy.managed_polls(self.actor))
        if status:
            statement = statement.where(Poll.status == status)
        return paginate(self.session, statement.order_by(Poll.opens_at.desc(), Poll.id), page, per_page)

    def audience(self, poll_id):
        """The poll's audience tenant ids (strings)."""
        return [
            str(t)
            for t in self.session.scalars(select(PollAudience.tenant_id).where(PollAudience.poll_id == poll_id)).all()
        ]

    def audiences(self, poll_ids):
        """{poll id: [audience tenant ids]} of several polls at once."""
        result = defaultdict(list)
        if poll_ids:
            for row in self.session.execute(
                select(PollAudience.poll_id, PollAudience.tenant_id).where(PollAudience.poll_id.in_(list(poll_ids)))
            ):
                result[row.poll_id].append(str(row.tenant_id))
        return result

    def add(self, poll, tenant_ids):
        """A new poll and its audience."""
        self.session.add(poll)
        self.session.flush()
        self.set_audience(poll.id, tenant_ids)
        self.session.flush()
        return poll

    def set_audience(self, poll_id, tenant_ids):
        self.session.execute(delete(PollAudience).where(PollAudience.poll_id == poll_id))
        for tid in sorted(set(tenant_ids)):
            self.session.add(PollAudience(poll_id=poll_id, tenant_id=uuid.UUID(tid)))


class Polls(PollStore):
    """Every poll, for the system: intake, the closing timer, tenant merges."""

    def __init__(self, session):
        super().__init__(session, SYSTEM)

    def open_polls(self):
        """Polls taking answers now."""
        return self.session.scalars(
            select(Poll).where(Poll.status == "open").order_by(Poll.opens_at.desc(), Poll.id)
        ).all()

    def due_to_close(self, now):
        return self.session.scalars(
            select(Poll).where(Poll.status == "open", Poll.closes_at <= now).with_for_update(skip_locked=True)
        ).all()

    def move_tenant(self, merged, into):
        """Audiences and ownership of polls still running follow the surviving tenant."""
        moved = set()
        rows = self.session.execute(select(PollAudience).where(PollAudience.tenant_id == merged)).scalars().all()
        for row in rows:
            poll = self.session.get(Poll, row.poll_id)
            if poll is None or poll.status not in ("draft", "open"):
                continue
            exists = self.session.get(PollAudience, (row.poll_id, into))
            self.session.delete(row)
            if exists is None:
                self.session.flush()
                self.session.add(PollAudience(poll_id=row.poll_id, tenant_id=into))
            moved.add(row.poll_id)
        for poll in self.session.scalars(
            select(Poll).where(Poll.tenant_id == merged, Poll.status.in_(("draft", "open")))
        ):
            poll.tenant_id = into
            moved.add(poll.id)
        return moved
