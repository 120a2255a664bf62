"""The checks of a period's trail (pure: the rows are already loaded; no nameko, no SQL).

Counts: publication events received by type, items by status, amounts scored,
approved, paid and reversed. Discrepancies, each with a stable code and the ids it is
about: ``EVENT_WITHOUT_ITEMS`` (a counted publication with fewer items than payees),
``ITEM_WITHOUT_EVENT``, ``APPROVED_WITHOUT_CHARGE``, ``CHARGE_MISMATCH``,
``PAID_STATEMENT_ITEM_UNPAID``, ``REVERSAL_MISSING``, ``NOT_SCORED``, ``NOT_STATED``,
``OVERDUE``, ``STATEMENT_TOTAL_MISMATCH`` (statement ≠ Σ entries or Σ lines),
``REVERSAL_NOT_STATED``.
"""

from platform_shared.views import text


def reconcile(period, on, received, items, statements, entries, by_revision, known_events, waiting, statement_sums):
    """Counts and discrepancies of one period (pure: the rows are already loaded)."""
    discrepancies = []

    def flag(code, message, **refs):
        discrepancies.append({"code": code, "message": message, **{k: text(v) for k, v in refs.items()}})

    event_counts = {}
    for e in received:
        event_counts[e.event_type] = event_counts.get(e.event_type, 0) + 1
        if e.outcome == "opened" and by_revision.get((e.article_id, e.revision), 0) < e.expected_items:
            flag(
                "EVENT_WITHOUT_ITEMS",
                f"Sự kiện đăng bài nêu {e.expected_items} người nhận nhưng chỉ có "
                f"{by_revision.get((e.article_id, e.revision), 0)} khoản nhuận bút.",
                event_id=e.event_id,
                article_id=e.article_id,
            )
    charges = {(x.item_id, x.kind): x for x in entries}
    status_counts = {s: 0 for s in ("pending_score", "scored", "approved", "paid", "voided")}
    amounts = {"scored": 0, "approved": 0, "paid": 0, "reversed": 0}
    reversed_count = 0
    for item in items:
        status_counts[item.status] = status_counts.get(item.status, 0) + 1
        if item.source_event_id not in known_events:
            flag("ITEM_WITHOUT_EVENT", "Khoản nhuận bút không có sự kiện đăng bài tương ứng.", item_id=item.id)
        if item.status in ("scored", "approved", "paid"):
            amounts["scored"] += item.amount or 0
        charge = charges.get((item.id, "charge"))
        if item.status in ("approved", "paid"):
            amounts["approved"] += item.amount
            if charge is None:
                flag("APPROVED_WITHOUT_CHARGE", "Khoản đã duyệt nhưng không có bút toán chi.", item_id=item.id)
            elif charge.amount != item.amount:
                flag(
                    "CHARGE_MISMATCH",
                    f"Bút toán chi {charge.amount} đ khác số tiền của khoản {item.amount} đ.",
                    item_id=item.id,
                )
            statement = statements.get(charge.statement_id) if charge else None
            if statement is not None and statement.status == "paid" and item.status != "paid":
                flag("PAID_STATEMENT_ITEM_UNPAID", "Bảng kê đã chi nhưng khoản chưa ghi đã chi.", item_id=item.id)
        if item.status == "paid":
            amounts["paid"] += item.amount
        reversal = charges.get((item.id, "reversal"))
        if item.reversed_at is not None:
            reversed_count += 1
            if reversal is None or reversal.amount != -(item.amount or 0):
                flag("REVERSAL_MISSING", "Khoản bị gỡ sau khi duyệt nhưng thiếu bút toán hoàn.", item_id=item.id)
            else:
                amounts["reversed"] += -reversal.amount
        if item.status == "pending_score":
            flag("NOT_SCORED", "Khoản chưa được chấm điểm.", item_id=item.id, article_id=item.article_id)
        elif item.status == "scored" and item.statement_id is None:
            flag("NOT_STATED", "Khoản đã chấm điểm nhưng chưa vào bảng kê.", item_id=item.id)
        if item.status in ("pending_score", "scored", "approved") and item.reversed_at is None and item.due_on < on:
            flag("OVERDUE", f"Quá hạn chi trả (hạn {item.due_on:%d/%m/%Y}).", item_id=item.id)
    for statement_id, sums in statement_sums.items():
        statement = statements[statement_id]
        expected = (statement.gross, statement.withheld, statement.net)
        if sums["entries"] != statement.gross or sums["lines"] != expected:
            flag(
                "STATEMENT_TOTAL_MISMATCH",
                f"Tổng bảng kê {statement.gross} đ khác tổng bút toán {sums['entries']} đ hoặc tổng các dòng.",
                statement_id=statement.id,
            )
    for entry in waiting:
        flag(
            "REVERSAL_NOT_STATED",
            f"Bút toán hoàn {entry.amount} đ chờ đưa vào bảng kê kỳ sau.",
            item_id=entry.item_id,
        )
    return {
        "period": period,
        "events": {
            "published": event_counts.get("content.article_published", 0),
            "unpublished": event_counts.get("content.article_unpublished", 0),
            "corrected": event_counts.get("content.article_corrected", 0),
            "counted": sum(1 for e in received if e.outcome == "opened"),
        },
        "items": {"created": len(items), **status_counts, "reversed": reversed_count},
        "amounts": amounts,
        "discrepancies": discrepancies,
    }
