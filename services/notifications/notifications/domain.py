"""Who is told what, in Vietnamese, with a link to the place in the workspace. No nameko, no SQL.

:func:`messages` turns one event (its type and its payload loaded with the publisher's contract)
into :class:`Message` s: a kind, the people it is for (an :class:`Audience`: users the event
names, or the holders of some roles in a tenant), a title, a body and a link. Who those people
are is asked of the accounts service when the event is handled (``operations``);
:func:`notices` then makes one notice per person, once each even when a person is reached twice
(an administrator who is also a contributor).

| event | kind | who |
|---|---|---|
| ``content.quota_missed`` | ``quota_missed`` | the tenant's administrators and contributors |
| ``polls.report_reminder_due`` | ``report_reminder`` | the tenant's administrators |
| ``feedback.question_overdue`` | ``question_overdue`` | its assignee, or the tenant's responders and administrators when nobody was assigned; the parent tenant's administrators when it was escalated |
| ``feedback.question_assigned`` | ``question_assigned`` | the assignee, unless they took it themselves |
| ``content.article_returned`` | ``article_returned`` | its authors and the writer of the draft |
| ``content.article_published`` | ``article_published`` | its authors |
"""

from dataclasses import dataclass
from datetime import date, datetime

from platform_shared.clock import VN_TZ
from platform_shared.contracts import content as content_events
from platform_shared.contracts import feedback as feedback_events
from platform_shared.contracts import reports as report_events
from platform_shared.schemas.feedback import CATEGORY_LABELS
from platform_shared.text import nfc

BASE = "/quan-tri"
TITLE_MAX = 300
BODY_MAX = 1000

KIND_LABELS = {
    "quota_missed": "Chỉ tiêu tuần",
    "report_reminder": "Báo cáo 6 tháng",
    "question_overdue": "Câu hỏi quá hạn",
    "question_assigned": "Câu hỏi được giao",
    "article_returned": "Bài viết bị trả lại",
    "article_published": "Bài viết đã đăng",
}
KINDS = tuple(KIND_LABELS)

ADMINS = ("tenant_admin",)
WRITERS_AND_ADMINS = ("tenant_admin", "contributor")
ANSWERERS = ("responder", "tenant_admin")


@dataclass(frozen=True)
class Audience:
    """The people a message is for: ``user_ids`` the event names, and/or the holders of ``roles``
    in ``tenant_id``."""

    user_ids: tuple = ()
    tenant_id: str | None = None
    roles: tuple = ()


@dataclass(frozen=True)
class Message:
    kind: str
    audience: Audience
    title: str
    body: str
    link: str


@dataclass(frozen=True)
class Person:
    """A recipient as accounts knows them now: their id and their tenant."""

    user_id: str
    tenant_id: str


@dataclass(frozen=True)
class Notice:
    """One notification to write: ``message`` for ``person``."""

    person: Person
    message: Message


# -- formatting ------------------------------------------------------------------------------


def _local_day(value):
    """dd/mm/yyyy of an ISO date, or of an ISO moment in Vietnam time."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(VN_TZ).date()
    return f"{value:%d/%m/%Y}"


def _local_time(value):
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(VN_TZ)
    return f"{moment:%H:%M} ngày {moment:%d/%m/%Y}"


def _week(label):
    """``2026-W48`` → ``("48/2026", "23/11", "29/11/2026")``."""
    year, week = (int(part) for part in label.split("-W"))
    monday = date.fromisocalendar(year, week, 1)
    sunday = date.fromisocalendar(year, week, 7)
    return f"{week}/{year}", f"{monday:%d/%m}", f"{sunday:%d/%m/%Y}"


def _clip(text, limit):
    text = nfc(text or "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _quoted(title, limit=160):
    return f"«{_clip(title, limit)}»"


def _category(key):
    return CATEGORY_LABELS.get(key, CATEGORY_LABELS["other"])


def _users(*ids):
    """Distinct non-empty user ids, in order."""
    return tuple(dict.fromkeys(str(i) for i in ids if i))


# -- one builder per event --------------------------------------------------------------------


def _quota_missed(event):
    week, first, last = _week(event["week"])
    return [
        Message(
            "quota_missed",
            Audience(tenant_id=event["tenant_id"], roles=WRITERS_AND_ADMINS),
            f"Chưa đạt chỉ tiêu tin bài tuần {week}",
            f"Tuần từ {first} đến {last} đơn vị đã gửi {event['submitted']} trên {event['required']} "
            "tin bài theo chỉ tiêu. Mở trang Chỉ tiêu tuần để xem chi tiết và gửi bài cho tuần này.",
            f"{BASE}/chi-tieu?tuan={event['week']}",
        )
    ]


def _report_reminder(event):
    label = event["period_label"]
    return [
        Message(
            "report_reminder",
            Audience(tenant_id=event["tenant_id"], roles=ADMINS),
            f"Sắp hết hạn gửi báo cáo {label}",
            f"Đơn vị chưa gửi báo cáo {label}. Hạn cuối là ngày {_local_day(event['due_on'])}: "
            "hoàn thành phần đánh giá và gửi báo cáo trước hạn.",
            f"{BASE}/bao-cao?ky={event['period']}",
        )
    ]


def _question_overdue(event):
    category, due = _category(event["category"]), _local_day(event["due_at"])
    link = f"{BASE}/hoi-dap/{event['question_id']}"
    escalated = event.get("escalated_to_tenant_id")
    assignee = event.get("assigned_to")
    own = Audience(user_ids=_users(assignee)) if assignee else Audience(tenant_id=event["tenant_id"], roles=ANSWERERS)
    body = f"Câu hỏi lĩnh vực «{category}» nhận ngày {_local_day(event['received_at'])} chưa được trả lời (hạn {due})."
    found = [
        Message(
            "question_overdue",
            own,
            "Câu hỏi quá hạn trả lời",
            body + (" Câu hỏi đã được báo lên đơn vị cấp trên." if escalated else "") + " Hãy trả lời ngay.",
            link,
        )
    ]
    if escalated and escalated != event["tenant_id"]:
        found.append(
            Message(
                "question_overdue",
                Audience(tenant_id=escalated, roles=ADMINS),
                "Câu hỏi của đơn vị cấp dưới quá hạn trả lời",
                f"Một câu hỏi lĩnh vực «{category}» của đơn vị cấp dưới chưa được trả lời (hạn {due}) "
                "và được chuyển lên để đơn vị theo dõi, đôn đốc.",
                link,
            )
        )
    return found


def _question_assigned(event):
    if event.get("assigned_by") and event["assigned_by"] == event["assigned_to"]:
        return []  # took it themselves
    return [
        Message(
            "question_assigned",
            Audience(user_ids=_users(event["assigned_to"])),
            "Bạn được giao trả lời một câu hỏi",
            f"Câu hỏi lĩnh vực «{_category(event['category'])}» cần được trả lời "
            f"trước hết ngày {_local_day(event['due_at'])}.",
            f"{BASE}/hoi-dap/{event['question_id']}",
        )
    ]


def _article_returned(event):
    comment = _clip(event.get("comment"), 600)
    request = f"Ý kiến của ban biên tập: {comment}" if comment else "Mở bài viết để xem ý kiến của ban biên tập."
    return [
        Message(
            "article_returned",
            Audience(user_ids=_users(*(a["user_id"] for a in event["authors"]), event.get("created_by"))),
            f"Bài viết bị trả lại để sửa: {_quoted(event['title'])}",
            f"{request} Sửa xong, hãy gửi duyệt lại.",
            f"{BASE}/bai-viet/{event['article_id']}",
        )
    ]


def _article_published(event):
    where = "cổng thông tin" if event["site"] == "portal" else "trang thành phần của đơn vị"
    first = event["first_publication"]
    return [
        Message(
            "article_published",
            Audience(user_ids=_users(*(a["user_id"] for a in event["authors"]))),
            f"Bài viết {'đã được đăng' if first else 'được đăng lại'}: {_quoted(event['title'])}",
            f"Bài viết của bạn {'đã lên' if first else 'lên lại'} {where} lúc {_local_time(event['published_at'])}.",
            f"{BASE}/bai-viet/{event['article_id']}/xem-truoc",
        )
    ]


BUILDERS = {
    content_events.QUOTA_MISSED: _quota_missed,
    report_events.REPORT_REMINDER_DUE: _report_reminder,
    feedback_events.QUESTION_OVERDUE: _question_overdue,
    feedback_events.QUESTION_ASSIGNED: _question_assigned,
    content_events.ARTICLE_RETURNED: _article_returned,
    content_events.ARTICLE_PUBLISHED: _article_published,
}
EVENTS = tuple(BUILDERS)


def messages(event_type, event):
    """The messages ``event`` (loaded with its contract) makes; [] when it tells nobody."""
    return [
        Message(m.kind, m.audience, _clip(m.title, TITLE_MAX), _clip(m.body, BODY_MAX), m.link)
        for m in BUILDERS[event_type](event)
    ]


def notices(found):
    """One notice per person and kind: ``found`` is ``[(message, [Person, ...])]`` in order; a
    person reached twice (two roles, two messages of one kind) is told by the first message only."""
    seen, out = set(), []
    for message, people in found:
        for person in people:
            key = (person.user_id, message.kind)
            if key in seen:
                continue
            seen.add(key)
            out.append(Notice(person, message))
    return out


def is_workspace_link(link):
    """Links point into the workspace only (the page redirects to them)."""
    return isinstance(link, str) and link.startswith(BASE + "/") and "//" not in link and "\\" not in link
