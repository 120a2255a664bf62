"""One replica at a time: a PostgreSQL advisory lock per (service, job) for periodic work.

Every service runs as several replicas on one database. Their timers all fire; the work of
a tick (publish the scheduled articles, close last week's quotas, escalate overdue
questions…) must run on one of them at a time. ``TickLock(engine, "content",
"publish_scheduled").acquire()`` takes ``pg_try_advisory_xact_lock`` on a connection of its
own, in a transaction held open for the tick: it answers at once, a ``Lease`` when this
replica got the key, None when another holds it (the tick is skipped; the next one tries
again). ``Lease.release()`` ends the transaction, and with it the lock.

Transaction-level on purpose: whatever ends the session or the transaction — release, a
crash, a killed greenthread whose connection is collected and rolled back by the pool, the
process dying — ends the lock too, so a replica cannot keep the key by accident.

The lock is an optimisation, not the guarantee: a lock lost mid-tick (a dropped
connection) lets another replica start. Each tick's work is therefore idempotent by state
as well (``SELECT … FOR UPDATE SKIP LOCKED`` of rows still in the state to change, a
conditional ``UPDATE … WHERE state = …``, or a unique key with ``ON CONFLICT DO NOTHING``),
so two overlapping ticks still write each fact once.

Elsewhere (the embedded SQLite default: one process) the lease is always granted.
No nameko here: ``platform_shared.timers`` uses it from the timer entrypoint, and any
plain process may use ``held(...)``.
"""

import contextlib
import hashlib
import logging

from sqlalchemy import text

log = logging.getLogger("platform.singleton")


def lock_key(service, job):
    """The signed 64-bit advisory-lock key of (service, job); stable across processes and versions."""
    digest = hashlib.blake2b(f"timer:{service}:{job}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Lease:
    """The lock, held until ``release()`` (a no-op lease where there is nothing to lock)."""

    def __init__(self, connection=None, transaction=None):
        self._connection, self._transaction = connection, transaction

    def release(self):
        """End the lock's transaction and give the connection back; never raises."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            self._transaction.rollback()  # nothing was written on it: rollback ends the lock
            connection.close()
        except Exception:  # a broken connection already lost the lock with its session
            log.debug("advisory lock connection failed at release", exc_info=True)
            with contextlib.suppress(Exception):
                connection.invalidate()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


class TickLock:
    """``TickLock(engine, service, job).acquire()`` → a ``Lease``, or None when another holds it."""

    def __init__(self, engine, service, job):
        self.engine = engine
        self.service, self.job = service, job
        self.key = lock_key(service, job)

    @property
    def coordinated(self):
        """True where replicas may share the database (PostgreSQL)."""
        return self.engine.dialect.name == "postgresql"

    def acquire(self):
        """Try the key without waiting. Raises what the database raises (it may be away)."""
        if not self.coordinated:
            return Lease()
        connection = self.engine.connect()
        try:
            transaction = connection.begin()
            if connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": self.key}).scalar():
                return Lease(connection, transaction)
            transaction.rollback()
        except BaseException:
            connection.invalidate()
            connection.close()
            raise
        connection.close()
        return None


@contextlib.contextmanager
def held(engine, service, job):
    """``with held(engine, "content", "publish_scheduled") as mine: if mine: ...`` — the lease or None."""
    lease = TickLock(engine, service, job).acquire()
    try:
        yield lease
    finally:
        if lease is not None:
            lease.release()
