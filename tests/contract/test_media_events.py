"""media → its consumers: ``media.asset_stored``, the fact of a new asset in the library. Its one
handler is media's own worker (``handle_asset_stored``: a photo's renditions after the upload is
answered). What media writes is checked against the contract, from the function that builds the
outbox row, so a field renamed on one side only fails here, not the worker at run time."""

import uuid
from datetime import UTC, datetime

from media.models import Asset
from media.operations import _stored_event
from platform_shared.contracts import check, contract_for
from platform_shared.contracts import media as events
from platform_shared.testing.contracts import assert_consumer_reads, example, handlers_of

NOW = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)

# media.worker.MediaWorker.handle_asset_stored (the media worker process) → Media.make_renditions
CONSUMERS = {
    ("media", "handle_asset_stored"): (events.ASSET_STORED, {"needs": ("event_id", "asset_id", "kind")}),
}


def test_every_handler_of_media_events_is_in_the_table():
    assert handlers_of("media") == {handler: row[0] for handler, row in CONSUMERS.items()}


def test_the_facts_have_contracts_of_their_own():
    assert contract_for(events.ASSET_STORED) is events.AssetStored
    assert contract_for(events.ASSET_REMOVED) is events.AssetRemoved


def test_what_media_records_for_a_stored_photo_is_its_contract():
    asset = Asset(
        id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        kind="image",
        content_type="image/jpeg",
        size=1_000_000,
        sha256="a" * 64,
        width=1600,
        height=1200,
        credit_user_id=None,
        credit_name="Trần Văn Bình",
        uploaded_by=uuid.uuid4(),
    )
    payload = {
        "event_id": str(uuid.uuid4()),
        "event_type": events.ASSET_STORED,
        "occurred_at": NOW.isoformat(),
        "schema_version": 1,
        **_stored_event(asset),
    }
    check(events.ASSET_STORED, payload)  # exactly the contract: nothing more, nothing missing
    loaded = events.AssetStored().load(payload)
    assert (loaded["asset_id"], loaded["kind"]) == (str(asset.id), "image")


def test_the_media_worker_reads_only_what_media_sends():
    for (service, method), (event_type, reads) in CONSUMERS.items():
        assert_consumer_reads(example(event_type), events.AssetStored().load, consumer=f"{service}.{method}", **reads)
