"""The gateway's gunicorn worker: gthread, with a kept-alive connection staying on its thread.

Why: gunicorn's ``gthread`` worker hands every kept-alive connection back to its main thread
after each request — the socket registered with the main loop's selector, the main thread
woken through a pipe when the future is done and again when the socket is readable, the
connection submitted to the pool once more (futures, locks, ~130 futex calls): 0.17–0.27 ms
of CPU per request for an app that does nothing, a fifth of what a poll response costs the
gateway (issue 18, docs/performance/issue-18-profile.md §3).

How: after answering a request whose connection stays open, the thread waits on that socket
itself (one ``poll``) for the client's next request and serves it, as long as

* nothing else waits for a thread — a new connection, or a kept-alive one given back that
  became readable, queued in the pool while every thread serves or lingers. ``enqueue_req``
  then wakes the longest-lingering thread (each has a wake pipe of its own beside its socket:
  one thread woken, not all), which gives its connection back to the main loop (gthread's
  usual keep-alive handling) and takes the queued work; a thread finishing a request with
  work queued gives its connection back at once. So ``threads`` bounds the threads and no
  idle client keeps one while others wait;
* the connection has not been idle for ``keepalive`` seconds: then it is closed, as the main
  loop would close it;
* the worker is alive: a stop (SIGTERM, ``max_requests`` reached, SIGQUIT) wakes every
  lingering thread, which gives its connection back to the main loop; the main loop's
  graceful shutdown does the rest (requests in flight answered, kept-alive connections closed
  within ``STOP_KEEPALIVE_LINGER``, any request arriving on them answered with
  ``Connection: close``).

Connections beyond ``threads`` would take turns on the threads at gthread's cost (worse: a
wake per turn), and the workers of one gunicorn accept from one socket, whichever wakes first
— 16 connections came 13 to one worker and 3 to the other. So a worker holding ``threads``
connections stops accepting for ``ACCEPT_DEFER`` (50 ms): a worker with a thread free takes
the next ones meanwhile; when every worker is full, each takes its share of the connections
waiting at the end of its pause, all at once (one pause per burst, not one per connection: 32
connections opened together waited 49, 98 ... 392 ms for their first answer that way). Its
share: the connections of every worker and those waiting, divided evenly (``_Shares``: each
worker's count in memory shared from the master; the accept queue's length from the listening
socket's ``TCP_INFO``). Taking every waiting connection instead left one worker with 18-24 of a
burst of 32 on 2 × 8 threads, and that worker carried ~70 % of the load (issue 18). Where the
queue's length is not known (not TCP on Linux), or nothing was taken from it since this
worker's last pause, it takes them all, as before. One worker alone never pauses.

Measured (no-op app, ``-w 2 --threads 8``, wrk, CPU of master and workers per request):
c=1 0.29 → 0.11 ms, c=16 0.11–0.12 → 0.09 ms; poll responses (bench/polls_bench.py figure 1,
same run, load 4–9): c=1 0.89 → 0.53 ms and ratio 0.45 → 0.55, c=16 0.48 → 0.45 ms and
0.40 → 0.47.

Per request, fewer system calls that release the GIL (with sixteen connections each one lets
another thread take the interpreter and puts this one back in line; issue 18): a client socket
does not switch its mode when it already has the one asked for (``_ClientSocket``), a body read
to its end is not drained again (``_keepalive_after``: three timeout switches), a response
given whole goes out with its headers in one ``send`` (``OneSendResponse``); and gunicorn's
settings are plain attributes after the fork (``settle_config``). Measured together with the
publisher's changes of the same stop (gateway.confirms, gateway.ids), bench/polls_bench.py
figure 1 at sixteen connections, interleaved runs on a shared machine: ratio 0.36–0.39 → 0.51–0.53,
gateway CPU per vote 0.59–0.67 → 0.42–0.47 ms.

A body of known length can also be read with ``readinto``, straight from the socket into the
caller's buffer (``DirectBody``): the gateway relays a photo to the media service that way, at
2.9–3.0 ms of CPU per 1 MB photo against 4.6–4.9 through gunicorn's ``read`` (issue 18).

Everything else is gthread's own code (accept, parsing, the request, heartbeat, timeouts).
``gunicorn.conf.py`` chooses this class; ``GATEWAY_WORKER=gthread`` goes back to gunicorn's.
"""

import collections
import errno
import io
import math
import mmap
import os
import select
import socket
import struct
import threading
import time

from gunicorn import util
from gunicorn.http import wsgi
from gunicorn.http.body import Body, LengthReader
from gunicorn.http.unreader import SocketUnreader
from gunicorn.workers import gthread

_READABLE = select.POLLIN | select.POLLPRI | select.POLLHUP | select.POLLERR
# A worker with a thread per connection already leaves new ones to the other workers this long.
ACCEPT_DEFER = 0.05
_TCP_INFO = struct.Struct("=8B6I")  # struct tcp_info's head: 8 bytes, then rto ... unacked, sacked


class KeepAliveThreadWorker(gthread.ThreadWorker):
    """gthread whose threads keep serving their kept-alive connection while no one waits."""

    accept_pause = ACCEPT_DEFER

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._occupied = 0  # threads inside handle(): serving or lingering
        self._lingering = collections.deque()  # wake pipes (write ends) of the lingering threads, oldest first
        self._lock = threading.Lock()
        self._local = threading.local()
        self._full_since = None  # when this worker last had (or took) its ``threads``-th connection
        self._left_waiting = None  # connections left in the accept queue at the end of the last pause
        # Made here, in the master, before the first worker forks: every worker shares it.
        cls = type(self)
        if cls._shares is None:
            cls._shares = _Shares(4 * max(1, self.cfg.workers))

    _shares = None

    def init_process(self):
        settle_config(self.cfg)
        wsgi.Response = OneSendResponse  # (wsgi.create's default; this process serves only this worker)
        self._shares.claim(self.age, os.getpid())
        super().init_process()

    def handle_request(self, req, conn):
        _read_directly(req)
        return super().handle_request(req, conn)

    # -- the main thread --------------------------------------------------------------------

    def accept(self, listener):
        super().accept(listener)
        self._shares.publish(self.nr_conns)
        if self._defers() and self.nr_conns >= self.cfg.threads and self._full_since is None:
            self._full_since = time.monotonic()
            super().set_accept_enabled(False)

    def set_accept_enabled(self, enabled):
        if enabled and self._defers() and self.nr_conns >= self.cfg.threads:
            now = time.monotonic()
            if self._full_since is None:
                self._full_since = now
            elif now >= self._full_since + self.accept_pause:
                self._take_share()  # of the connections that waited through the pause, at once
                self._full_since = time.monotonic()
            enabled = False  # meanwhile another worker with a thread free takes them
        elif enabled:
            self._full_since = None
        super().set_accept_enabled(enabled)

    def _defers(self):
        return self.cfg.workers > 1 and self.alive

    def _take_share(self):
        for listener in self.sockets:
            waiting = waiting_connections(listener)
            share = self._share(waiting)
            listener.setblocking(False)
            taken = 0
            while self.nr_conns < self.worker_connections and (share is None or taken < share):
                before = self.nr_conns
                super().accept(listener)  # gthread's: one connection, or none waiting
                if self.nr_conns == before:
                    break
                taken += 1
            self._left_waiting = None if waiting is None else max(0, waiting - taken)
        self._shares.publish(self.nr_conns)

    def _share(self, waiting):
        """How many of the ``waiting`` connections this worker takes now (None: every one):
        enough to hold an even share of all the workers' connections and the waiting ones."""
        if waiting is None or (self._left_waiting and waiting >= self._left_waiting):
            return None  # the queue not known, or no one took any since this worker's last pause
        others = self._shares.others()
        if others is None:
            return None
        total = sum(others) + self.nr_conns + waiting
        return max(0, math.ceil(total / (len(others) + 1)) - self.nr_conns)

    def wait_for_and_dispatch_events(self, timeout):
        if self._full_since is not None and not self._accepting:
            timeout = min(timeout, max(0.0, self._full_since + self.accept_pause - time.monotonic()) + 0.001)
        super().wait_for_and_dispatch_events(timeout)
        self._shares.publish(self.nr_conns)  # (connections closed meanwhile too)

    def enqueue_req(self, conn):
        if type(conn.sock) is socket.socket:  # a new connection: its socket skips needless mode switches
            timeout = conn.sock.gettimeout()
            conn.sock = _ClientSocket(fileno=conn.sock.detach())
            conn.sock.settimeout(timeout)  # (a socket made from a descriptor assumes blocking: the real mode)
        super().enqueue_req(conn)
        if self._waiting():
            self._wake_one()  # the longest lingering thread gives its connection back, takes this one

    def handle_exit(self, sig, frame):
        super().handle_exit(sig, frame)
        self._wake_all()

    def handle_quit(self, sig, frame):
        self._wake_all()
        super().handle_quit(sig, frame)

    # -- a pool thread ----------------------------------------------------------------------

    def handle(self, conn):
        with self._lock:
            self._occupied += 1
        try:
            return self._serve(conn)
        finally:
            with self._lock:
                self._occupied -= 1

    def _serve(self, conn):
        while True:
            keep = super().handle(conn)
            if keep is not True:
                return keep  # closed (False) or no first request yet (gthread's deferral)
            if not self.alive:
                self._wake_all()  # max_requests reached here: the lingering threads give back too
                return True
            state = self._linger(conn, time.monotonic())
            if state == "next":
                conn.data_ready = True
                continue
            # "expired": idle for keepalive seconds, closed as the main loop would; else given back to it
            return state != "expired"

    def _keepalive_after(self, conn, keepalive):
        # The request's body read to its end (a JSON body always is): nothing to drain, and the
        # parser's own drain would still switch the socket's timeout twice now and once before
        # the next request (three ioctl calls, each letting another thread take the GIL).
        if keepalive is True and _body_read(conn.parser):
            conn.parser.mesg = None  # the response said keep-alive, so this request did not ask to close
            return True
        return super()._keepalive_after(conn, keepalive)

    def _linger(self, conn, idle_since):
        """Wait on ``conn`` for its next request: "next", "expired" or "give back"."""
        if conn.parser.unreader.buf.getbuffer().nbytes:
            return "next"  # already read ahead (pipelined, or a drained body's surplus)
        wake_read, wake_write = self._wake_pipe()
        poller = select.poll()
        sock = conn.sock.fileno()
        poller.register(sock, _READABLE)
        poller.register(wake_read, select.POLLIN)
        deadline = idle_since + self.cfg.keepalive
        with self._lock:
            self._lingering.append(wake_write)
        try:
            while True:
                # After joining the lingering threads: work queued before that is seen here.
                if not self.alive or self._waiting():
                    return "give back"
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return "expired"
                try:
                    events = poller.poll(max(1, int(remaining * 1000 + 0.999)))
                except InterruptedError:
                    continue
                readable = woken = False
                for fd, _event in events:
                    if fd == sock:
                        readable = True
                    else:
                        woken = True
                if woken:
                    _drain(wake_read)
                    with self._lock:
                        if wake_write not in self._lingering:
                            self._lingering.append(wake_write)  # (taken by the waker) still lingering
                if readable:
                    if woken and self._waiting():
                        self._wake_one()  # its own client came first: another one gives back
                    return "next"
        finally:
            with self._lock:
                try:
                    self._lingering.remove(wake_write)
                except ValueError:
                    pass  # taken by a waker

    def _waiting(self):
        """Work waits for a thread: queued in the pool while every thread is serving or lingering
        (with a thread idle or still to be started, that one takes it)."""
        queue = getattr(self.tpool, "_work_queue", None)
        return queue is not None and not queue.empty() and self._occupied >= self.cfg.threads

    def _wake_pipe(self):
        pipe = getattr(self._local, "pipe", None)
        if pipe is None:
            pipe = self._local.pipe = os.pipe()
            for fd in pipe:
                os.set_blocking(fd, False)
        return pipe

    def _wake_one(self):
        with self._lock:
            wake_write = self._lingering.popleft() if self._lingering else None
        if wake_write is not None:
            _poke(wake_write)

    def _wake_all(self):
        # From a signal handler too: no lock (the interrupted main thread may hold it).
        for wake_write in list(self._lingering):
            _poke(wake_write)


class _Shares:
    """Each worker's count of connections, where its siblings read it: an anonymous shared
    mapping made in the master before the first fork (so every worker inherits the same one),
    one slot of ``(pid, connections)`` per worker. A worker writes its own slot and reads the
    others of live processes; a slot whose process is gone counts for nothing and is taken by
    the next worker that needs one. Only a heuristic reads it: a stale count makes a share less
    even, never a connection lost."""

    _SLOT = struct.Struct("=qq")

    def __init__(self, slots):
        self.slots = slots
        self._map = mmap.mmap(-1, slots * self._SLOT.size)
        self._index = None  # this process's slot (set in the worker, after the fork)
        self._pid = None

    def claim(self, age, pid):
        """This worker's slot: the one its age names (workers started together have ages in a
        row, so they never meet there), else the next one free or of a process gone."""
        self._index, self._pid = None, pid
        for step in range(self.slots):
            index = (age + step) % self.slots
            owner, _ = self._SLOT.unpack_from(self._map, index * self._SLOT.size)
            if owner in (0, pid) or not _alive(owner):
                self._index = index
                self.publish(0)
                return index
        return None  # more workers than slots: this one takes every waiting connection, as before

    def publish(self, connections):
        if self._index is not None:
            self._SLOT.pack_into(self._map, self._index * self._SLOT.size, self._pid, connections)

    def others(self):
        """The connection counts of the other live workers; None when this one has no slot."""
        if self._index is None:
            return None
        counts = []
        for index in range(self.slots):
            if index != self._index:
                owner, connections = self._SLOT.unpack_from(self._map, index * self._SLOT.size)
                if owner and owner != self._pid and _alive(owner):
                    counts.append(connections)
        return counts


def waiting_connections(listener):
    """Connections in ``listener``'s accept queue: on Linux a listening TCP socket's ``TCP_INFO``
    gives the queue's length as ``tcpi_unacked``. None where it is not known (another system, a
    UNIX socket)."""
    try:
        info = listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _TCP_INFO.size)
    except (AttributeError, OSError):
        return None
    if len(info) < _TCP_INFO.size:
        return None
    return _TCP_INFO.unpack(info)[12]


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _ClientSocket(socket.socket):
    """A client's socket whose ``setblocking`` leaves the mode alone when it is already the one
    asked for: gthread sets blocking before every request, and each call is an ``ioctl`` that
    releases the GIL — on a connection served request after request by its thread, never a
    change (issue 18)."""

    __slots__ = ()

    def setblocking(self, flag):
        if self.gettimeout() != (None if flag else 0.0):  # (Python's own record of the mode)
            super().setblocking(flag)


class OneSendResponse(wsgi.Response):
    """gunicorn's response, whose headers go out in the same ``send`` as a body given whole
    (one piece of exactly ``Content-Length`` bytes, as the API's JSON answers are); anything
    else is written as gunicorn writes it.

    Why: headers then body were two ``send`` calls, each releasing the GIL, and two segments
    for the client to wake up for (issue 18)."""

    def default_headers(self):
        """gunicorn's, with the ``Date`` formatted once a second, not once a response
        (``email.utils.formatdate``: 2.5 us of a vote's ~380; issue 18)."""
        if self.upgrade:
            connection = "upgrade"
        elif self.should_close():
            connection = "close"
        else:
            connection = "keep-alive"
        headers = [
            f"HTTP/{self.req.version[0]}.{self.req.version[1]} {self.status}\r\n",
            f"Server: {self.version}\r\n",
            f"Date: {http_date()}\r\n",
            f"Connection: {connection}\r\n",
        ]
        if self.chunked:
            headers.append("Transfer-Encoding: chunked\r\n")
        return headers

    def write(self, arg):
        if (
            not self.headers_sent
            and type(arg) is bytes
            and len(arg) == self.response_length
            and not self.chunked
            and not self._omits_body
        ):
            # What send_headers() and write() would send, in one piece.
            tosend = self.default_headers()
            tosend.extend(["%s: %s\r\n" % (k, v) for k, v in self.headers])  # noqa: UP031 (gunicorn's)
            head = util.to_bytestring("%s\r\n" % "".join(tosend), "latin-1")  # noqa: UP031
            self.headers_sent = True
            self.sent = len(arg)
            util.write(self.sock, head + arg)
            return
        super().write(arg)


def _read_directly(req):
    """Give a request whose body has a ``Content-Length`` a ``DirectBody``: the same body, which
    can also be read with ``readinto``. Any other body (chunked, none, a reader of another kind)
    is left as gunicorn made it."""
    body = req.body
    if (
        type(body) is Body
        and type(body.reader) is LengthReader
        and body.reader.length  # (gunicorn gives a request with no body one of length 0: left alone)
        and type(body.reader.unreader) is SocketUnreader
    ):
        req.body = DirectBody(body.reader)


class DirectBody(Body):
    """gunicorn's body of known length, with ``readinto``: the bytes the client sent go from the
    socket straight into the caller's buffer (one ``recv_into``).

    Why: werkzeug's stream reads through ``readinto`` when its source has it, and gunicorn's body
    has only ``read``. That read goes through the unreader: one ``recv`` of a new bytes object,
    copied into a ``BytesIO``, copied out again and sliced, each time. Relaying a 1 MB photo that
    way cost the gateway about a third of its CPU for the upload (issue 18).

    Bytes gunicorn already holds come first: those read ahead with the request's head (in the
    unreader) and any left in this body's own buffer by ``read``/``readline``. It never reads
    past the body: a pipelined next request stays on the socket for the parser. ``read`` and
    ``readline`` are gunicorn's and may be mixed with ``readinto``."""

    def readinto(self, buffer):
        view = memoryview(buffer).cast("B")
        if not len(view):
            return 0
        if self.buf.tell():  # left by read() or readline()
            n, self.buf = _take(self.buf, view)
            return n
        reader = self.reader
        if reader.length <= 0:
            return 0
        unreader = reader.unreader
        view = view[: reader.length]
        if unreader.buf.getbuffer().nbytes:  # read ahead with the head: this body's start, maybe more
            n, unreader.buf = _take(unreader.buf, view)  # past the body: the next request's, kept for the parser
        else:
            try:
                n = unreader.sock.recv_into(view)
            except Exception:
                self.failed = True
                raise
            if not n:  # the client went away before the end of its body
                self.failed = True
                return 0
        reader.length -= n
        return n


def _take(held, view):
    """As many bytes as ``view`` holds from the ``BytesIO`` ``held``, copied into it: how many, and
    a ``BytesIO`` of the rest (written, so positioned at its end, as gunicorn keeps its buffers)."""
    data = held.getvalue()
    n = min(len(view), len(data))
    view[:n] = data[:n]
    rest = io.BytesIO()
    rest.write(data[n:])
    return n, rest


_DATE = (0, "")  # (the second, its Date header): one tuple, so a thread reads both or neither


def http_date():
    """``gunicorn.util.http_date()`` for now, formatted once per second."""
    global _DATE
    second = int(time.time())
    cached = _DATE
    if cached[0] != second:
        cached = _DATE = (second, util.http_date(second))
    return cached[1]


def settle_config(cfg):
    """Every setting of gunicorn's ``Config`` kept as a plain attribute of ``cfg``.

    Why: each ``cfg.<name>`` goes through ``Config.__getattr__`` and the setting's ``get()``, and
    gunicorn reads 24 of them per request (parsing, the environ, the response, the hooks): 48 of
    the ~370 Python calls of a poll response (issue 18). A worker never changes its settings (a
    reload starts new workers), so after the fork their values are read once. Properties
    (``is_ssl``, ``address``...) stay properties."""
    properties = {name for name in dir(type(cfg)) if isinstance(getattr(type(cfg), name, None), property)}
    for name, setting in cfg.settings.items():
        if name not in properties:
            cfg.__dict__[name] = setting.get()  # (past Config.__setattr__, which refuses settings)


def _body_read(parser):
    """The parser's current request had a Content-Length body, read to its last byte."""
    mesg = parser.mesg
    body = getattr(mesg, "body", None)
    reader = getattr(body, "reader", None)
    return isinstance(reader, LengthReader) and reader.length == 0 and not body.failed and not body.buf.tell()


def chosen_class(environ=os.environ):
    """The worker class the gateway runs under: this one, or gunicorn's own with
    ``GATEWAY_WORKER=gthread`` (gunicorn.conf.py and the benches both ask here)."""
    if environ.get("GATEWAY_WORKER", "").strip().lower() == "gthread":
        return "gthread"
    return f"{__name__}.{KeepAliveThreadWorker.__name__}"


def _poke(fd):
    try:
        os.write(fd, b"\0")
    except OSError as exc:
        if exc.errno not in (errno.EAGAIN, errno.EBADF):
            raise


def _drain(fd):
    try:
        while os.read(fd, 64):
            pass
    except BlockingIOError:
        pass
