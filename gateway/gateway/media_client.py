"""Streams bytes between the gateway and the media service's internal HTTP port.

Files do not travel on the message bus: an upload — the client's multipart form, as it
sent it — is forwarded chunk by chunk as it arrives to ``POST /uploads`` of the media
service, which reads the form; a download is relayed the other way. The form goes with the
client's own ``Content-Length`` when it gave one (browsers always do), else in chunked
transfer encoding. Neither is ever held whole in memory. If the media service answers before
the body is complete (a file over its cap, a type it refuses, a bad field before the
file), the gateway stops reading the client and relays that answer at once.
"""

import http.client
import json
import select
import socket
import threading
from urllib.parse import quote, urlencode, urlsplit

from platform_shared.errors import Unavailable

_local = threading.local()


def _unavailable():
    return Unavailable(
        "Dịch vụ lưu trữ tệp tạm thời không phản hồi. Vui lòng thử lại sau.",
        code="SERVICE_UNAVAILABLE",
        details={"service": "media"},
    )


class Relayed:
    """An answer of the media service: status, headers, and a body (bytes or an iterator)."""

    def __init__(self, status, headers, body, closer=None):
        self.status, self.headers, self.body, self.closer = status, headers, body, closer

    def json(self):
        return json.loads(self.body)


class MediaUpload:
    """One upload form being forwarded; ``send()`` each chunk, then ``finish()``, then ``close()``."""

    def __init__(self, base_url, actor, content_type, request_id, timeout=120, length=None):
        parts = urlsplit(base_url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
        # With the form's length known, each piece goes as it came (no chunk framing, no copy of
        # it), and the media service reads a plain body: eventlet's chunked reader takes a line
        # read and a second buffer per chunk.
        self.chunked = length is None
        try:
            self.conn.putrequest("POST", "/uploads", skip_accept_encoding=True)
            if self.chunked:
                self.conn.putheader("Transfer-Encoding", "chunked")
            else:
                self.conn.putheader("Content-Length", str(length))
            self.conn.putheader("Content-Type", content_type)
            self.conn.putheader("X-Platform-Actor", json.dumps(actor))
            if request_id:
                self.conn.putheader("X-Request-ID", request_id)
            self.conn.endheaders()
            # The form goes out in pieces as it arrives; without this the last small piece (the
            # chunked body's end) can wait for the media service's delayed ACK (Nagle).
            self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            self.conn.close()
            raise _unavailable() from None
        self.early = None

    def answered_early(self):
        """True when the media service has already answered (it refused the file)."""
        if self.early is None:
            readable, _, _ = select.select([self.conn.sock], [], [], 0)
            if readable:
                self.early = self._response()
        return self.early is not None

    def send(self, data):
        if not data or self.answered_early():
            return
        try:
            if self.chunked:
                self.conn.send(b"%x\r\n%s\r\n" % (len(data), data))
            else:
                self.conn.send(data)
        except OSError:
            self.early = self._response()

    def finish(self):
        if self.early is not None:
            return self.early
        if self.chunked:
            try:
                self.conn.send(b"0\r\n\r\n")
            except OSError:
                pass
        return self._response()

    def close(self):
        """Let the connection go (after ``finish()``, or when reading the client failed)."""
        self.conn.close()

    def _response(self):
        try:
            response = self.conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            raise _unavailable() from None
        finally:
            self.conn.close()
        return Relayed(response.status, dict(response.getheaders()), body)


def fetch_content(
    base_url,
    asset_id,
    rendition,
    *,
    actor=None,
    expires=None,
    signature=None,
    if_none_match=None,
    request_id=None,
    timeout=60,
):
    """Open a rendition on the media service; the caller streams ``body`` and calls ``closer``."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    query = {k: v for k, v in (("expires", expires), ("signature", signature)) if v is not None}
    path = f"/content/{quote(str(asset_id), safe='')}/{quote(rendition, safe='')}"
    headers = {}
    if actor:
        headers["X-Platform-Actor"] = json.dumps(actor)
    if if_none_match:
        headers["If-None-Match"] = if_none_match
    if request_id:
        headers["X-Request-ID"] = request_id
    try:
        conn.request("GET", path + ("?" + urlencode(query) if query else ""), headers=headers)
        response = conn.getresponse()
    except (OSError, http.client.HTTPException):
        conn.close()
        raise _unavailable() from None
    if response.status != 200:
        body = response.read()
        conn.close()
        return Relayed(response.status, dict(response.getheaders()), body)

    def chunks():
        try:
            while True:
                data = response.read(256 * 1024)
                if not data:
                    break
                yield data
        finally:
            conn.close()

    return Relayed(200, dict(response.getheaders()), chunks(), closer=conn.close)
