"""A WSGI app for test_gunicorn_worker: answers which process and thread served the request;
``/slow?<seconds>`` sleeps first; ``/unread?<n>`` reads only ``n`` bytes of the body;
``/readinto?<n>`` reads the body with ``readinto`` into a buffer of ``n`` bytes (``read`` where
the body has no ``readinto``; ``?<n>,<k>``: its first ``k`` bytes with ``read`` before) and
answers ``<readinto or read> <bytes> <sha256>``."""

import hashlib
import os
import threading
import time

from gateway.worker import KeepAliveThreadWorker


def app(environ, start_response):
    if environ["PATH_INFO"] == "/readinto":
        return _readinto(environ, start_response)
    if environ["PATH_INFO"] == "/unread":
        environ["wsgi.input"].read(int(environ.get("QUERY_STRING") or 0))  # the rest left on the socket
    else:
        environ["wsgi.input"].read()
    if environ["PATH_INFO"] == "/slow":
        time.sleep(float(environ.get("QUERY_STRING") or 1))
    body = f"{os.getpid()}:{threading.get_ident()}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def _readinto(environ, start_response):
    stream = environ["wsgi.input"]
    size, _, first = (environ.get("QUERY_STRING") or "65536").partition(",")
    buffer = bytearray(int(size))
    digest, size = hashlib.sha256(), 0
    how = "readinto" if hasattr(stream, "readinto") else "read"
    if first:  # ``<n>,<k>``: the first k bytes with read(), then on with readinto
        data = stream.read(int(first))
        digest.update(data)
        size += len(data)
    while True:
        if how == "readinto":
            n = stream.readinto(buffer)
            data = memoryview(buffer)[:n]
        else:
            data = stream.read(len(buffer))
            n = len(data)
        if not n:
            break
        digest.update(data)
        size += n
    body = f"{how} {size} {digest.hexdigest()}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


class LongPauseWorker(KeepAliveThreadWorker):
    accept_pause = 2.0  # long enough that a pause per connection shows as a client's timeout
