"""The unit layer stays a unit layer: a test under a ``tests/unit/`` folder may not open a
network connection (PostgreSQL, RabbitMQ, HTTP, S3, anything on TCP or UDP).

While such a test runs (setup, call and teardown), every ``connect`` of a Python socket —
green or not, so eventlet's monkey patch changes nothing — and every ``psycopg2.connect``
(libpq opens its socket in C, out of Python's sight) raises :class:`NetworkInUnitTest`.
The attempt is also recorded, so a test whose code swallows the error (a retry loop, a
broad ``except``) still fails, with the address it tried. A test that needs the real parts
belongs in ``tests/interface/``.
"""

import socket

import pytest

_current = {"item": None, "attempts": []}


class NetworkInUnitTest(RuntimeError):
    """A unit test tried to reach the network."""


def is_unit_test(path):
    """True for a test file under a ``tests/unit/`` folder (at any depth below it)."""
    parts = path.parts
    return any(a == "tests" and b == "unit" for a, b in zip(parts, parts[1:], strict=False))


def _refuse(what):
    item = _current["item"]
    if item is None:
        return
    _current["attempts"].append(what)
    raise NetworkInUnitTest(
        f"{item.nodeid} is a unit test but tried to connect to {what}: unit tests need no database, "
        "broker or network; move it to tests/interface/ (or give the code a fake)"
    )


def _describe(address):
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = address[0], address[1]
        known = {5432: " (PostgreSQL)", 5672: " (RabbitMQ)", 15672: " (RabbitMQ management)"}
        return f"{host}:{port}{known.get(port, '')}"
    return repr(address)


def _guard_socket_class(cls):
    for name in ("connect", "connect_ex"):
        original = getattr(cls, name, None)
        if original is None or getattr(original, "_unit_layer_guard", False):
            continue

        def guarded(self, address, _original=original):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                _refuse(_describe(address))
            return _original(self, address)

        guarded._unit_layer_guard = True
        setattr(cls, name, guarded)


def _guard_psycopg2():
    try:
        import psycopg2
    except ImportError:  # pragma: no cover - psycopg2 is a dependency of the kit
        return
    original = psycopg2.connect
    if getattr(original, "_unit_layer_guard", False):
        return

    def connect(*args, **kwargs):
        _refuse(f"PostgreSQL ({kwargs.get('host', '') or 'libpq'}:{kwargs.get('port', '') or '5432'})")
        return original(*args, **kwargs)

    connect._unit_layer_guard = True
    psycopg2.connect = connect


def install():
    """Guard every socket class in use (the stdlib's, eventlet's original and green ones) and psycopg2."""
    classes = {socket.socket}
    try:
        from eventlet.greenio import base as greenio

        classes |= {greenio.GreenSocket, greenio._original_socket}
    except ImportError:  # pragma: no cover - eventlet is a dependency of the kit
        pass
    import ssl

    classes |= {cls for cls in ssl.SSLSocket.__mro__ if cls.__module__ == "socket"}
    for cls in classes:
        _guard_socket_class(cls)
    _guard_psycopg2()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    before = dict(_current)  # a test may run a pytest session inside itself
    _current["item"], _current["attempts"] = (item if is_unit_test(item.path) else None), []
    try:
        yield
    finally:
        _current.update(before)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # The last test's teardown also ends the session's fixtures (the broker's vhost, the test
    # databases), which interface tests set up: not the unit test's doing.
    if nextitem is None:
        _current["item"] = None
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if _current["item"] is not item or not _current["attempts"]:
        return
    if report.passed:
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} is a unit test but tried to connect to {', '.join(_current['attempts'])} "
            "(the code under test swallowed the error): unit tests need no database, broker or "
            "network; move it to tests/interface/"
        )
    _current["attempts"] = []  # reported once, by this phase
