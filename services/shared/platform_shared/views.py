"""Small helpers the services use to build their RPC replies. No nameko, no SQL."""

import uuid
from datetime import UTC, datetime

from platform_shared.errors import NotFound


def page(items, total, args):
    """A paginated reply: ``{"items", "total", "page", "per_page"}`` for ``args`` (loaded list arguments)."""
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


def uuid_or_none(value, kind=None):
    """``value`` as a UUID (None and "" stay None).

    Malformed: ``NotFound`` of ``kind`` when a kind is given (an id in a path that names
    nothing), otherwise ``ValueError``.
    """
    if value in (None, ""):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        if kind:
            raise NotFound.of(kind, value) from None
        raise


def text(value):
    """``str(value)``, or None for None (ids and codes in replies)."""
    return None if value is None else str(value)


def iso(value):
    """ISO 8601 of a date or time, or None."""
    return None if value is None else value.isoformat()


def parse_time(value):
    """An aware datetime from ISO text (``Z`` accepted; naive read as UTC); None for empty or malformed."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
