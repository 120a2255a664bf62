"""The facts a document records in the outbox, shaped by their contracts
(``platform_shared.contracts.content``). No nameko, no SQL."""

from platform_shared.contracts import content as events


def published(document, now):
    """``(event_type, payload)`` of a document entering the portal's public library."""
    return events.DOCUMENT_PUBLISHED, {
        "tenant_id": str(document.tenant_id),
        "document_id": str(document.id),
        "number": document.number,
        "doc_type": document.doc_type,
        "issuer": document.issuer,
        "issued_on": document.issued_on.isoformat(),
        "published_at": now.isoformat(),
        "asset_ids": [str(document.asset_id)] if document.asset_id else [],
    }
