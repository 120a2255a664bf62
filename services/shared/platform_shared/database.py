"""SQLAlchemy plumbing shared by every service; no nameko here.

One engine per process and service, a ``transaction()`` unit of work that commits
on success and rolls back on any error, and the column types every service uses
(UTC timestamps that survive SQLite, UUID keys).
"""

import contextlib
import contextvars
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import orjson
from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, TypeDecorator, create_engine, event
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
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


# A 64-bit auto-increment key; SQLite's ROWID alias must be declared INTEGER to auto-increment.
BigId = BigInteger().with_variant(Integer(), "sqlite")


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


def make_engine(url, *, pool_size=10, max_overflow=None, echo=False, reader=False):
    """An engine tuned per backend; SQLite gets foreign keys and WAL.

    ``reader=True``: the engine of ``SessionFactory.read()`` — every connection in autocommit
    from the moment it is opened (so nothing is reset when it goes back to the pool) and
    refused any write by the database itself (PostgreSQL: ``default_transaction_read_only``
    in the connection's startup packet, no round trip; SQLite: ``PRAGMA query_only``).
    """
    if url.startswith("sqlite"):
        kwargs = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        if reader:
            kwargs["isolation_level"] = "AUTOCOMMIT"
        engine = create_engine(url, echo=echo, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            if reader:
                cur.execute("PRAGMA query_only=ON")
            cur.close()

        return engine
    kwargs = {}
    if reader:
        parsed = make_url(url)
        options = " ".join(filter(None, (parsed.query.get("options"), "-c default_transaction_read_only=on")))
        kwargs = {"isolation_level": "AUTOCOMMIT", "connect_args": {"options": options}}
    overflow = pool_size if max_overflow is None else max_overflow
    engine = create_engine(url, echo=echo, pool_size=pool_size, max_overflow=overflow, pool_recycle=1800, **kwargs)
    _ping_when_idle(engine)
    return engine


def _read_engine_for(engine):
    """The engine ``read()`` uses beside ``engine``: same database, a pool of its own.

    Reads used to borrow the writers' connections and switch them to autocommit for the
    session (``execution_options(isolation_level="AUTOCOMMIT")``); SQLAlchemy then reset each one
    on its way back to the pool — ``SET default_transaction_isolation TO DEFAULT``, one more
    round trip per read, in every service (issue 18's profile: 1 of /me's 3 statements, 4-10 %
    of the accounts service's CPU). Connections that are autocommit from birth need no reset.
    An in-memory SQLite database lives in its one connection: there reads share it, as before.

    Its pool is the writers' size with no overflow: a worker holds one read session at a time, so
    ``max_workers`` (= the pool size by default) bounds what reads need; the overflow is kept for
    the writers, whose workers may nest a transaction. Per process that is pool × 3 connections at
    most (deploy/README.md's connection budget, recomputed by tests/deploy).
    """
    if isinstance(engine.pool, StaticPool):
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    size = engine.pool.size() if hasattr(engine.pool, "size") else 5
    url = engine.url.render_as_string(hide_password=False)
    return make_engine(url, pool_size=size, max_overflow=0, echo=engine.echo, reader=True)


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


def outage(error):
    """``Unavailable`` (503, "try again") when ``error`` is the database being away — refused,
    restarting, the connection cut — else None. A request that met a restart then tells its
    caller to try again instead of failing as a bug (500); the pool has already dropped the
    dead connections (SQLAlchemy invalidates it on a disconnect), so the next one reconnects."""
    from sqlalchemy import exc

    from platform_shared.errors import Unavailable

    if isinstance(error, exc.DBAPIError) and (
        error.connection_invalidated or isinstance(error, (exc.OperationalError, exc.InterfaceError))
    ):
        return Unavailable(
            "Cơ sở dữ liệu của dịch vụ đang tạm gián đoạn. Vui lòng thử lại sau ít giây.",
            code="DATABASE_UNAVAILABLE",
        )
    if isinstance(error, exc.DisconnectionError):
        return Unavailable(
            "Cơ sở dữ liệu của dịch vụ đang tạm gián đoạn. Vui lòng thử lại sau ít giây.",
            code="DATABASE_UNAVAILABLE",
        )
    return None


before_commit = contextvars.ContextVar("before_commit", default=None)
"""``fn(session)`` run in every ``transaction()`` that wrote, right before it commits; set for one
worker (the idempotency record of the request it serves, see ``platform_shared.idempotency``)."""


def _note_write(state):
    if not state.is_select:
        mark_written(state.session)


def _note_flush(session, _context):
    mark_written(session)


def mark_written(session):
    """Count ``session``'s transaction as one that wrote, for a write that SQLAlchemy sees as a
    SELECT (``WITH ... INSERT ... RETURNING`` read by a ``SELECT``): ``before_commit`` then runs."""
    session.info["wrote"] = True


def _wrote(session):
    return bool(session.new or session.dirty or session.deleted or session.info.get("wrote"))


class SessionFactory:
    """Hands out units of work on one engine."""

    def __init__(self, engine):
        self.engine = engine
        self._maker = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
        event.listen(self._maker, "do_orm_execute", _note_write)
        event.listen(self._maker, "after_flush", _note_flush)
        # Reads need no BEGIN/COMMIT round trips, nor a reset when their connection is returned:
        # an engine of their own, autocommit and read-only from connect (see _read_engine_for).
        self.read_engine = _read_engine_for(engine)
        self._reader = sessionmaker(bind=self.read_engine, expire_on_commit=False, autoflush=False)
        self._autocommit = sessionmaker(
            bind=engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False, autoflush=False
        )

    @contextlib.contextmanager
    def read(self):
        """A session for reads only: no transaction (two fewer round trips to the server), and no
        write — the database refuses one (PostgreSQL: read-only transaction; SQLite: query_only),
        except on an in-memory SQLite database, whose one connection reads share with writes."""
        session = self._reader()
        try:
            yield session
        finally:
            session.close()

    @contextlib.contextmanager
    def autocommit(self):
        """A session whose every statement commits on its own, on the writers' connections: for
        a write that must stand whatever the request does next (a rate-limit counter counts the
        refused and the failed attempts too). Not for business changes: they go in ``transaction``
        with their outbox row."""
        session = self._autocommit()
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
            hook = before_commit.get()
            if hook is not None and _wrote(session):
                hook(session)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self):
        if self.read_engine.pool is not self.engine.pool:
            self.read_engine.dispose()
        self.engine.dispose()


def paginate(session, stmt, page, per_page, *, large=False, mapped=False):
    """One page of ``stmt`` (a ``select`` of an entity) and the total number of rows.

    Small tables (tenants, units, a tenant's users): one round trip, the total rides
    along as ``count(*) OVER ()``. ``large=True`` (the public article lists) counts in
    a query of its own, so the page itself can stop after ``per_page`` rows of an
    index instead of sorting every match to number them. ``mapped=True``: ``stmt``
    selects plain columns (Core) and the items are dicts of them, no ORM entity loaded.
    """
    from sqlalchemy import func, select

    if large:
        total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
        page_stmt = stmt.limit(per_page).offset((page - 1) * per_page)
        if not total:
            return [], total
        if mapped:
            return [dict(row) for row in session.execute(page_stmt).mappings()], total
        return session.scalars(page_stmt).all(), total
    rows = session.execute(
        stmt.add_columns(func.count().over().label("_total")).limit(per_page).offset((page - 1) * per_page)
    ).all()
    if rows and mapped:
        return [{key: value for key, value in row._mapping.items() if key != "_total"} for row in rows], rows[0][-1]
    if rows:
        return [row[0] for row in rows], rows[0][-1]
    if page == 1:
        # Nothing at all. Not counted again: in autocommit a row committed in between would give
        # a total of 1 beside an empty page (seen in the suite: a poller read total 1, items []).
        return [], 0
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


def dialect_insert(session, table):
    """INSERT with ``on_conflict_do_*`` on PostgreSQL and on the embedded SQLite alike."""
    from sqlalchemy.dialects import sqlite

    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table)


BULK_CHUNK = 5000


def record_type(table, columns):
    """``id UUID, title VARCHAR, ...``: the record of ``json_to_recordset`` for ``columns``.

    Without lengths and precisions: the INSERT into the table applies (and enforces) them."""
    dialect = postgresql.dialect()
    return ", ".join(f"{c} {table.c[c].type.compile(dialect=dialect).split('(')[0]}" for c in columns)


def _json_scalar(value):
    """orjson's ``default``: what it does not write itself, as PostgreSQL reads it.

    Dates and datetimes come here (``OPT_PASSTHROUGH_DATETIME``) so that a naive one is refused, as
    ``UTCDateTime`` refuses it, instead of being stored as if it were UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be sent as a bulk row value")


def _with_uuid_objects(table, rows):
    """Rows whose UUID columns hold UUIDs, for the SQLAlchemy path (bulk rows may give canonical strings)."""
    from sqlalchemy import Uuid

    ids = [c for c in rows[0] if c in table.c and isinstance(table.c[c].type, Uuid)]
    if not any(isinstance(r[c], str) for r in rows for c in ids):
        return rows
    return [r | {c: uuid.UUID(r[c]) for c in ids if isinstance(r[c], str)} for r in rows]


def _json_rows(chunk):
    """The rows as one JSON text (orjson: 4× the stdlib encoder for 500 ledger rows)."""
    try:
        return {"rows": orjson.dumps(chunk, default=_json_scalar, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()}
    except orjson.JSONEncodeError as error:
        raise (error.__cause__ or error) from None  # the naive datetime, not orjson's wrapper


def bulk_insert(session, table, rows, *, skip_conflicts=None, returning=None):
    """Insert ``rows`` (dicts with the same keys) in one statement per ``BULK_CHUNK`` rows.

    On PostgreSQL the rows travel as one JSON parameter, ``INSERT ... SELECT FROM
    json_to_recordset(:rows)``: the server parses one document instead of a VALUES row of
    bound literals per item. For the royalty ledger (500 rows of 33 columns) that is 4×
    faster than SQLAlchemy's multi-row INSERT and 2.5× faster than one array per column
    (``unnest``), measured on this machine. Elsewhere (SQLite) it is a multi-row INSERT.

    ``skip_conflicts``: the columns of a unique key, or True for any key; a row that
    conflicts is skipped (``ON CONFLICT DO NOTHING``). ``returning``: a column name; the
    values of that column of the rows actually inserted are returned as a list (else None).
    UUID columns take UUIDs or their canonical strings (a hot path need not build UUID
    objects only to have them turned back into text).
    """
    from sqlalchemy import text

    rows = list(rows)
    if not rows:
        return [] if returning else None
    columns, found = list(rows[0]), []
    if _postgres(session):
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {_json_source(table, columns)}"
        if skip_conflicts is True:
            sql += " ON CONFLICT DO NOTHING"
        elif skip_conflicts:
            sql += f" ON CONFLICT ({', '.join(skip_conflicts)}) DO NOTHING"
        statement = text(sql + (f" RETURNING {returning}" if returning else ""))
        if returning:
            statement = statement.columns(table.c[returning])
    else:
        statement = dialect_insert(session, table)
        if skip_conflicts:
            statement = statement.on_conflict_do_nothing(
                index_elements=None if skip_conflicts is True else list(skip_conflicts)
            )
        if returning:
            statement = statement.returning(table.c[returning])
    for result in _execute_in_chunks(session, statement, table, rows):
        if returning:
            found += result.scalars().all()
    return found if returning else None


def bulk_update(session, table, rows, *, key="id"):
    """Update rows by ``key`` (dicts with the same keys, ``key`` among them), one statement per chunk.

    On PostgreSQL ``UPDATE ... FROM json_to_recordset(:rows)`` as in ``bulk_insert``;
    elsewhere an executemany of ``UPDATE ... WHERE key = :key``.
    """
    from sqlalchemy import bindparam, text, update

    rows = list(rows)
    if not rows:
        return
    columns = list(rows[0])
    if _postgres(session):
        assignments = ", ".join(f"{c} = r.{c}" for c in columns if c != key)
        statement = text(
            f"UPDATE {table.name} AS t SET {assignments} FROM {_json_source(table, columns)} WHERE t.{key} = r.{key}"
        )
    else:
        values = {c: bindparam(c) for c in columns if c != key}
        statement = update(table).where(table.c[key] == bindparam(f"_{key}")).values(values)
        rows = [{**r, f"_{key}": r[key]} for r in _with_uuid_objects(table, rows)]
    for _ in _execute_in_chunks(session, statement, table, rows):
        pass


def _postgres(session):
    return session.get_bind().dialect.name == "postgresql"


def _json_source(table, columns):
    """``json_to_recordset(:rows) AS r(...)``: the rows of a chunk, sent as one JSON parameter."""
    return f"json_to_recordset(CAST(:rows AS json)) AS r({record_type(table, columns)})"


def _execute_in_chunks(session, statement, table, rows):
    """Run ``statement`` per ``BULK_CHUNK`` rows, yielding each result: the chunk as one JSON
    document on PostgreSQL, an executemany elsewhere (UUID columns given as text made UUIDs)."""
    postgres = _postgres(session)
    for start in range(0, len(rows), BULK_CHUNK):
        chunk = rows[start : start + BULK_CHUNK]
        if postgres:
            yield session.execute(statement, _json_rows(chunk))
        else:
            yield session.connection().execute(statement, _with_uuid_objects(table, chunk))
