"""How the gateway forwards an upload form to the media service's internal port
(``gateway.media_client.MediaUpload``): with the client's Content-Length when it gave one,
in chunked transfer encoding when it did not — the bytes as the client sent them either way."""

import json
import socket
import threading

import pytest

from gateway.media_client import MediaUpload

ACTOR = {"user_id": "u", "tenant_id": "t", "roles": ["contributor"]}


@pytest.fixture
def media_port():
    """A stand-in for the media service: records one request's head and raw body, answers 201."""
    server = socket.create_server(("127.0.0.1", 0))
    seen = {}

    def serve():
        conn, _ = server.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
            if "content-length" in headers:
                while len(body) < int(headers["content-length"]):
                    body += conn.recv(65536)
            else:
                while not body.endswith(b"0\r\n\r\n"):
                    body += conn.recv(65536)
            seen.update(headers=headers, body=body)
            answer = json.dumps({"id": "a"}).encode()
            conn.sendall(
                b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                % (len(answer), answer)
            )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    thread.join(5)
    server.close()


PIECES = [b'--b\r\nContent-Disposition: form-data; name="file"\r\n\r\n', b"\xff\xd8" + bytes(300_000), b"\r\n--b--\r\n"]


def relay(port, length):
    upload = MediaUpload(f"http://127.0.0.1:{port}", ACTOR, "multipart/form-data; boundary=b", "r-1", length=length)
    try:
        for piece in PIECES:
            upload.send(piece)
        return upload.finish()
    finally:
        upload.close()


def test_a_form_of_known_length_goes_with_its_content_length_and_unframed(media_port):
    port, seen = media_port
    answer = relay(port, sum(map(len, PIECES)))
    assert answer.status == 201 and answer.json() == {"id": "a"}
    assert seen["headers"]["content-length"] == str(sum(map(len, PIECES)))
    assert "transfer-encoding" not in seen["headers"]
    assert seen["body"] == b"".join(PIECES)


def test_a_form_of_unknown_length_goes_chunked(media_port):
    port, seen = media_port
    assert relay(port, None).status == 201
    assert seen["headers"]["transfer-encoding"] == "chunked" and "content-length" not in seen["headers"]
    assert seen["body"] == b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in PIECES) + b"0\r\n\r\n"
