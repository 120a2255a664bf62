"""Confirmed publishing with many messages in flight: one channel per gateway worker process.

Why: a poll response is answered 202 only once the broker has confirmed it (DESIGN §3.4).
With one connection per request thread and one wait per publish, 74 % of a request's wall
time was its own confirm (issue 18's profile, docs/performance/issue-18-profile.md §3).
RabbitMQ confirms asynchronously and cumulatively (``basic.ack`` with ``multiple``): one
channel carrying every thread's publishes lets it answer many messages with one frame and
one connection per process replaces eight, while each request still waits for *its* message.

How (no I/O thread of its own): the request threads share one py-amqp channel in confirm
mode. A publish is numbered with the channel's delivery tag (1, 2, 3... after
``confirm.select``) and written by a request thread under ``_write_lock``; while others are in
flight its frames are queued in that order instead, and whichever thread holds the writing
sends every queued one in one ``send`` (no thread waits for another's write: threads queued
behind the write lock were 8–12 % of the gateway's samples at sixteen connections). Then the thread waits
for its confirm; the first waiter that finds no one reading becomes the *reader*: it reads
the connection (``_AckFrames``: acks cut out of the buffer, anything else to py-amqp) and
settles every message an ack or nack names — one tag, or every tag up to it (``multiple``) —
until its own message is settled, then wakes the oldest waiter still unsettled to read next. At one request at a time the request thread
reads its own confirm, as a plain ``basic_publish_confirm`` would; under load one thread
reads for all. (A dedicated I/O thread was measured first: two extra hand-offs of the GIL
per request — to the I/O thread and back — made the 16-connection figure 20 % worse on
this 2-core machine, 460 against 582 responses/s in the same run.)

Reading and writing the same connection from two threads is safe here because each side
has one owner at a time (``_write_lock``, ``_read_lock``) and they share nothing in
py-amqp but the socket: the publish is written as frames packed here (``publish_frames``,
py-amqp's bytes; ``send_method`` for any other message — never ``basic_publish``, which would
first *read* the socket when the broker may send ``connection.blocked``), and the socket's
timeout is set once and never switched (``drain_events(timeout=None)``).

Frames are read through ``platform_shared.framereader`` (one ``recv`` for whatever arrived,
the acks cut out of that buffer; py-amqp's own reader makes three per frame): syscalls per
vote 13.5 → 10.8 at one connection, receives 1.6 → 0.9 at sixteen (strace, bench/polls_bench
figure 1). So the idle check below looks at that buffer before it asks the socket.

Answers: ack → True; ack of a message the broker returned first (``mandatory``, no queue
bound) → False; nack → ``NotConfirmed``; the connection lost, or no confirm within
``confirm_timeout`` (the broker is stuck) → ``NotConfirmed`` for every message in flight
and a new connection for the next publish. A connection that died while idle is noticed
before the next publish is written on it. While the broker cannot be reached, publishes are
refused at once for a short backoff (a quick 503 the member can retry, not a wait for nothing).
"""

import logging
import select
import struct
import threading
import time
import uuid

import amqp
from amqp import spec

from platform_shared import framereader, messaging, retry

log = logging.getLogger("gateway.confirms")

PERSISTENT = 2
READ_SLICE = 0.5  # the socket's timeout: how often a reader looks up from a silent connection
FALLBACK_WAKE = 0.1  # a waiter re-checks this often that someone reads (the hand-off is the usual way)
RECONNECT = retry.Backoff(0.1, 2.0)  # short: a member is waiting to send again


class NotConfirmed(Exception):
    """The broker did not confirm a message: nack, lost connection, no answer in time."""


class _Item:
    __slots__ = ("wake", "done", "ok", "error", "key", "returned", "generation")

    def __init__(self, key):
        # Released when settled, and to hand the reading over; the waiter's acquire takes it back.
        # (A bare lock: threading.Event's condition cost each request ~20 % of the GIL's time at
        # sixteen connections, most of it in Condition.notify.)
        self.wake = threading.Lock()
        self.wake.acquire()
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
        self._queued = []  # frames of numbered publishes not written yet, in their order
        self._by_key = {}  # message_id → _Item, to find a returned message
        self._conn = self._channel = self._raw = self._frames = None
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
        if "message_id" not in properties:  # (not setdefault: its argument, a uuid4, would cost a getrandom)
            properties["message_id"] = uuid.uuid4().hex
        key = properties["message_id"]
        item = _Item(key)
        deadline = time.monotonic() + self.confirm_timeout
        if isinstance(body, bytes) and len(properties) == 3:  # the usual message: its frames packed here
            message = (body, properties["content_type"], properties["content_encoding"], key)
        else:
            message = _message(body, properties)
        self._send(item, message, exchange, routing_key)
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
        if isinstance(message, tuple) and self._queue(item, message, exchange, routing_key):
            return
        with self._write_lock:
            if self._channel is not None and not self._inflight:
                self._check_idle_connection()
            if self._channel is None:
                self._connect()
            frames = None
            if isinstance(message, tuple):
                frames = publish_frames(self._channel.channel_id, exchange, routing_key, *message, self._raw.frame_max)
                if frames is None:  # over one frame: py-amqp's writer
                    body, content_type, content_encoding, key = message
                    message = _message(
                        body, {"content_type": content_type, "content_encoding": content_encoding, "message_id": key}
                    )
            with self._lock:
                tag, self._next_tag = self._next_tag, self._next_tag + 1
                item.generation = self._generation
                self._inflight[tag] = self._by_key[item.key] = item  # before the write: a failed write fails it
                self.most_in_flight = max(self.most_in_flight, len(self._inflight))
                if frames is not None:
                    self._queued.append(frames)  # after those numbered before it: one send for all, in order
            # The one writer of packed frames: every queued publish, this one's too when packed.
            if self._write_queued() and frames is None:
                try:
                    # basic_publish's frames without its preliminary read of the socket (see the module's notes)
                    self._channel.send_method(
                        spec.Basic.Publish, "Bssbb", (0, exchange, routing_key, True, False), message
                    )
                except Exception as exc:
                    log.warning("publishing connection lost: %s", exc)
                    self._drop(NotConfirmed(f"connection lost while publishing: {exc}"))
        self._write_queued_if_free()

    def _queue(self, item, message, exchange, routing_key):
        """While publishes are in flight on a live connection: this one's frames numbered and
        queued, written by whichever thread holds the writing (this one, if it is free) — many
        publishes in one ``send``, and no thread waits for another's write. False: the usual way."""
        raw, channel = self._raw, self._channel
        if raw is None or channel is None or not self._inflight:
            return False  # (nothing in flight: the idle connection is checked first, under _write_lock)
        frames = publish_frames(channel.channel_id, exchange, routing_key, *message, raw.frame_max)
        if frames is None:
            return False
        with self._lock:
            if self._raw is not raw or not self._inflight:
                return False
            tag, self._next_tag = self._next_tag, self._next_tag + 1
            item.generation = self._generation
            self._inflight[tag] = self._by_key[item.key] = item  # before the write: a failed write fails it
            self.most_in_flight = max(self.most_in_flight, len(self._inflight))
            self._queued.append(frames)
        self._write_queued_if_free()
        return True

    def _write_queued_if_free(self):
        while self._queued and self._write_lock.acquire(blocking=False):
            try:
                self._write_queued()
            finally:
                self._write_lock.release()
            # Frames queued while this thread wrote found the writing taken: they are seen here.

    def _write_queued(self):
        """Write every queued publish, in their order, in one ``send`` (``_write_lock`` held).
        False when the connection was lost (every message in flight then failed), else True."""
        with self._lock:
            queued, self._queued, raw = self._queued, [], self._raw
        if not queued:
            return raw is not None
        try:
            framereader.write_directly(raw.transport, b"".join(queued))
            raw.bytes_sent += 1  # (py-amqp's heartbeat bookkeeping, as its frame writer does)
        except Exception as exc:
            log.warning("publishing connection lost: %s", exc)
            self._drop(NotConfirmed(f"connection lost while publishing: {exc}"))
            return False
        return True

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
                # One recv for every frame waiting, not three per frame (header, payload, end octet):
                # the confirms of many publishes come together.
                buffered = framereader.buffer_reads(raw, direct=True)  # (threads, and a socket timeout)
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
        self._raw = raw
        self._frames = _AckFrames(raw, channel.channel_id, self._on_ack) if buffered else None
        self._generation += 1
        self._next_tag = 1  # delivery tags start at 1 on each channel put in confirm mode
        self.connections += 1

    def _check_idle_connection(self):
        """Nothing in flight, so no one reads: whatever arrived since (a close, EOF) is read now."""
        raw = self._raw
        reader = getattr(raw.transport, "frame_reader", None)
        try:
            buffered = reader is not None and reader.whole_frame()  # already read with the last acks
            if not buffered and not select.select([raw.transport.sock], [], [], 0)[0]:
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
        with self._lock:  # (with the tables: a publish is queued only on the connection still current)
            inflight, self._inflight, self._by_key, self._queued = self._inflight, {}, {}, []
            conn, self._conn, self._channel, self._raw, self._frames = self._conn, None, None, None, None
        for item in inflight.values():
            _settle(item, None, error)
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
                item.wake.acquire(timeout=min(remaining, FALLBACK_WAKE))  # (``done`` is set before the wake)

    def _read_until(self, item, deadline):
        raw, frames, generation = self._raw, self._frames, item.generation
        if raw is None or generation != self._generation:
            return  # its connection is gone: it was settled when it was dropped
        read = raw.drain_events if frames is None else frames.read
        while not item.done and time.monotonic() < deadline:
            try:
                read(timeout=None)  # at most READ_SLICE: the socket's own timeout
            except TimeoutError:
                continue
            except Exception as exc:
                with self._write_lock:
                    if self._generation == generation and self._conn is not None:
                        log.warning("publishing connection lost: %s", exc)
                        self._drop(NotConfirmed(f"connection lost before the broker confirmed: {exc}"))
                self._write_queued_if_free()  # (queued while this thread held the writing)
                return

    def _hand_over(self):
        """The reader leaves: the oldest waiter still unsettled reads next."""
        with self._lock:
            waiting = next((i for i in self._inflight.values() if not i.done), None)
        if waiting is not None:
            _wake(waiting)

    def _overdue(self, item):
        with self._write_lock:
            with self._lock:
                in_flight = self._by_key.get(item.key) is item
            if in_flight and item.generation == self._generation and self._conn is not None:
                # No confirm within confirm_timeout: the broker (or the link) is stuck; start afresh.
                log.warning("no confirm within %s s: reconnecting", self.confirm_timeout)
                self._drop(NotConfirmed(f"no confirm within {self.confirm_timeout} s"))
        self._write_queued_if_free()  # (queued while this thread held the writing)
        if not item.done:
            item.wake.acquire(timeout=1.0)  # taken by an ack being settled this very moment
            _settle(item, None, NotConfirmed(f"no confirm within {self.confirm_timeout} s"))

    # -- the broker's answers (called by the reader, inside _AckFrames.read or drain_events) ----

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


_ACK = struct.pack(">HH", 60, 80)  # basic.ack
_ACK_ARGUMENTS = struct.Struct(">QB")  # delivery-tag, then the octet of bits (multiple is bit 0)


class _AckFrames:
    """The reader's loop over a buffered connection (``framereader.buffer_reads``): each
    ``basic.ack`` of the publishing channel is cut out with ``struct`` and settled at once; every
    other frame (a nack, a return, a close, a heartbeat) goes to py-amqp as ``drain_events``
    would pass it.

    Why: py-amqp's way to an ack — ``drain_events``, ``blocking_read``, ``having_timeout``, the
    frame handler, ``on_inbound_method``, ``dispatch_method`` (a ``KeyError`` raised and caught),
    the generic argument reader, the channel's event callbacks — was ~6 % of the gateway
    workers' GIL time at sixteen connections (issue 18); here it is one ``struct`` unpack.
    (An ack never splits a return's frames: content frames follow their method without
    interleaving, so py-amqp's per-channel state is never mid-message when one is cut out.)"""

    def __init__(self, raw, channel_id, on_ack):
        self.raw = raw
        self.reader = raw.transport.frame_reader
        self.inner = raw.on_inbound_frame
        self.channel_id = channel_id
        self.on_ack = on_ack

    def read(self, timeout=None):
        """One frame (a ``recv`` under the socket's own timeout when none is buffered), then every
        whole frame already received; raises what the socket raises."""
        reader, on_frame = self.reader, self.on_frame
        on_frame(reader.read_frame())
        while reader.whole_frame():
            on_frame(reader.read_frame())

    def on_frame(self, frame):
        frame_type, channel, payload = frame
        if frame_type == 1 and channel == self.channel_id and payload[:4] == _ACK:
            self.raw.bytes_recv += 1  # (py-amqp's heartbeat bookkeeping, as its frame handler does)
            tag, bits = _ACK_ARGUMENTS.unpack_from(payload, 4)
            self.on_ack(tag, bits & 1)
        else:
            self.inner(frame)


def _message(body, properties):
    return amqp.Message(body, delivery_mode=PERSISTENT, **properties)


def _settle(item, ok, error):
    if item.done:
        return
    item.ok, item.error = ok, error
    item.done = True  # before the wake: a waiter woken for another reason still sees it
    _wake(item)


def _wake(item):
    try:
        item.wake.release()
    except RuntimeError:
        pass  # released already: the waiter has a wake coming


# -- the frames of a publish, packed with struct --------------------------------------------------
# py-amqp's generic writer (argument and property tables serialised field by field) was ~10 % of
# the workers' GIL time on the vote path; a publish here always has the same shape.

_FRAME = struct.Struct(">BHI")
_PUBLISH_METHODS = {}  # (channel, exchange, routing key) → the whole method frame
_HEADER_PREFIX = struct.Struct(">HHQH")  # class, weight, body size, property flags
# content_type, content_encoding, delivery_mode, message_id
_FLAGS = 0x8000 | 0x4000 | 0x1000 | 0x0080


def _shortstr(text):
    raw = text.encode("utf-8")
    if len(raw) > 255:
        raise ValueError("shortstr over 255 bytes")
    return bytes((len(raw),)) + raw


def publish_frames(channel_id, exchange, routing_key, body, content_type, content_encoding, message_id, frame_max):
    """The bytes of ``basic.publish`` (mandatory) + content header + body, exactly as py-amqp's
    frame writer makes them for a persistent message with these properties; None when the body
    needs more than one frame (py-amqp's writer then does it)."""
    key = (channel_id, exchange, routing_key)
    method = _PUBLISH_METHODS.get(key)
    if method is None:
        payload = struct.pack(">HHH", 60, 40, 0) + _shortstr(exchange) + _shortstr(routing_key) + b"\x01"
        method = _PUBLISH_METHODS[key] = _FRAME.pack(1, channel_id, len(payload)) + payload + b"\xce"
        if len(_PUBLISH_METHODS) > 1000:
            _PUBLISH_METHODS.clear()
    header = (
        _HEADER_PREFIX.pack(60, 0, len(body), _FLAGS)
        + _shortstr(content_type)
        + _shortstr(content_encoding)
        + b"\x02"  # delivery_mode: persistent
        + _shortstr(message_id)
    )
    if len(method) + len(header) + len(body) + 16 > frame_max - 8:
        return None
    frames = [method, _FRAME.pack(2, channel_id, len(header)), header, b"\xce"]
    if body:  # (no body frame for an empty body, as py-amqp)
        frames += (_FRAME.pack(3, channel_id, len(body)), body, b"\xce")
    return b"".join(frames)
