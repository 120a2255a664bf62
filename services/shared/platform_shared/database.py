"""SQLAlchemy plumbing shared by every service; no nameko here.

One engine per process and service, a ``transaction()`` unit of work that commits
on success and rolls back on any error, and the column types every service uses
(UTC timestamps that survive SQLite, UUID keys).
"""

import contextlib
import uuid
from datetime import UTC

from sqlalchemy import JSON, DateTime, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.pool import StaticPool

# Stable constraint names, so alembic migrations and models never disagree.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata():
    return MetaData(naming_convention=NAMING_CONVENTION)


def make_base():
    """A declarative base with the platform's naming convention."""

    class Base(DeclarativeBase):
        metadata = new_metadata()

    return Base


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# JSON that is JSONB on PostgreSQL.
JSONType = JSON().with_variant(postgresql.JSONB(), "postgresql")


def new_id():
    return uuid.uuid4()


def make_engine(url, *, pool_size=10, echo=False):
    """An engine tuned per backend; SQLite gets foreign keys and WAL."""
    if url.startswith("sqlite"):
        kwargs = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, echo=echo, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    engine = create_engine(url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)
    _ping_when_idle(engine)
    return engine


IDLE_PING_SECONDS = 10.0


def _ping_when_idle(engine):
    """Check a pooled connection before use only when it sat idle for a while.

    ``pool_pre_ping`` costs a round trip on every checkout; a connection that was
    used a moment ago is alive, and one that idled (perhaps across a database
    restart) is pinged and, if dead, replaced before the caller sees it.
    """
    import time

    from sqlalchemy import exc

    @event.listens_for(engine, "checkin")
    def _checkin(dbapi_conn, record):
        record.info["last_used"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn, record, proxy):
        last = record.info.get("last_used")
        if last is None or time.monotonic() - last < IDLE_PING_SECONDS:
            return
        try:
            cursor = dbapi_conn.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except Exception as error:
            raise exc.DisconnectionError() from error


class SessionFactory:
    """Hands out units of work on one engine."""

    def __init__(self, engine):
        self.engine = engine
        self._maker = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
        # Reads need no BEGIN/COMMIT round trips: autocommit is set client-side on checkout.
        self._reader = sessionmaker(
            bind=engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False, autoflush=False
        )

    @contextlib.contextmanager
    def read(self):
        """A session for reads only: no transaction, two fewer round trips to the server."""
        session = self._reader()
        try:
            yield session
        finally:
            session.close()

    @contextlib.contextmanager
    def transaction(self):
        """A session that commits when the block ends cleanly and rolls back otherwise."""
        session = self._maker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self):
        self.engine.dispose()


def paginate(session, stmt, page, per_page, *, large=False):
    """One page of ``stmt`` (a ``select`` of an entity) and the total number of rows.

    Small tables (tenants, units, a tenant's users): one round trip, the total rides
    along as ``count(*) OVER ()``. ``large=True`` (the public article lists) counts in
    a query of its own, so the page itself can stop after ``per_page`` rows of an
    index instead of sorting every match to number them.
    """
    from sqlalchemy import func, select

    if large:
        total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
        items = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all() if total else []
        return items, total
    rows = session.execute(
        stmt.add_columns(func.count().over().label("_total")).limit(per_page).offset((page - 1) * per_page)
    ).all()
    if rows:
        return [row[0] for row in rows], rows[0][-1]
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return [], total


def as_uuid(value, kind="resource"):
    """A UUID from user input, or NotFound (a malformed id names nothing that exists)."""
    from platform_shared.errors import NotFound

    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise NotFound.of(kind, value) from None
