"""Permission building blocks every service's own ``policy.py`` uses. No nameko here."""

import uuid

from sqlalchemy import false, true

from platform_shared.errors import Forbidden, Unauthorized


def require_signed_in(actor):
    if not actor.authenticated:
        raise Unauthorized("Bạn cần đăng nhập.", code="LOGIN_REQUIRED")


def require_any_role(actor, roles, message):
    """Signed in and holding one of ``roles`` (the system actor always passes)."""
    require_signed_in(actor)
    if not actor.has(*roles):
        raise Forbidden(message, code="ROLE_REQUIRED", details={"roles": sorted(roles)})


def own_tenant_rows(actor, model):
    """SQL filter: rows of ``model`` the actor's tenant owns (all of them for platform admins)."""
    if actor.is_platform_admin:
        return true()
    if not actor.tenant_id:
        return false()
    return model.tenant_id == uuid.UUID(actor.tenant_id)
