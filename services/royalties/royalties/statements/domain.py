"""The rules of a monthly statement (no nameko, no SQL): its lines per payee, withholding,
and its states.

A statement is a ``draft`` (its items and waiting reversals attached, sums computed at
every read), ``approved`` (a charge entry per item and a line per payee written once,
sums frozen), then ``paid`` (date and reference). A draft is ``cancelled`` only when its
tenant is merged away (the survivor's officers state the work again).
"""

from dataclasses import dataclass
from decimal import Decimal

from platform_shared.errors import Conflict, InvalidInput
from royalties.domain import local_date, round_vnd

STATUS_LABELS = {"draft": "nháp", "approved": "đã duyệt", "paid": "đã chi trả", "cancelled": "đã hủy"}
FINAL = ("approved", "paid")  # lines and ledger entries written, sums frozen

# action → the states it may start from, and the state it leads to
MOVES = {"approve": (("draft",), "approved"), "pay": (("approved",), "paid"), "cancel": (("draft",), "cancelled")}


@dataclass(frozen=True)
class Entry:
    """What a statement line adds up: an item's charge (positive) or a reversal (negative)."""

    payee_key: str
    payee_user_id: str | None
    payee_name: str
    amount: int


def entry_of(row):
    """An item or a ledger entry as an ``Entry``; a line is per person: a photographer's
    photo items join their author items."""
    key = f"user:{row.payee_user_id}" if row.payee_user_id else row.payee_key
    user_id = None if row.payee_user_id is None else str(row.payee_user_id)
    return Entry(key, user_id, row.payee_name, int(row.amount))


def statement_lines(entries, withholding):
    """Lines per payee (gross = sum of entries; withheld on gross ≥ threshold, half up; net = gross − withheld)."""
    lines = {}
    for entry in entries:
        line = lines.setdefault(
            entry.payee_key,
            {
                "payee_key": entry.payee_key,
                "payee_user_id": entry.payee_user_id,
                "payee_name": entry.payee_name,
                "entries": 0,
                "gross": 0,
            },
        )
        line["entries"] += 1
        line["gross"] += int(entry.amount)
    out = []
    for line in sorted(lines.values(), key=lambda x: (x["payee_name"], x["payee_key"])):
        withheld = 0
        if withholding and line["gross"] >= withholding["threshold"] and line["gross"] > 0:
            withheld = round_vnd(Decimal(line["gross"]) * Decimal(withholding["percent"]) / 100)
        out.append({**line, "withheld": withheld, "net": line["gross"] - withheld})
    return out


def totals(lines):
    return {k: sum(line[k] for line in lines) for k in ("gross", "withheld", "net")}


def draft_lines(items, reversals, withholding):
    """The lines of a draft: its items' charges and its reversal entries."""
    return statement_lines([entry_of(i) for i in items] + [entry_of(e) for e in reversals], withholding)


# -- a statement's states ------------------------------------------------------------------------


def require_move(status, action):
    """Raise Conflict unless a statement in ``status`` may take ``action``."""
    allowed, _ = MOVES[action]
    if status not in allowed:
        raise Conflict(
            f"Bảng kê đang ở trạng thái «{STATUS_LABELS.get(status, status)}», không thể thực hiện thao tác này.",
            code="STATEMENT_STATE",
            details={"status": status},
        )


@dataclass(frozen=True)
class Charge:
    """A charge entry to write at approval: an item's amount, final."""

    item_id: object
    payee_key: str
    payee_user_id: object
    payee_name: str
    amount: int


@dataclass(frozen=True)
class Approval:
    """What approving a draft records: a charge per item and the frozen lines."""

    charges: list
    lines: list


def approve(statement, items, reversals, *, withholding, by, at):
    """Draft → approved: each item approved with a charge of its amount, a line per payee,
    the sums and the withholding in force frozen on the statement.

    Raises Conflict when the statement is no draft or has nothing left to approve."""
    require_move(statement.status, "approve")
    if not items and not reversals:
        raise Conflict("Bảng kê không còn khoản nào để duyệt.", code="STATEMENT_EMPTY")
    charges = []
    for item in items:
        charges.append(Charge(item.id, item.payee_key, item.payee_user_id, item.payee_name, int(item.amount)))
        item.status = "approved"
    lines = draft_lines(items, reversals, withholding)
    sums = totals(lines)
    statement.gross, statement.withheld, statement.net = sums["gross"], sums["withheld"], sums["net"]
    statement.withholding = withholding
    statement.status, statement.approved_by, statement.approved_at = MOVES["approve"][1], by, at
    return Approval(charges, lines)


def pay(statement, items, *, paid_on, reference, by, at):
    """Approved → paid on ``paid_on`` (between the approval day and today, Asia/Ho_Chi_Minh), with
    its items. Raises Conflict (not approved) or InvalidInput naming ``paid_on``."""
    require_move(statement.status, "pay")
    if paid_on > local_date(at):
        raise InvalidInput.field("paid_on", "Ngày chi trả không được ở tương lai.", code="PAID_ON_IN_FUTURE")
    if paid_on < local_date(statement.approved_at):
        raise InvalidInput.field(
            "paid_on", "Ngày chi trả không được trước ngày duyệt bảng kê.", code="PAID_BEFORE_APPROVAL"
        )
    for item in items:
        item.status, item.paid_on = "paid", paid_on
    statement.status, statement.paid_on = MOVES["pay"][1], paid_on
    statement.payment_reference, statement.paid_by, statement.paid_at = reference, by, at


def cancel(statement):
    """Draft → cancelled (its tenant was merged away). Raises Conflict for any other state."""
    require_move(statement.status, "cancel")
    statement.status = MOVES["cancel"][1]
