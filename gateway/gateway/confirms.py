"""Confirmed publishing with many messages in flight: one channel per gateway worker process.

Why: a poll response is answered 202 only once the broker has confirmed it (DESIGN §3.4).
With one connection per request thread and one wait per publish, 74 % of a request's wall
time was its own confirm (issue 18's profile, docs/performance/issue-18-profile.md §3).
RabbitMQ confirms asynchronously and cumulatively (``basic.ack`` with ``multiple``): one
channel carrying every thread's publishes lets it answer many messages with one frame and
one connection per process replaces eight, while each request still waits for *its* message.

How (no I/O thread of its own): the request threads share one py-amqp channel in confirm
mode. A publish is written by the request thread itself under ``_write_lock`` and numbered
with the channel's delivery tag (1, 2, 3... after ``confirm.select``). Then the thread waits
for its confirm; the first waiter that finds no one reading becomes the *reader*: it reads
the connection (``drain_events``) and settles every message an ack or nack names — one tag,
or every tag up to it (``multiple``) — until its own message is settled, then wakes the
oldest waiter still unsettled to read next. At one request at a time the request thread
reads its own confirm, as a plain ``basic_publish_confirm`` would; under load one thread
reads for all. (A dedicated I/O thread was measured first: two extra hand-offs of the GIL
per request — to the I/O thread and back — made the 16-connection figure 20 % worse on
this 2-core machine, 460 against 582 responses/s in the same run.)

Reading and writing the same connection from two threads is safe here because each side
has one owner at a time (``_write_lock``, ``_read_lock``) and they share nothing in
py-amqp but the socket: the publish goes through ``send_method`` (``basic_publish`` would
first *read* the socket when the broker may send ``connection.blocked``), and the socket's
timeout is set once and never switched (``drain_events(timeout=None)``).

Answers: ack → True; ack of a message the broker returned first (``mandatory``, no queue
bound) → False; nack → ``NotConfirmed``; the connection lost, or no confirm within
``confirm_timeout`` (the broker is stuck) → ``NotConfirmed`` for every message in flight
and a new connection for the next publish. A connection that died while idle is noticed
before the next publish is written on it. While the broker cannot be reached, publishes are
refused at once for a short backoff (a quick 503 the member can retry, not a wait for nothing).
"""

import logging
import select
import threading
import time
import uuid

import amqp
from amqp import spec

from platform_shared import messaging, retry

log = logging.getLogger("gateway.confirms")

PERSISTENT = 2
READ_SLICE = 0.5  # the socket's timeout: how often a reader looks up from a silent connection
FALLBACK_WAKE = 0.1  # a waiter re-checks this often that someone reads (the hand-off is the usual way)
RECONNECT = retry.Backoff(0.1, 2.0)  # short: a member is waiting to send again


class NotConfirmed(Exception):
    """The broker did not confirm a message: nack, lost connection, no answer in time."""


class _Item:
    __slots__ = ("event", "done", "ok", "error", "key", "returned", "generation")

    def __init__(self, key):
        self.event = threading.Event()  # set when settled, and to hand the reading over
        self.done = False
        self.ok = self.error = None
        self.key = key
        self.returned = False
        self.generation = 0


class ConfirmPipeline:
    """Persistent ``mandatory`` publishes, many unconfirmed at once, each request waiting for its own.

    ``publish(body, routing_key=...)`` returns True once a queue took the message, False when
    the broker returned it (no queue bound); raises ``NotConfirmed`` otherwise. Thread-safe;
    one per process (a connection does not survive a fork: create it after)."""

    def __init__(self, amqp_uri, *, declare_queues=(), confirm_timeout=5.0, connect_timeout=5.0):
        self.amqp_uri = amqp_uri
        self.declare_queues = tuple(declare_queues)
        self.confirm_timeout = confirm_timeout
        self.connect_timeout = connect_timeout
        self._nodes = max(1, sum(1 for part in amqp_uri.split(";") if part.strip()))
        self.connections = 0  # connections opened so far (tests, operators)
        self.most_in_flight = 0  # the most publishes ever waiting for their confirms at once
        self._write_lock = threading.Lock()  # connecting, writing a publish, dropping the connection
        self._read_lock = threading.Lock()  # the one reader of the connection
        self._lock = threading.Lock()  # the in-flight tables (short holds only)
        self._inflight = {}  # delivery tag → _Item, in publish order
        self._by_key = {}  # message_id → _Item, to find a returned message
        self._conn = self._channel = None
        self._generation = 0  # which connection an item went out on
        self._next_tag = 1
        self._failures = 0
        self._refuse_until = 0.0
        self._closed = False

    @property
    def connected(self):
        return self._channel is not None

    def publish(self, body, *, routing_key, exchange="", **properties):
        """Publish ``body`` and wait up to ``confirm_timeout`` for the broker's answer about it."""
        if self._closed:
            raise NotConfirmed("the publisher is closed")
        properties.setdefault("content_type", "application/json")
        properties.setdefault("content_encoding", "utf-8")
        key = properties.setdefault("message_id", uuid.uuid4().hex)
        item = _Item(key)
        deadline = time.monotonic() + self.confirm_timeout
        self._send(item, amqp.Message(body, delivery_mode=PERSISTENT, **properties), exchange, routing_key)
        self._wait(item, deadline)
        if item.error is not None:
            raise item.error
        return item.ok

    def close(self):
        self._closed = True
        with self._write_lock:
            self._drop(NotConfirmed("the publisher is closed"))

    # -- writing -------------------------------------------------------------------------------

    def _send(self, item, message, exchange, routing_key):
        with self._write_lock:
            if self._channel is not None and not self._inflight:
                self._check_idle_connection()
            if self._channel is None:
                self._connect()
            with self._lock:
                tag, self._next_tag = self._next_tag, self._next_tag + 1
                item.generation = self._generation
                self._inflight[tag] = self._by_key[item.key] = item  # before the write: a failed write fails it
                self.most_in_flight = max(self.most_in_flight, len(self._inflight))
            try:
                # basic_publish's frames without its preliminary read of the socket (see the module's notes)
                self._channel.send_method(spec.Basic.Publish, "Bssbb", (0, exchange, routing_key, True, False), message)
            except Exception as exc:
                log.warning("publishing connection lost: %s", exc)
                self._drop(NotConfirmed(f"connection lost while publishing: {exc}"))

    def _connect(self):
        if self._closed:
            raise NotConfirmed("the publisher is closed")
        if time.monotonic() < self._refuse_until:
            raise NotConfirmed("broker unreachable (retrying shortly)")
        try:
            # One try per node of the URI's failover list (``amqp://a;amqp://b``): kombu moves to
            # the next node at once after a refusal. With one try, every reconnection tried only the
            # first node and the intake answered 503 for as long as that node was down (25.8 s in
            # make cluster-test's broker-node fault, against 0.6 s for the other paths).
            conn = messaging.connect(self.amqp_uri, attempts=self._nodes, connect_timeout=self.connect_timeout)
            try:
                raw = conn.connection  # py-amqp's: raw messages, no kombu Producer per publish
                channel = raw.channel()
                for name in self.declare_queues:
                    channel.queue_declare(name, durable=True, auto_delete=False)
                channel.confirm_select()
                channel.events["basic_ack"].add(self._on_ack)
                channel.events["basic_nack"].add(self._on_nack)
                channel.events["basic_return"].add(self._on_return)
                raw.transport.sock.settimeout(READ_SLICE)  # once: never switched while two threads use it
            except Exception:
                messaging.close(conn)
                raise
        except messaging.BROKER_ERRORS as exc:
            self._failures += 1
            self._refuse_until = time.monotonic() + RECONNECT.delay(self._failures)
            log.warning("broker unreachable for confirmed publishes: %s", exc)
            raise NotConfirmed(f"broker unreachable: {exc}") from exc
        self._failures = 0
        self._conn, self._channel = conn, channel
        self._generation += 1
        self._next_tag = 1  # delivery tags start at 1 on each channel put in confirm mode
        self.connections += 1

    def _check_idle_connection(self):
        """Nothing in flight, so no one reads: whatever arrived since (a close, EOF) is read now."""
        raw = self._conn.connection
        try:
            if not select.select([raw.transport.sock], [], [], 0)[0]:
                return
            if not self._read_lock.acquire(blocking=False):
                return  # a reader is finishing: it will see it
            try:
                raw.drain_events(timeout=None)
            finally:
                self._read_lock.release()
        except TimeoutError:
            pass
        except Exception as exc:
            log.info("publishing connection found closed while idle: %s", exc)
            self._drop(NotConfirmed(f"connection lost: {exc}"))

    def _drop(self, error):
        """Forget the connection (``_write_lock`` held); every message in flight gets ``error``."""
        with self._lock:
            inflight, self._inflight, self._by_key = self._inflight, {}, {}
        for item in inflight.values():
            _settle(item, None, error)
        conn, self._conn, self._channel = self._conn, None, None
        messaging.close(conn)

    # -- waiting and reading ---------------------------------------------------------------------

    def _wait(self, item, deadline):
        while not item.done:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._overdue(item)
                return
            if self._read_lock.acquire(blocking=False):
                try:
                    self._read_until(item, deadline)
                finally:
                    self._read_lock.release()
                self._hand_over()
            else:
                item.event.wait(min(remaining, FALLBACK_WAKE))
                item.event.clear()  # (a settle sets ``done`` before the event: nothing is lost)

    def _read_until(self, item, deadline):
        conn, generation = self._conn, item.generation
        if conn is None or generation != self._generation:
            return  # its connection is gone: it was settled when it was dropped
        raw = conn.connection
        while not item.done and time.monotonic() < deadline:
            try:
                raw.drain_events(timeout=None)  # at most READ_SLICE: the socket's own timeout
            except TimeoutError:
                continue
            except Exception as exc:
                with self._write_lock:
                    if self._generation == generation and self._conn is not None:
                        log.warning("publishing connection lost: %s", exc)
                        self._drop(NotConfirmed(f"connection lost before the broker confirmed: {exc}"))
                return

    def _hand_over(self):
        """The reader leaves: the oldest waiter still unsettled reads next."""
        with self._lock:
            waiting = next((i for i in self._inflight.values() if not i.done), None)
        if waiting is not None:
            waiting.event.set()

    def _overdue(self, item):
        with self._write_lock:
            with self._lock:
                in_flight = self._by_key.get(item.key) is item
            if in_flight and item.generation == self._generation and self._conn is not None:
                # No confirm within confirm_timeout: the broker (or the link) is stuck; start afresh.
                log.warning("no confirm within %s s: reconnecting", self.confirm_timeout)
                self._drop(NotConfirmed(f"no confirm within {self.confirm_timeout} s"))
        if not item.done:
            item.event.wait(1.0)  # taken by an ack being settled this very moment
            _settle(item, None, NotConfirmed(f"no confirm within {self.confirm_timeout} s"))

    # -- the broker's answers (called by the reader, inside drain_events) ----------------------

    def _on_return(self, exc, exchange, routing_key, message):
        # The broker sends basic.return before the ack of the same message.
        item = self._by_key.get(message.properties.get("message_id"))
        if item is not None:
            item.returned = True

    def _on_ack(self, tag, multiple):
        for item in self._take(tag, multiple):
            _settle(item, not item.returned, None)

    def _on_nack(self, tag, multiple):
        for item in self._take(tag, multiple):
            _settle(item, None, NotConfirmed("the broker refused the message (nack)"))

    def _take(self, tag, multiple):
        with self._lock:
            if multiple:
                tags = []
                for t in self._inflight:
                    if t > tag:
                        break
                    tags.append(t)
            else:
                tags = [tag] if tag in self._inflight else []
            items = [self._inflight.pop(t) for t in tags]
            for item in items:
                self._by_key.pop(item.key, None)
        return items


def _settle(item, ok, error):
    if item.done:
        return
    item.ok, item.error = ok, error
    item.done = True  # before the event: a waiter that clears the event still sees it
    item.event.set()
