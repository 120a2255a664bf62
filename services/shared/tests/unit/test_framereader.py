"""The buffered AMQP frame reader: frames cut out of large reads, nothing lost to a timeout."""

import struct

import pytest
from amqp.exceptions import UnexpectedFrame
from amqp.transport import TCPTransport

from platform_shared import framereader


def frame(kind, channel, payload):
    return struct.pack(">BHI", kind, channel, len(payload)) + payload + b"\xce"


class FakeTransport(TCPTransport):
    """A TCP transport with no socket: ``recv`` hands out scripted chunks (or raises them)."""

    def __init__(self, chunks, read_ahead=b""):  # no socket, no connect
        self.chunks = list(chunks)
        self.asked = []
        self._read_buffer = read_ahead
        self.connected = True

    def _quick_recv(self, size):
        self.asked.append(size)
        chunk = self.chunks.pop(0)
        if isinstance(chunk, BaseException):
            raise chunk
        return chunk


class FakeConnection:
    def __init__(self, transport):
        self.transport = transport
        self.frames = []

    def on_inbound_frame(self, frame):
        self.frames.append(frame)
        return True


def reader_of(chunks, read_ahead=b""):
    connection = FakeConnection(FakeTransport(chunks, read_ahead))
    assert framereader.buffer_reads(connection, chunk=4096)
    return connection, connection.transport.read_frame


def test_many_frames_come_from_one_read_and_are_dispatched_without_the_socket():
    stream = frame(1, 1, b"deliver") + frame(2, 1, b"header") + frame(3, 1, b"body")
    connection, read_frame = reader_of([stream])
    assert read_frame() == (1, 1, b"deliver")
    assert framereader.drain_buffered(connection) == 2
    assert connection.frames == [(2, 1, b"header"), (3, 1, b"body")]
    assert connection.transport.asked == [4096]  # one recv of a whole chunk for the three frames


def test_a_frame_split_across_reads_and_a_timeout_in_the_middle_lose_nothing():
    whole = frame(3, 2, b"x" * 100)
    connection, read_frame = reader_of([whole[:5], TimeoutError(), whole[5:50], whole[50:] + whole[:3]], b"")
    with pytest.raises(TimeoutError):
        read_frame()
    assert framereader.drain_buffered(connection) == 0  # half a frame is not a frame
    assert read_frame() == (3, 2, b"x" * 100)
    assert not framereader.FrameReader.whole_frame(connection.transport.frame_reader)


def test_what_py_amqp_had_read_ahead_is_read_first():
    connection, read_frame = reader_of([], read_ahead=frame(8, 0, b""))
    assert read_frame() == (8, 0, b"")  # a heartbeat, with no socket read


def test_a_bad_frame_end_and_a_closed_socket_are_errors():
    _, read_frame = reader_of([frame(1, 1, b"abc")[:-1] + b"\x00"])
    with pytest.raises(UnexpectedFrame):
        read_frame()
    connection, read_frame = reader_of([b""])
    with pytest.raises(OSError):
        read_frame()
    assert connection.transport.connected is False


def test_only_plain_tcp_transports_are_changed():
    class Other:
        transport = object()

    assert framereader.buffer_reads(Other()) is False
    assert framereader.drain_buffered(Other()) == 0


def deliver(tag, redelivered=False, consumer_tag=b"ctag"):
    args = bytes([len(consumer_tag)]) + consumer_tag + struct.pack(">QB", tag, 1 if redelivered else 0)
    return struct.pack(">HH", 60, 60) + args + b"\x00" + b"\x0fpolls.responses"  # exchange "", routing key


def header(size):
    return struct.pack(">HHQH", 60, 0, size, 0)


class CountingConnection:
    """py-amqp's side: what its own frame handler would have been given."""

    bytes_recv = 0

    def __init__(self):
        self.frames = []

    def on_inbound_frame(self, frame):
        self.frames.append(frame)
        return True


def direct(channel_id=1):
    connection, got = CountingConnection(), []
    framereader.deliver_directly(connection, channel_id, lambda *delivery: got.append(delivery))
    return connection, got


def test_a_delivery_goes_straight_to_the_callback_and_everything_else_to_py_amqp():
    connection, got = direct()
    handle = connection.on_inbound_frame
    assert handle((1, 1, deliver(7, redelivered=True))) is False  # a message begun is not a method done
    assert handle((2, 1, header(5))) is False
    assert handle((3, 1, b"hello")) is True
    assert got == [(7, True, b"hello")]
    qos_ok = struct.pack(">HH", 60, 11)
    assert handle((1, 1, qos_ok)) is True  # basic.qos-ok: py-amqp's
    assert handle((1, 2, deliver(8))) is True  # another channel: py-amqp's too
    assert handle((8, 0, b"")) is True  # a heartbeat
    assert [f[1:] for f in connection.frames] == [(1, qos_ok), (2, deliver(8)), (0, b"")]
    assert connection.bytes_recv == 3  # the heartbeat check sees the delivery's frames arrive


def test_a_body_in_several_frames_and_an_empty_body_are_whole_messages():
    connection, got = direct()
    handle = connection.on_inbound_frame
    handle((1, 1, deliver(1)))
    handle((2, 1, header(6)))
    assert handle((3, 1, b"abc")) is False
    assert handle((3, 1, b"def")) is True
    handle((1, 1, deliver(2)))
    assert handle((2, 1, header(0))) is True  # no body frame follows an empty body
    assert got == [(1, False, b"abcdef"), (2, False, b"")]


def test_a_frame_out_of_order_inside_a_delivery_is_an_error():
    connection, _ = direct()
    handle = connection.on_inbound_frame
    handle((1, 1, deliver(1)))
    with pytest.raises(UnexpectedFrame):
        handle((3, 1, b"body before its header"))
    connection, _ = direct()
    handle = connection.on_inbound_frame
    handle((1, 1, deliver(1)))
    handle((2, 1, header(4)))
    with pytest.raises(UnexpectedFrame):
        handle((1, 1, deliver(2)))


# -- direct reads and writes (the gateway's confirm pipeline: OS threads, a socket timeout) -------


def _stdlib_socket_module():
    try:  # the test process is monkey-patched by nameko's plugin: the standard library's own
        from eventlet.patcher import original

        return original("socket")
    except ImportError:  # pragma: no cover (eventlet is always installed here)
        import socket

        return socket


def _pair(timeout):
    a, b = _stdlib_socket_module().socketpair()
    a.settimeout(timeout)
    return a, b


class Recorder:
    """py-amqp's transport as write_directly sees it: a socket, ``write`` (here recorded, not
    sent) and ``connected``."""

    def __init__(self, sock):
        self.sock, self.written, self.connected = sock, [], True

    def write(self, data):
        self.written.append(bytes(data))


def test_a_direct_read_takes_what_has_arrived_and_never_waits_for_more():
    a, b = _pair(timeout=30)
    with a, b:
        assert framereader.read_directly(a, 100) is None  # nothing yet: None at once, not a 30 s wait
        b.sendall(b"frames")
        assert framereader.read_directly(a, 100) == b"frames"
        b.close()
        assert framereader.read_directly(a, 100) == b""  # the peer closed


def test_only_a_plain_socket_with_a_timeout_is_read_directly():
    blocking, peer = _pair(timeout=None)
    with blocking, peer:
        peer.sendall(b"x")
        assert framereader.read_directly(blocking, 100) is None  # its descriptor may block: left alone

    class Wrapped(_stdlib_socket_module().socket):  # TLS and green sockets are other classes
        pass

    with Wrapped() as other:
        other.settimeout(1)
        assert framereader.read_directly(other, 100) is None


def test_a_direct_write_sends_what_the_kernel_takes_and_hands_the_rest_to_the_transport():
    a, b = _pair(timeout=30)
    with a, b:
        small = Recorder(a)
        framereader.write_directly(small, b"publish frames")
        assert small.written == []  # all of it in one send
        assert b.recv(100) == b"publish frames"

        data = bytes(range(256)) * 16384  # 4 MiB: more than the socket pair holds unread
        big = Recorder(a)
        framereader.write_directly(big, data)
        b.setblocking(False)
        received = b""
        while True:
            try:
                chunk = b.recv(1 << 20)
            except BlockingIOError:
                break
            if not chunk:
                break
            received += chunk
        assert len(big.written) == 1 and 0 < len(received) < len(data)
        assert received + big.written[0] == data  # what the kernel took, then the rest, in order


def test_a_direct_write_to_a_closed_peer_raises_and_marks_the_transport_disconnected():
    a, b = _pair(timeout=30)
    with a:
        b.close()
        transport = Recorder(a)
        with pytest.raises(OSError):
            framereader.write_directly(transport, b"x" * 100)
            framereader.write_directly(transport, b"x" * 100)  # (the first may be taken before the reset)
        assert transport.connected is False and transport.written == []


def test_a_socket_without_a_timeout_is_written_through_the_transport():
    a, b = _pair(timeout=None)
    with a, b:
        transport = Recorder(a)
        framereader.write_directly(transport, b"frames")
        assert transport.written == [b"frames"]
