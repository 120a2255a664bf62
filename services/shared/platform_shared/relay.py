"""The outbox relay: publishes committed facts to RabbitMQ, then marks them sent.

One relay per service database (several may run; on PostgreSQL only the holder of
an advisory lock publishes, the others stand by). Rows go out in id order, one
confirmed publish each, in nameko's event wire format — exchange
``<service>.events``, routing key = the event type, JSON body = the payload — so
ordinary ``@event_handler``/``@handle_event`` consumers receive them.

Guarantees: a row is marked sent only after the broker confirmed it, so a crash
at any point re-sends at most the rows in flight (consumers de-duplicate by
``event_id``). When the broker or the database is away the relay backs off
(``platform_shared.retry``, up to 30 s) and resumes from the first unsent row, so order
is kept for every aggregate. Publishing goes through the toolkit's ``ConfirmedPublisher``
(kombu, publisher confirms).
Each message carries ``nameko.event_id`` and the context stored with its row (``headers``:
``nameko.request_id``, ``nameko.traceparent``), which nameko hands the handler as context data.
Published ``mandatory``: an event no queue is bound to is logged and recorded in
``last_error`` — consumers' queues are declared at migration time
(``platform migrate``), so that only happens for events nobody subscribes to.

Metrics (``platform_shared.metrics``): ``platform_outbox_published_total{service}`` as rows go
out; ``export_metrics()`` makes ``platform_outbox_backlog`` and
``platform_outbox_oldest_age_seconds`` read the outbox when scraped (``platform relay`` calls
it when ``METRICS_PORT`` is set).

No nameko and no eventlet here: the relay is a plain process.
"""

import json
import logging
import select
import threading
import time
import zlib

from kombu import Exchange
from sqlalchemy import func, update
from sqlalchemy import select as sql_select

from platform_shared import metrics, retry
from platform_shared.clock import utcnow
from platform_shared.messaging import ConfirmedPublisher
from platform_shared.outbox import channel_for
from platform_shared.tables import outbox

log = logging.getLogger("platform.relay")


class Relay:
    def __init__(self, service, engine, amqp_uri, *, batch_size=200, idle_wait=1.0, max_backoff=30.0):
        self.service = service
        self.engine = engine
        self.amqp_uri = amqp_uri
        self.batch_size = batch_size
        self.idle_wait = idle_wait
        self.backoff = retry.Backoff(retry.RELAY.start, max_backoff)
        self.published = 0
        self._publisher = None

    # -- publishing -----------------------------------------------------------

    def _publish(self, row):
        """Publish one row and wait for the broker's confirm; True when a queue took it."""
        if self._publisher is None:
            exchange = Exchange(f"{self.service}.events", type="topic", durable=True)
            # One attempt: a failure goes back to the loop, which backs off and starts again
            # from the first unsent row.
            self._publisher = ConfirmedPublisher(self.amqp_uri, declare=[exchange], attempts=1)
        headers = {f"nameko.{key}": value for key, value in (row.headers or {}).items()}
        headers["nameko.event_id"] = row.event_id
        return self._publisher.publish(
            json.dumps(row.payload, ensure_ascii=False),
            exchange=f"{self.service}.events",
            routing_key=row.event_type,
            message_id=row.event_id,
            headers=headers,
        )

    def publish_pending(self):
        """Publish up to one batch of unsent rows in order; returns how many went out."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sql_select(outbox.c.id, outbox.c.event_id, outbox.c.event_type, outbox.c.payload, outbox.c.headers)
                .where(outbox.c.published_at.is_(None))
                .order_by(outbox.c.id)
                .limit(self.batch_size)
            ).all()
        sent = 0
        for row in rows:
            note = None
            try:
                routed = self._publish(row)
            except Exception as exc:
                self._record_failure(row.id, exc)
                raise
            if not routed:
                note = "unroutable: no queue is bound for this event type"
                log.info("event %s (%s) has no subscriber queue", row.event_id, row.event_type)
            self._mark_sent(row.id, note)
            metrics.outbox_published(self.service, 1)
            sent += 1
        self.published += sent
        return sent

    # -- metrics --------------------------------------------------------------

    def backlog(self):
        """(unsent rows, age in seconds of the oldest of them — 0 when none)."""
        oldest = (
            sql_select(outbox.c.created_at)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.id)
            .limit(1)
            .scalar_subquery()
        )
        with self.engine.connect() as conn:
            count, created = conn.execute(
                sql_select(func.count(), oldest).select_from(outbox).where(outbox.c.published_at.is_(None))
            ).one()
        age = 0.0 if created is None else max(0.0, (utcnow() - created).total_seconds())
        return count, age

    def export_metrics(self):
        """Read the backlog gauges from this relay's outbox when scraped (one query for both)."""
        sampler = _Sampler(self.backlog, max_age=1.0)
        metrics.sample(metrics.OUTBOX_BACKLOG, self.service, lambda: sampler.get()[0])
        metrics.sample(metrics.OUTBOX_OLDEST_AGE, self.service, lambda: sampler.get()[1])

    def _mark_sent(self, row_id, note=None):
        with self.engine.begin() as conn:
            values = {"published_at": utcnow(), "attempts": outbox.c.attempts + 1}
            if note:
                values["last_error"] = note
            conn.execute(update(outbox).where(outbox.c.id == row_id).values(**values))

    def _record_failure(self, row_id, exc):
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    update(outbox)
                    .where(outbox.c.id == row_id)
                    .values(attempts=outbox.c.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000])
                )
        except Exception:  # the database may be what failed
            log.debug("could not record relay failure", exc_info=True)

    def _reset_broker(self):
        if self._publisher is not None:
            self._publisher.close()
        self._publisher = None

    # -- running --------------------------------------------------------------

    def run(self, stop=None):
        """Publish until ``stop`` is set; survives broker and database outages."""
        stop = stop or threading.Event()
        retry.keep_running(
            lambda: self._lead(stop),
            stopped=stop.is_set,
            backoff=self.backoff,
            sleep=stop.wait,
            name=f"relay {self.service}",
            logger=log,
        )

    def _lead(self, stop):
        """Take the lead (or stand by) and publish while leading; raises when coordination is lost."""
        try:
            with _Coordinator(self.engine, self.service, stop) as coordinator:
                while coordinator.leading and not stop.is_set():
                    sent = retry.until_done(
                        self._publish_or_reset,
                        stopped=stop.is_set,
                        backoff=self.backoff,
                        sleep=stop.wait,
                        name=f"relay {self.service}",
                        logger=log,
                    )
                    if sent < self.batch_size:
                        coordinator.wait(self.idle_wait, stop)  # raises when the lock is lost
        except retry.Stopped:
            return
        finally:
            self._reset_broker()

    def _publish_or_reset(self):
        try:
            return self.publish_pending()
        except Exception:
            self._reset_broker()
            raise


class _Sampler:
    """The last value of ``read()``, read again when older than ``max_age`` seconds (a scrape reads
    several gauges of one query)."""

    def __init__(self, read, max_age):
        self.read, self.max_age = read, max_age
        self._value, self._at = None, None
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            now = time.monotonic()
            if self._at is None or now - self._at > self.max_age:
                self._value, self._at = self.read(), now  # a failed read is tried again next time
            return self._value


class _Coordinator:
    """On PostgreSQL: one dedicated connection that holds the relay's advisory lock (only
    one relay per service publishes; others stand by) and LISTENs for the outbox's
    NOTIFY so new events go out at once. Elsewhere: a plain poll interval."""

    def __init__(self, engine, service, stop):
        self.engine = engine
        self.service = service
        self.key = zlib.crc32(f"outbox-relay:{service}".encode())
        self.stop = stop
        self.raw = None
        self.leading = False

    def __enter__(self):
        if self.engine.dialect.name != "postgresql":
            self.leading = True
            return self
        self.raw = self.engine.raw_connection()
        pg = self.raw.driver_connection
        pg.set_session(autocommit=True)
        while not self.stop.is_set():
            with pg.cursor() as cur:
                cur.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
                if cur.fetchone()[0]:
                    cur.execute(f'LISTEN "{channel_for(self.service)}"')
                    self.leading = True
                    return self
            log.info("another relay publishes the %s outbox; standing by", self.service)
            self.stop.wait(5.0)
        return self

    def wait(self, timeout, stop):
        if self.raw is None:
            stop.wait(timeout)
            return
        pg = self.raw.driver_connection
        # An error here means the connection (and the lock with it) is gone: it
        # propagates, `run` leaves this coordinator and competes for the lock again.
        ready, _, _ = select.select([pg], [], [], timeout)
        if ready:
            pg.poll()
            pg.notifies.clear()

    def __exit__(self, *exc):
        if self.raw is not None:
            try:
                self.raw.invalidate()
            except Exception:
                pass


def run_relays(relays, stop=None):
    """Run several relays (one thread each) until ``stop`` is set or Ctrl-C."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        import signal

        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threads = [threading.Thread(target=r.run, args=(stop,), name=f"relay-{r.service}", daemon=True) for r in relays]
    for t in threads:
        t.start()
    try:
        while any(t.is_alive() for t in threads) and not stop.is_set():
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=5)
