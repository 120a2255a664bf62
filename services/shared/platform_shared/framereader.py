"""Buffered reading of AMQP frames for py-amqp connections that receive many small messages.

py-amqp reads a frame as three exact-size ``recv`` calls (the 7-byte header, the payload,
the end octet), and ``Connection.drain_events(timeout)`` reads one frame per call inside
``having_timeout`` (two ``settimeout`` calls). A delivered message is three frames (method,
header, body): nine ``recv`` calls and three timeout switches each, through eventlet's green
socket in a nameko process. Measured on the poll-response drain (issue 18): 68 % of the
batch consumer's samples were in ``drain_events``, ~30 % of them in the green socket's recv.

``buffer_reads(connection)`` replaces the transport's ``read_frame`` with one that receives up
to ``CHUNK`` bytes at a time and cuts frames out of that buffer (a frame is taken out only
when it is whole: a timeout or an error leaves the buffer as it was, as py-amqp's own does).
``drain_buffered(connection)`` then hands every frame already in the buffer to the
connection's frame handler without touching the socket. Only for plain TCP transports;
anything else (TLS) is left as it is. The caller must read only through the connection
(``drain_events``), never ``select()`` the socket to learn whether data is waiting: the data
may be in the buffer already.

``deliver_directly(connection, channel_id, on_delivery)`` goes one step further for a consumer
that needs only a message's body: the three frames of a ``basic.deliver`` on that channel are
cut into ``on_delivery(delivery_tag, redelivered, body)`` with ``struct``, without py-amqp's
method dispatch (a ``KeyError`` raised and caught per method, the arguments decoded by its
generic table reader, a ``Message`` with its properties decoded and a ``delivery_info`` dict).
On the poll-response drain that dispatch was ~17 % of the consumer's CPU (issue 18). Every
other frame (on any channel) still goes to py-amqp, which never sees the deliveries: its
per-channel state stays "expecting a method". Any transport (TLS too).
"""

import errno
import struct

try:  # the system calls themselves: eventlet's monkey-patching makes os.read wait for data
    from posix import read as _read_fd
    from posix import write as _write_fd
except ImportError:  # pragma: no cover (not a POSIX system)
    from os import read as _read_fd
    from os import write as _write_fd

from amqp.exceptions import UnexpectedFrame
from amqp.transport import TCPTransport

CHUNK = 65536
FRAME_END = 206
_HEADER = struct.Struct(">BHI")
_RETRY = (errno.EAGAIN, errno.EINTR)
_UNAVAILABLE = {errno.EAGAIN, errno.EINTR, errno.ENOENT, errno.EWOULDBLOCK}
_DELIVER = struct.pack(">HH", 60, 60)  # basic.deliver
_TAG = struct.Struct(">QB")  # delivery-tag, then the octet of bits (redelivered is bit 0)
_BODY_SIZE = struct.Struct(">Q")  # in a content header, after class-id and weight


def buffer_reads(connection, chunk=CHUNK, *, direct=False):
    """Make ``connection`` (py-amqp's, connected) read its socket ``chunk`` bytes at a time.

    ``direct``: for a connection read by OS threads (not green ones) whose socket has a timeout.
    Python's ``recv`` on such a socket always polls first, then receives: two system calls,
    each letting another thread take the interpreter. A direct read tries the descriptor first
    (``read(2)``; a socket with a timeout has a non-blocking descriptor) and waits through the
    socket's own ``recv`` only when nothing is there yet (``read_directly``).

    Returns True when installed (a plain TCP transport), else False."""
    transport = connection.transport
    if not isinstance(transport, TCPTransport):  # TLS (SSLTransport) reads through its own layer
        return False
    reader = FrameReader(transport, chunk, direct=direct)
    transport.read_frame = reader.read_frame
    transport.frame_reader = reader
    return True


def drain_buffered(connection):
    """Dispatch the whole frames already received (no socket read); how many there were."""
    reader = getattr(connection.transport, "frame_reader", None)
    if reader is None:
        return 0
    handle, n = connection.on_inbound_frame, 0
    while reader.whole_frame():
        handle(reader.read_frame())
        n += 1
    return n


class FrameReader:
    """Frames cut out of a buffer filled ``chunk`` bytes at a time.

    The buffer is read from an offset (only the payload of a frame is copied out), and a frame
    is taken only when it is whole, so a timeout or an error in ``recv`` loses nothing: the next
    call starts from the same place, as py-amqp's own reader does."""

    def __init__(self, transport, chunk=CHUNK, *, direct=False):
        self.transport = transport
        self.chunk = chunk
        self.direct = direct
        self.buffer = bytes(transport._read_buffer)  # what py-amqp had read ahead already
        self.position = 0
        transport._read_buffer = b""

    def whole_frame(self):
        have = len(self.buffer) - self.position
        return have >= 8 and have >= _HEADER.unpack_from(self.buffer, self.position)[2] + 8

    def read_frame(self):
        buffer, position = self.buffer, self.position
        while True:
            have = len(buffer) - position
            if have >= 7:
                frame_type, channel, size = _HEADER.unpack_from(buffer, position)
                end = position + 7 + size
                if len(buffer) > end:
                    if buffer[end] != FRAME_END:
                        raise UnexpectedFrame(f"Received frame_end {buffer[end]:#04x} while expecting 0xce")
                    self.position = end + 1
                    return frame_type, channel, buffer[position + 7 : end]
                need = end + 1 - len(buffer)
            else:
                need = 7 - have
            data = self._receive(max(need, self.chunk))
            buffer, position = buffer[position:] + data, 0
            self.buffer, self.position = buffer, position

    def _receive(self, size):
        transport = self.transport
        while True:
            try:
                data = read_directly(transport.sock, size) if self.direct else None
                if data is None:
                    data = transport._quick_recv(size)  # (waits up to the socket's timeout)
            except TimeoutError:
                raise
            except OSError as exc:
                if exc.errno in _RETRY:
                    continue
                if exc.errno not in _UNAVAILABLE:
                    transport.connected = False
                raise
            if not data:
                transport.connected = False
                raise OSError("Server unexpectedly closed connection")
            return data


def read_directly(sock, size):
    """Up to ``size`` bytes already received on ``sock``, in one system call; None when none are
    there yet, or when ``sock`` is not a plain socket with a timeout (whose descriptor Python
    keeps non-blocking: a read of it never waits). ``b""``: the peer closed the connection."""
    if not _plain(sock) or not sock.gettimeout():
        return None
    try:
        return _read_fd(sock.fileno(), size)
    except BlockingIOError:
        return None


def _plain(sock):
    """The standard library's own socket class: not TLS, not a green socket (eventlet's, which
    a monkey-patched process's ``socket.socket`` names), whose waits go through its hub."""
    kind = type(sock)
    return kind.__module__ == "socket" and kind.__qualname__ == "socket"


def write_directly(transport, data):
    """``transport.write(data)`` (py-amqp's), with the first ``send`` straight to the descriptor
    when the socket has a timeout: Python's ``sendall`` on such a socket polls before each send
    (two system calls where the kernel takes the frames at once, as it almost always does).
    What the kernel did not take goes on through ``transport.write``, which waits for room."""
    sock = transport.sock
    if _plain(sock) and sock.gettimeout():
        try:
            sent = _write_fd(sock.fileno(), data)
        except BlockingIOError:
            sent = 0
        except OSError as exc:
            if exc.errno not in _UNAVAILABLE:
                transport.connected = False  # (as py-amqp's write does)
            raise
        if sent == len(data):
            return
        data = memoryview(data)[sent:]
    transport.write(data)


def deliver_directly(connection, channel_id, on_delivery):
    """Hand the ``basic.deliver`` messages of channel ``channel_id`` to
    ``on_delivery(delivery_tag, redelivered, body)`` (body as bytes), bypassing py-amqp's
    dispatch; every other frame goes on to py-amqp. Returns the ``Deliveries`` installed."""
    deliveries = Deliveries(connection, channel_id, on_delivery)
    connection.on_inbound_frame = deliveries.on_frame
    return deliveries


class Deliveries:
    """The inbound-frame handler of a connection whose deliveries go straight to a callback.

    Like py-amqp's own handler it returns True when a method is complete (a delivery once its
    body is whole) and False for a frame that only starts or continues one, so
    ``Connection.drain_events`` returns after each message as before."""

    def __init__(self, connection, channel_id, on_delivery):
        self.connection = connection
        self.channel_id = channel_id
        self.on_delivery = on_delivery
        self.inner = connection.on_inbound_frame
        self._tag = None  # (delivery_tag, redelivered) of a delivery whose content is coming
        self._size = -1  # its body size once the header came
        self._parts = []

    def on_frame(self, frame):
        frame_type, channel, payload = frame
        if channel != self.channel_id:
            return self.inner(frame)
        if self._tag is None:
            if frame_type != 1 or payload[:4] != _DELIVER:
                return self.inner(frame)
            self.connection.bytes_recv += 1  # the heartbeat check counts inbound frames
            at = 5 + payload[4]  # after the method id and the consumer tag (a short string)
            delivery_tag, bits = _TAG.unpack_from(payload, at)
            self._tag = (delivery_tag, bool(bits & 1))
            return False
        self.connection.bytes_recv += 1
        if self._size < 0:
            if frame_type != 2:
                raise UnexpectedFrame(f"Received frame {frame_type} while expecting a content header")
            self._size = _BODY_SIZE.unpack_from(payload, 4)[0]
            if self._size:
                return False
        elif frame_type != 3:
            raise UnexpectedFrame(f"Received frame {frame_type} while expecting a content body")
        else:
            self._parts.append(payload)
            if sum(map(len, self._parts)) < self._size:  # a body larger than frame_max comes in parts
                return False
        body = self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)
        (delivery_tag, redelivered), self._tag, self._size, self._parts = self._tag, None, -1, []
        self.on_delivery(delivery_tag, redelivered, body)
        return True
