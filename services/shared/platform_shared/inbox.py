"""The consumer side of exactly-once effects: remember which events were handled.

``seen(session, handler, event_id)`` inserts ``(handler, event_id)`` in the
handler's own transaction and tells whether it was already there. Because the
record commits or rolls back with the handler's changes, a redelivered event
changes nothing, and a handler that failed half-way is retried in full.
"""

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from platform_shared import metrics
from platform_shared.clock import utcnow
from platform_shared.tables import inbox


def seen(session, handler, event_id, *, now=None):
    """True when ``handler`` already processed ``event_id``; otherwise record it and say False.

    One ``INSERT .. ON CONFLICT DO NOTHING``: when two deliveries of one event race,
    the second waits for the first's transaction and then sees it as processed.
    """
    if not event_id:
        raise ValueError("an event without event_id cannot be handled idempotently")
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[dialect]
    result = session.execute(
        insert(inbox)
        .values(handler=handler, event_id=str(event_id), processed_at=now or utcnow())
        .on_conflict_do_nothing(index_elements=["handler", "event_id"])
    )
    if result.rowcount == 0:
        metrics.note_duplicate()  # counted as a duplicate delivery by the handler's telemetry
        return True
    return False
