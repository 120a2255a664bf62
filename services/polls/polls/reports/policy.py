"""Who may see and do what with the semiannual reports, in one place.

* A tenant's administrators see their own tenant's report, write its evaluation and submit it.
* The Propaganda & Education Dept's desk editors (editors of the tenant whose code is
  ``REPORTS_DESK``, ``BTG`` by default) and platform administrators see every tenant's
  report, the list of who has (not) submitted and the roll-up; they do not submit for a tenant.
* Anything of another tenant is 404.
"""

from platform_shared.errors import Forbidden, NotFound
from platform_shared.policy import require_signed_in


def is_overseer(actor, desk_tenant_id):
    """Platform administrators (and the system) and the desk editors of the Propaganda Dept."""
    if actor.is_platform_admin:
        return True
    return bool(desk_tenant_id) and actor.tenant_id == str(desk_tenant_id) and "editor" in actor.roles


def require_overseer(actor, desk_tenant_id):
    require_signed_in(actor)
    if not is_overseer(actor, desk_tenant_id):
        raise Forbidden(
            "Chỉ Ban Tuyên giáo và quản trị hệ thống được xem báo cáo của mọi đơn vị.", code="REPORTS_OVERSEER_REQUIRED"
        )


def require_reader(actor, tenant_id, desk_tenant_id):
    """See one tenant's report: overseers, or that tenant's administrators. Another tenant → 404."""
    require_signed_in(actor)
    if is_overseer(actor, desk_tenant_id):
        return
    if actor.tenant_id != str(tenant_id):
        raise NotFound("Không tìm thấy báo cáo.", code="REPORT_NOT_FOUND", details={"resource": "report"})
    if "tenant_admin" not in actor.roles:
        raise Forbidden("Chỉ quản trị viên của đơn vị được xem báo cáo 6 tháng.", code="TENANT_ADMIN_REQUIRED")


def require_author(actor, tenant_id, desk_tenant_id):
    """Write the evaluation and submit: the tenant's own administrators only."""
    require_reader(actor, tenant_id, desk_tenant_id)
    if actor.system or actor.tenant_id != str(tenant_id) or "tenant_admin" not in actor.roles:
        raise Forbidden("Chỉ quản trị viên của đơn vị được đánh giá và gửi báo cáo.", code="TENANT_ADMIN_REQUIRED")
