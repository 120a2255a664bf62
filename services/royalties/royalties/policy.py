"""Who may see and do what with royalties, in one place.

* A paying tenant's editors, royalty officers and administrators see its items and
  statements; platform admins see all; a payee sees their own items. Anything else: 404.
* Items are scored by the paying desk's editors or its royalty officers.
* Statements are drawn up, approved and marked paid by royalty officers (or platform admins).
* Rate tables are read by anyone signed in and changed by royalty officers or platform admins.
"""

import uuid

from sqlalchemy import false, or_, true

from platform_shared.errors import Forbidden
from platform_shared.policy import require_any_role, require_signed_in

DESK_ROLES = ("editor", "royalty_officer", "tenant_admin")
SCORERS = ("editor", "royalty_officer")
OFFICERS = ("royalty_officer",)


def visible_items(actor, model):
    """SQL filter: the paying tenant's desk staff see its items; a payee sees their own."""
    if actor.is_platform_admin:
        return true()
    conditions = []
    if actor.tenant_id and actor.has(*DESK_ROLES):
        conditions.append(model.tenant_id == uuid.UUID(actor.tenant_id))
    if actor.user_id:
        conditions.append(model.payee_user_id == uuid.UUID(actor.user_id))
    return or_(*conditions) if conditions else false()


def visible_to_desk(actor, model):
    """SQL filter: the tenant's desk staff see its statements, ledger, articles and received events."""
    if actor.is_platform_admin:
        return true()
    if actor.tenant_id and actor.has(*DESK_ROLES):
        return model.tenant_id == uuid.UUID(actor.tenant_id)
    return false()


def require_reader(actor):
    require_signed_in(actor)


def require_scorer(actor, item):
    require_any_role(
        actor, SCORERS + ("platform_admin",), "Chỉ biên tập viên của ban biên tập hoặc cán bộ nhuận bút được chấm điểm."
    )
    if not (actor.is_platform_admin or actor.tenant_id == str(item.tenant_id)):
        raise Forbidden(
            "Chỉ ban biên tập của chuyên mục đăng bài được chấm điểm khoản này.", code="DESK_SCORER_REQUIRED"
        )


def require_officer(actor):
    require_any_role(
        actor, OFFICERS + ("platform_admin",), "Chỉ cán bộ phụ trách nhuận bút được lập, duyệt và chi trả bảng kê."
    )


def statement_tenant(actor, requested):
    """The tenant a statement is drawn up for: the officer's own; a platform admin may name one."""
    require_officer(actor)
    if actor.is_platform_admin and requested:
        return str(requested)
    if not actor.tenant_id:
        raise Forbidden("Tài khoản không thuộc đơn vị nào.", code="TENANT_REQUIRED")
    return actor.tenant_id


def reconciliation_tenant(actor, requested):
    """The tenant whose trail the actor reads: their own; a platform admin may name one or none (all).

    Desk staff and royalty officers only; anyone else is refused."""
    require_reader(actor)
    if not (actor.is_platform_admin or actor.has(*DESK_ROLES)):
        require_officer(actor)
    if actor.is_platform_admin:
        return requested or None
    return uuid.UUID(actor.tenant_id)


def require_rate_editor(actor):
    require_any_role(
        actor,
        OFFICERS + ("platform_admin",),
        "Chỉ cán bộ phụ trách nhuận bút hoặc quản trị hệ thống được sửa bảng giá.",
    )
