"""Rules of the members' opinions. No nameko, no SQL."""

from platform_shared.errors import Conflict, InvalidInput

NATIONAL_KINDS = ("confederation", "department")
"""Tenants whose topics are open to every member of the country."""

ACTIONS = ("publish", "hide", "answer")
TOPIC_ACTIONS = ("open", "close")


def is_national(tenant_kind):
    """A topic opened by the confederation or one of its departments is for every member."""
    return tenant_kind in NATIONAL_KINDS


def accepting(topic, today):
    """Opinions are taken while the topic is open, from its opening day up to its closing day
    (local) included."""
    return (
        topic.status == "open"
        and not (topic.opens_on and today < topic.opens_on)
        and not (topic.closes_on and today > topic.closes_on)
    )


def upcoming(topic, today):
    """An open topic whose opening day is still to come."""
    return topic.status == "open" and bool(topic.opens_on and today < topic.opens_on)


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


def change_topic(topic, action, *, closes_on=None, today):
    """``close`` an open topic (no more opinions), or ``open`` a closed one again, with a new
    closing day when given; reopened, it must take opinions again: a closing day already past
    (or before its opening day) is refused beside ``closes_on``."""
    if action == "close":
        if topic.status == "closed":
            raise Conflict("Chủ đề này đã đóng.", code="TRANSITION_NOT_ALLOWED")
        topic.status = "closed"
        return
    if topic.status == "open":
        raise Conflict("Chủ đề này đang mở.", code="TRANSITION_NOT_ALLOWED")
    last = closes_on or topic.closes_on
    if last and topic.opens_on and last < topic.opens_on:
        raise InvalidInput.field(
            "closes_on", "Ngày kết thúc không được trước ngày bắt đầu lấy ý kiến.", code="CLOSES_BEFORE_OPENING"
        )
    if last and last < today:
        raise InvalidInput.field(
            "closes_on",
            f"Ngày kết thúc {last:%d/%m/%Y} đã qua: chọn ngày kết thúc mới từ hôm nay trở đi để mở lại chủ đề.",
            code="CLOSING_DAY_PAST",
        )
    topic.status, topic.closes_on = "open", last
