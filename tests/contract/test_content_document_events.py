"""content → its consumers: ``content.document_published``, the fact of a document entering the
portal's public library. Media reads it (the file becomes public; its row is in
``test_content_events.CONSUMERS``); the gateway's public cache is to clear the library's pages on it.

What content writes is checked against the contract here, from the same function that builds
the outbox row, so a field renamed on one side only fails this test, not a consumer at run time."""

import uuid
from datetime import UTC, date, datetime

import pytest

from content.documents import facts
from content.documents.models import Document
from platform_shared.contracts import ContractViolation, check, contract_for
from platform_shared.contracts import content as events
from platform_shared.testing.contracts import assert_consumer_reads, example

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def public_document(asset_id=None):
    return Document(
        id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        number="1197/TLĐ",
        doc_type="directive",
        issuer="Văn phòng Tổng Liên đoàn",
        abstract="Về việc chăm lo Tết cho đoàn viên, người lao động",
        issued_on=date(2026, 11, 20),
        asset_id=asset_id,
        public=True,
    )


def envelope(payload):
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": events.DOCUMENT_PUBLISHED,
        "occurred_at": NOW.isoformat(),
        "schema_version": 1,
        **payload,
    }


def test_the_fact_has_a_contract_of_its_own():
    assert events.DOCUMENT_PUBLISHED == "content.document_published"
    assert contract_for(events.DOCUMENT_PUBLISHED) is events.DocumentPublished


@pytest.mark.parametrize("asset_id", [uuid.uuid4(), None], ids=["with a file", "without a file"])
def test_what_content_records_for_a_public_document_is_its_contract(asset_id):
    document = public_document(asset_id)
    event_type, payload = facts.published(document, NOW)
    assert event_type == events.DOCUMENT_PUBLISHED
    payload = envelope(payload)
    check(events.DOCUMENT_PUBLISHED, payload)  # exactly the contract: nothing more, nothing missing
    loaded = events.DocumentPublished().load(payload)
    assert loaded["document_id"] == str(document.id) and loaded["tenant_id"] == str(document.tenant_id)
    assert loaded["issued_on"] == "2026-11-20" and loaded["number"] == "1197/TLĐ"
    assert loaded["asset_ids"] == ([str(asset_id)] if asset_id else [])
    assert loaded["schema_version"] == 1


def test_media_reads_the_file_from_what_content_sends():
    assert_consumer_reads(
        example(events.DOCUMENT_PUBLISHED),
        events.DocumentPublished().load,
        consumer="media.handle_document_published",
        needs=("event_id", "document_id", "asset_ids"),
    )


def test_the_fact_must_carry_its_asset_ids_even_when_none():
    """Media makes the file public from ``asset_ids``: a fact without it is refused at the outbox."""
    check(events.DOCUMENT_PUBLISHED, example(events.DOCUMENT_PUBLISHED, asset_ids=[]))
    payload = example(events.DOCUMENT_PUBLISHED)
    del payload["asset_ids"]
    with pytest.raises(ContractViolation) as refused:
        check(events.DOCUMENT_PUBLISHED, payload)
    assert "asset_ids" in refused.value.errors
