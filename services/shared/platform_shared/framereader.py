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
"""

import errno
import struct

from amqp.exceptions import UnexpectedFrame
from amqp.transport import TCPTransport

CHUNK = 65536
FRAME_END = 206
_HEADER = struct.Struct(">BHI")
_RETRY = (errno.EAGAIN, errno.EINTR)
_UNAVAILABLE = {errno.EAGAIN, errno.EINTR, errno.ENOENT, errno.EWOULDBLOCK}


def buffer_reads(connection, chunk=CHUNK):
    """Make ``connection`` (py-amqp's, connected) read its socket ``chunk`` bytes at a time.

    Returns True when installed (a plain TCP transport), else False."""
    transport = connection.transport
    if not isinstance(transport, TCPTransport):  # TLS (SSLTransport) reads through its own layer
        return False
    reader = FrameReader(transport, chunk)
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

    def __init__(self, transport, chunk=CHUNK):
        self.transport = transport
        self.chunk = chunk
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
                data = transport._quick_recv(size)
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
