"""Every answer says how a browser may use it: HTML pages run only this origin's scripts and are
never framed; JSON and files run nothing; TLS answers pin HTTPS; a 413 names its limit."""

import pytest

from gateway.app import create_app
from gateway.errors import readable_size
from gateway.settings import Settings


@pytest.fixture(scope="module")
def gateway_app():
    app = create_app(Settings(amqp_uri="amqp://guest:guest@127.0.0.1:5672//", polls_receipt_secret="test-key"))
    app.testing = True
    yield app
    app.extensions["rpc"].close()


@pytest.fixture
def client(gateway_app):
    return gateway_app.test_client()


def test_a_page_allows_only_its_own_scripts_and_is_never_framed(client):
    page = client.get("/dang-nhap")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "X-Request-ID" in page.headers
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in page.headers  # plain HTTP: no pinning


def test_json_answers_and_errors_run_nothing(client):
    for answer in (client.get("/healthz"), client.get("/api/v1/khong-co")):
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_an_answer_over_tls_pins_https(client):
    assert "max-age=" in client.get("/healthz", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_a_body_over_the_limit_is_refused_with_the_limit_in_words(gateway_app):
    limit = gateway_app.config["MAX_CONTENT_LENGTH"]
    answer = gateway_app.test_client().post(
        "/api/v1/auth/login", data=b"x" * (limit + 1), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.get_json()["message"] == f"Dữ liệu gửi lên quá lớn (tối đa {readable_size(limit)})."
    assert "tối đa  byte" not in answer.get_json()["message"]


@pytest.mark.parametrize(
    ("size", "words"),
    [
        (900, "900 byte"),
        (512 * 1024, "512 KB"),
        (25 * 1024 * 1024, "25 MB"),
        (1536 * 1024, "1,5 MB"),
        (2 << 30, "2 GB"),
    ],
)
def test_sizes_read_as_a_person_reads_them(size, words):
    assert readable_size(size) == words
