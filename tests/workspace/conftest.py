"""Fixtures of the workspace's HTML-level tests: staff signed in through the portal's sign-in
page (a cookie session, as a browser has), the real services behind the gateway."""

import re

import pytest


def csrf_of(response):
    """The CSRF token of a page's form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
    assert found, "the page has no form token"
    return found.group(1)


@pytest.fixture
def media_backend(tmp_path):
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


@pytest.fixture
def staff_as(make_gateway, demo):
    """``staff_as("laodong.editor")`` → a test client with that demo user's page session."""
    app = make_gateway()

    def sign_in(username):
        client = app.test_client()
        password = demo["admin"] if username == "admin" else demo["demo"]
        form = client.get("/dang-nhap")
        done = client.post("/dang-nhap", data={"csrf_token": csrf_of(form), "username": username, "password": password})
        assert done.status_code == 303, done.get_data(as_text=True)[:500]
        return client

    return sign_in
