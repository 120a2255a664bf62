"""Rules every part of the feedback service shares: plain text and rate windows. No nameko, no SQL.

The rules of each aggregate live in its own package (``questions/domain.py``,
``opinions/domain.py``, ``comments/domain.py``, ``calendar/domain.py``).
"""

import re
from datetime import timedelta

from platform_shared.errors import InvalidInput

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


def wait_phrase(seconds):
    """How long to wait, as a person reads it: «45 giây», «58 phút»."""
    if seconds < 120:
        return f"{seconds} giây"
    return f"{(seconds + 59) // 60} phút"
