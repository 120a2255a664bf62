"""Signed gateway URLs of the filesystem backend (itsdangerous): bound to one tenant's asset and
rendition, short-lived, and refused — never a server error — when anything in them is off."""

import hashlib
import hmac
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from media.storage import FileStorage, object_key

TENANT, ASSET = uuid.uuid4(), uuid.uuid4()
KEY = object_key(TENANT, ASSET, "original")


@pytest.fixture
def storage(tmp_path):
    return FileStorage(tmp_path, "k" * 32)


def signed(storage, key=KEY, seconds=300):
    url = storage.presigned_url(ASSET, key.rsplit("/", 1)[1], key, seconds)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    return url, query


def test_a_signed_url_opens_its_own_rendition_until_it_expires(storage):
    url, query = signed(storage)
    assert url.startswith(f"/api/v1/media/{ASSET}/content?") and query["rendition"] == "original"
    assert int(query["expires"]) - time.time() == pytest.approx(300, abs=5)
    assert storage.signature_valid(KEY, query["expires"], query["signature"])


def test_a_signature_is_bound_to_its_tenant_asset_and_rendition(storage):
    _, query = signed(storage)
    for other in (
        object_key(uuid.uuid4(), ASSET, "original"),  # the same asset id under another tenant
        object_key(TENANT, uuid.uuid4(), "original"),
        object_key(TENANT, ASSET, "thumb"),
    ):
        assert not storage.signature_valid(other, query["expires"], query["signature"])


def test_an_expired_or_altered_expiry_is_refused(storage):
    _, past = signed(storage, seconds=-1)
    assert not storage.signature_valid(KEY, past["expires"], past["signature"])
    _, query = signed(storage)
    assert not storage.signature_valid(KEY, int(query["expires"]) + 3600, query["signature"])


def test_another_signing_key_does_not_verify(storage, tmp_path):
    _, query = signed(FileStorage(tmp_path, "another key " * 3))
    assert not storage.signature_valid(KEY, query["expires"], query["signature"])


def test_a_signature_made_the_old_hand_made_way_no_longer_works(storage):
    expires = int(time.time()) + 300
    old = hmac.new(b"k" * 32, f"{ASSET}:original:{expires}".encode(), hashlib.sha256).hexdigest()
    assert not storage.signature_valid(KEY, expires, old)


@pytest.mark.parametrize(
    "expires, signature",
    [
        ("9" * 5000, "0" * 43),
        ("soon", "0" * 43),
        (None, "0" * 43),
        ("99999999999", None),
        ("99999999999", ""),
        ("99999999999", "é" * 43),
        ("99999999999", "\x00" * 43),
        ("99999999999", "!!!not base64!!!"),
        ("99999999999", "0" * 4000),
    ],
)
def test_malformed_expiry_or_signature_is_simply_not_valid(storage, expires, signature):
    assert storage.signature_valid(KEY, expires, signature) is False
