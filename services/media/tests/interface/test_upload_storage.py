"""The upload's last steps against a real database: a photo's put runs while its row and
``media.asset_stored`` are written, and the commit waits for it. A put that fails leaves no
row, no fact and no object; one that succeeds is committed with its row."""

import io
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from media.forms import UploadForm
from media.models import Asset
from media.operations import Media, Settings
from media.storage import FileStorage
from platform_shared.actor import Actor
from platform_shared.clock import Clock
from platform_shared.errors import InvalidInput
from platform_shared.tables import outbox

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import samples  # noqa: E402

BOUNDARY = "h53-boundary"
ACTOR = Actor.load({"user_id": str(uuid.uuid4()), "tenant_id": str(uuid.uuid4()), "roles": ["contributor"]})


def form(data, filename="anh.jpg", content_type="image/jpeg"):
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return UploadForm(io.BytesIO(head + data + f"\r\n--{BOUNDARY}--\r\n".encode()), BOUNDARY)


class Storage(FileStorage):
    """A folder whose puts write their object and then, when told to, fail (a connection lost
    before the answer: the object may be there all the same)."""

    fail = False

    def put(self, key, data, content_type, length=None):
        super().put(key, data, content_type, length)
        if self.fail:
            raise ConnectionError("the S3 server went away")


def counts(databases):
    with databases.sessions("media").read() as session:
        return (
            session.scalar(select(func.count()).select_from(Asset)),
            session.scalar(select(func.count()).select_from(outbox)),
        )


@pytest.fixture
def storage(tmp_path):
    return Storage(tmp_path / "media", "test-signing-key")


def test_a_photo_whose_put_fails_leaves_no_row_no_fact_and_no_object(databases, storage):
    storage.fail = True
    media = Media(databases.sessions("media"), storage, settings=Settings(), clock=Clock())
    with pytest.raises(ConnectionError):
        media.upload(ACTOR, form(samples.jpeg_with_gps(seed=41)))
    assert counts(databases) == (0, 0)
    assert storage.keys() == []


def test_a_stored_photo_is_committed_with_its_fact_once_its_put_is_done(databases, storage):
    media = Media(databases.sessions("media"), storage, settings=Settings(), clock=Clock())
    asset, created = media.upload(ACTOR, form(samples.jpeg_with_gps(seed=42)))
    assert created and counts(databases) == (1, 1)
    assert storage.keys() == [f"{ACTOR.tenant_id}/{asset.id}/original"]
    assert asset.renditions["original"]["key"] == storage.keys()[0]


class Offload:
    """Records what the upload hands to a thread (``offload``), and runs it."""

    def __init__(self):
        self.calls = []

    def __call__(self, fn, *args, **kwargs):
        self.calls.append((fn.__name__, args[1] if len(args) > 1 else None))
        return fn(*args, **kwargs)


def test_a_jpeg_is_cleaned_in_the_request_and_a_png_in_a_thread(databases, storage):
    """A JPEG's strip is Python holding the GIL throughout: a thread would only add its hand-over.
    A PNG is decoded and encoded again (C that lets the GIL go): that goes to a thread."""
    offload = Offload()
    media = Media(databases.sessions("media"), storage, settings=Settings(), clock=Clock(), offload=offload)
    jpeg, _ = media.upload(ACTOR, form(samples.jpeg_with_gps(seed=43)))
    assert offload.calls == [] and jpeg.format == "jpeg"
    png, _ = media.upload(ACTOR, form(samples.png(), "anh.png", "image/png"))
    assert offload.calls == [("clean", "png")] and png.format == "png"
    assert counts(databases) == (2, 2)


def test_known_bytes_are_answered_as_the_existing_asset_even_if_todays_checks_refuse_them(databases, storage):
    """Whether the tenant has the bytes is asked while they are checked; the answer wins over a
    check that changed since (a lower pixel cap): as before, known bytes are never checked again."""
    data = samples.jpeg_with_gps(seed=44)
    first, created = Media(databases.sessions("media"), storage, settings=Settings(), clock=Clock()).upload(
        ACTOR, form(data)
    )
    stricter = Media(databases.sessions("media"), storage, settings=Settings(max_image_pixels=1000), clock=Clock())
    again, created_again = stricter.upload(ACTOR, form(data))
    assert (created, created_again) == (True, False) and again.id == first.id
    with pytest.raises(InvalidInput):  # new bytes meet today's cap
        stricter.upload(ACTOR, form(samples.jpeg_with_gps(seed=45)))
    assert counts(databases) == (1, 1) and len(storage.keys()) == 1


class Watching(Storage):
    """A folder that, at each put, notes what the upload's temporary folder holds."""

    def __init__(self, root, key, spool_dir):
        super().__init__(root, key)
        self.spool_dir, self.seen = spool_dir, []

    def put(self, key, data, content_type, length=None):
        self.seen.append(sorted(p.name for p in self.spool_dir.iterdir()))
        super().put(key, data, content_type, length)


def test_a_photo_of_a_few_mb_is_spooled_in_memory_and_a_pdf_is_checked_there_too(databases, tmp_path):
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    storage = Watching(tmp_path / "media", "test-signing-key", spool_dir)
    media = Media(databases.sessions("media"), storage, settings=Settings(tmp_dir=str(spool_dir)), clock=Clock())
    media.upload(ACTOR, form(samples.jpeg_with_gps(seed=46)))
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="vb.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    media.upload(ACTOR, UploadForm(io.BytesIO(head + samples.pdf() + f"\r\n--{BOUNDARY}--\r\n".encode()), BOUNDARY))
    assert storage.seen == [[], []]  # no temporary file while either was stored
    assert counts(databases) == (2, 2)


class RemovedWhileRead(Storage):
    """The asset is removed (the sweep) while the media worker reads its original back."""

    def __init__(self, root, key, sessions):
        super().__init__(root, key)
        self.sessions = sessions

    def open(self, key):
        with self.sessions.transaction() as session:
            session.execute(Asset.__table__.update().values(status="removed"))
        return super().open(key)


def test_the_worker_adds_the_missing_renditions_once(databases, storage):
    media = Media(databases.sessions("media"), storage, settings=Settings(), clock=Clock())
    asset, _ = media.upload(ACTOR, form(samples.jpeg_with_gps(seed=44)))  # 1600 × 1200: medium and thumb to make
    assert media.make_renditions("handle_asset_stored", str(uuid.uuid4()), asset.id) == ["medium", "thumb"]
    assert media.make_renditions("handle_asset_stored", str(uuid.uuid4()), asset.id) == []  # no longer pending
    with databases.sessions("media").read() as session:
        row = session.get(Asset, asset.id)
        assert row.rendition_status == "ready" and set(row.renditions) == {"original", "medium", "thumb"}
        assert row.renditions["original"] == asset.renditions["original"]  # kept as the upload wrote it
    assert len(storage.keys()) == 3


def test_renditions_of_an_asset_removed_meanwhile_are_not_left_in_storage(databases, tmp_path):
    sessions = databases.sessions("media")
    storage = RemovedWhileRead(tmp_path / "media", "test-signing-key", sessions)
    media = Media(sessions, storage, settings=Settings(), clock=Clock())
    asset, _ = media.upload(ACTOR, form(samples.jpeg_with_gps(seed=45)))
    assert media.make_renditions("handle_asset_stored", str(uuid.uuid4()), asset.id) == []
    assert storage.keys() == [f"{ACTOR.tenant_id}/{asset.id}/original"]  # medium and thumb removed again
    with sessions.read() as session:
        row = session.get(Asset, asset.id)
        assert row.rendition_status == "pending" and set(row.renditions) == {"original"}
