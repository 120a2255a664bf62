"""Addresses handed out before the portal and the workspace still lead somewhere, for good."""

import pytest

from gateway.app import create_app
from gateway.settings import Settings


@pytest.fixture(scope="module")
def client():
    app = create_app(Settings(amqp_uri="amqp://guest:guest@127.0.0.1:5672//", polls_receipt_secret="test-key"))
    app.testing = True
    yield app.test_client()
    app.extensions["rpc"].close()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/console", "/quan-tri/"),
        ("/quan-tri", "/quan-tri/"),
        ("/quan-tri/quan-ly/", "/quan-tri/"),  # the single-page console, replaced by the workspace's pages
        ("/activate?token=abc", "/kich-hoat?token=abc"),
    ],
)
def test_an_old_address_moves_for_good(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"] == new


def test_the_old_console_script_is_gone(client):
    """No page keeps tokens in browser storage any more: the console's script is not served."""
    assert client.get("/static/console.js").status_code == 404
