"""Replies of the notifications RPCs: schema dumps, never ORM rows. No SQL."""

from notifications.domain import KIND_LABELS
from platform_shared.schemas import notifications as api

_read = api.NotificationRead()
_list = api.NotificationList()


def _fields(row):
    return {
        "id": row.id,
        "kind": row.kind,
        "kind_label": KIND_LABELS.get(row.kind, row.kind),
        "title": row.title,
        "body": row.body,
        "link": row.link,
        "created_at": row.created_at,
        "read_at": row.read_at,
        "unread": row.read_at is None,
    }


def notification(row):
    return _read.dump(_fields(row))


def page(rows, total, args, unread_total):
    return _list.dump(
        {
            "items": [_fields(r) for r in rows],
            "total": total,
            "page": args["page"],
            "per_page": args["per_page"],
            "unread_total": unread_total,
        }
    )
