"""Who may do what in the accounts service, in one place.

Another tenant's rows are invisible (the stores filter with these expressions, so
they answer 404); inside one's own tenant, missing a role is 403.
"""

import uuid

from sqlalchemy import false, true

from accounts.models import Tenant
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
    if actor.is_platform_admin or str(user.id) == actor.user_id or "tenant_admin" in actor.roles:
        return
    raise Forbidden("Bạn chỉ xem được tài khoản của chính mình.", code="TENANT_ADMIN_REQUIRED")


def require_may_read_staff(actor):
    if actor.is_platform_admin or "tenant_admin" in actor.roles:
        return
    raise Forbidden("Hồ sơ cán bộ chỉ dành cho quản trị viên của đơn vị.", code="TENANT_ADMIN_REQUIRED")


def require_may_count_members(actor, tenant_id):
    """The system (polls), platform admins, and a tenant's own administrators."""
    require_signed_in(actor)
    if actor.is_platform_admin:
        return
    require_admin_of(actor, tenant_id)
