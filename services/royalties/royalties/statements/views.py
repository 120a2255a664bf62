"""A statement as the API shows it, before its dump through ``platform_shared.schemas.royalties.StatementRead``
(which renders its decimals: coefficients, the withholding percent)."""

from platform_shared.views import iso, text
from royalties.domain import GENRE_LABELS


def statement_view(statement):
    """The statement's own fields (no sums, lines or entries)."""
    return {
        "id": str(statement.id),
        "tenant_id": str(statement.tenant_id),
        "period": statement.period,
        "status": statement.status,
        "withholding": statement.withholding,
        "created_at": statement.created_at.isoformat(),
        "approved_at": iso(statement.approved_at),
        "paid_on": iso(statement.paid_on),
        "payment_reference": statement.payment_reference,
    }


def frozen_sums(statement):
    """An approved or paid statement's sums, as approved."""
    return {"gross": statement.gross, "withheld": statement.withheld, "net": statement.net}


def entry_view(kind, amount, item, entry=None):
    """One row of the statement's detail: an item's charge, or a reversal entry (``item`` may be gone)."""
    return {
        "kind": kind,
        "item_id": text(item.id) if item else text(entry.item_id),
        "article_id": text(item.article_id) if item else None,
        "title": item.title if item else None,
        "genre_label": GENRE_LABELS.get(item.genre, item.genre) if item else None,
        "published_on": item.published_on.isoformat() if item else None,
        "payee_key": item.payee_key if item else entry.payee_key,
        "payee_user_id": text(item.payee_user_id if item else entry.payee_user_id),
        "payee_name": item.payee_name if item else entry.payee_name,
        "coefficient": item.coefficient if item is not None else None,
        "unit_value": item.unit_value if item else None,
        "share": item.share if item else None,
        "site_share": item.site_share if item else None,
        "amount": int(amount),
    }


def line_view(line):
    """A stored line (approved statements); draft lines are computed as dicts of the same shape."""
    return {
        "payee_key": line.payee_key,
        "payee_user_id": text(line.payee_user_id),
        "payee_name": line.payee_name,
        "entries": line.entries,
        "gross": line.gross,
        "withheld": line.withheld,
        "net": line.net,
    }
