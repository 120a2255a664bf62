"""The batch consumer of the responses queue (py-amqp; no nameko, runs in any thread or greenlet).

It takes up to ``batch_size`` messages (prefetch twice that, so the next batch is on
its way while one is written), or what arrived within ``max_wait`` seconds, records
them with ``intake.record_batch`` in one transaction and acknowledges them with one
``basic_ack(multiple=True)`` after the commit. A database failure rolls back and
closes the channel: the broker gives the batch again (``redelivered``), which the
writer recognises. A lost broker connection is retried with backoff.
"""

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import amqp

from platform_shared.broker import amqp_params
from platform_shared.clock import Clock
from platform_shared.contracts.polls import RESPONSES_QUEUE
from polls import intake

log = logging.getLogger("polls.intake")


def declare_queue(channel, name=RESPONSES_QUEUE):
    """The durable responses queue (same arguments wherever it is declared)."""
    channel.queue_declare(name, durable=True, auto_delete=False)


class BatchConsumer:
    def __init__(
        self,
        amqp_uri,
        sessions,
        *,
        queue=RESPONSES_QUEUE,
        batch_size=500,
        max_wait=0.05,
        clock=None,
        sleep=time.sleep,
    ):
        self.amqp_uri = amqp_uri
        self.sessions = sessions
        self.queue = queue
        self.batch_size = batch_size
        self.max_wait = max_wait
        self.clock = clock or Clock()
        self.sleep = sleep
        self.rules = intake.RulesCache()
        self.stopping = False
        self.connected = False
        self.totals = {"counted": 0, "duplicate": 0, "rejected": 0, "redelivered": 0, "batches": 0}
        self._conn = None
        self._pending = []

    def stop(self):
        self.stopping = True

    def run(self):
        backoff = 0.2
        while not self.stopping:
            try:
                self._consume()
                backoff = 0.2
            except (OSError, amqp.exceptions.AMQPError, TimeoutError) as exc:
                if not self.stopping:
                    log.warning("responses consumer lost the broker (%s); retrying in %.1fs", exc, backoff)
                    self.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)
            except Exception:
                # A database failure: the unacknowledged batch comes back from the broker.
                log.exception("responses consumer failed on a batch; the broker redelivers it")
                self.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
            finally:
                self._close()

    def _close(self):
        self.connected = False
        self._pending = []
        if self._conn is not None:
            try:
                self._conn.collect()
            except Exception:
                pass
            self._conn = None

    def _consume(self):
        self._conn = amqp.Connection(connect_timeout=5, heartbeat=30, **amqp_params(self.amqp_uri))
        self._conn.connect()
        channel = self._conn.channel()
        declare_queue(channel, self.queue)
        channel.basic_qos(0, self.batch_size * 2, False)
        channel.basic_consume(self.queue, callback=self._on_message)
        self.connected = True
        # Two stages: while one batch is written (the database works, this thread waits on it),
        # the next one is received and parsed. At most one write is in flight, and a batch is
        # acknowledged only after its own commit, in order.
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="polls-intake-writer")
        inflight = None
        try:
            while not self.stopping:
                deadline = time.monotonic() + self.max_wait
                while len(self._pending) < self.batch_size and not self.stopping:
                    if inflight is not None and inflight[0].done():
                        self._settle(channel, inflight)
                        inflight = None
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        if self._pending and inflight is None:
                            break  # a write in flight: keep filling the next batch until it is done
                        deadline = time.monotonic() + (self.max_wait if inflight else 1.0)
                        self._conn.heartbeat_tick()
                        continue
                    try:
                        self._conn.drain_events(timeout=remaining)
                    except TimeoutError:
                        pass
                if self._pending and not self.stopping:
                    batch, self._pending = self._pending[: self.batch_size], self._pending[self.batch_size :]
                    items = self._parse(batch)
                    if inflight is not None:
                        self._settle(channel, inflight)
                    inflight = (writer.submit(self._write, items), batch[-1].delivery_tag)
            if inflight is not None:
                self._settle(channel, inflight)
        finally:
            writer.shutdown(wait=True)

    def _on_message(self, message):
        self._pending.append(message)

    def _parse(self, batch):
        items, unreadable = [], 0
        for message in batch:
            item = intake.parse(message.body, bool(message.delivery_info.get("redelivered")))
            if item is None:
                unreadable += 1
            else:
                items.append(item)
        if unreadable:
            log.error("dropped %d unreadable response message(s)", unreadable)
        return items

    def _write(self, items):
        if not items:
            return {}
        with self.sessions.transaction() as session:
            return intake.record_batch(session, items, now=self.clock.now(), rules=self.rules)

    def _settle(self, channel, inflight):
        """Wait for a batch's commit (a failure propagates: the broker redelivers), then ack it."""
        future, last_tag = inflight
        outcome = future.result()
        for key, n in outcome.items():
            self.totals[key] = self.totals.get(key, 0) + n
        self.totals["batches"] += 1
        channel.basic_ack(last_tag, multiple=True)

    def forget_rules(self):
        self.rules.clear()
