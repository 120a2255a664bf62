"""Confirmed publishing with many messages in flight: one channel per gateway worker process.

Why: a poll response is answered 202 only once the broker has confirmed it (DESIGN §3.4).
With one connection per request thread and one wait per publish, 74 % of a request's wall
time was its own confirm (issue 18's profile, docs/performance/issue-18-profile.md §3).
RabbitMQ confirms asynchronously and cumulatively (``basic.ack`` with ``multiple``): one
channel carrying every thread's publishes lets it write many messages with one fsync and
answer them with one frame, while each request still waits for *its* message.

How: one daemon I/O thread owns the connection (kombu's, for the URI, the heartbeat and the
connect timeout) and its py-amqp channel in confirm mode — py-amqp is not thread-safe (its
frame writer shares one buffer), so no other thread touches them. A request thread hands
its message over (``submit``) and waits on a ``concurrent.futures.Future``; the I/O thread
publishes, numbers each publish with the channel's delivery tag (1, 2, 3... after
``confirm.select``) and settles the futures as ``basic.ack`` / ``basic.nack`` arrive, one
tag or every tag up to it (``multiple``):

* ack → True; ack of a message the broker returned first (``mandatory``, no queue bound) → False;
* nack → ``NotConfirmed``;
* the connection lost, or a confirm older than ``confirm_timeout`` (the broker is stuck, e.g.
  a memory alarm) → ``NotConfirmed`` for every message in flight, and a new connection;
  messages not sent yet go out on it. A message whose requester stopped waiting before it
  was sent is never sent (``Future.cancel``): no 503 is answered for a message that then
  gets queued, except one already on the wire — the case of any lost confirm, which the
  consumer's unique key makes harmless.

While the broker cannot be reached, the thread retries with ``backoff`` and refuses what
arrives in between at once (a quick 503 the member can retry, not a wait for nothing).
"""

import collections
import logging
import select
import socket
import threading
import time
import uuid
from concurrent.futures import Future

import amqp

from platform_shared import messaging, retry

log = logging.getLogger("gateway.confirms")

PERSISTENT = 2
TICK = 1.0  # how often an idle I/O thread checks heartbeats and overdue confirms
RECONNECT = retry.Backoff(0.1, 2.0)  # short: a member is waiting to send again


class NotConfirmed(Exception):
    """The broker did not confirm a message: nack, lost connection, no answer in time."""


class _Item:
    __slots__ = ("future", "message", "exchange", "routing_key", "key", "sent_at", "returned")

    def __init__(self, message, exchange, routing_key, key):
        self.future = Future()
        self.message, self.exchange, self.routing_key, self.key = message, exchange, routing_key, key
        self.sent_at = 0.0
        self.returned = False


class ConfirmPipeline:
    """Persistent ``mandatory`` publishes, many unconfirmed at once, each request waiting for its own.

    ``publish(body, routing_key=...)`` returns True once a queue took the message, False when
    the broker returned it (no queue bound); raises ``NotConfirmed`` otherwise. Thread-safe;
    one per process (the thread does not survive a fork: create it after)."""

    def __init__(self, amqp_uri, *, declare_queues=(), confirm_timeout=5.0, heartbeat=30, connect_timeout=5.0):
        self.amqp_uri = amqp_uri
        self.declare_queues = tuple(declare_queues)
        self.confirm_timeout = confirm_timeout
        self.heartbeat = heartbeat
        self.connect_timeout = connect_timeout
        self.connected = False
        self.connections = 0  # connections opened so far (tests, operators)
        self.most_in_flight = 0  # the most publishes ever waiting for their confirms at once
        self._queue = collections.deque()  # submitted, not yet sent
        self._inflight = {}  # delivery tag → _Item, in publish order
        self._by_key = {}  # message_id → _Item, to find a returned message
        self._conn = self._channel = self._sock = None
        self._next_tag = 1
        self._closed = False
        self._sleeping = False
        self._thread = None
        self._start_lock = threading.Lock()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)

    # -- request threads ---------------------------------------------------------------------

    def submit(self, body, *, routing_key, exchange="", **properties):
        """Hand a message to the I/O thread; a Future of its confirm (True, False when returned)."""
        if self._closed:
            raise NotConfirmed("the publisher is closed")
        properties.setdefault("content_type", "application/json")
        properties.setdefault("content_encoding", "utf-8")
        key = properties.setdefault("message_id", uuid.uuid4().hex)
        item = _Item(amqp.Message(body, delivery_mode=PERSISTENT, **properties), exchange, routing_key, key)
        self._ensure_started()
        self._queue.append(item)
        if self._sleeping:  # the I/O thread re-checks the queue after it says so: no wake-up is lost
            self._wake()
        return item.future

    def publish(self, body, *, routing_key, exchange="", **properties):
        """``submit`` and wait up to ``confirm_timeout`` for the broker's answer."""
        future = self.submit(body, routing_key=routing_key, exchange=exchange, **properties)
        try:
            return future.result(timeout=self.confirm_timeout)
        except TimeoutError:
            future.cancel()  # still queued here: it will never be sent
            raise NotConfirmed(f"no confirm within {self.confirm_timeout} s") from None

    def close(self):
        self._closed = True
        self._wake()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        self._drop(NotConfirmed("the publisher is closed"))
        self._fail_queued(NotConfirmed("the publisher is closed"))

    def _ensure_started(self):
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    thread = threading.Thread(target=self._run, name="gateway-publish-confirms", daemon=True)
                    thread.start()
                    self._thread = thread

    def _wake(self):
        try:
            self._wake_w.send(b"\0")
        except (BlockingIOError, OSError):  # full (a wake-up is pending anyway) or closed
            pass

    # -- the I/O thread ------------------------------------------------------------------------

    def _run(self):
        failures = 0
        while not self._closed:
            if self._channel is None:
                try:
                    self._connect()
                    failures = 0
                except Exception as exc:
                    failures += 1
                    log.warning("broker unreachable for confirmed publishes: %s", exc)
                    self._refuse_until(time.monotonic() + RECONNECT.delay(failures), exc)
                continue
            try:
                self._pump()
            except Exception as exc:
                if not self._closed:
                    log.warning("publishing connection lost: %s", exc)
                self._drop(NotConfirmed(f"connection lost before the broker confirmed: {exc}"))
        self._drop(NotConfirmed("the publisher is closed"))

    def _connect(self):
        conn = messaging.connect(
            self.amqp_uri, attempts=1, heartbeat=self.heartbeat, connect_timeout=self.connect_timeout
        )
        try:
            raw = conn.connection  # py-amqp's: its channel takes raw messages, no kombu Producer per publish
            channel = raw.channel()
            for name in self.declare_queues:
                channel.queue_declare(name, durable=True, auto_delete=False)
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            channel.events["basic_return"].add(self._on_return)
        except Exception:
            messaging.close(conn)
            raise
        self._conn, self._channel, self._sock = conn, channel, raw.transport.sock
        self._next_tag = 1  # delivery tags start at 1 on each channel put in confirm mode
        self._last_tick = time.monotonic()
        self.connected = True
        self.connections += 1

    def _refuse_until(self, until, exc):
        """After a failed connect: refuse what is queued now and what arrives before ``until``."""
        while not self._closed:
            self._fail_queued(NotConfirmed(f"broker unreachable: {exc}"))
            remaining = until - time.monotonic()
            if remaining <= 0:
                return
            self._wait([], remaining)

    def _pump(self):
        self._send_queued()
        now = time.monotonic()
        timeout = TICK
        if self._inflight:
            overdue_at = next(iter(self._inflight.values())).sent_at + self.confirm_timeout
            if now >= overdue_at:
                raise NotConfirmed(f"no confirm within {self.confirm_timeout} s: the broker is stuck")
            timeout = min(timeout, overdue_at - now)
        if self._wait([self._sock], timeout):
            self._read_frames()
        if time.monotonic() - self._last_tick >= TICK:
            self._last_tick = time.monotonic()
            self._conn.connection.heartbeat_tick()

    def _wait(self, sockets, timeout):
        """Sleep until one of ``sockets`` is readable, work is submitted or ``timeout``; True if readable."""
        self._sleeping = True
        try:
            if self._queue or self._closed:
                return False
            readable, _, _ = select.select([*sockets, self._wake_r], [], [], timeout)
        finally:
            self._sleeping = False
        if self._wake_r in readable:
            try:
                while self._wake_r.recv(4096):
                    pass
            except (BlockingIOError, OSError):
                pass
        return any(s in readable for s in sockets)

    def _send_queued(self):
        channel = self._channel
        while self._queue:
            item = self._queue.popleft()
            if not item.future.set_running_or_notify_cancel():
                continue  # its requester gave up (and answered 503) before it was sent
            tag, self._next_tag = self._next_tag, self._next_tag + 1
            item.sent_at = time.monotonic()
            self._inflight[tag] = self._by_key[item.key] = item  # before the write: a failed write fails it too
            channel.basic_publish(item.message, exchange=item.exchange, routing_key=item.routing_key, mandatory=True)
        if len(self._inflight) > self.most_in_flight:
            self.most_in_flight = len(self._inflight)

    def _read_frames(self):
        raw = self._conn.connection
        while True:
            try:
                raw.drain_events(timeout=TICK)
            except TimeoutError:  # part of a frame only (kept in py-amqp's buffer): the rest comes later
                return
            if not select.select([self._sock], [], [], 0)[0]:
                return

    def _on_return(self, exc, exchange, routing_key, message):
        # The broker sends basic.return before the ack of the same message.
        item = self._by_key.get(message.properties.get("message_id"))
        if item is not None:
            item.returned = True

    def _on_ack(self, tag, multiple):
        self._settle(tag, multiple, None)

    def _on_nack(self, tag, multiple):
        self._settle(tag, multiple, NotConfirmed("the broker refused the message (nack)"))

    def _settle(self, tag, multiple, error):
        if multiple:
            done = []
            for t in self._inflight:
                if t > tag:
                    break
                done.append(t)
        else:
            done = [tag] if tag in self._inflight else []
        for t in done:
            item = self._inflight.pop(t)
            self._by_key.pop(item.key, None)
            if error is None:
                item.future.set_result(not item.returned)
            else:
                item.future.set_exception(error)

    def _drop(self, error):
        """Forget the connection; every message in flight has its answer: ``error``."""
        inflight, self._inflight, self._by_key = self._inflight, {}, {}
        for item in inflight.values():
            if not item.future.done():
                item.future.set_exception(error)
        conn, self._conn, self._channel, self._sock = self._conn, None, None, None
        self.connected = False
        messaging.close(conn)

    def _fail_queued(self, error):
        while self._queue:
            item = self._queue.popleft()
            if item.future.set_running_or_notify_cancel():
                item.future.set_exception(error)
