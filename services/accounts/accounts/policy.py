"""Who may do what in the accounts service, in one place.

Another tenant's rows are invisible (the stores filter with these expressions, so
they answer 404); inside one's own tenant, missing a role is 403.

A unit administrator (``unit_admin``) administers one unit of its tenant — a grassroots union,
or an upper level with its grassroots unions — and everything under it (its *branch*): the
stores filter its units, users, staff records, members and member import jobs to that branch
with the expressions below, so anything above or beside it answers 404 exactly as another
tenant's rows do. Tenant-level work (the tenant itself, its whole register's counts, imports
of tenants) stays the tenant administrators' (403).
"""

import uuid

from sqlalchemy import false, or_, select, true

from accounts.domain import ROLE_LABELS
from accounts.models import MemberImport, Tenant, Unit, User, UserRole
from platform_shared.errors import Forbidden, NotFound
from platform_shared.policy import own_tenant_rows, require_signed_in  # noqa: F401  (used through this module)


def require_platform_admin(actor):
    require_signed_in(actor)
    if not actor.is_platform_admin:
        raise Forbidden(
            "Chỉ quản trị hệ thống (Văn phòng Tổng Liên đoàn) được làm việc này.", code="PLATFORM_ADMIN_REQUIRED"
        )


def require_system(actor):
    """Other services only (the gateway's catch-up of ended sessions)."""
    if not actor.system:
        raise Forbidden("Chỉ các dịch vụ của hệ thống được gọi chức năng này.", code="SYSTEM_ONLY")


def require_own_account(actor):
    """A person signed in with their own account: anonymous is 401, the system actor 403."""
    require_signed_in(actor)
    if actor.system or not actor.user_id:
        raise Forbidden(
            "Chức năng này chỉ dành cho người dùng đã đăng nhập bằng tài khoản của mình.",
            code="PERSONAL_ACCOUNT_REQUIRED",
        )


def require_admin_of(actor, tenant_id):
    """Platform admins, or the tenant's own administrators."""
    require_signed_in(actor)
    if actor.is_platform_admin:
        return
    if actor.tenant_id != str(tenant_id):
        raise NotFound.of("tenant", tenant_id)
    if "tenant_admin" not in actor.roles:
        raise Forbidden("Chỉ quản trị viên của đơn vị được làm việc này.", code="TENANT_ADMIN_REQUIRED")


# -- unit administrators --------------------------------------------------------------------

UNIT_ADMIN = "unit_admin"
# What a unit administrator may grant inside its branch, besides ``unit_admin`` itself for a unit
# strictly below its own: none of them gives a right over the tenant as a whole.
BRANCH_GRANTABLE = frozenset({"member", "contributor", UNIT_ADMIN})
_NO_UNIT = uuid.UUID(int=0)


def branch_root(actor):
    """The unit whose branch bounds the actor's administration: a unit administrator's unit (a
    UUID; one that matches nothing when its token names none), or None for everyone whose rights
    are their tenant's (tenant and platform administrators, the system, people who administer
    nothing)."""
    if actor.system or actor.is_platform_admin or "tenant_admin" in actor.roles or UNIT_ADMIN not in actor.roles:
        return None
    try:
        return uuid.UUID(str(actor.unit_id)) if actor.unit_id else _NO_UNIT
    except ValueError:
        return _NO_UNIT


def branch_unit_ids(actor, root_path):
    """SQL: the ids of the units in the branch whose root has ``root_path`` (None: no such unit)."""
    if root_path is None:
        return select(Unit.id).where(false())
    return select(Unit.id).where(Unit.tenant_id == uuid.UUID(actor.tenant_id), Unit.path.startswith(root_path))


def branch_units(actor, root_path):
    """SQL filter of ``Unit`` rows: the branch only (``root_path`` as for ``branch_unit_ids``)."""
    if root_path is None:
        return false()
    return Unit.path.startswith(root_path)


def branch_users(actor, root_path):
    """SQL filter of ``User`` rows a unit administrator sees: people whose unit is in its branch,
    and the unit administrators bound to a unit of it (itself among them)."""
    ids = branch_unit_ids(actor, root_path)
    return or_(User.unit_id.in_(ids), User.id.in_(select(UserRole.user_id).where(UserRole.unit_id.in_(ids))))


def branch_rows(actor, root_path, model):
    """SQL filter of rows with a ``unit_id`` (staff records, members, import jobs): those of the branch."""
    return model.unit_id.in_(branch_unit_ids(actor, root_path))


def require_branch_admin_of(actor, tenant_id):
    """Platform admins, the tenant's administrators, or a unit administrator of the tenant (its
    branch is the stores' business). Another tenant is 404, no administrator role 403."""
    require_signed_in(actor)
    if actor.is_platform_admin:
        return
    if actor.tenant_id != str(tenant_id):
        raise NotFound.of("tenant", tenant_id)
    if not actor.roles & {"tenant_admin", UNIT_ADMIN}:
        raise Forbidden("Chỉ quản trị viên của đơn vị được làm việc này.", code="TENANT_ADMIN_REQUIRED")


def branch_grant_problem(actor, roles, *, root_id, unit_id):
    """Why a unit administrator may not give ``roles`` to a person of ``unit_id`` (a message), or
    None. Inside its branch it grants member and contributor, and ``unit_admin`` only for a unit
    strictly below its own — never a role over the tenant, never an administrator beside or above."""
    refused = sorted(set(roles) - BRANCH_GRANTABLE)
    if refused:
        names = ", ".join(f"«{ROLE_LABELS.get(r, r)}»" for r in refused)
        return f"Quản trị công đoàn cơ sở không cấp được vai trò {names}; chỉ cấp Đoàn viên, Cộng tác viên."
    if UNIT_ADMIN in roles and unit_id == root_id:
        return (
            "Bạn chỉ cấp được vai trò «Quản trị công đoàn cơ sở» cho một đơn vị cấp dưới của đơn vị bạn quản trị, "
            "không cho chính đơn vị đó."
        )
    return None


def require_may_manage_user(actor, user, root_id):
    """A unit administrator changes only accounts whose every role it could grant (members,
    contributors, administrators of units below its own): not itself, not a peer, not a tenant
    administrator who happens to work in its branch."""
    if root_id is None:
        return
    bound = user.admin_unit_id
    if set(user.roles) - BRANCH_GRANTABLE or (UNIT_ADMIN in user.roles and bound == root_id):
        raise Forbidden(
            "Tài khoản này có vai trò mà quản trị công đoàn cơ sở không quản lý được; "
            "liên hệ quản trị viên của Liên đoàn.",
            code="USER_NOT_MANAGEABLE",
        )


def visible_member_imports(actor, root_path):
    """SQL filter of import jobs: the tenant's (all for platform admins); a unit administrator's
    branch only (the jobs started by it or by administrators of units below)."""
    tenant_rows = own_tenant_rows(actor, MemberImport)
    if branch_root(actor) is None:
        return tenant_rows
    return tenant_rows & branch_rows(actor, root_path, MemberImport)


def require_writer_of_a_tenant(actor):
    """A signed-in person of a tenant who writes (contributor, editor, tenant admin)."""
    require_signed_in(actor)
    if not actor.tenant_id or not set(actor.roles) & {"contributor", "editor", "tenant_admin"}:
        raise Forbidden("Chỉ người viết bài của đơn vị được xem danh sách đồng tác giả.", code="WRITER_REQUIRED")


def require_answerer_of_a_tenant(actor):
    """A signed-in person of a tenant who answers its questions (responder, tenant admin)."""
    require_signed_in(actor)
    if not actor.tenant_id or not set(actor.roles) & {"responder", "tenant_admin"}:
        raise Forbidden(
            "Chỉ cán bộ trả lời câu hỏi của đơn vị được xem danh sách người được giao.", code="ANSWERER_REQUIRED"
        )


def visible_tenants(actor):
    """Platform admins see every tenant; everyone else only their own."""
    if actor.is_platform_admin:
        return true()
    if not actor.tenant_id:
        return false()
    return Tenant.id == uuid.UUID(actor.tenant_id)


def acting_tenant(actor, requested):
    """The tenant an action applies to: one's own, or any for platform admins."""
    require_signed_in(actor)
    if requested is None or str(requested) == actor.tenant_id:
        if not actor.tenant_id:
            raise NotFound.of("tenant", requested)
        return uuid.UUID(actor.tenant_id)
    if actor.is_platform_admin:
        return uuid.UUID(str(requested))
    raise NotFound.of("tenant", requested)


def require_may_read_user(actor, user):
    # A unit administrator's store only finds the people of its branch.
    if actor.is_platform_admin or str(user.id) == actor.user_id or actor.roles & {"tenant_admin", UNIT_ADMIN}:
        return
    raise Forbidden("Bạn chỉ xem được tài khoản của chính mình.", code="TENANT_ADMIN_REQUIRED")


def require_may_read_staff(actor):
    if actor.is_platform_admin or actor.roles & {"tenant_admin", UNIT_ADMIN}:
        return
    raise Forbidden("Hồ sơ cán bộ chỉ dành cho quản trị viên của đơn vị.", code="TENANT_ADMIN_REQUIRED")


def require_may_count_members(actor, tenant_id):
    """The system (polls), platform admins, and a tenant's own administrators."""
    require_signed_in(actor)
    if actor.is_platform_admin:
        return
    require_admin_of(actor, tenant_id)
