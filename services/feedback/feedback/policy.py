"""Who may see and do what in the feedback service, in one place.

* Anyone (a signed-in member or a guest) asks a question; the asker follows it with the
  tracking code only.
* A tenant's staff — responders and tenant admins — see and work the questions routed to
  their tenant, and the ones escalated to it from a child tenant (the VGCL for federations).
  Approving and publishing an answer is the tenant admin's; platform admins see all.
* Opinion topics belong to the tenant that opened them (a confederation's are national);
  that tenant's moderators, responders and admins moderate and answer the opinions. Anyone,
  signed in or not, reads the national topics still open (the portal's page); a signed-in
  user also the own tenant's, and only a member of a tenant gives an opinion.
* Comments belong to the article's tenant; its moderators and admins moderate them. Anyone
  signed in comments on a published article; a guest only where the section allows guests.
* Anything else of another tenant is 404 (the stores filter it out), never 403.
"""

import uuid

from sqlalchemy import and_, false, or_, true

from feedback.comments.models import Comment
from feedback.opinions.models import Opinion, OpinionTopic
from feedback.questions.models import Question
from platform_shared.errors import Forbidden
from platform_shared.policy import require_any_role, require_signed_in  # noqa: F401

QUESTION_STAFF = ("responder", "tenant_admin", "platform_admin")
ANSWER_APPROVERS = ("tenant_admin", "platform_admin")
OPINION_STAFF = ("moderator", "responder", "tenant_admin", "platform_admin")
MODERATORS = ("moderator", "tenant_admin", "platform_admin")
APPROVER_ACTIONS = ("approve", "publish", "unpublish")
"""Question actions that put an answer out under the tenant's name: the tenant admin's."""
ASSIGNABLE_ROLES = {"responder", "tenant_admin"}


def require_question_staff(actor):
    require_any_role(actor, QUESTION_STAFF, "Chỉ cán bộ trả lời hoặc quản trị viên đơn vị được xử lý câu hỏi.")


def require_approver(actor):
    require_any_role(actor, ANSWER_APPROVERS, "Chỉ quản trị viên đơn vị được duyệt và đăng câu trả lời.")


def require_question_action(actor, action):
    """Approving, publishing and unpublishing are the tenant admin's; the rest any question staff's."""
    if action in APPROVER_ACTIONS:
        require_approver(actor)
    else:
        require_question_staff(actor)


def may_question_action(actor, action):
    """Whether the actor's role allows ``action`` on a question (its status decides the rest)."""
    return actor.has(*(ANSWER_APPROVERS if action in APPROVER_ACTIONS else QUESTION_STAFF))


def may_answer_for(user, tenant_id):
    """Whether ``user`` (the accounts service's view, or None) may be assigned a question of
    ``tenant_id``: an active responder or admin of that tenant."""
    return (
        user is not None
        and user.get("tenant_id") == str(tenant_id)
        and user.get("status") == "active"
        and bool(set(user.get("roles") or ()) & ASSIGNABLE_ROLES)
    )


def require_opinion_staff(actor):
    require_any_role(actor, OPINION_STAFF, "Chỉ cán bộ của đơn vị mở chủ đề được xử lý ý kiến.")


def require_moderator(actor):
    require_any_role(actor, MODERATORS, "Chỉ người kiểm duyệt hoặc quản trị viên đơn vị được kiểm duyệt bình luận.")


def require_topic_opener(actor):
    require_any_role(actor, ("tenant_admin", "platform_admin"), "Chỉ quản trị viên đơn vị được mở chủ đề lấy ý kiến.")


def require_platform_admin(actor):
    require_signed_in(actor)
    if not actor.is_platform_admin:
        raise Forbidden("Chỉ quản trị viên hệ thống được làm việc này.", code="PLATFORM_ADMIN_REQUIRED")


def require_tenant_admin(actor):
    require_any_role(actor, ("tenant_admin",), "Chỉ quản trị viên đơn vị được thay đổi thiết lập này.")
    if not actor.tenant_id:
        raise Forbidden("Tài khoản không thuộc đơn vị nào.", code="NO_TENANT")


def require_figures_reader(actor, tenant_id):
    """The semiannual report's figures: the system, platform admins, or the tenant's own admin."""
    require_signed_in(actor)
    if actor.is_platform_admin:
        return
    if actor.has("tenant_admin") and actor.tenant_id == str(tenant_id):
        return
    raise Forbidden("Chỉ quản trị viên của chính đơn vị được xem số liệu này.", code="FIGURES_FORBIDDEN")


def _tenant(actor):
    return uuid.UUID(actor.tenant_id)


def visible_questions(actor):
    """SQL filter: the actor's tenant's questions and those escalated to it (staff only)."""
    if actor.is_platform_admin:
        return true()
    if not actor.tenant_id or not actor.has(*QUESTION_STAFF):
        return false()
    return or_(Question.tenant_id == _tenant(actor), Question.escalated_to_id == _tenant(actor))


def visible_topics(actor):
    """Topics a signed-in user may read and answer: national ones and the own tenant's."""
    if actor.is_platform_admin:
        return true()
    if not actor.tenant_id:
        return OpinionTopic.national.is_(True)
    return or_(OpinionTopic.national.is_(True), OpinionTopic.tenant_id == _tenant(actor))


def listed_topics(actor, today):
    """SQL filter of the topics list: a signed-in user's visible topics (``visible_topics``); an
    anonymous visitor the national topics still taking opinions on ``today`` (local), read-only."""
    if actor.authenticated:
        return visible_topics(actor)
    return and_(
        OpinionTopic.national.is_(True),
        OpinionTopic.status == "open",
        or_(OpinionTopic.opens_on.is_(None), OpinionTopic.opens_on <= today),
        or_(OpinionTopic.closes_on.is_(None), OpinionTopic.closes_on >= today),
    )


def own_topics(actor):
    """SQL filter: the topics of the actor's own tenant (platform admins: every topic). Opening
    and closing them is the topic openers' (``require_topic_opener``)."""
    if actor.is_platform_admin:
        return true()
    if not actor.tenant_id:
        return false()
    return OpinionTopic.tenant_id == _tenant(actor)


def worked_topics(actor):
    """SQL filter: the topics whose opinions the actor moderates and answers (``staff_opinions``)."""
    if actor.is_platform_admin:
        return true()
    if not actor.tenant_id or not actor.has(*OPINION_STAFF):
        return false()
    return OpinionTopic.tenant_id == _tenant(actor)


def works_topic(actor, topic):
    """Whether ``actor`` moderates and answers the opinions of ``topic`` (a row)."""
    return actor.is_platform_admin or (actor.has(*OPINION_STAFF) and actor.tenant_id == str(topic.tenant_id))


def staff_opinions(actor):
    if actor.is_platform_admin:
        return true()
    if not actor.tenant_id or not actor.has(*OPINION_STAFF):
        return false()
    return Opinion.tenant_id == _tenant(actor)


def moderated_comments(actor):
    if actor.is_platform_admin:
        return true()
    if not actor.tenant_id or not actor.has(*MODERATORS):
        return false()
    return Comment.tenant_id == _tenant(actor)


def moderates(actor, comment):
    """Whether ``actor`` moderates ``comment`` (a row): platform admins, the article tenant's moderators."""
    return actor.is_platform_admin or (actor.tenant_id == str(comment.tenant_id) and actor.has(*MODERATORS))


def may_comment(actor, guests_allowed):
    """Whether ``actor`` may comment on a published article of a section: anyone signed in; a
    guest where the section allows guests."""
    return actor.authenticated or bool(guests_allowed)


def may_set_comment_section(actor, site_key):
    """Central sections: platform admins; a sub-site's own sections: that tenant's admins."""
    if actor.is_platform_admin:
        return True
    return site_key != "portal" and actor.has("tenant_admin") and actor.tenant_id == site_key
