"""Parked events: what a handler could not process after its retries.

Nothing here imports nameko; the handler extension (``handlers``) parks, operators
list and replay through the service's ``list_parked_events`` / ``replay_parked_event``
RPCs or ``platform parked``.
"""

from sqlalchemy import select, update

from platform_shared.clock import utcnow
from platform_shared.errors import Conflict, NotFound
from platform_shared.tables import parked_event


def park(session, *, handler, queue, event_type, payload, error, attempts, now=None):
    """Keep an event that failed ``attempts`` times; returns the parked id."""
    event_id = payload.get("event_id") if isinstance(payload, dict) else None
    result = session.execute(
        parked_event.insert().values(
            handler=handler,
            queue=queue,
            event_type=event_type,
            event_id=None if event_id is None else str(event_id),
            payload=payload,
            error=error[:4000],
            attempts=attempts,
            parked_at=now or utcnow(),
        )
    )
    return result.inserted_primary_key[0]


def list_open(session, limit=100):
    """Parked events not yet replayed, oldest first."""
    rows = session.execute(
        select(parked_event).where(parked_event.c.replayed_at.is_(None)).order_by(parked_event.c.id).limit(limit)
    ).mappings()
    return [_dump(r) for r in rows]


def take_for_replay(session, parked_id, now=None):
    """Mark one parked event replayed and return it; a second replay is a Conflict."""
    row = session.execute(select(parked_event).where(parked_event.c.id == int(parked_id))).mappings().first()
    if row is None:
        raise NotFound.of("parked_event", parked_id)
    if row["replayed_at"] is not None:
        raise Conflict("Sự kiện này đã được phát lại.", code="ALREADY_REPLAYED")
    session.execute(update(parked_event).where(parked_event.c.id == row["id"]).values(replayed_at=now or utcnow()))
    return _dump(row)


def _dump(row):
    return {
        "id": row["id"],
        "handler": row["handler"],
        "queue": row["queue"],
        "event_type": row["event_type"],
        "event_id": row["event_id"],
        "payload": row["payload"],
        "error": row["error"],
        "attempts": row["attempts"],
        "parked_at": row["parked_at"].isoformat(),
        "replayed_at": row["replayed_at"].isoformat() if row["replayed_at"] else None,
    }
