"""The transactional outbox: a fact is stored with the change that caused it.

``add(session, event_type, payload)`` is called inside the business transaction;
the relay (``platform_shared.relay``) publishes committed rows afterwards. A crash
between commit and publish only delays the event; a rollback removes it together
with the change. Business code never publishes to the broker itself.

The row also keeps the context of the request that caused the fact — its request id and,
when traces are exported, its ``traceparent`` — in ``headers``, outside the payload's
contract; the relay sends them as the message headers ``nameko.request_id`` and
``nameko.traceparent``, which nameko gives the consuming handler as context data.
"""

import uuid

from sqlalchemy import func, select

from platform_shared import contracts, tracing
from platform_shared.clock import utcnow
from platform_shared.database import mark_written
from platform_shared.logs import request_id_var
from platform_shared.tables import outbox


def add(session, event_type, payload, *, aggregate_id=None, now=None, contract=True):
    """Record a fact in the caller's transaction and return its ``event_id``.

    ``event_type`` is ``"<service>.<name>"``. The payload gets ``event_id``,
    ``event_type``, ``occurred_at`` and ``schema_version`` (1) when it has none, and
    must then match its contract exactly (``contracts.check``): a payload the contract
    does not describe raises ``ContractViolation`` and rolls the change back with it.
    ``contract=False`` is for the relay's own tests, whose payloads are not facts.
    """
    service, _, name = event_type.partition(".")
    if not service or not name:
        raise ValueError(f"event type must be '<service>.<name>', got {event_type!r}")
    occurred = now or utcnow()
    body = dict(payload)
    body.setdefault("event_id", str(uuid.uuid4()))
    body.setdefault("event_type", event_type)
    body.setdefault("schema_version", 1)
    body.setdefault("occurred_at", occurred.isoformat())
    if contract:
        contracts.check(event_type, body)
    row = outbox.insert().values(
        event_id=body["event_id"],
        event_type=event_type,
        aggregate_id=None if aggregate_id is None else str(aggregate_id),
        payload=body,
        created_at=occurred,
        headers=context_headers(),
    )
    if session.get_bind().dialect.name == "postgresql":
        # The row and the notification that wakes a listening relay at commit, in one statement
        # (one round trip); a rollback drops the notification too.
        written = row.returning(outbox.c.event_id).cte("written")
        session.execute(select(func.pg_notify(channel_for(service), "")).select_from(written))
        mark_written(session)  # a SELECT to SQLAlchemy, a write all the same
    else:
        session.execute(row)
    return body["event_id"]


def context_headers():
    """The current request's context to carry with a fact: ``{"request_id", "traceparent"}`` or None."""
    headers = {}
    rid = request_id_var.get()
    if rid:
        headers["request_id"] = rid
    if tracing.tracer() is not None:
        traceparent = tracing.traceparent_of()
        if traceparent:
            headers[tracing.HEADER] = traceparent
    return headers or None


def channel_for(service):
    """The PostgreSQL NOTIFY channel a service's relay listens on."""
    return f"outbox_{service}"
