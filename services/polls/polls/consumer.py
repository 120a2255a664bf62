"""The batch consumer of the responses queue (py-amqp; no nameko, runs in any thread or greenlet).

It takes up to ``batch_size`` messages (prefetch twice that, so the next batch is on
its way while one is written), or what arrived within ``max_wait`` seconds, records
them with ``intake.record_batch`` in one transaction and acknowledges them with one
``basic_ack(multiple=True)`` after the commit. A database failure rolls back and
closes the channel: the broker gives the batch again (``redelivered``), which the
writer recognises. A lost broker connection or a failed batch starts over after the
shared kit's backoff (``retry.keep_running``; the connection is the messaging
toolkit's, kombu). The consume loop itself stays on the raw py-amqp channel: one
callback and one multiple ack per batch, no kombu message objects on a path that
counts thousands of responses a second.

Metrics: ``platform_poll_intake_counted_total`` grows by the responses each committed batch
counted; ``platform_poll_intake_queue_depth`` is the queue's ready messages from a passive
declare, at most every ``DEPTH_EVERY`` seconds.
"""

import logging
import time
from concurrent.futures import ThreadPoolExecutor

from platform_shared import framereader, messaging, metrics, retry
from platform_shared.clock import Clock
from platform_shared.contracts.polls import RESPONSES_QUEUE
from polls import intake

log = logging.getLogger("polls.intake")

DEPTH_EVERY = 5.0


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
        self._depth_due = 0.0

    def stop(self):
        self.stopping = True

    def run(self):
        retry.keep_running(
            self._consume_once,
            stopped=lambda: self.stopping,
            backoff=retry.CONSUMER,
            sleep=self.sleep,
            name="responses consumer",
            logger=log,
            quiet=messaging.BROKER_ERRORS,  # a database failure is logged with its traceback
        )

    def _consume_once(self):
        try:
            self._consume()
        finally:
            self._close()

    def _close(self):
        self.connected = False
        self._pending = []
        messaging.close(self._conn)
        self._conn = None

    def _consume(self):
        self._conn = messaging.connect(self.amqp_uri, heartbeat=30)
        channel = self._conn.default_channel
        raw = channel.connection  # py-amqp's own: a lost connection raises here, never reopens quietly
        framereader.buffer_reads(raw)  # 64 KiB reads, not three recv calls per frame (see framereader)
        # A delivery goes from its frames straight to _on_delivery as (tag, redelivered, body bytes):
        # no py-amqp dispatch or Message per response (see framereader).
        framereader.deliver_directly(raw, channel.channel_id, self._on_delivery)
        declare_queue(channel, self.queue)
        channel.auto_decode = False  # (the callback below, never reached while deliveries go direct)
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
                self._sample_depth(channel)
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
                        raw.heartbeat_tick()
                        self._sample_depth(channel)
                        continue
                    try:
                        raw.drain_events(timeout=remaining)
                    except TimeoutError:
                        continue
                    framereader.drain_buffered(raw)  # the frames that came with it, no timeout switching
                if self._pending and not self.stopping:
                    batch, self._pending = self._pending[: self.batch_size], self._pending[self.batch_size :]
                    items = self._parse(batch)
                    if inflight is not None:
                        self._settle(channel, inflight)
                    inflight = (writer.submit(self._write, items), batch[-1][0])
            if inflight is not None:
                self._settle(channel, inflight)
        finally:
            writer.shutdown(wait=True)

    def _sample_depth(self, channel):
        now = time.monotonic()
        if now < self._depth_due:
            return
        self._depth_due = now + DEPTH_EVERY
        _, ready, _ = channel.queue_declare(self.queue, passive=True)
        metrics.poll_intake_queue_depth(ready)

    def _on_delivery(self, delivery_tag, redelivered, body):
        self._pending.append((delivery_tag, redelivered, body))

    def _on_message(self, message):
        self._on_delivery(message.delivery_tag, bool(message.delivery_info.get("redelivered")), message.body)

    def _parse(self, batch):
        items, unreadable = [], 0
        parse = intake.parse
        for _, redelivered, body in batch:
            item = parse(body, redelivered)
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
        metrics.poll_intake_counted(outcome.get("counted", 0))

    def forget_rules(self):
        self.rules.clear()
