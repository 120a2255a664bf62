"""Content's interface tests run with media on the filesystem backend: what content does with
photos does not depend on where media keeps the bytes, and media's own tests run every one of
theirs on both backends (the S3 path against moto's server on loopback)."""

import pytest


@pytest.fixture
def media_backend(tmp_path):
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}
