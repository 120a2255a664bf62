"""A WSGI app for test_gunicorn_worker: answers which process and thread served the request;
``/slow?<seconds>`` sleeps first; ``/unread?<n>`` reads only ``n`` bytes of the body."""

import os
import threading
import time

from gateway.worker import KeepAliveThreadWorker


def app(environ, start_response):
    if environ["PATH_INFO"] == "/unread":
        environ["wsgi.input"].read(int(environ.get("QUERY_STRING") or 0))  # the rest left on the socket
    else:
        environ["wsgi.input"].read()
    if environ["PATH_INFO"] == "/slow":
        time.sleep(float(environ.get("QUERY_STRING") or 1))
    body = f"{os.getpid()}:{threading.get_ident()}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


class LongPauseWorker(KeepAliveThreadWorker):
    accept_pause = 2.0  # long enough that a pause per connection shows as a client's timeout
