"""The grassroots coverage a federation reaches on the portal («100% CĐCS»): what accounts knows
of it, for the polls service's coverage tracker and the June/December reports.

Per tenant, over its *active* units of kind ``grassroots`` (công đoàn cơ sở):

* ``grassroots`` — how many there are;
* ``with_admin`` — those with an activated administrator: an ``active`` user holding ``unit_admin``
  bound to that unit (``user_role.unit_id``);
* ``with_members`` — those with at least one registered member (a register row whose account is not
  deactivated) in the unit *or below it* (its trade-union groups, *tổ công đoàn*, and any unit
  under it): members are often registered in the group they belong to, and the group is part of
  its grassroots union;
* ``contributing`` — those reached by one of the given authors: an author counts for every
  grassroots unit on the path of their account's unit (the unit itself or an ancestor), within
  the tenant the authors are given for;
* ``members`` — registered members of the tenant (register rows whose account is not deactivated),
  the base of the poll-respondent share.

Subtrees use the units' materialised paths: the paths of the units that have members (or authors)
are read once and split into ids, so the work is one pass over at most the tenant's units, never a
prefix join per grassroots unit.
"""

import uuid

from sqlalchemy import func, select

from accounts import policy
from accounts.models import Member, Unit, User, UserRole
from platform_shared.errors import InvalidInput

MAX_TENANTS = 1000
MAX_AUTHORS = 100000
CHUNK = 5000  # ids per IN list


def _uuids(values, field):
    try:
        return [uuid.UUID(str(v)) for v in values]
    except (ValueError, TypeError, AttributeError):
        raise InvalidInput.field(field, "Mã không hợp lệ.") from None


def _chunks(items):
    items = list(items)
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _path_ids(path):
    return path.strip("/").split("/") if path else []


class CoverageStore:
    """The queries of the coverage figures; the caller has checked who may ask."""

    def __init__(self, session):
        self.session = session

    def grassroots(self, tenant_ids):
        """``{unit id (text): tenant id}`` of the active grassroots units of these tenants."""
        rows = self.session.execute(
            select(Unit.id, Unit.tenant_id).where(
                Unit.tenant_id.in_(tenant_ids), Unit.kind == "grassroots", Unit.status == "active"
            )
        ).all()
        return {str(unit_id): tenant_id for unit_id, tenant_id in rows}

    def administered(self, tenant_ids):
        """Unit ids (text) with an active user holding ``unit_admin`` bound to them."""
        rows = self.session.execute(
            select(UserRole.unit_id)
            .join(User, User.id == UserRole.user_id)
            .where(
                UserRole.tenant_id.in_(tenant_ids),
                UserRole.role == "unit_admin",
                UserRole.unit_id.is_not(None),
                User.status == "active",
            )
            .distinct()
        ).all()
        return {str(unit_id) for (unit_id,) in rows}

    def member_unit_paths(self, tenant_ids):
        """Paths of the units holding at least one registered, not deactivated member: one probe of
        ``ix_member_unit_id`` per unit that stops at the first member, not a pass over 10⁶ members."""
        registered = (
            select(Member.id)
            .join(User, User.id == Member.user_id)
            .where(Member.unit_id == Unit.id, User.status != "deactivated")
            .exists()
        )
        return self.session.scalars(select(Unit.path).where(Unit.tenant_id.in_(tenant_ids), registered)).all()

    def members(self, tenant_ids):
        """``{tenant id: registered members whose account is not deactivated}``."""
        rows = self.session.execute(
            select(Member.tenant_id, func.count())
            .join(User, User.id == Member.user_id)
            .where(Member.tenant_id.in_(tenant_ids), User.status != "deactivated")
            .group_by(Member.tenant_id)
        ).all()
        return dict(rows)

    def unit_paths_of_users(self, user_ids):
        """``{user id (text): path of their account's unit}`` (users without a unit left out)."""
        found = {}
        for chunk in _chunks(user_ids):
            rows = self.session.execute(
                select(User.id, Unit.path).join(Unit, Unit.id == User.unit_id).where(User.id.in_(chunk))
            ).all()
            found.update({str(user_id): path for user_id, path in rows})
        return found


class CoverageOperations:
    def grassroots_coverage(self, actor, tenant_ids, authors=None):
        """``{tenant id: {grassroots, with_admin, with_members, contributing, members}}`` (see the
        module). ``authors``: ``{tenant id: [user id]}`` — the people whose items count for that
        tenant (polls gives content's ``contributors_in_period``); only that tenant's grassroots
        units are counted for them. The system (polls), platform admins, a tenant's own admins."""
        if not isinstance(tenant_ids, list | tuple) or len(tenant_ids) > MAX_TENANTS:
            raise InvalidInput.field("tenant_ids", f"Cần một danh sách mã đơn vị (tối đa {MAX_TENANTS}).")
        ids = set(_uuids(tenant_ids, "tenant_ids"))
        authors = authors or {}
        if not isinstance(authors, dict) or sum(len(v or ()) for v in authors.values()) > MAX_AUTHORS:
            raise InvalidInput.field("authors", f"Cần một bảng đơn vị → người viết (tối đa {MAX_AUTHORS} người).")
        wanted = {uuid.UUID(str(t)): set(_uuids(users or (), "authors")) for t, users in authors.items()}
        if set(_uuids(authors, "authors")) - ids:
            raise InvalidInput.field("authors", "Người viết phải thuộc các đơn vị được hỏi.")
        for tenant_id in ids:
            policy.require_may_count_members(actor, tenant_id)
        result = {str(t): dict.fromkeys(("grassroots", "with_admin", "with_members", "contributing", "members"), 0)
                  for t in ids}  # fmt: skip
        if not ids:
            return result
        with self.sessions.read() as session:
            store = CoverageStore(session)
            units = store.grassroots(ids)
            administered = store.administered(ids)
            member_paths = store.member_unit_paths(ids)
            members = store.members(ids)
            author_paths = store.unit_paths_of_users({u for users in wanted.values() for u in users})
        for unit_id, tenant_id in units.items():
            entry = result[str(tenant_id)]
            entry["grassroots"] += 1
            entry["with_admin"] += unit_id in administered
        for unit_id in _reached(member_paths, units):
            result[str(units[unit_id])]["with_members"] += 1
        for tenant_id, users in wanted.items():
            paths = [author_paths[str(u)] for u in users if str(u) in author_paths]
            reached = [u for u in _reached(paths, units) if units[u] == tenant_id]
            result[str(tenant_id)]["contributing"] += len(reached)
        for tenant_id, count in members.items():
            result[str(tenant_id)]["members"] = count
        return result


def _reached(paths, grassroots):
    """The grassroots unit ids on these unit paths (each unit itself or an ancestor), once each."""
    return {unit_id for path in paths for unit_id in _path_ids(path) if unit_id in grassroots}
