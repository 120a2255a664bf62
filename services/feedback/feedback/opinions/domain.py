"""Rules of the members' opinions. No nameko, no SQL."""

from platform_shared.errors import Conflict

NATIONAL_KINDS = ("confederation", "department")
"""Tenants whose topics are open to every member of the country."""

ACTIONS = ("publish", "hide", "answer")


def is_national(tenant_kind):
    """A topic opened by the confederation or one of its departments is for every member."""
    return tenant_kind in NATIONAL_KINDS


def accepting(topic, today):
    """Opinions are taken while the topic is open, up to its closing day (local) included."""
    return topic.status == "open" and not (topic.closes_on and today > topic.closes_on)


def require_open(topic, today):
    """Raises Conflict (``TOPIC_CLOSED``) unless the topic is ``accepting`` opinions on ``today``."""
    if not accepting(topic, today):
        raise Conflict("Chủ đề này đã hết thời gian lấy ý kiến.", code="TOPIC_CLOSED")


def moderate(opinion, action, payload, *, by, now):
    """``publish`` or ``hide`` an opinion, or ``answer`` it (not once hidden)."""
    if action == "answer":
        if opinion.status == "hidden":
            raise Conflict("Ý kiến đã bị ẩn, không thể trả lời.", code="TRANSITION_NOT_ALLOWED")
        opinion.answer, opinion.answered_by, opinion.answered_at = payload["answer"], by, now
    else:
        opinion.status = "published" if action == "publish" else "hidden"
        opinion.moderated_by, opinion.moderated_at = by, now
