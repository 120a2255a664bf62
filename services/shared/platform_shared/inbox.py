"""The consumer side of exactly-once effects: remember which events were handled.

``seen(session, handler, event_id)`` inserts ``(handler, event_id)`` in the
handler's own transaction and tells whether it was already there. Because the
record commits or rolls back with the handler's changes, a redelivered event
changes nothing, and a handler that failed half-way is retried in full.
"""

from sqlalchemy import select

from platform_shared.clock import utcnow
from platform_shared.tables import inbox


def seen(session, handler, event_id, *, now=None):
    """True when ``handler`` already processed ``event_id``; otherwise record it."""
    if not event_id:
        raise ValueError("an event without event_id cannot be handled idempotently")
    found = session.execute(
        select(inbox.c.event_id).where(inbox.c.handler == handler, inbox.c.event_id == str(event_id))
    ).first()
    if found is not None:
        return True
    session.execute(
        inbox.insert().values(handler=handler, event_id=str(event_id), processed_at=now or utcnow())
    )
    # Flush now so a concurrent duplicate fails on the primary key here, not at commit.
    session.flush()
    return False
