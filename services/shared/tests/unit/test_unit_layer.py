"""The unit layer's guard: a test under ``tests/unit/`` that reaches for the network fails, and
says where it tried to go. These tests reach for it on purpose, so each one forgets its
attempt once it has seen the refusal."""

import socket
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from platform_shared.testing import layers

pytest_plugins = ["pytester"]

UNUSED = ("127.0.0.1", 9)  # discard; nothing is expected to listen, and nothing may be reached


@contextmanager
def refused():
    with pytest.raises(layers.NetworkInUnitTest) as info:
        yield info
    layers._current["attempts"].clear()


def test_a_green_socket_is_refused_with_the_test_and_the_address():
    with refused() as info, socket.socket() as sock:
        sock.connect(("127.0.0.1", 5672))
    message = str(info.value)
    assert "test_a_green_socket_is_refused_with_the_test_and_the_address" in message
    assert "127.0.0.1:5672 (RabbitMQ)" in message and "tests/interface/" in message


def test_connect_ex_and_create_connection_are_refused():
    with refused(), socket.socket() as sock:
        sock.connect_ex(UNUSED)
    with refused():
        socket.create_connection(UNUSED, timeout=1)


def test_a_socket_eventlet_did_not_patch_is_refused():
    from eventlet.patcher import original

    with refused(), original("socket").socket() as sock:
        sock.connect(UNUSED)


def test_http_is_refused():
    with refused():
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)


def test_the_broker_is_refused():
    import amqp

    with refused():
        amqp.Connection("127.0.0.1:5672", connect_timeout=1).connect()


def test_postgresql_is_refused_even_though_libpq_opens_its_socket_in_c():
    import sqlalchemy as sa

    engine = sa.create_engine("postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
    with refused() as info:
        engine.connect()
    assert "PostgreSQL (127.0.0.1:5432)" in str(info.value)
    engine.dispose()


def test_what_needs_no_network_still_works():
    import sqlalchemy as sa

    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"x")
        assert right.recv(1) == b"x"
    with sa.create_engine("sqlite://").connect() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar() == 1
    assert layers._current["attempts"] == []


@pytest.mark.parametrize(
    ("path", "unit"),
    [
        ("services/content/tests/unit/test_search.py", True),
        ("gateway/tests/unit/sub/test_page.py", True),
        ("services/content/tests/interface/test_articles.py", False),
        ("tests/api/test_auth.py", False),
        ("tests/contract/test_content_events.py", False),
        ("services/unit/tests/test_x.py", False),
    ],
)
def test_which_tests_are_unit_tests(path, unit):
    assert layers.is_unit_test(Path(path)) is unit


def test_a_swallowed_attempt_still_fails_the_test(pytester):
    pytester.makepyfile(
        **{
            "tests/unit/test_quiet.py": """
                import socket

                def test_retries_quietly():
                    for _ in range(3):
                        try:
                            socket.create_connection(("127.0.0.1", 9), timeout=1)
                        except Exception:
                            pass
            """
        }
    )
    # In a process of its own: a second session in this one would apply eventlet's patch and hub again.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*test_retries_quietly is a unit test but tried to connect to 127.0.0.1:9*"])


def test_the_sessions_fixtures_may_reach_the_network_when_a_unit_test_ends_the_run(pytester):
    """Fixtures an interface test set up for the whole session end in the last test's teardown."""
    pytester.makeconftest(
        """
        import socket

        import pytest

        @pytest.fixture(scope="session")
        def broker():
            yield
            try:
                socket.create_connection(("127.0.0.1", 9), timeout=1)
            except OSError:
                pass  # nothing listens: what matters is that the guard let it try
        """
    )
    pytester.makepyfile(
        **{
            "tests/interface/test_a.py": "def test_uses_the_broker(broker):\n    pass\n",
            "tests/unit/test_b.py": "def test_pure():\n    assert 1 + 1 == 2\n",
        }
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "tests/interface", "tests/unit")
    result.assert_outcomes(passed=2)
