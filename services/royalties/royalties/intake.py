"""``@handle_event_batch``: a nameko event entrypoint that hands its method a *batch* of events.

Publication events arrive in bursts (a desk publishes, the relay catches up after an
outage). One transaction per event spends most of its time on round trips and
commits, so this entrypoint takes up to ``ROYALTIES_BATCH_SIZE`` messages (or what
arrived within ``ROYALTIES_BATCH_WAIT`` seconds) from the handler's durable queue and
runs the service method once with the list of payloads, in one worker. The batch is
acknowledged (``multiple=True``) only after the method returned, i.e. after its
transaction committed: a consumer killed in the middle leaves the whole unacknowledged
batch on the broker, and the inbox makes its second delivery change nothing.

When a batch fails, its events are run again one by one, so one bad event cannot hold
the others back; an event that keeps failing is re-queued with an attempt counter and,
after ``EVENT_MAX_ATTEMPTS``, parked where an operator can see and replay it (as
``platform_shared.handlers`` does) — never dropped.

It is a nameko ``EventHandler`` for queue naming and declaration (``platform migrate``
declares its queue, so events published before the first start are kept), but it
consumes on a connection of its own instead of nameko's shared queue consumer: the
messaging toolkit's (kombu), read through its raw py-amqp channel (one callback and
one multiple ack per batch). A lost connection or a failed batch starts over after the
shared kit's backoff (``retry.keep_running``).
"""

import json
import logging
import time
import traceback

from eventlet.event import Event
from kombu import Queue
from nameko.events import EventHandler, get_event_exchange

from platform_shared import broker, messaging, parking, retry
from platform_shared.dependencies import sessions_of
from platform_shared.handlers import ATTEMPTS_HEADER, DEFAULT_MAX_ATTEMPTS

log = logging.getLogger("royalties.intake")


class BatchEventHandler(EventHandler):
    def setup(self):
        name = f"evt-{self.source_service}-{self.event_type}--{self.container.service_name}.{self.method_name}"
        self.queue = Queue(
            name,
            exchange=get_event_exchange(self.source_service, self.container.config),
            routing_key=self.event_type,
            durable=True,
            auto_delete=False,
            exclusive=False,
        )
        config = self.container.config
        self.batch_size = int(config.get("ROYALTIES_BATCH_SIZE", 500))
        self.max_wait = float(config.get("ROYALTIES_BATCH_WAIT", 0.05))
        self.max_attempts = int(config.get("EVENT_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
        self.stopping = False
        self._conn = None
        self._pending = []
        self._thread = None

    def start(self):
        self._thread = self.container.spawn_managed_thread(self._run, identifier=f"batch:{self.method_name}")

    def stop(self):
        self.stopping = True
        if self._thread is not None:
            self._thread.wait()

    def kill(self):
        self.stopping = True
        self._close()

    # -- the loop -------------------------------------------------------------------------------

    def _run(self):
        retry.keep_running(
            self._consume_once,
            stopped=lambda: self.stopping,
            backoff=retry.CONSUMER,
            name=self.method_name,
            logger=log,
        )

    def _consume_once(self):
        try:
            self._consume()
        finally:
            self._close()

    def _close(self):
        self._pending = []
        messaging.close(self._conn)
        self._conn = None

    def _consume(self):
        self._conn = messaging.connect(self.container.config["AMQP_URI"], heartbeat=30)
        channel = self._conn.default_channel
        raw = channel.connection  # py-amqp's own: a lost connection raises here, never reopens quietly
        exchange = self.queue.exchange
        channel.exchange_declare(exchange.name, exchange.type, durable=True, auto_delete=False)
        channel.queue_declare(self.queue.name, durable=True, auto_delete=False)
        channel.queue_bind(self.queue.name, exchange.name, self.event_type)
        channel.basic_qos(0, self.batch_size * 2, False)
        channel.basic_consume(self.queue.name, callback=self._on_message)
        while not self.stopping:
            deadline = time.monotonic() + self.max_wait
            while len(self._pending) < self.batch_size and not self.stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if self._pending:
                        break
                    deadline = time.monotonic() + 1.0  # idle: wait longer, keep the heartbeat
                    raw.heartbeat_tick()
                    continue
                try:
                    raw.drain_events(timeout=remaining)
                except TimeoutError:
                    pass
            if self._pending and not self.stopping:
                batch, self._pending = self._pending[: self.batch_size], self._pending[self.batch_size :]
                self._handle(channel, batch)

    def _on_message(self, message):
        self._pending.append(message)

    def _handle(self, channel, batch):
        payloads = [_payload(m) for m in batch]
        error = self._call([p for p in payloads if p is not None])
        if error is not None:
            log.warning(
                "%s: a batch of %d failed (%s); running its events one by one", self.method_name, len(batch), error
            )
            for message, payload in zip(batch, payloads, strict=True):
                single = self._call([payload]) if payload is not None else "unreadable message"
                if single is not None:
                    self._retry_or_park(message, payload, single)
        channel.basic_ack(batch[-1].delivery_tag, multiple=True)

    def _call(self, payloads):
        """Run the service method in a nameko worker; None on success, else the error text."""
        if not payloads:
            return None
        done = Event()

        def handle_result(worker_ctx, result, exc_info):
            done.send("".join(traceback.format_exception(*exc_info)) if exc_info else None)
            return result, exc_info

        self.container.spawn_worker(self, (payloads,), {}, handle_result=handle_result)
        return done.wait()

    def _retry_or_park(self, message, payload, error):
        headers = dict(message.headers or {})
        attempts = int(headers.get(ATTEMPTS_HEADER, 0)) + 1
        if attempts < self.max_attempts:
            headers[ATTEMPTS_HEADER] = attempts
            broker.publish_to_queue(self.container.config["AMQP_URI"], self.queue.name, message.body, headers=headers)
            return
        with sessions_of(self.container).transaction() as session:
            parked = parking.park(
                session,
                handler=self.method_name,
                queue=self.queue.name,
                event_type=self.event_type,
                payload=payload if isinstance(payload, dict) else {"raw": str(message.body)[:2000]},
                error=error,
                attempts=attempts,
            )
        log.error("%s gave up on an event after %d attempts; parked as #%s", self.method_name, attempts, parked)


def _payload(message):
    try:
        body = message.body
        return json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
    except (ValueError, UnicodeDecodeError):
        return None


handle_event_batch = BatchEventHandler.decorator
