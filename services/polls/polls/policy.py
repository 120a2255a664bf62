"""Who may do what with polls, in one place.

* The VGCL's platform admins create platform-wide polls (every member, or chosen
  tenants and their subtrees); a tenant admin creates polls for its own tenant's
  subtree. Both manage (edit a draft, open, close, publish results, moderate)
  only the polls they own: platform polls for platform admins, a tenant's polls
  for that tenant's admins. A moderator of the owner tenant moderates free text.
* A member answers a poll when their tenant is eligible (the gateway checks it,
  the service checks it again before counting).
* Anyone eligible sees an open/closed poll, and its results once published.
  Managers see results at any time; only the VGCL sees the per-tenant breakdown.
* Anything else is 404 — a poll of another tenant does not exist for the actor.
"""

from platform_shared.errors import Forbidden, NotFound
from platform_shared.policy import require_any_role, require_signed_in

MANAGERS = ("platform_admin", "tenant_admin")


def require_signed_in_actor(actor):
    require_signed_in(actor)


def require_creator(actor):
    require_any_role(actor, MANAGERS, "Chỉ quản trị viên được tạo phiếu trưng cầu ý kiến.")


def manages(actor, poll):
    if actor.system:
        return True
    if poll.scope == "platform":
        return actor.is_platform_admin
    return actor.has("tenant_admin") and actor.tenant_id == str(poll.tenant_id)


def moderates(actor, poll):
    return manages(actor, poll) or (actor.has("moderator") and actor.tenant_id == str(poll.tenant_id))


def may_see(actor, poll, eligible):
    """Managers always; others a non-draft poll their tenant is eligible for."""
    require_signed_in(actor)
    if manages(actor, poll) or actor.is_platform_admin:
        return True
    return poll.status != "draft" and actor.tenant_id is not None and actor.tenant_id in eligible


def require_visible(actor, poll, eligible):
    if not may_see(actor, poll, eligible):
        raise NotFound("Không tìm thấy phiếu trưng cầu ý kiến.", code="POLL_NOT_FOUND")


def require_manager(actor, poll, eligible):
    require_visible(actor, poll, eligible)
    if not manages(actor, poll):
        raise Forbidden("Chỉ đơn vị tạo phiếu được thao tác này.", code="POLL_MANAGER_REQUIRED")


def require_moderator(actor, poll, eligible):
    require_visible(actor, poll, eligible)
    if not moderates(actor, poll):
        raise Forbidden("Chỉ người kiểm duyệt của đơn vị tạo phiếu được duyệt câu trả lời.", code="MODERATOR_REQUIRED")


def require_results(actor, poll, eligible):
    """Managers and the VGCL at any time; eligible people once results are published."""
    require_visible(actor, poll, eligible)
    if manages(actor, poll) or actor.is_platform_admin or poll.status == "published":
        return
    raise Forbidden("Kết quả chưa được công bố.", code="RESULTS_NOT_PUBLISHED")


def sees_breakdown(actor):
    return actor.is_platform_admin
