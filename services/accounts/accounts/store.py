"""The only module of the accounts service that queries the database.

Stores are built with the actor; whatever they return is something that actor
may see. ``SystemStore`` is for steps that must look across tenants (sign-in,
import checks) and is never handed an actor's input unfiltered.
"""

from datetime import date
from types import SimpleNamespace

from sqlalchemy import func, or_, select, true, update
from sqlalchemy.orm import joinedload

from accounts import policy
from accounts.domain import TENANT_KIND_LABELS, ExistingTenant, Throttle
from accounts.members import ExistingMember
from accounts.models import (
    ActivationToken,
    LoginThrottle,
    Member,
    RefreshToken,
    StaffRecord,
    Tenant,
    Unit,
    User,
    UserRole,
)
from platform_shared.database import as_uuid, bulk_insert, bulk_update, paginate
from platform_shared.errors import NotFound


class _Branch:
    """What a store built with a unit administrator knows of its branch: the root unit's id and
    path (read once per store), and the filters of ``policy`` built from them."""

    _root_path = None
    _root_read = False

    def branch_root(self):
        """The actor's branch root (a UUID), or None when its rights are its tenant's."""
        return policy.branch_root(self.actor)

    def branch_path(self):
        if not self._root_read:
            root = self.branch_root()
            if root is not None:
                self._root_path = self.session.scalar(
                    select(Unit.path).where(Unit.id == root, Unit.tenant_id == as_uuid(self.actor.tenant_id, "tenant"))
                )
            self._root_read = True
        return self._root_path

    def branch_unit_ids(self):
        """The ids of the branch's units (a set), or None for an actor whose rights are its tenant's."""
        if self.branch_root() is None:
            return None
        return set(self.session.scalars(policy.branch_unit_ids(self.actor, self.branch_path())).all())

    def _in_branch(self, make):
        """``make(actor, root path)`` for a unit administrator, or no filter."""
        if self.branch_root() is None:
            return true()
        return make(self.actor, self.branch_path())


def _search(column_a, column_b, q):
    like = f"%{q.lower()}%"
    return or_(func.lower(column_a).like(like), func.lower(column_b).like(like))


# The columns of ``UserStore.me``: what UserRead and TenantRead show (no password hash).
_ME_USER = (
    "id", "tenant_id", "username", "email", "full_name", "phone", "unit_id", "status",
    "created_at", "activated_at", "deactivated_at", "last_login_at",
)  # fmt: skip
_ME_TENANT = (
    "id", "code", "slug", "name", "short_name", "kind", "parent_id", "status",
    "merged_into_id", "merged_at", "created_at", "updated_at",
)  # fmt: skip


class TenantStore:
    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def _visible(self):
        return select(Tenant).where(policy.visible_tenants(self.actor))

    def get(self, tenant_id, *, for_update=False):
        """A tenant the actor may see, or NotFound."""
        stmt = self._visible().where(Tenant.id == as_uuid(tenant_id, "tenant"))
        if for_update:
            stmt = stmt.with_for_update()
        tenant = self.session.scalars(stmt).one_or_none()
        if tenant is None:
            raise NotFound.of("tenant", tenant_id)
        return tenant

    def list(self, *, page, per_page, kind=None, status=None, parent_id=None, q=None):
        """Tenants the actor may see, by name, as dicts that ``TenantRead`` dumps (plain columns:
        no ORM entity is built for a row that only goes out as JSON)."""
        tenants = Tenant.__table__
        stmt = select(tenants).where(policy.visible_tenants(self.actor))
        if kind:
            stmt = stmt.where(tenants.c.kind == kind)
        if status:
            stmt = stmt.where(tenants.c.status == status)
        if parent_id:
            stmt = stmt.where(tenants.c.parent_id == as_uuid(parent_id, "tenant"))
        if q:
            stmt = stmt.where(_search(tenants.c.name, tenants.c.code, q))
        items, total = paginate(self.session, stmt.order_by(tenants.c.name, tenants.c.id), page, per_page, mapped=True)
        for item in items:
            item["kind_label"] = TENANT_KIND_LABELS.get(item["kind"], item["kind"])
        return items, total

    def ancestor_ids(self, tenant_id):
        """Ids from the tenant's parent up to the root (the tree is shallow)."""
        ids, current = [], self.session.get(Tenant, as_uuid(tenant_id, "tenant"))
        while current is not None and current.parent_id is not None and len(ids) < 64:
            ids.append(current.parent_id)
            current = self.session.get(Tenant, current.parent_id)
        return ids

    def children(self, tenant_id):
        return self.session.scalars(select(Tenant).where(Tenant.parent_id == tenant_id)).all()

    def add(self, tenant):
        self.session.add(tenant)
        self.session.flush()
        return tenant


class SystemStore:
    """Cross-tenant lookups for sign-in, activation and import."""

    def __init__(self, session):
        self.session = session

    def existing_tenants(self):
        rows = self.session.execute(select(Tenant.id, Tenant.code, Tenant.slug, Tenant.status)).all()
        return {r.code: ExistingTenant(r.id, r.code, r.slug, r.status) for r in rows}

    def tenant_by_code(self, code):
        return self.session.scalars(select(Tenant).where(Tenant.code == code)).one_or_none()

    def tenant(self, tenant_id):
        return self.session.get(Tenant, tenant_id)

    def slug_taken(self, slug, except_id=None):
        stmt = select(Tenant.id).where(Tenant.slug == slug)
        if except_id is not None:
            stmt = stmt.where(Tenant.id != except_id)
        return self.session.scalars(stmt).first() is not None

    def code_taken(self, code):
        return (
            self.session.scalars(select(Tenant.id).where(func.lower(Tenant.code) == code.lower())).first() is not None
        )

    def usernames_taken(self, usernames=None):
        stmt = select(User.username)
        if usernames is not None:
            stmt = stmt.where(User.username.in_(list(usernames)))
        return set(self.session.scalars(stmt).all())

    def user_by_username(self, username):
        return self.session.scalars(select(User).where(User.username == username)).one_or_none()

    def user(self, user_id, *, for_update=False):
        return self.session.get(User, user_id, with_for_update=for_update or None)

    def activation_by_digest(self, token_digest, *, for_update=True):
        stmt = select(ActivationToken).where(ActivationToken.token_hash == token_digest)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.scalars(stmt).one_or_none()

    def revoke_open_activations(self, user_id, now):
        self.session.execute(
            update(ActivationToken)
            .where(
                ActivationToken.user_id == user_id,
                ActivationToken.used_at.is_(None),
                ActivationToken.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )

    def refresh_by_digest(self, token_digest):
        return self.session.scalars(
            select(RefreshToken).where(RefreshToken.token_hash == token_digest).with_for_update()
        ).one_or_none()

    def revoke_family(self, family_id, now, reason):
        self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason)
        )

    def revoke_user_tokens(self, user_id, now, reason):
        self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason)
        )

    def throttle(self, key):
        row = self.session.scalars(
            select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
        ).one_or_none()
        if row is None:
            return None
        return Throttle(row.failures, row.window_started_at, row.locked_until)

    def save_throttle(self, key, state):
        row = self.session.get(LoginThrottle, key)
        if state is None:
            if row is not None:
                self.session.delete(row)
            return
        if row is None:
            row = LoginThrottle(key=key)
            self.session.add(row)
        row.failures, row.window_started_at, row.locked_until = (
            state.failures,
            state.window_started_at,
            state.locked_until,
        )

    def move_tenant_rows(self, from_id, into_id):
        """Users, roles, units, staff and child tenants follow a merge."""
        for model in (User, UserRole, Unit, StaffRecord, ActivationToken, RefreshToken, Member):
            self.session.execute(update(model).where(model.tenant_id == from_id).values(tenant_id=into_id))
        self.session.execute(update(Tenant).where(Tenant.parent_id == from_id).values(parent_id=into_id))

    def users_of(self, tenant_id):
        return self.session.scalars(select(User).where(User.tenant_id == tenant_id)).all()

    def rows_of(self, tenant_id):
        """How many users, units, staff records and members a tenant holds (what a merge moves)."""
        counted = {"users": User, "units": Unit, "staff": StaffRecord, "members": Member}
        return {
            name: self.session.scalar(select(func.count()).select_from(model).where(model.tenant_id == tenant_id))
            for name, model in counted.items()
        }

    def sessions_revoked_since(self, since):
        """Users and tenants whose sessions were ended at or after ``since``."""
        users = self.session.execute(
            select(User.id, User.tenant_id, User.session_version, User.sessions_revoked_at).where(
                User.sessions_revoked_at >= since
            )
        ).all()
        tenants = self.session.execute(
            select(Tenant.id, Tenant.sessions_revoked_at).where(Tenant.sessions_revoked_at >= since)
        ).all()
        return users, tenants


class UnitStore(_Branch):
    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def _visible(self):
        return select(Unit).where(policy.own_tenant_rows(self.actor, Unit), self._in_branch(policy.branch_units))

    def get(self, unit_id, *, tenant_id=None):
        stmt = self._visible().where(Unit.id == as_uuid(unit_id, "unit"))
        if tenant_id is not None:
            stmt = stmt.where(Unit.tenant_id == tenant_id)
        unit = self.session.scalars(stmt).one_or_none()
        if unit is None:
            raise NotFound.of("unit", unit_id)
        return unit

    def list(self, *, page, per_page, tenant_id=None, root=None, parent_id=None, status=None, q=None):
        stmt = self._visible()
        if tenant_id is not None:
            stmt = stmt.where(Unit.tenant_id == tenant_id)
        if root is not None:
            stmt = stmt.where(Unit.tenant_id == root.tenant_id, Unit.path.startswith(root.path))
        if parent_id is not None:
            stmt = stmt.where(Unit.parent_id == as_uuid(parent_id, "unit"))
        if status:
            stmt = stmt.where(Unit.status == status)
        if q:
            stmt = stmt.where(_search(Unit.name, func.coalesce(Unit.code, ""), q))
        return paginate(self.session, stmt.order_by(Unit.path), page, per_page)

    def coded(self, tenant_id, codes):
        """The units of the tenant the actor sees whose code is among ``codes``."""
        found = []
        for chunk in _chunks(codes):
            found += self.session.scalars(
                self._visible().where(Unit.tenant_id == tenant_id, Unit.code.in_(chunk))
            ).all()
        return found

    def code_taken(self, tenant_id, code, except_id=None):
        stmt = select(Unit.id).where(Unit.tenant_id == tenant_id, Unit.code == code)
        if except_id is not None:
            stmt = stmt.where(Unit.id != except_id)
        return self.session.scalars(stmt).first() is not None

    def move_branch(self, unit, new_path, new_depth):
        """Rewrite the path of ``unit`` and everything under it."""
        old_path, delta = unit.path, new_depth - unit.depth
        for row in self.session.scalars(
            select(Unit).where(Unit.tenant_id == unit.tenant_id, Unit.path.startswith(old_path))
        ).all():
            row.path = new_path + row.path[len(old_path) :]
            row.depth = row.depth + delta

    def add(self, unit):
        self.session.add(unit)
        self.session.flush()
        return unit


class UserStore(_Branch):
    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def _visible(self):
        return select(User).where(policy.own_tenant_rows(self.actor, User), self._in_branch(policy.branch_users))

    def get(self, user_id):
        stmt = self._visible().where(User.id == as_uuid(user_id, "user")).options(joinedload(User.role_rows))
        user = self.session.scalars(stmt).unique().one_or_none()
        if user is None:
            raise NotFound.of("user", user_id)
        return user

    def me(self):
        """The actor's own account (its roles read) and its tenant, in one statement, as
        ``(user, tenant)`` attribute bags that ``UserRead`` and ``TenantRead`` dump; NotFound
        when the token names no such user of its tenant.

        ``GET /me`` opens every client's session: issue 18 measured 2 statements plus ORM entity
        loading (``TenantStore.get`` alone 17-20 % of the service's samples). One join of plain
        columns, no entities. One's own account is visible whatever one administers, so the
        branch filter of ``get`` is not applied (it costs a query of its own for unit admins)."""
        users, tenants, roles = User.__table__, Tenant.__table__, UserRole.__table__
        stmt = (
            select(
                *(users.c[name] for name in _ME_USER),
                *(tenants.c[name].label(f"t_{name}") for name in _ME_TENANT),
                roles.c.role,
                roles.c.unit_id.label("role_unit_id"),
            )
            .select_from(
                users.join(tenants, tenants.c.id == users.c.tenant_id).outerjoin(roles, roles.c.user_id == users.c.id)
            )
            .where(users.c.id == as_uuid(self.actor.user_id, "user"), policy.own_tenant_rows(self.actor, users.c))
        )
        rows = self.session.execute(stmt).all()
        if not rows:
            raise NotFound.of("user", self.actor.user_id)
        first = rows[0]
        user = SimpleNamespace(
            **{name: first[i] for i, name in enumerate(_ME_USER)},
            roles=sorted(r.role for r in rows if r.role is not None),
            admin_unit_id=next((r.role_unit_id for r in rows if r.role == "unit_admin"), None),
        )
        offset = len(_ME_USER)
        tenant = SimpleNamespace(**{name: first[offset + i] for i, name in enumerate(_ME_TENANT)})
        tenant.kind_label = TENANT_KIND_LABELS.get(tenant.kind, tenant.kind)
        return user, tenant

    def list(self, *, page, per_page, tenant_id=None, status=None, role=None, unit_id=None, q=None):
        stmt = self._visible()
        if tenant_id is not None:
            stmt = stmt.where(User.tenant_id == tenant_id)
        if status:
            stmt = stmt.where(User.status == status)
        if role:
            stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
        if unit_id:
            stmt = stmt.where(User.unit_id == as_uuid(unit_id, "unit"))
        if q:
            stmt = stmt.where(_search(User.full_name, User.username, q))
        return paginate(self.session, stmt.order_by(User.full_name, User.id), page, per_page)

    def add(self, user):
        self.session.add(user)
        self.session.flush()
        return user

    def active_with_roles(self, roles, limit=500):
        """Active users of the actor's tenant holding one of ``roles``, by name, with their roles loaded."""
        stmt = (
            self._visible()
            .where(User.status == "active")
            .where(User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(list(roles)))))
            .options(joinedload(User.role_rows))
            .order_by(User.full_name, User.id)
            .limit(limit)
        )
        return self.session.scalars(stmt).unique().all()


class StaffStore(_Branch):
    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def _visible(self):
        return select(StaffRecord).where(
            policy.own_tenant_rows(self.actor, StaffRecord),
            self._in_branch(lambda actor, path: policy.branch_rows(actor, path, StaffRecord)),
        )

    def get(self, staff_id):
        record = self.session.scalars(self._visible().where(StaffRecord.id == as_uuid(staff_id, "staff"))).one_or_none()
        if record is None:
            raise NotFound.of("staff", staff_id)
        return record

    def list(self, *, page, per_page, today: date, tenant_id=None, unit_id=None, in_office=None, status=None, q=None):
        stmt = self._visible()
        if tenant_id is not None:
            stmt = stmt.where(StaffRecord.tenant_id == tenant_id)
        if unit_id:
            stmt = stmt.where(StaffRecord.unit_id == as_uuid(unit_id, "unit"))
        if status:
            stmt = stmt.where(StaffRecord.status == status)
        current = (StaffRecord.term_start <= today) & (StaffRecord.term_end.is_(None) | (StaffRecord.term_end >= today))
        if in_office is True:
            stmt = stmt.where(current)
        elif in_office is False:
            stmt = stmt.where(~current)
        if q:
            stmt = stmt.where(_search(StaffRecord.full_name, StaffRecord.position, q))
        return paginate(self.session, stmt.order_by(StaffRecord.full_name, StaffRecord.id), page, per_page)

    def add(self, record):
        self.session.add(record)
        self.session.flush()
        return record


_CHUNK = 5000


def _chunks(items, size=_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class MemberStore(_Branch):
    """The member register of one tenant at a time; bulk statements for imports. Built with a
    unit administrator, its reads (``list``, ``get``, ``status_counts``, ``unit_codes``) keep to
    the branch; the import's lookups by number (``existing``) see the tenant's whole register, and
    the import refuses the numbers registered outside the branch."""

    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def _branch_members(self):
        return self._in_branch(lambda actor, path: policy.branch_rows(actor, path, Member))

    def existing(self, tenant_id, numbers):
        """Registered members of the tenant among ``numbers``: number → ExistingMember."""
        found = {}
        for chunk in _chunks(numbers):
            rows = self.session.execute(
                select(
                    Member.id,
                    Member.user_id,
                    Member.number,
                    User.status,
                    Member.full_name,
                    Member.birth_date,
                    Member.gender,
                    Member.phone,
                    Member.email,
                    Member.unit_id,
                    Member.joined_on,
                )
                .join(User, User.id == Member.user_id)
                .where(Member.tenant_id == tenant_id, Member.number.in_(chunk))
            ).all()
            found.update({r.number: ExistingMember(*r) for r in rows})
        return found

    def unit_codes(self, tenant_id):
        """Unit code → (id, status) for the tenant's coded units (a unit administrator's branch only)."""
        rows = self.session.execute(
            select(Unit.code, Unit.id, Unit.status).where(
                Unit.tenant_id == tenant_id, Unit.code.is_not(None), self._in_branch(policy.branch_units)
            )
        ).all()
        return {r.code: (r.id, r.status) for r in rows}

    def usernames_taken(self, usernames):
        taken = set()
        for chunk in _chunks(usernames):
            taken.update(self.session.scalars(select(User.username).where(User.username.in_(chunk))).all())
        return taken

    def usernames_of(self, user_ids):
        found = {}
        for chunk in _chunks(user_ids):
            found.update(self.session.execute(select(User.id, User.username).where(User.id.in_(chunk))).all())
        return found

    def insert_many(self, users, roles, members, tokens):
        """New member accounts in bulk: one statement per table and chunk (``bulk_insert``)."""
        for model, rows in ((User, users), (UserRole, roles), (Member, members), (ActivationToken, tokens)):
            bulk_insert(self.session, model.__table__, rows)

    def update_many(self, members, users):
        """Changed register rows and their accounts, by ``id``; every dict of a list has the same keys."""
        for model, rows in ((Member, members), (User, users)):
            bulk_update(self.session, model.__table__, rows)

    def revoke_open_activations(self, user_ids, now):
        for chunk in _chunks(user_ids):
            self.session.execute(
                update(ActivationToken)
                .where(
                    ActivationToken.user_id.in_(chunk),
                    ActivationToken.used_at.is_(None),
                    ActivationToken.revoked_at.is_(None),
                )
                .values(revoked_at=now)
            )

    def list(self, *, tenant_id, page, per_page, q=None, unit_id=None, status=None):
        """One page of the tenant's register by name, with each member's user name and account status."""
        stmt = (
            select(Member, User.username, User.status)
            .join(User, User.id == Member.user_id)
            .where(policy.own_tenant_rows(self.actor, Member), Member.tenant_id == tenant_id, self._branch_members())
        )
        if q:
            like = f"%{q.lower()}%"
            stmt = stmt.where(
                or_(
                    func.lower(Member.full_name).like(like),
                    func.lower(Member.number).like(like),
                    Member.phone.like(like),
                    Member.email.like(like),
                )
            )
        if unit_id:
            stmt = stmt.where(Member.unit_id == as_uuid(unit_id, "unit"))
        if status:
            stmt = stmt.where(User.status == status)
        # A register has up to 10⁶ rows: count on its own, then read one page along the name index.
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        if not total:
            return [], total
        rows = self.session.execute(
            stmt.order_by(Member.full_name, Member.id).limit(per_page).offset((page - 1) * per_page)
        ).all()
        return [tuple(r) for r in rows], total

    def get(self, member_id, *, for_update=False):
        """``(Member, username, account status)`` of a register row the actor's tenant owns, or NotFound."""
        stmt = (
            select(Member, User.username, User.status)
            .join(User, User.id == Member.user_id)
            .where(
                policy.own_tenant_rows(self.actor, Member),
                self._branch_members(),
                Member.id == as_uuid(member_id, "member"),
            )
        )
        if for_update:
            stmt = stmt.with_for_update(of=Member)
        found = self.session.execute(stmt).one_or_none()
        if found is None:
            raise NotFound.of("member", member_id)
        return tuple(found)

    def status_counts(self, tenant_id):
        """``{account status: members}`` of the tenant's register."""
        rows = self.session.execute(
            select(User.status, func.count())
            .select_from(Member)
            .join(User, User.id == Member.user_id)
            .where(policy.own_tenant_rows(self.actor, Member), Member.tenant_id == tenant_id, self._branch_members())
            .group_by(User.status)
        ).all()
        return {status: n for status, n in rows}

    def count_by_tenant(self, tenant_ids):
        """Members (users holding the ``member`` role, not deactivated) per tenant id."""
        counts = dict.fromkeys(tenant_ids, 0)
        rows = self.session.execute(
            select(UserRole.tenant_id, func.count())
            .join(User, User.id == UserRole.user_id)
            .where(UserRole.role == "member", UserRole.tenant_id.in_(list(tenant_ids)), User.status != "deactivated")
            .group_by(UserRole.tenant_id)
        ).all()
        counts.update({tenant_id: n for tenant_id, n in rows})
        return counts

    def clashing_numbers(self, from_id, into_id, limit=10):
        """Member numbers registered in both tenants (a merge would make them ambiguous)."""
        other = select(Member.number).where(Member.tenant_id == into_id)
        return self.session.scalars(
            select(Member.number)
            .where(Member.tenant_id == from_id, Member.number.in_(other))
            .order_by(Member.number)
            .limit(limit)
        ).all()
