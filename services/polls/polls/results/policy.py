"""Who may see results and moderate free text, in one place (the poll itself is visible:
its store answered it, see ``polls.policy``).

* Managers of a poll and the VGCL see its results at any time; everyone else who sees
  the poll once its results are published — the public too, for a national poll (the poll
  store decides who sees a poll). Only the VGCL sees the per-tenant breakdown.
* A receipt is read by the member who got it (and the system); anyone else's is unknown.
* Moderators of the owner tenant (and the poll's managers) see every free-text answer
  and approve or hide them; other signed-in users see the approved ones of published
  results. The public sees counts, never the members' own words.
"""

from sqlalchemy import false, true

from platform_shared.errors import Forbidden
from platform_shared.policy import require_signed_in
from polls.policy import canonical_id, manages


def moderates(actor, poll):
    return manages(actor, poll) or (actor.has("moderator") and actor.tenant_id == str(poll.tenant_id))


def require_moderator(actor, poll):
    if not moderates(actor, poll):
        raise Forbidden("Chỉ người kiểm duyệt của đơn vị tạo phiếu được duyệt câu trả lời.", code="MODERATOR_REQUIRED")


def require_results(actor, poll):
    """Managers and the VGCL at any time; eligible people once results are published."""
    if manages(actor, poll) or actor.is_platform_admin or poll.status == "published":
        return
    raise Forbidden("Kết quả chưa được công bố.", code="RESULTS_NOT_PUBLISHED")


def require_text_reader(actor, poll):
    """The approved free-text answers of published results: signed-in users who see the poll."""
    require_signed_in(actor)
    require_results(actor, poll)


def sees_breakdown(actor):
    return actor.is_platform_admin


def own_receipts(actor, model):
    """SQL filter: receipts of the actor's own responses (the system: every receipt)."""
    if actor.system:
        return true()
    member = canonical_id(actor.user_id)
    return false() if member is None else model.member_id == member
