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
from platform_shared.tables import outbox

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import samples  # noqa: E402

BOUNDARY = "h53-boundary"
ACTOR = Actor.load({"user_id": str(uuid.uuid4()), "tenant_id": str(uuid.uuid4()), "roles": ["contributor"]})


def form(data):
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="anh.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
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
