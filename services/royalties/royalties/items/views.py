"""An item as the API shows it, before its dump through ``platform_shared.schemas.royalties.ItemRead``
(which renders its decimals: coefficient, maximum, adjustment percents)."""

from platform_shared.views import text
from royalties.domain import GENRE_LABELS
from royalties.items.domain import STATUS_LABELS, is_overdue, terms


def item_view(item, book, on):
    """``item`` with its genre's maximum on its publication day; ``overdue`` as judged on day ``on``."""
    return {
        "id": str(item.id),
        "tenant_id": str(item.tenant_id),
        "author_tenant_id": str(item.author_tenant_id),
        "article_id": str(item.article_id),
        "revision": item.revision,
        "kind": item.kind,
        "payee_user_id": text(item.payee_user_id),
        "payee_name": item.payee_name,
        "asset_id": text(item.asset_id),
        "share": item.share,
        "section": item.section,
        "genre": item.genre,
        "genre_label": GENRE_LABELS.get(item.genre, item.genre),
        "site": item.site,
        "title": item.title,
        "published_at": item.published_at.isoformat(),
        "due_on": item.due_on.isoformat(),
        "status": item.status,
        "status_label": STATUS_LABELS.get(item.status, item.status),
        "coefficient": item.coefficient,
        "max_coefficient": book.genre_max_or_none(item.genre, item.published_on),
        "adjustments": list(item.adjustments or []),
        "unit_value": item.unit_value,
        "site_share": item.site_share,
        "amount": item.amount,
        "statement_id": text(item.statement_id),
        "reversed": item.reversed_at is not None,
        "overdue": is_overdue(item, on),
        "terms": terms(book, genre=item.genre, site=item.site, section=item.section, on=item.published_on),
    }
