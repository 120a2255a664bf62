"""Unused uploads go away — softly first, files later — and referenced ones stay."""

import io
import sys
from pathlib import Path

from nameko.testing.services import entrypoint_hook
from sqlalchemy import select

from platform_shared.actor import SYSTEM
from platform_shared.contracts import media as contracts
from platform_shared.tables import outbox

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import samples  # noqa: E402


def upload(client, data):
    response = client.post(
        "/api/v1/media", data={"file": (io.BytesIO(data), "x.png", "image/png")}, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.json
    return response.json


def test_the_sweep_removes_unreferenced_uploads_then_purges_their_files(
    api, login, start_service, media_settings, accounts_service, databases
):
    # Everything counts as old at once: the ages are settings.
    container = start_service("media", MEDIA_UNREFERENCED_TTL_HOURS=0, MEDIA_PURGE_AFTER_HOURS=0, **media_settings)
    from media.dependencies import make_storage

    storage = make_storage(container.config)
    contributor = api.as_(login("hanoi.contributor"))
    unused = upload(contributor, samples.png(300, 200))
    kept = upload(contributor, samples.png(200, 300))
    from nameko.standalone.rpc import ServiceRpcProxy

    with ServiceRpcProxy("media", {"AMQP_URI": container.config["AMQP_URI"]}, timeout=10) as media:
        media.mark_referenced(SYSTEM.dump(), [kept["id"]], {"kind": "article", "id": "a-7", "published": False})

    with entrypoint_hook(container, "sweep") as sweep:
        first = sweep()
    assert first["removed"] == [unused["id"]]
    assert contributor.get(f"/api/v1/media/{unused['id']}").status_code == 404  # gone from the library
    # Files kept for the grace period (purge happens on the next pass): one each, as both photos are
    # smaller than a thumbnail — the original is every rendition.
    assert len(storage.keys()) == 2

    with entrypoint_hook(container, "sweep") as sweep:
        second = sweep()
    assert second == {"removed": [], "purged": [unused["id"]]}
    assert all(key.split("/")[1] == kept["id"] for key in storage.keys())
    assert contributor.get(f"/api/v1/media/{kept['id']}").status_code == 200

    with databases.sessions("media").transaction() as session:
        (event,) = (
            session.execute(select(outbox.c.payload).where(outbox.c.event_type == contracts.ASSET_REMOVED))
            .scalars()
            .all()
        )
    assert contracts.AssetRemoved().load(event)["asset_id"] == unused["id"]


def test_a_released_asset_stops_being_public(api, login, media_service, relay):
    contributor = api.as_(login("hanoi.contributor"))
    relay("media")
    asset = samples.ready(contributor, upload(contributor, samples.png()))
    reference = {"kind": "article", "id": "a-1", "published": True}
    from nameko.standalone.rpc import ServiceRpcProxy

    with ServiceRpcProxy("media", {"AMQP_URI": media_service.config["AMQP_URI"]}, timeout=10) as media:
        media.mark_referenced(SYSTEM.dump(), [asset["id"]], reference)
        assert api.get(f"/api/v1/media/{asset['id']}/content?rendition=thumb").status_code == 200
        media.release(SYSTEM.dump(), [asset["id"]], reference)
    assert api.get(f"/api/v1/media/{asset['id']}/content?rendition=thumb").status_code == 404
