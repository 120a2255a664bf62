"""Alembic support shared by every service's ``migrations/env.py``.

``run_env(context, target_metadata, service)`` is the whole body of an env.py;
``create_platform_tables_v1(op)`` is called by each service's first migration
and must never change (add a ``_v2`` for later changes).
"""

import os

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import pool

from platform_shared.database import BigId, JSONType, UTCDateTime
from platform_shared.tables import metadata as platform_metadata


def database_url_for(service, default=None):
    env = f"{service.upper()}_DATABASE_URL"
    return os.environ.get(env) or default


def run_env(context, target_metadata, service):
    """Run migrations online or offline for ``service``'s database."""
    url = context.config.get_main_option("sqlalchemy.url") or database_url_for(service, f"sqlite:///var/{service}.db")
    metadata = [target_metadata, platform_metadata]
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = sa.create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def alembic_config(migrations_dir, url):
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(migrations_dir, url, revision="head"):
    """Bring a database to ``revision``; the only way tables come to exist."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        os.makedirs(os.path.dirname(url[len("sqlite:///") :]) or ".", exist_ok=True)
    command.upgrade(alembic_config(migrations_dir, url), revision)


def create_platform_tables_v1(op):
    """Create outbox, inbox and parked_event exactly as ``platform_shared.tables`` defines them."""
    op.create_table(
        "outbox",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(120), nullable=False),
        sa.Column("aggregate_id", sa.String(64), nullable=True),
        sa.Column("payload", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["id"],
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "inbox",
        sa.Column("handler", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("processed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("handler", "event_id", name="pk_inbox"),
    )
    op.create_table(
        "parked_event",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("handler", sa.String(200), nullable=False),
        sa.Column("queue", sa.String(255), nullable=False),
        sa.Column("event_type", sa.String(120), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=True),
        sa.Column("payload", JSONType, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("parked_at", UTCDateTime(), nullable=False),
        sa.Column("replayed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_parked_event"),
    )
    op.create_index("ix_parked_event_open", "parked_event", ["parked_at"])


def create_idempotency_table_v1(op):
    """Create ``idempotency_key`` exactly as ``platform_shared.tables`` defines it (never change it: add a ``_v2``)."""
    op.create_table(
        "idempotency_key",
        sa.Column("scope", sa.String(300), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(32), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("response", sa.Text, nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_idempotency_key"),
    )
    op.create_index("ix_idempotency_key_expires_at", "idempotency_key", ["expires_at"])


def add_idempotency_attempt_v1(op):
    """Add ``idempotency_key.attempt`` (the RPC message holding the key: a redelivery of it takes the key over)."""
    op.add_column("idempotency_key", sa.Column("attempt", sa.String(32), nullable=True))


def add_outbox_headers_v1(op):
    """Add ``outbox.headers`` (the request id and traceparent the relay sends as message headers)."""
    op.add_column("outbox", sa.Column("headers", JSONType, nullable=True))
