"""Tables the platform kit keeps in every service's own database.

They live on their own ``MetaData``; each service's alembic environment targets
``[service metadata, platform_shared.tables.metadata]`` and each service's first
migration creates them with ``platform_shared.migrations.create_platform_tables``.
"""

from sqlalchemy import Column, Index, Integer, String, Table, Text, UniqueConstraint, text

from platform_shared.database import BigId, JSONType, UTCDateTime, new_metadata

metadata = new_metadata()

outbox = Table(
    "outbox",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),
    Column("event_type", String(120), nullable=False),
    Column("aggregate_id", String(64), nullable=True),
    Column("payload", JSONType, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("published_at", UTCDateTime(), nullable=True),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text, nullable=True),
    # Context the relay sends as message headers (``nameko.<key>``), outside the payload's
    # contract: the request id, the W3C traceparent. Added by ``migrations.add_outbox_headers_v1``.
    Column("headers", JSONType, nullable=True),
    UniqueConstraint("event_id"),
    Index(
        "ix_outbox_pending",
        "id",
        postgresql_where=text("published_at IS NULL"),
        sqlite_where=text("published_at IS NULL"),
    ),
)

# (handler, event_id) seen by this service: the idempotency record of consumers.
inbox = Table(
    "inbox",
    metadata,
    Column("handler", String(200), primary_key=True),
    Column("event_id", String(36), primary_key=True),
    Column("processed_at", UTCDateTime(), nullable=False),
)

# Events whose handler kept failing: visible to operators, replayable.
parked_event = Table(
    "parked_event",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("handler", String(200), nullable=False),
    Column("queue", String(255), nullable=False),
    Column("event_type", String(120), nullable=False),
    Column("event_id", String(36), nullable=True),
    Column("payload", JSONType, nullable=False),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("parked_at", UTCDateTime(), nullable=False),
    Column("replayed_at", UTCDateTime(), nullable=True),
    Index("ix_parked_event_open", "parked_at"),
)

# Idempotency-Key records of creating requests (``platform_shared.idempotency``): a repeat
# answers the first result. ``key`` is the client key's SHA-256, ``response`` is sealed with it. Created by each service's migration with
# ``platform_shared.migrations.create_idempotency_table_v1``; ``attempt`` (the RPC message holding the key) by
# ``add_idempotency_attempt_v1``.
idempotency_key = Table(
    "idempotency_key",
    metadata,
    Column("scope", String(300), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("owner", String(32), nullable=False),
    Column("attempt", String(32), nullable=True),
    Column("state", String(10), nullable=False),
    Column("response", Text, nullable=True),
    Column("lease_until", UTCDateTime(), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Index("ix_idempotency_key_expires_at", "expires_at"),
)

PLATFORM_TABLES = ("outbox", "inbox", "parked_event", "idempotency_key")
