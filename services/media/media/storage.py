"""Where the bytes live: one interface, two backends. No nameko here.

* ``S3Storage`` — any S3 endpoint (MinIO in production) through the ``minio`` SDK.
* ``FileStorage`` — a folder (``var/media`` for ``make run``), same keys, same calls.

Keys are ``<tenant_id>/<asset_id>/<rendition>``, built only from ids and fixed
rendition names; nothing a client typed ever becomes part of a path.
"""

import hashlib
import os
import re
import shutil
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from itsdangerous import Signer

_KEY = re.compile(r"^[0-9a-f-]{36}/[0-9a-f-]{36}/(original|medium|thumb)$")


def object_key(tenant_id, asset_id, rendition):
    key = f"{tenant_id}/{asset_id}/{rendition}"
    if not _KEY.match(key):
        raise ValueError(f"refusing object key {key!r}")
    return key


class NotStored(Exception):
    """The object is not in storage."""


class FileStorage:
    """Objects as files under ``root``; presigned URLs are gateway URLs signed with itsdangerous.

    A URL's signature covers the object key (so its tenant, asset and rendition) and its
    ``expires`` (Unix seconds): HMAC-SHA256 under a key derived from ``MEDIA_URL_SIGNING_KEY``
    for this use only (``salt``), checked in constant time by ``Signer.verify_signature``."""

    name = "filesystem"

    def __init__(self, root, signing_key):
        if not signing_key:
            from platform_shared.errors import ConfigurationError

            raise ConfigurationError("MEDIA_URL_SIGNING_KEY is required by the filesystem media backend")
        self.root = Path(root).resolve()
        self._signer = Signer(signing_key, salt="media-url", key_derivation="hmac", digest_method=hashlib.sha256)

    def ensure_bucket(self):
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key):
        object_key(*key.split("/"))  # validates the shape
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise ValueError("object key escapes the storage root")
        return path

    def put(self, key, data, content_type, length=None):
        """Store bytes or a binary file object (read in chunks)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".partial")
        with open(tmp, "wb") as out:
            if isinstance(data, (bytes, bytearray)):
                out.write(data)
            else:
                shutil.copyfileobj(data, out, 1024 * 1024)
        os.replace(tmp, path)

    def open(self, key):
        """A binary file object (caller closes) and its size."""
        path = self._path(key)
        try:
            handle = open(path, "rb")  # noqa: SIM115  (the caller streams and closes it)
        except FileNotFoundError:
            raise NotStored(key) from None
        return handle, os.fstat(handle.fileno()).st_size

    def delete(self, key):
        path = self._path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        for parent in (path.parent, path.parent.parent):
            try:
                parent.rmdir()
            except OSError:
                break

    def exists(self, key):
        return self._path(key).exists()

    def keys(self):
        return sorted(str(p.relative_to(self.root)) for p in self.root.glob("*/*/*") if p.is_file())

    def presigned_url(self, asset_id, rendition, key, seconds, overrides=None):
        """A gateway URL; the media service's own answer carries the headers (``overrides`` is for S3)."""
        expires = int(time.time()) + int(seconds)
        query = urlencode({"rendition": rendition, "expires": expires, "signature": self.signature(key, expires)})
        return f"/api/v1/media/{asset_id}/content?{query}"

    def signature(self, key, expires):
        """The signature of the object ``key`` until ``expires`` (base64url text)."""
        return self._signer.get_signature(f"{key}|{expires}").decode("ascii")

    def signature_valid(self, key, expires, signature):
        """Whether ``signature`` was made for ``key`` and ``expires``, and ``expires`` is not past."""
        try:
            expires = int(expires)
        except (TypeError, ValueError):  # not a number, or past int()'s 4300 digits
            return False
        if expires < time.time() or not isinstance(signature, str):
            return False
        return self._signer.verify_signature(f"{key}|{expires}", signature)  # False on malformed text too


class S3Storage:
    """Objects in an S3 bucket through the minio SDK; presigned GETs on the public endpoint."""

    name = "s3"

    def __init__(
        self,
        endpoint,
        access_key,
        secret_key,
        bucket,
        *,
        secure=False,
        region="us-east-1",
        public_endpoint=None,
        public_secure=None,
    ):
        from minio import Minio

        self.bucket = bucket
        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure, region=region)
        # Presigning is local arithmetic; signing for the address browsers use.
        self.presigner = Minio(
            public_endpoint or endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure if public_secure is None else public_secure,
            region=region,
        )

    def ensure_bucket(self):
        if not self.client.bucket_exists(self.bucket):
            self.client.make_bucket(self.bucket)

    def put(self, key, data, content_type, length=None):
        import io

        object_key(*key.split("/"))
        if isinstance(data, (bytes, bytearray)):
            length, data = len(data), io.BytesIO(data)
        self.client.put_object(
            self.bucket,
            key,
            data,
            length=length if length is not None else -1,
            content_type=content_type,
            part_size=16 * 1024 * 1024,
        )

    def open(self, key):
        from minio.error import S3Error

        object_key(*key.split("/"))
        try:
            response = self.client.get_object(self.bucket, key)
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject"):
                raise NotStored(key) from None
            raise
        return _Body(response), int(response.headers.get("Content-Length", 0))

    def delete(self, key):
        object_key(*key.split("/"))
        self.client.remove_object(self.bucket, key)

    def exists(self, key):
        from minio.error import S3Error

        try:
            self.client.stat_object(self.bucket, key)
            return True
        except S3Error:
            return False

    def keys(self):
        return sorted(o.object_name for o in self.client.list_objects(self.bucket, recursive=True))

    def presigned_url(self, asset_id, rendition, key, seconds, overrides=None):
        """The S3 server's own presigned GET; ``overrides`` (``response-content-disposition``...) are signed in."""
        return self.presigner.presigned_get_object(
            self.bucket, key, expires=timedelta(seconds=int(seconds)), response_headers=overrides or None
        )

    def signature_valid(self, key, expires, signature):
        return False  # S3 presigned URLs are checked by the S3 server, never by us


class _Body:
    """A minio response as a file object that returns its connection to the pool on close.

    A body read to its end has already given its connection back, kept alive (urllib3 releases
    it once the response is complete), so ``close`` closes nothing: the media worker's next read
    reuses it on a server that keeps connections, as MinIO does. A body left before its end
    (a reader gone in the middle of a video) closes its connection: the bytes left unread must
    not be taken for the next answer (tests/interface/test_s3_connections.py)."""

    def __init__(self, response):
        self._response = response

    def read(self, size=-1):
        return self._response.read(None if size is None or size < 0 else size)

    def close(self):
        self._response.close()
        self._response.release_conn()
