"""Who may see the grassroots coverage, in one place: as the June/December reports it feeds.

* A federation's administrators see their own federation's figures.
* The overseers of the reports — platform administrators (the VGCL) and the Propaganda Dept's desk
  editors (``polls.reports.policy.is_overseer``) — see every federation's and the national table.
* Another federation's figures are 404 (no existence leak); anyone else is 403.
"""

from platform_shared.errors import Forbidden, NotFound
from platform_shared.policy import require_signed_in
from polls.reports.policy import is_overseer


def require_reader(actor, tenant_id, desk_tenant_id):
    """One federation's coverage: overseers, or that federation's administrators."""
    require_signed_in(actor)
    if is_overseer(actor, desk_tenant_id):
        return
    if actor.tenant_id != str(tenant_id):
        raise NotFound("Không tìm thấy số liệu phủ sóng của đơn vị này.", code="COVERAGE_NOT_FOUND",
                       details={"resource": "coverage"})  # fmt: skip
    if "tenant_admin" not in actor.roles:
        raise Forbidden("Chỉ quản trị viên của đơn vị được xem mức độ phủ sóng.", code="TENANT_ADMIN_REQUIRED")


def require_overseer(actor, desk_tenant_id):
    """The national table: the VGCL and the Propaganda Dept's desk editors."""
    require_signed_in(actor)
    if not is_overseer(actor, desk_tenant_id):
        raise Forbidden(
            "Chỉ Ban Tuyên giáo và quản trị hệ thống được xem bảng phủ sóng toàn quốc.",
            code="REPORTS_OVERSEER_REQUIRED",
        )
