"""Rules of the feedback service: the question workflow, tracking codes, plain text,
rate windows and report thresholds. No nameko, no SQL."""

import re
import secrets
from datetime import timedelta

from platform_shared.errors import Conflict, InvalidInput

# -- questions ---------------------------------------------------------------------------

OPEN = ("received", "assigned", "transferred")
"""Waiting for a first answer: the deadline runs and escalation applies."""
UNFINISHED = (*OPEN, "answered", "approved")
"""Not yet published or rejected: moves with a tenant merge."""

TRANSITIONS = {
    # action: (allowed from, to)
    "assign": (("received", "assigned", "transferred"), "assigned"),
    "answer": (("received", "assigned", "transferred", "answered"), "answered"),
    "approve": (("answered",), "approved"),
    "publish": (("approved",), "published"),
    "unpublish": (("published",), "approved"),
    "reject": (("received", "assigned", "transferred", "answered", "approved"), "rejected"),
    "transfer": (("received", "assigned", "transferred"), "transferred"),
}


def allowed_actions(status):
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]


def check_transition(status, action):
    """The status ``action`` leads to from ``status``; Conflict naming the allowed actions otherwise."""
    sources, target = TRANSITIONS[action]
    if status not in sources:
        allowed = allowed_actions(status)
        raise Conflict(
            f"Không thể thực hiện «{action}» với câu hỏi ở trạng thái «{status}».",
            code="TRANSITION_NOT_ALLOWED",
            details={"allowed_actions": allowed},
        )
    return target


# -- tracking codes ----------------------------------------------------------------------

# Crockford-like alphabet without I, L, O, U: read over the phone without confusion.
CHECK_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def tracking_code(day, number, suffix=None):
    """``HD-20261126-000042-7KQX``: the local day, that day's sequence number, and four random
    characters so that a code cannot be guessed from its neighbours (the sequence alone would
    let anyone walk a day's questions on the tracking page)."""
    suffix = suffix or "".join(secrets.choice(CHECK_ALPHABET) for _ in range(4))
    return f"HD-{day:%Y%m%d}-{number:06d}-{suffix}"


def normalise_tracking_code(value):
    return (value or "").strip().upper()


# -- plain text ----------------------------------------------------------------------------

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def require_plain_text(text, field):
    """Comments, questions and opinions are plain text: markup and entities are refused, not stripped
    (stripping would change what the person meant to say)."""
    if _MARKUP.search(text or ""):
        raise InvalidInput.field(field, "Chỉ nhận văn bản thuần, không chứa thẻ HTML.", code="HTML_NOT_ALLOWED")
    if _CONTROL.search(text or ""):
        raise InvalidInput.field(field, "Văn bản chứa ký tự điều khiển không hợp lệ.", code="CONTROL_CHARACTERS")
    return text


# -- rate windows --------------------------------------------------------------------------


def window_cutoff(now, seconds):
    """A counter whose window started at or before this instant starts a new window."""
    return now - timedelta(seconds=seconds)


def retry_after(window_started_at, count, now, *, limit, seconds):
    """Seconds to wait when ``count`` requests (this one included) in the window exceed ``limit``; else 0."""
    if count <= limit:
        return 0
    ends = window_started_at + timedelta(seconds=seconds)
    return max(1, int((ends - now).total_seconds() + 0.999))


# -- comments --------------------------------------------------------------------------------

REPORTS_TO_HIDE = 3


def after_report(status, distinct_reports, threshold=REPORTS_TO_HIDE):
    """A visible comment reported by ``threshold`` distinct users is hidden until a moderator decides."""
    if status == "published" and distinct_reports >= threshold:
        return "hidden"
    return status
