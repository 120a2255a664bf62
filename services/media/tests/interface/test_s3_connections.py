"""``S3Storage.open``'s body and its connection: kept alive once read to its end, closed when a
reader stops before it. Against a real HTTP/1.1 server on loopback that keeps connections alive
as MinIO does (moto's server closes every one, so it cannot show the difference)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from media.storage import S3Storage

TENANT, ASSET = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
KEY = f"{TENANT}/{ASSET}/original"
OBJECT = bytes(range(256)) * 1024  # 256 kB: more than one read, more than the socket buffers hold


class _KeepAliveS3(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as MinIO

    def setup(self):
        super().setup()
        self.server.connections += 1

    def do_GET(self):  # GetObject, whatever the signature: the test is about the connection
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(OBJECT)))
        self.end_headers()
        try:
            self.wfile.write(OBJECT)
        except OSError:
            pass  # the client closed before the end

    def log_message(self, *args):
        pass


@pytest.fixture
def s3():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAliveS3)
    server.daemon_threads = True
    server.connections = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _storage(server):
    return S3Storage(f"127.0.0.1:{server.server_address[1]}", "key", "secret", "media")


def _read(storage, size=-1):
    handle, length = storage.open(KEY)
    try:
        return handle.read(size), length
    finally:
        handle.close()


def test_a_body_read_to_its_end_leaves_its_connection_for_the_next_get(s3):
    storage = _storage(s3)
    for _ in range(3):
        assert _read(storage) == (OBJECT, len(OBJECT))
    assert s3.connections == 1


def test_a_body_closed_before_its_end_is_not_read_as_the_next_answer(s3):
    storage = _storage(s3)
    assert _read(storage, 1000) == (OBJECT[:1000], len(OBJECT))
    assert _read(storage) == (OBJECT, len(OBJECT))  # the whole object, from its first byte
    assert s3.connections == 2
