"""Who may do what with polls, in one place.

* The VGCL's platform admins create platform-wide polls (every member, or chosen
  tenants and their subtrees); a tenant admin creates polls for its own tenant's
  subtree. Both manage (edit a draft, open, close, publish results, moderate)
  only the polls they own: platform polls for platform admins, a tenant's polls
  for that tenant's admins. A moderator of the owner tenant moderates free text
  (``polls.results.policy``).
* A member answers a poll when their tenant is eligible (the gateway checks it,
  the service checks it again before counting).
* Anyone eligible sees an open/closed poll, and its results once published.
  Managers see results at any time; only the VGCL sees the per-tenant breakdown.
* The public (an anonymous visitor of the portal) sees the national polls — addressed to
  every member — that are open, or closed with their results published (and those results,
  small groups suppressed, no breakdown); never a draft, a poll closed without results, or a
  poll of some tenants only. Answering always needs a signed-in member.
* Anything else is 404 — a poll of another tenant does not exist for the actor: the
  stores select with :func:`visible_polls`.
"""

import uuid

from sqlalchemy import and_, false, or_, select, true

from platform_shared.errors import Forbidden
from platform_shared.policy import require_any_role
from polls.models import Poll, PollAudience

MANAGERS = ("platform_admin", "tenant_admin")
PUBLIC_STATUSES = ("open", "published")
"""Statuses of a national poll the public sees: taking answers, or with its results published."""


def require_creator(actor):
    require_any_role(actor, MANAGERS, "Chỉ quản trị viên được tạo phiếu trưng cầu ý kiến.")


def require_poll_manager_role(actor):
    """The list of polls one manages is for administrators (platform or tenant)."""
    require_any_role(actor, MANAGERS, "Chỉ quản trị viên quản lý phiếu trưng cầu ý kiến.")


def manages(actor, poll):
    if actor.system:
        return True
    if poll.scope == "platform":
        return actor.is_platform_admin
    return actor.has("tenant_admin") and actor.tenant_id == str(poll.tenant_id)


def sees_every_poll(actor):
    """Platform admins (and the system) see every poll, drafts included."""
    return actor.is_platform_admin


def public_polls():
    """SQL filter: the polls anyone sees, signed in or not (:data:`PUBLIC_STATUSES` of the
    national polls)."""
    return and_(Poll.audience_all.is_(True), Poll.status.in_(PUBLIC_STATUSES))


def by_eligibility(actor):
    """Whether what the actor sees depends on their tenant's place in the tree (the store
    then computes ``reaching``): signed-in users other than platform admins."""
    return actor.authenticated and not sees_every_poll(actor)


def visible_polls(actor, reaching=(), in_directory=False):
    """SQL filter: the polls the actor may see. Anonymous actors: :func:`public_polls`.

    Managers see the polls they manage (platform admins: every poll); others a poll that
    is not a draft and that their tenant is eligible for: a poll for every member when
    the tenant is in the tenant copy (``in_directory``), or a poll addressed to one of
    ``reaching`` (``domain.audiences_reaching`` of the actor's tenant).
    """
    if not actor.authenticated:
        return public_polls()
    if sees_every_poll(actor):
        return true()
    tenant = canonical_id(actor.tenant_id)
    if tenant is None:
        return false()
    seen = []
    if actor.has("tenant_admin"):
        seen.append(and_(Poll.scope == "tenant", Poll.tenant_id == tenant))
    eligible = []
    if in_directory:
        eligible.append(Poll.audience_all.is_(True))
    addressed = [t for t in (canonical_id(a) for a in reaching) if t is not None]
    if addressed:
        eligible.append(
            and_(
                Poll.audience_all.is_(False),
                Poll.id.in_(select(PollAudience.poll_id).where(PollAudience.tenant_id.in_(addressed))),
            )
        )
    if eligible:
        seen.append(and_(Poll.status != "draft", or_(*eligible)))
    return or_(*seen) if seen else false()


def canonical_id(value):
    """The UUID of an id given in canonical text form (as the services write ids), else None.

    Ids from an actor are compared as text elsewhere in the rules: an id in another
    spelling matches nothing there, so it matches nothing in SQL either."""
    try:
        parsed = uuid.UUID(str(value))
    except ValueError:
        return None
    return parsed if str(parsed) == value else None


def managed_polls(actor):
    """SQL filter: the polls the actor manages (:func:`manages` in SQL) — platform polls for
    platform admins, its own tenant's polls for a tenant admin."""
    if actor.system:
        return true()
    managed = []
    if actor.is_platform_admin:
        managed.append(Poll.scope == "platform")
    tenant = canonical_id(actor.tenant_id)
    if actor.has("tenant_admin") and tenant is not None:
        managed.append(and_(Poll.scope == "tenant", Poll.tenant_id == tenant))
    return or_(*managed) if managed else false()


def require_manager(actor, poll):
    """Of a poll the actor sees: only its managers act on it."""
    if not manages(actor, poll):
        raise Forbidden("Chỉ đơn vị tạo phiếu được thao tác này.", code="POLL_MANAGER_REQUIRED")


def listed_on_the_portal():
    """SQL filter the portal's poll list adds to :func:`visible_polls`: never a draft (a
    manager's drafts are in the workspace's list, not on the public page)."""
    return Poll.status != "draft"
