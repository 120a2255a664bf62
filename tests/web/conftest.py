"""Fixtures of the HTML-level page tests: the gateway's pages through Flask's test client."""

import pytest


@pytest.fixture
def pages(make_gateway):
    """A test client of the gateway's pages (public cache off: every page reads the services)."""
    return make_gateway().test_client()


@pytest.fixture
def cached_pages(make_gateway):
    """A test client of a gateway whose public cache is on (it hears the facts the relays publish)."""
    return make_gateway(public_cache_ttl=300).test_client()


@pytest.fixture
def media_backend(tmp_path):
    """One storage backend is enough for pages (the media tests run both)."""
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}
