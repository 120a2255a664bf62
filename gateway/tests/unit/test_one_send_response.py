"""gateway.worker.OneSendResponse: the bytes a client receives are gunicorn's own, whatever the
app answers; only a body given whole goes out in the same send as the headers."""

import pytest
from gunicorn import util
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.parser import RequestParser

from gateway.worker import OneSendResponse


class _Socket:
    def __init__(self):
        self.sends = []

    def sendall(self, data):
        self.sends.append(bytes(data))


def answer(response_class, request, status, headers, pieces):
    cfg = Config()
    req = next(RequestParser(cfg, iter([request]), ("127.0.0.1", 5000)))
    sock = _Socket()
    resp = response_class(req, sock, cfg)
    resp.start_response(status, headers)
    for piece in pieces:
        resp.write(piece)
    resp.close()
    return sock.sends, resp.should_close()


GET = b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n"
HEAD = b"HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n"
JSON = [("Content-Type", "application/json"), ("Content-Length", "11")]


@pytest.mark.parametrize(
    ("request_", "status", "headers", "pieces", "sends"),
    [
        (GET, "202 ACCEPTED", JSON, [b'{"ok":true}'], 1),  # whole: one send
        (GET, "200 OK", JSON, [b'{"ok":', b"true}"], 3),  # in pieces: as gunicorn
        (GET, "200 OK", [("Content-Type", "text/plain")], [b"abc", b"def"], 4),  # chunked: as gunicorn
        (GET, "204 NO CONTENT", [], [], 1),  # no body
        (HEAD, "200 OK", JSON, [b'{"ok":true}'], 1),  # HEAD: headers only
        (GET, "200 OK", [("Content-Length", "3")], [b"abcdef"], 2),  # more than announced: as gunicorn
    ],
)
def test_the_client_receives_gunicorns_bytes_and_a_whole_body_comes_with_the_headers(
    monkeypatch, request_, status, headers, pieces, sends
):
    monkeypatch.setattr(util, "http_date", lambda timestamp=None: "Fri, 04 Dec 2026 05:00:00 GMT")
    theirs, their_close = answer(wsgi.Response, request_, status, headers, pieces)
    ours, our_close = answer(OneSendResponse, request_, status, headers, pieces)
    assert b"".join(ours) == b"".join(theirs) and our_close == their_close
    assert len(ours) == sends
