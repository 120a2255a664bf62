"""Queries of statements, their lines and the money ledger."""

from sqlalchemy import func, select, update

from platform_shared.database import paginate
from platform_shared.views import uuid_or_none
from royalties import policy
from royalties.models import LedgerEntry, Statement, StatementLine
from royalties.statements.domain import FINAL
from royalties.store import Scoped, not_found, parse_id


class Statements(Scoped):
    """Monthly statements and their lines: the tenant's desk staff see them."""

    model = Statement
    visible = staticmethod(policy.visible_to_desk)

    def get(self, statement_id, *, for_update=False):
        stmt = self._select().where(Statement.id == parse_id(statement_id, "statement"))
        if for_update:
            stmt = stmt.with_for_update()
        found = self.session.scalars(stmt).one_or_none()
        if found is None:
            raise not_found("statement", statement_id)
        return found

    def page(self, args):
        """A page of statements filtered by month and status; latest month first."""
        stmt = self._select()
        if args.get("period"):
            stmt = stmt.where(Statement.period == args["period"])
        if args.get("status"):
            stmt = stmt.where(Statement.status == args["status"])
        stmt = stmt.order_by(Statement.period.desc(), Statement.created_at.desc())
        return paginate(self.session, stmt, args["page"], args["per_page"])

    def add(self, **values):
        """A new statement, flushed."""
        statement = Statement(**values)
        self.session.add(statement)
        self.session.flush()
        return statement

    def current(self, period):
        """The tenant's statement of the month that is not cancelled, or None."""
        return self.session.scalars(
            self._select().where(
                Statement.tenant_id == self._tenant(), Statement.period == period, Statement.status != "cancelled"
            )
        ).first()

    def drafts(self):
        """The tenant's drafts, locked."""
        return self.session.scalars(
            self._select().where(Statement.tenant_id == self._tenant(), Statement.status == "draft").with_for_update()
        ).all()

    def by_ids(self, ids):
        """Statements by id (a dict), cancelled ones left out."""
        if not ids:
            return {}
        stmt = self._select().where(Statement.id.in_(list(ids)), Statement.status != "cancelled")
        return {s.id: s for s in self.session.scalars(stmt)}

    def final_of_period(self, period):
        """The approved and paid statements of a month."""
        return self.session.scalars(self._select().where(Statement.period == period, Statement.status.in_(FINAL))).all()

    def lines(self, statement_id, *, payee_user_id=None):
        """An approved statement's lines (of one payee when given), by name."""
        stmt = select(StatementLine).where(*self._scope(StatementLine), StatementLine.statement_id == statement_id)
        if payee_user_id is not None:
            stmt = stmt.where(StatementLine.payee_user_id == payee_user_id)
        return self.session.scalars(stmt.order_by(StatementLine.payee_name, StatementLine.payee_key)).all()

    def add_lines(self, statement, lines):
        """The lines of an approval, written once."""
        for line in lines:
            self.session.add(
                StatementLine(
                    statement_id=statement.id,
                    tenant_id=statement.tenant_id,
                    payee_key=line["payee_key"],
                    payee_user_id=uuid_or_none(line["payee_user_id"]),
                    payee_name=line["payee_name"],
                    entries=line["entries"],
                    gross=line["gross"],
                    withheld=line["withheld"],
                    net=line["net"],
                )
            )

    def sums(self, statement_ids):
        """Per statement: the sum of its ledger entries and the sums of its lines (gross, withheld, net)."""
        if not statement_ids:
            return {}
        entries = dict(
            self.session.execute(
                select(LedgerEntry.statement_id, func.sum(LedgerEntry.amount))
                .where(*self._scope(LedgerEntry), LedgerEntry.statement_id.in_(statement_ids))
                .group_by(LedgerEntry.statement_id)
            ).all()
        )
        lines = {
            sid: (int(g), int(w), int(n))
            for sid, g, w, n in self.session.execute(
                select(
                    StatementLine.statement_id,
                    func.sum(StatementLine.gross),
                    func.sum(StatementLine.withheld),
                    func.sum(StatementLine.net),
                )
                .where(*self._scope(StatementLine), StatementLine.statement_id.in_(statement_ids))
                .group_by(StatementLine.statement_id)
            ).all()
        }
        return {
            sid: {"entries": int(entries.get(sid) or 0), "lines": lines.get(sid, (0, 0, 0))} for sid in statement_ids
        }


class Ledger(Scoped):
    """The money ledger, append-only: a charge per approved item, a reversal per withdrawn approved item."""

    model = LedgerEntry
    visible = staticmethod(policy.visible_to_desk)

    def add_charges(self, statement, charges, at):
        for charge in charges:
            self.session.add(
                LedgerEntry(
                    tenant_id=statement.tenant_id,
                    item_id=charge.item_id,
                    statement_id=statement.id,
                    kind="charge",
                    payee_key=charge.payee_key,
                    payee_user_id=charge.payee_user_id,
                    payee_name=charge.payee_name,
                    amount=charge.amount,
                    created_at=at,
                )
            )

    def add_reversal(self, item, at):
        """A withdrawn approved item's negative entry, waiting for the tenant's next statement."""
        self.session.add(
            LedgerEntry(
                tenant_id=item.tenant_id,
                item_id=item.id,
                statement_id=None,
                kind="reversal",
                payee_key=item.payee_key,
                payee_user_id=item.payee_user_id,
                payee_name=item.payee_name,
                amount=-int(item.amount),
                created_at=at,
            )
        )

    def open_reversals(self):
        """The tenant's reversals in no statement yet, locked."""
        return self.session.scalars(
            self._select()
            .where(
                LedgerEntry.tenant_id == self._tenant(),
                LedgerEntry.kind == "reversal",
                LedgerEntry.statement_id.is_(None),
            )
            .order_by(LedgerEntry.id)
            .with_for_update()
        ).all()

    def attach(self, entries, statement):
        for entry in entries:
            entry.statement_id = statement.id

    def of_statement(self, statement_id, *, payee_user_id=None):
        """A statement's entries (of one payee when given), in the order they were written."""
        return self.of_statements([statement_id], payee_user_id=payee_user_id)

    def of_statements(self, statement_ids, *, payee_user_id=None):
        if not statement_ids:
            return []
        stmt = self._select().where(LedgerEntry.statement_id.in_(list(statement_ids)))
        if payee_user_id is not None:
            stmt = stmt.where(LedgerEntry.payee_user_id == payee_user_id)
        return self.session.scalars(stmt.order_by(LedgerEntry.id)).all()

    def of_items(self, item_ids):
        if not item_ids:
            return []
        return self.session.scalars(self._select().where(LedgerEntry.item_id.in_(list(item_ids)))).all()

    def unattached(self):
        """Entries in no statement (reversals waiting for the next one)."""
        return self.session.scalars(self._select().where(LedgerEntry.statement_id.is_(None))).all()

    def release(self, statement_id, into):
        """A cancelled draft's entries wait for ``into``'s next statement."""
        self.session.execute(
            update(LedgerEntry)
            .where(*self._scope(), LedgerEntry.statement_id == statement_id)
            .values(statement_id=None, tenant_id=into)
        )

    def move_open(self, into):
        """The tenant's entries in no statement go to ``into`` (a merge)."""
        self.session.execute(
            update(LedgerEntry)
            .where(*self._scope(), LedgerEntry.tenant_id == self._tenant(), LedgerEntry.statement_id.is_(None))
            .values(tenant_id=into)
        )
