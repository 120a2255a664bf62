"""The editorial workflow and the rules of an article. No nameko, no SQL.

    draft ─submit→ submitted ─open→ in_review ─return→ returned ─submit→ submitted …
                                              ├reject→ rejected
                                              └approve→ approved ─schedule→ scheduled ─publish→ published
                                                                 └─────────publish────────────↗     │
                                                          unpublished ←unpublish─────────────────────┘
                                                               └─publish→ published

``in_review`` locks the article to the editor who opened it until the lock
expires; another editor may take it over only then. A published article changes
only through a correction (a new revision, published at once).
"""

from dataclasses import dataclass
from datetime import timedelta

from platform_shared.clock import VN_TZ
from platform_shared.errors import Conflict, InvalidInput

# action -> (statuses it leaves from, status it leads to)
TRANSITIONS = {
    "submit": (("draft", "returned"), "submitted"),
    "open": (("submitted", "in_review"), "in_review"),
    "return": (("in_review",), "returned"),
    "reject": (("in_review",), "rejected"),
    "approve": (("in_review",), "approved"),
    "schedule": (("approved", "scheduled"), "scheduled"),
    "publish": (("approved", "scheduled", "unpublished"), "published"),
    "unpublish": (("published",), "unpublished"),
}
EDITABLE = ("draft", "returned", "in_review")
# What waits for someone to act (``count_waiting_articles``): their own items, a desk's queue.
WAITING_FOR_AUTHORS = ("returned", "draft")
WAITING_AT_THE_DESK = ("submitted", "in_review", "approved")
ACTION_LABELS = {
    "submit": "gửi",
    "open": "nhận biên tập",
    "return": "trả lại",
    "reject": "từ chối",
    "approve": "duyệt",
    "schedule": "hẹn giờ đăng",
    "publish": "đăng",
    "unpublish": "gỡ",
    "correct": "đính chính",
    "edit": "sửa",
}
DEFAULT_LOCK = timedelta(minutes=30)


def allowed_actions(status):
    actions = [name for name, (sources, _) in TRANSITIONS.items() if status in sources]
    if status in EDITABLE:
        actions.insert(0, "edit")
    if status == "published":
        actions.append("correct")
    return actions


def check_transition(status, action):
    """The status after ``action``, or Conflict naming the actions allowed from ``status``."""
    sources, target = TRANSITIONS[action]
    if status not in sources:
        allowed = allowed_actions(status)
        raise Conflict(
            f"Không thể {ACTION_LABELS[action]} bài đang ở trạng thái «{status}». "
            f"Có thể: {', '.join(ACTION_LABELS[a] for a in allowed) or 'không thao tác nào'}.",
            code="TRANSITION_NOT_ALLOWED",
            details={"status": status, "allowed": allowed},
        )
    return target


def _lock_details(article):
    return {
        "locked_by": str(article.locked_by),
        "locked_by_name": article.locked_by_name,
        "locked_until": article.locked_until.isoformat(),
    }


def check_lock(article, actor_id, now, *, expired=True):
    """Refuse when another editor holds an unexpired review lock (``ARTICLE_LOCKED``). Working on
    an item in review needs a current lock: once it has expired, the editor opens the item
    again first (``LOCK_EXPIRED``; ``expired=False``: not checked — opening takes such a lock)."""
    if article.status != "in_review" or article.locked_by is None or article.locked_until is None:
        return
    until = f"{article.locked_until.astimezone(VN_TZ):%H:%M} (giờ Việt Nam)"
    if str(article.locked_by) != str(actor_id) and article.locked_until > now:
        who = article.locked_by_name or "một biên tập viên khác"
        raise Conflict(
            f"Bài đang được {who} biên tập đến {until}. Vui lòng chờ đến lúc đó hoặc liên hệ {who}.",
            code="ARTICLE_LOCKED",
            details=_lock_details(article),
        )
    if expired and article.locked_until <= now:
        raise Conflict(
            f"Khóa biên tập đã hết hạn lúc {until}. Bấm «Mở để biên tập» để nhận lại bài rồi làm tiếp.",
            code="LOCK_EXPIRED",
            details=_lock_details(article),
        )


def check_editable(article, actor_id, now):
    if article.status == "published":
        raise Conflict(
            "Bài đã đăng chỉ được sửa bằng đính chính (POST …/correct).",
            code="USE_CORRECTION",
            details={"status": article.status, "allowed": allowed_actions(article.status)},
        )
    if article.status not in EDITABLE:
        raise Conflict(
            f"Không thể sửa bài đang ở trạng thái «{article.status}».",
            code="NOT_EDITABLE",
            details={"status": article.status, "allowed": allowed_actions(article.status)},
        )
    check_lock(article, actor_id, now)


def default_authors(user_id, full_name):
    return [{"user_id": str(user_id), "pen_name": full_name, "share": 100}]


def normalise_authors(authors):
    """Authors as stored (ids as strings); shares must sum to 100."""
    out = [{"user_id": str(a["user_id"]), "pen_name": a["pen_name"], "share": int(a["share"])} for a in authors]
    if sum(a["share"] for a in out) != 100:
        raise InvalidInput.field("authors", "Tổng tỉ lệ của các tác giả phải bằng 100%.", code="SHARES_NOT_100")
    return out


def check_schedule(publish_at, now):
    if publish_at <= now:
        raise InvalidInput.field(
            "publish_at", "Giờ đăng phải ở tương lai; để đăng ngay, dùng «đăng».", code="PUBLISH_AT_IN_PAST"
        )


def unique_slug(base, taken):
    """``base``, or ``base-2``, ``base-3``… — the first one not in ``taken``."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


# The fact each action records (``content.article_<fact>``); other actions record none.
FACTS = {"submit": "submitted", "return": "returned", "publish": "published", "unpublish": "unpublished"}
SCHEDULED_COMMENT = "Đăng tự động theo giờ hẹn"


@dataclass(frozen=True)
class Step:
    """What one action did to an article: the activity to record and the fact to publish, if any."""

    action: str
    from_status: str
    to_status: str
    comment: str | None = None
    fact: str | None = None  # submitted, returned, published, unpublished, corrected
    first_publication: bool = False


def apply(article, action, data=None, *, actor_id, now, lock=DEFAULT_LOCK, actor_name=None):
    """Move ``article`` by ``action`` at ``now`` and say what happened.

    ``data`` is the action's loaded input (``comment`` to return, ``reason`` to reject or
    unpublish, ``publish_at`` to schedule); ``actor_name``: the editor's name, shown to others
    with the review lock ``open`` takes. Who may act is the policy's business, not this.
    Raises Conflict (``TRANSITION_NOT_ALLOWED`` naming the allowed actions, ``ARTICLE_LOCKED``
    while another editor's review lock holds, ``LOCK_EXPIRED`` once the lock has run out —
    submitting ignores locks, opening takes an expired one) and InvalidInput
    (``PUBLISH_AT_IN_PAST``); nothing is changed then.
    """
    data = data or {}
    before = article.status
    target = check_transition(before, action)
    if action != "submit":
        check_lock(article, actor_id, now, expired=action != "open")
    if action == "schedule":
        check_schedule(data["publish_at"], now)

    if action == "open":
        article.locked_by, article.locked_until, article.locked_by_name = actor_id, now + lock, actor_name
    elif action in ("return", "reject", "approve"):
        article.locked_by = article.locked_until = article.locked_by_name = None
    if action == "submit":
        article.submitted_at = now
        article.first_submitted_at = article.first_submitted_at or now
    elif action == "reject":
        article.reject_reason = data["reason"]
    elif action == "schedule":
        article.publish_at = data["publish_at"]
    elif action == "unpublish":
        article.unpublish_reason = data["reason"]
    article.status = target
    article.updated_at = now
    first = _publish(article, now) if action == "publish" else False
    return Step(
        action=action,
        from_status=before,
        to_status=article.status,
        comment=data.get("comment") or data.get("reason"),
        fact=FACTS.get(action),
        first_publication=first,
    )


def publish_on_schedule(article, now):
    """A scheduled article whose time has come goes out (the timer; ``updated_at`` is left as the
    desk last touched it)."""
    before = article.status
    first = _publish(article, now)
    return Step("publish", before, article.status, SCHEDULED_COMMENT, "published", first)


def _publish(article, now):
    """Out now, as its current revision; True the first time the article is published."""
    first = article.first_published_at is None
    article.status = "published"
    article.published_at = now
    article.first_published_at = article.first_published_at or now
    article.published_revision = article.revision
    article.publish_at = None
    article.locked_by = article.locked_until = article.locked_by_name = None
    return first


def new_revision(article, now):
    """An edit of a draft, a returned item or an item in review: the next revision number."""
    article.revision += 1
    article.updated_at = now


def check_correctable(article):
    """Only a published article is corrected; otherwise Conflict naming what is allowed."""
    if article.status != "published":
        check_transition(article.status, "unpublish")


def correct(article, note, now):
    """A correction of a published article: a new revision, published at once."""
    check_correctable(article)
    new_revision(article, now)
    article.published_revision = article.revision
    return Step("correct", "published", article.status, note, "corrected")
