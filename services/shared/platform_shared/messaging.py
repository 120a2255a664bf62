"""The platform's messaging toolkit, on kombu: connections that re-establish themselves,
confirmed publishing, and a listener thread for events. No nameko and no eventlet here.

* ``connection(uri, attempts=...)`` — a kombu ``Connection`` whose implicit reconnections
  (``default_channel``, ``Connection.ensure``) try ``attempts`` times with the platform's
  backoff (``platform_shared.retry``) before they raise: a request path says 1 or 2, a
  background loop ``None`` (forever). ``connect(uri, ...)`` returns one already connected.
* ``ConfirmedPublisher`` — persistent, ``mandatory`` publishes the broker confirms, through
  a kombu ``Producer``; a lost connection is re-established and the message sent again by
  ``Connection.ensure`` (consumers de-duplicate: an event id, a receipt).
* ``LeanPublisher`` — ``basic_publish`` on one raw py-amqp channel, for the two hot paths
  that measured kombu's ``Producer`` (RPC requests and replies), still reconnecting
  through ``Connection.ensure``.
* ``EventListener`` — kombu's ``ConsumerMixin`` in a daemon thread: an exclusive queue of
  its own bound to some event types, ``connected`` only while it consumes, reconnecting
  with the platform's backoff until closed.
"""

import logging
import threading
import time
import uuid
from contextlib import contextmanager

from amqp.exceptions import AMQPError
from kombu import Connection, Exchange, Producer, Queue, binding
from kombu.exceptions import KombuError
from kombu.mixins import ConsumerMixin

from platform_shared import retry

log = logging.getLogger("platform.messaging")

PERSISTENT = 2
TRANSIENT = 1
# What a lost or refused broker connection raises, through py-amqp or through kombu.
BROKER_ERRORS = (OSError, AMQPError, KombuError)


def connection(amqp_uri, *, attempts=1, confirm=False, heartbeat=None, connect_timeout=5.0, backoff=retry.BROKER):
    """A kombu ``Connection`` (not connected yet).

    ``attempts``: how many times an implicit (re)connection is tried before it raises
    (``None``: until it succeeds). ``confirm``: every publish waits for the broker's confirm."""
    options = {"max_retries": None if attempts is None else max(int(attempts) - 1, 0), **backoff.kombu()}
    if confirm:
        options["confirm_publish"] = True
    return Connection(amqp_uri, heartbeat=heartbeat, connect_timeout=connect_timeout, transport_options=options)


def connect(amqp_uri, *, attempts=1, stopped=None, **options):
    """A connected kombu ``Connection``; ``stopped()`` true while retrying raises ``retry.Stopped``."""
    conn = connection(amqp_uri, attempts=attempts, **options)
    ensure_connected(conn, attempts=attempts, stopped=stopped)
    return conn


def ensure_connected(conn, *, attempts=None, stopped=None, backoff=retry.BROKER, errback=None):
    """(Re-)establish ``conn`` with the platform's backoff: ``attempts`` tries (``None``: until it
    succeeds or ``stopped()``)."""

    def check():
        if stopped is not None and stopped():
            raise retry.Stopped()

    check()
    conn.ensure_connection(
        errback=errback,
        max_retries=None if attempts is None else max(int(attempts) - 1, 0),
        callback=check,
        **backoff.kombu(),
    )
    return conn


def close(conn):
    """Drop a connection that may already be broken (no error, no waiting on the network)."""
    if conn is not None:
        try:
            conn.collect()
        except Exception:  # already gone
            pass


class ConfirmedPublisher:
    """Persistent ``mandatory`` publishes confirmed by the broker; one thread at a time.

    ``publish`` returns True once a queue took the message and False when the broker
    returned it (no queue bound). It raises when no confirm came (a nack, ``confirm_timeout``,
    a lost connection) after ``attempts`` tries, each after re-establishing the connection
    (``Connection.ensure``): a message whose confirm was lost may then arrive twice."""

    def __init__(self, amqp_uri, *, declare=(), confirm_timeout=None, attempts=2, backoff=retry.BROKER):
        self.connection = connection(amqp_uri, attempts=attempts, confirm=True, backoff=backoff)
        self.declare = tuple(declare)
        self.confirm_timeout = confirm_timeout
        self.producer = None
        self._returned = False
        self._publish = self.connection.ensure(
            self, self._send, max_retries=max(int(attempts) - 1, 0), **_first_retry_at_once(backoff)
        )

    def revive(self, channel):
        """Called by ``Connection.ensure`` with the channel of a new connection."""
        for entity in self.declare:
            entity(channel).declare()
        self.producer = Producer(channel, auto_declare=False, on_return=self._on_return)

    def _on_return(self, exc, exchange, routing_key, message):
        self._returned = True  # the broker sends basic.return before the confirm of that message

    def _send(self, body, exchange, routing_key, properties):
        if self.producer is None:
            self.revive(self.connection.default_channel)
        self._returned = False
        self.producer.publish(
            body,
            exchange=exchange,
            routing_key=routing_key,
            delivery_mode=PERSISTENT,
            mandatory=True,
            confirm_timeout=self.confirm_timeout,
            retry=False,
            **properties,
        )
        return not self._returned

    def publish(self, body, *, routing_key, exchange="", **properties):
        """Send ``body`` (str or bytes; ``content_type``, ``headers``, ``message_id``... as keywords)."""
        properties.setdefault("content_type", "application/json")
        properties.setdefault("content_encoding", "utf-8")
        try:
            return self._publish(body, exchange, routing_key, properties)
        except Exception:
            # Never reuse the channel: a confirm that comes late would be taken for the next one's.
            self.close()
            raise

    def close(self):
        close(self.connection)
        self.producer = None


class LeanPublisher:
    """``basic_publish`` of ready-made ``amqp.Message`` objects on one raw py-amqp channel.

    kombu's ``Producer.publish`` costs about 20 µs of CPU more per message than
    ``basic_publish`` (134 against 113 µs, median of 6 × 5,000 transient publishes on the
    2-core test machine): kept off the RPC request and reply paths, where a no-op call's
    whole CPU cost is a few hundred µs. The connection is still kombu's and a lost one is
    re-established by ``Connection.ensure`` (``attempts`` tries); ``on_revive(channel)``
    restores what lived on the old channel (e.g. a reply queue)."""

    def __init__(self, amqp_uri, *, attempts=2, on_revive=None, backoff=retry.BROKER, **options):
        self.connection = connection(amqp_uri, attempts=attempts, backoff=backoff, **options)
        self.channel = None
        self._on_revive = on_revive
        self._recoverable = self.connection.recoverable_connection_errors + self.connection.recoverable_channel_errors
        self._publish = self.connection.ensure(
            self, self._send, max_retries=max(int(attempts) - 1, 0), **_first_retry_at_once(backoff)
        )

    def publish(self, message, exchange, routing_key, **kwargs):
        """``basic_publish(message, exchange, routing_key, **kwargs)``; the connection is dropped when it fails."""
        channel = self.channel
        if channel is not None:
            # The usual case goes straight out (``Connection.ensure``'s wrapper costs a few µs a
            # call); a failure takes the ensured path below, which reconnects and sends again.
            try:
                channel.basic_publish(message, exchange=exchange, routing_key=routing_key, **kwargs)
                return
            except self._recoverable:
                pass
        try:
            self._publish(message, exchange, routing_key, **kwargs)
        except Exception:
            self.broken()
            raise

    def revive(self, channel):
        self.channel = channel
        if self._on_revive is not None:
            self._on_revive(channel)

    def ready(self):
        """The channel, connecting first when there is none."""
        if self.channel is None:
            self.revive(self.connection.default_channel)
        return self.channel

    def _send(self, message, exchange, routing_key, **kwargs):
        (self.channel or self.ready()).basic_publish(message, exchange=exchange, routing_key=routing_key, **kwargs)

    def broken(self):
        """Forget a connection found broken elsewhere (e.g. while waiting for a reply)."""
        close(self.connection)
        self.channel = None

    def close(self):
        self.broken()


def _first_retry_at_once(backoff):
    # Connection.ensure: the first new connection is tried at once (a stale connection is the
    # usual cause), the next ones after the policy's waits.
    return {"interval_start": 0, "interval_step": backoff.start, "interval_max": backoff.maximum}


class EventListener(ConsumerMixin):
    """Events of some types, heard by a daemon thread on an exclusive queue of its own.

    ``bindings``: ``[(exchange name, [routing keys])]``; ``on_event(payload)`` gets the
    decoded body (None when it cannot be read). ``on_connect()`` runs each time the queue is
    bound again after a (re)connection, before ``connected`` turns true: what happened while
    away is unknown. ``connected`` is false whenever the thread is not consuming. The thread
    starts with ``ensure_started()`` and stops within a second of ``close()``."""

    def __init__(self, amqp_uri, bindings, on_event, *, name, on_connect=None, backoff=retry.BROKER):
        self.connection = connection(amqp_uri, attempts=None, heartbeat=30, backoff=backoff)
        self.bindings = [(exchange, tuple(keys)) for exchange, keys in bindings]
        self.on_event = on_event
        self.on_connect = on_connect
        self.name = name
        self.backoff = backoff
        self.connected = False
        self._closed = False
        self._warned = False
        self._thread = None
        self._lock = threading.Lock()

    # -- the thread -------------------------------------------------------------------------

    def ensure_started(self):
        thread = self._thread
        if (thread is None or not thread.is_alive()) and not self._closed:
            with self._lock:
                if (self._thread is None or not self._thread.is_alive()) and not self._closed:
                    self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                    self._thread.start()

    def close(self):
        self._closed = True
        self.should_stop = True

    def _run(self):
        try:
            self.run()
        except retry.Stopped:
            pass
        except Exception:
            log.exception("%s: the event listener stopped", self.name)
        finally:
            self.connected = False

    # -- ConsumerMixin ----------------------------------------------------------------------

    def run(self, _tokens=1, **kwargs):
        """kombu's loop (at most one restart a second), with one line in the log instead of a
        traceback each time the broker goes away."""
        errors = self.connection.connection_errors + self.connection.channel_errors
        while not self.should_stop:
            try:
                if self.restart_limit.can_consume(_tokens):
                    for _ in self.consume(limit=None, **kwargs):
                        pass
                else:
                    time.sleep(self.restart_limit.expected_time(_tokens))
            except errors as exc:
                if not self.should_stop:
                    self.on_connection_error(exc, self.backoff.start)

    @contextmanager
    def establish_connection(self):
        with self.create_connection() as conn:
            ensure_connected(
                conn, stopped=lambda: self.should_stop, backoff=self.backoff, errback=self.on_connection_error
            )
            yield conn

    def get_consumers(self, Consumer, channel):
        # A fresh name per connection: the broker may not have dropped the last one's queue yet.
        queue = Queue(
            f"{self.name}-{uuid.uuid4().hex}",
            bindings=[
                binding(Exchange(exchange, "topic", durable=True), routing_key=key)
                for exchange, keys in self.bindings
                for key in keys
            ],
            exclusive=True,
            auto_delete=True,
        )
        return [Consumer(queues=[queue], callbacks=[self._on_message], no_ack=True, accept=["json"])]

    @contextmanager
    def extra_context(self, connection, channel):
        if self.on_connect is not None:
            self.on_connect()
        self.connected = True
        if self._warned:
            log.info("%s: listening again", self.name)
            self._warned = False
        try:
            yield
        finally:
            self.connected = False

    def on_connection_error(self, exc, interval):
        if not self._warned:
            log.warning("%s: no broker (%s); retrying every %.1fs at most", self.name, exc, self.backoff.maximum)
            self._warned = True

    def on_decode_error(self, message, exc):
        self._deliver(None)

    def _on_message(self, body, message):
        self._deliver(body)

    def _deliver(self, payload):
        try:
            self.on_event(payload)
        except Exception:
            log.exception("%s: could not handle an event", self.name)
