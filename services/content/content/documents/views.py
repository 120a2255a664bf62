"""Replies of the document library, dumped through their ``…Read`` schemas."""

from platform_shared.schemas import content as api

_DOCUMENT = api.DocumentRead()
_PAGE = api.DocumentPage()


def _fields(d):
    return {
        "id": d.id,
        "tenant_id": d.tenant_id,
        "number": d.number,
        "doc_type": d.doc_type,
        "doc_type_label": api.DOCUMENT_TYPE_LABELS[d.doc_type],
        "issuer": d.issuer,
        "abstract": d.abstract,
        "issued_on": d.issued_on,
        "effective_on": d.effective_on,
        "asset_id": d.asset_id,
        "all_tenants": d.all_tenants,
        "public": d.public,
        "created_at": d.created_at,
    }


def document(d, receipts=None):
    """One document; ``receipts`` (``[(recipient row, tenant name)]``) for its issuer."""
    data = _fields(d)
    if receipts is not None:
        data["receipts"] = [
            {"tenant_id": r.tenant_id, "tenant_name": name, "read_at": r.read_at} for r, name in receipts
        ]
    return _DOCUMENT.dump(data)


def page(items, total, args):
    return _PAGE.dump(
        {"items": [_fields(d) for d in items], "total": total, "page": args["page"], "per_page": args["per_page"]}
    )
