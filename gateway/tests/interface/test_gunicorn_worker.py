"""The gateway's gunicorn worker (gateway.worker.KeepAliveThreadWorker) in a real gunicorn process:
a kept-alive connection stays on its thread, yet ``threads`` bounds the threads, no idle client
keeps one from others, idle connections close after ``keepalive`` seconds, a stop answers the
request in flight. The app (worker_app.py) answers ``<pid>:<thread id>``."""

import collections
import hashlib
import http.client
import random
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from gateway.worker import waiting_connections
from platform_shared.testing.processes import stop
from platform_shared.testing.waiting import wait_for

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
WORKER = "gateway.worker.KeepAliveThreadWorker"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, port, proc):
        self.port, self.proc = port, proc

    def connection(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def workers(self):
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return children.read_text().split() if children.exists() else []


def ask(conn, path="/"):
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read().decode(), response.getheader("Connection")


def answered(port):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            return ask(conn)[0] == 200
        finally:
            conn.close()
    except OSError:
        return False


@pytest.fixture
def serve(tmp_path):
    started = []

    def start(*options, workers=1, threads=2, keepalive=5, worker_class=WORKER):
        port = free_port()
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            *("-w", str(workers), "-k", worker_class, "--threads", str(threads), "--keep-alive", str(keepalive)),
            *("-b", f"127.0.0.1:{port}", "--pythonpath", str(HERE), "--graceful-timeout", "10", *options),
            "worker_app:app",
        ]
        log = (tmp_path / f"gunicorn-{port}.log").open("wb")
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        started.append((proc, log))
        server = Server(port, proc)
        wait_for(lambda: answered(port), timeout=30, message="gunicorn to answer")
        wait_for(lambda: len(server.workers()) == workers, timeout=30, message="every worker to start")
        return server

    yield start
    for proc, log in started:
        stop(proc)
        log.close()


def test_a_kept_alive_connection_is_served_by_its_own_thread_request_after_request(serve):
    server = serve(threads=4)
    first, second = server.connection(), server.connection()
    served = {"first": set(), "second": set()}
    for _ in range(20):  # interleaved: under gthread each goes to whichever thread is free (this fails)
        status, who, connection = ask(first)
        assert (status, connection) == (200, "keep-alive")
        served["first"].add(who)
        status, who, _ = ask(second)
        assert status == 200
        served["second"].add(who)
    assert len(served["first"]) == 1 and len(served["second"]) == 1
    assert served["first"] != served["second"]


def send(conn, method, path, body):
    conn.request(method, path, body=body, headers={"Content-Type": "application/octet-stream"})
    response = conn.getresponse()
    return response.status, response.read().decode(), response.getheader("Connection")


@pytest.mark.parametrize("read", [0, 5, 4096])  # none of the body, part of it, all of it
def test_the_next_request_on_a_kept_alive_connection_starts_after_the_body_however_much_the_app_read(serve, read):
    server = serve(threads=2)
    conn = server.connection()
    body = b"x" * 4096
    for _ in range(3):
        status, who, connection = send(conn, "POST", f"/unread?{read}", body)
        assert (status, connection) == (200, "keep-alive")
        assert ask(conn)[:2] == (200, who)  # parsed from its own first byte, on the same thread


def test_more_connections_than_threads_are_all_answered_while_idle_ones_hold_every_thread(serve):
    server = serve(threads=2, keepalive=60)
    idle = [server.connection() for _ in range(2)]
    for conn in idle:
        assert ask(conn)[0] == 200  # both threads now wait on these two idle connections
    late = [server.connection(timeout=10) for _ in range(4)]
    for _ in range(3):
        for conn in late:
            assert ask(conn)[0] == 200  # not 60 s later: an idle connection was given back
    for conn in idle:
        assert ask(conn)[0] == 200  # and the given-back ones are still served


def test_connections_spread_over_the_workers_while_each_has_a_thread_free(serve):
    server = serve(workers=2, threads=2)
    conns = [server.connection() for _ in range(4)]
    pids = [ask(conn)[1].split(":")[0] for conn in conns]
    assert sorted(pids.count(pid) for pid in set(pids)) == [2, 2]


def test_a_burst_of_connections_beyond_every_thread_waits_one_pause_not_one_per_connection(serve):
    server = serve(workers=2, threads=1, worker_class="worker_app.LongPauseWorker")
    held = [server.connection() for _ in range(2)]
    assert {ask(conn)[1].split(":")[0] for conn in held} == set(server.workers())  # both workers full
    burst = [server.connection(timeout=5) for _ in range(6)]
    answers = [None] * len(burst)

    def one(i):
        try:
            answers[i] = ask(burst[i])[0]
        except OSError as exc:  # a timeout: still waiting for its accept
            answers[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(burst))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * len(burst)  # 3 per worker: a 2 s pause each would leave the last at 6 s


def test_a_burst_beyond_every_thread_is_shared_evenly_by_the_workers(serve):
    # Each worker holds one connection on its one thread and pauses its accepts for 2 s; six
    # more queue meanwhile. The first worker whose pause ends takes its share (3), not all six.
    server = serve(workers=2, threads=1, worker_class="worker_app.LongPauseWorker")
    held = [server.connection() for _ in range(2)]
    assert {ask(conn)[1].split(":")[0] for conn in held} == set(server.workers())  # both workers full
    burst = [server.connection(timeout=10) for _ in range(6)]
    for conn in burst:
        conn.connect()  # in the accept queue now, before either pause ends
    served_by = [None] * len(burst)

    def one(i):
        status, body, _ = ask(burst[i])
        served_by[i] = body.split(":")[0] if status == 200 else status

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(burst))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # A kept-alive connection stays with the worker that accepted it: ask each one again.
    for conn in held:
        served_by.append(ask(conn)[1].split(":")[0])
    assert collections.Counter(served_by) == {pid: 4 for pid in server.workers()}


def test_the_accept_queue_length_is_read_from_the_listening_socket():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        clients = [socket.create_connection(listener.getsockname()) for _ in range(3)]
        try:
            wait_for(lambda: waiting_connections(listener) == 3, timeout=5, message="three queued connections")
            listener.accept()[0].close()
            assert waiting_connections(listener) == 2
        finally:
            for client in clients:
                client.close()
    with socket.socket(socket.AF_UNIX) as unix:
        assert waiting_connections(unix) is None  # not known: the worker takes every waiting one


def _answers(sock):
    """Every answer on ``sock`` until the server closes it: ``[(status line, headers, body)]``."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    out = []
    while data:
        head, _, data = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers["content-length"])
        out.append((lines[0], headers, data[:length].decode()))
        data = data[length:]
    return out


def _post_head(path, length, close=False):
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Length: {length}\r\n{'Connection: close' + chr(13) + chr(10) if close else ''}\r\n"
    ).encode()


@pytest.mark.parametrize(
    "buffer",
    [
        "7",  # smaller than what came with the head
        "65536",  # larger than a piece
        "65536,1500",  # its first 1,500 bytes with read() (gunicorn's buffering), then readinto
    ],
)
def test_a_body_read_with_readinto_comes_whole_and_in_order_and_the_request_after_it_is_served(serve, buffer):
    server = serve(threads=2)
    body = random.randbytes(300_000)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        # The head with the body's first bytes (the parser reads them ahead), the rest in pieces,
        # the last one with a whole second request behind it (pipelined: it must not be eaten).
        sock.sendall(_post_head(f"/readinto?{buffer}", len(body)) + body[:1000])
        for start in range(1000, 290_000, 48_000):
            time.sleep(0.01)
            sock.sendall(body[start : min(start + 48_000, 290_000)])
        sock.sendall(body[290_000:] + b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        first, second = _answers(sock)
    assert first[0].startswith("HTTP/1.1 200") and first[1]["connection"] == "keep-alive"
    assert first[2] == f"readinto {len(body)} {hashlib.sha256(body).hexdigest()}"
    assert second[0].startswith("HTTP/1.1 200") and ":" in second[2]  # pid:thread of the same worker


def test_gunicorns_own_worker_gives_a_body_without_readinto_and_the_same_bytes_come(serve):
    server = serve(threads=2, worker_class="gthread")
    body = random.randbytes(100_000)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(_post_head("/readinto?65536", len(body), close=True) + body)
        (answer,) = _answers(sock)
    assert answer[2] == f"read {len(body)} {hashlib.sha256(body).hexdigest()}"


def test_a_body_cut_short_by_the_client_ends_the_read_and_the_connection(serve):
    server = serve(threads=2)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(_post_head("/readinto?4096", 10_000) + b"y" * 6_000)
        sock.shutdown(socket.SHUT_WR)  # no more bytes will come
        (answer,) = _answers(sock)  # then the server closes: the rest of the body is unknown
    assert answer[2] == f"readinto 6000 {hashlib.sha256(b'y' * 6_000).hexdigest()}"
    assert answered(server.port)  # the worker goes on serving others


def test_each_answer_carries_the_date_of_its_second(serve):
    server = serve()
    conn = server.connection()
    for _ in range(3):
        before = datetime.now(UTC).replace(microsecond=0)
        conn.request("GET", "/")
        response = conn.getresponse()
        response.read()
        after = datetime.now(UTC)
        assert before <= parsedate_to_datetime(response.getheader("Date")) <= after
        time.sleep(0.6)  # the next one may fall in another second: its own date, not this one's


def test_an_idle_kept_alive_connection_is_closed_after_keepalive_seconds(serve):
    server = serve(keepalive=1)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = b""
        while not answer.endswith(b"\r\n\r\n") and b"\r\n\r\n" not in answer:
            answer += sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        while sock.recv(4096):  # the rest of the answer, then the server's close
            pass
        assert time.monotonic() - started < 8  # closed by the server, not by our 10 s timeout


def test_a_stop_answers_the_request_in_flight_and_closes_idle_connections(serve):
    server = serve(threads=2, keepalive=30)
    idle = server.connection()
    assert ask(idle)[0] == 200
    slow = server.connection(timeout=15)
    slow.request("GET", "/slow?1.5")
    time.sleep(0.5)  # the slow request is being served
    server.proc.send_signal(signal.SIGTERM)
    response = slow.getresponse()
    assert response.status == 200
    response.read()
    server.proc.wait(timeout=20)  # the idle kept-alive connection did not hold the stop for 30 s
    with pytest.raises((http.client.HTTPException, OSError)):
        ask(idle)


def test_max_requests_closes_the_connection_and_the_worker_is_replaced(serve):
    server = serve("--max-requests", "5", threads=2)
    conn = server.connection()
    first = server.workers()
    answers = [ask(conn)]
    while answers[-1][2] != "close" and len(answers) < 5:  # (the start-up check was one request)
        answers.append(ask(conn))
    assert [status for status, _, _ in answers] == [200] * len(answers)
    assert answers[-1][2] == "close"
    wait_for(lambda: server.workers() and server.workers() != first, timeout=30, message="a new worker")
    fresh = server.connection()
    assert ask(fresh)[0] == 200


@pytest.mark.parametrize(("setting", "expected"), [(None, WORKER), ("gthread", "gthread")])
def test_the_gateway_runs_this_worker_unless_told_gthread(monkeypatch, setting, expected):
    if setting is None:
        monkeypatch.delenv("GATEWAY_WORKER", raising=False)
    else:
        monkeypatch.setenv("GATEWAY_WORKER", setting)
    monkeypatch.delenv("METRICS_PORT", raising=False)
    settings = runpy.run_path(str(ROOT / "gateway/gateway/gunicorn.conf.py"))
    assert settings["worker_class"] == expected
