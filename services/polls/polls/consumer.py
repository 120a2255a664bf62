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
        while not self.stopping:
            deadline = time.monotonic() + self.max_wait
            while len(self._pending) < self.batch_size and not self.stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if self._pending:
                        break
                    deadline = time.monotonic() + 1.0  # idle: wait longer, keep the heartbeat
                    self._conn.heartbeat_tick()
                    continue
                try:
                    self._conn.drain_events(timeout=remaining)
                except TimeoutError:
                    pass
            if self._pending:
                self._flush(channel)

    def _on_message(self, message):
        self._pending.append(message)

    def _flush(self, channel):
        batch, self._pending = self._pending[: self.batch_size], self._pending[self.batch_size :]
        items, unreadable = [], 0
        for message in batch:
            item = intake.parse(message.body)
            if item is None:
                unreadable += 1
            else:
                items.append(item)
        if unreadable:
            log.error("dropped %d unreadable response message(s)", unreadable)
        if items:
            with self.sessions.transaction() as session:
                outcome = intake.record_batch(session, items, now=self.clock.now(), rules=self.rules)
            for key, n in outcome.items():
                self.totals[key] = self.totals.get(key, 0) + n
        self.totals["batches"] += 1
        channel.basic_ack(batch[-1].delivery_tag, multiple=True)

    def forget_rules(self):
        self.rules.clear()
