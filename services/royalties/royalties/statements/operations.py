"""The use cases of monthly statements: draw up, list, read, approve, pay, export. Plain Python.

The state changes are the statement's rules (``statements/domain.py``); this module loads
the rows, records the ledger and the facts (``royalties.statement_approved``,
``royalties.statement_paid``, through the outbox) and dumps each reply through
``StatementRead`` (a page of them for the list, ``StatementFile`` for an export).
"""

import base64
import uuid

from platform_shared import outbox
from platform_shared.actor import SYSTEM
from platform_shared.contracts import royalties as events
from platform_shared.errors import Conflict, InvalidInput
from platform_shared.schemas import load
from platform_shared.schemas import royalties as api
from platform_shared.tenant_directory import TenantDirectory
from platform_shared.views import page, uuid_or_none
from royalties import domain, policy
from royalties.items.store import Items
from royalties.models import TenantCopy
from royalties.rates.store import Rates
from royalties.statements import domain as rules
from royalties.statements import export
from royalties.statements.store import Ledger, Statements
from royalties.statements.views import entry_view, frozen_sums, line_view, statement_view

STATEMENT, STATEMENTS, FILE = api.StatementRead(), api.StatementPage(), api.StatementFile()


class MonthlyStatements:
    def __init__(self, sessions, *, clock, settings=None):
        self.sessions = sessions
        self.clock = clock

    def create(self, actor, data):
        """A draft of the tenant's month: its scored items published up to the month's end and in no
        statement yet (late ones included), and the reversals waiting for a statement.

        Royalty officers for their tenant, platform admins for any. Raises Conflict (the month
        has a statement), InvalidInput (a future month, nothing to state), Forbidden."""
        data = load(api.StatementCreate, data)
        tenant_id = uuid.UUID(policy.statement_tenant(actor, data.get("tenant_id")))
        now = self.clock.now()
        if data["period"] > domain.period_of(now):
            raise InvalidInput.field("period", "Không lập bảng kê cho tháng chưa đến.", code="PERIOD_IN_FUTURE")
        with self.sessions.transaction() as session:
            statements = Statements(session, actor, tenant_id)
            if statements.current(data["period"]) is not None:
                raise Conflict(
                    f"Đã có bảng kê tháng {data['period']} của đơn vị.",
                    code="STATEMENT_EXISTS",
                    details={"errors": {"period": ["Đã có bảng kê cho kỳ này."]}},
                )
            items = Items(session, actor, tenant_id).stateable(domain.period_last_day(data["period"]))
            ledger = Ledger(session, actor, tenant_id)
            reversals = ledger.open_reversals()
            if not items and not reversals:
                raise InvalidInput.field(
                    "period", "Không có khoản nhuận bút đã chấm điểm nào để lập bảng kê.", code="NOTHING_TO_STATE"
                )
            statement = statements.add(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                period=data["period"],
                status="draft",
                created_by=uuid_or_none(actor.user_id),
                created_at=now,
            )
            for item in items:
                item.statement_id = statement.id
            ledger.attach(reversals, statement)
            return STATEMENT.dump(self._detail(session, actor, statement))

    def list(self, actor, args):
        """The statements the actor's desk may see, by month and status, with their sums (no lines)."""
        policy.require_reader(actor)
        args = load(api.StatementListArgs, args or {})
        with self.sessions.read() as session:
            rows, total = Statements(session, actor).page(args)
            return STATEMENTS.dump(page(self._summaries(session, actor, rows), total, args))

    def get(self, actor, statement_id, args=None):
        """A statement with its lines per payee and its entries (of one payee with ``payee_user_id``).

        Raises NotFound (also another tenant's)."""
        policy.require_reader(actor)
        args = load(api.StatementArgs, args or {})
        with self.sessions.read() as session:
            statement = Statements(session, actor).get(statement_id)
            return STATEMENT.dump(self._detail(session, actor, statement, payee_user_id=args.get("payee_user_id")))

    def approve(self, actor, statement_id):
        """Freeze the draft: a charge entry per item and one line per payee, written once.

        Royalty officers. Raises Conflict (not a draft, or empty), NotFound, Forbidden."""
        policy.require_officer(actor)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            statement = Statements(session, actor).get(statement_id, for_update=True)
            rules.require_move(statement.status, "approve")
            items = Items(session, actor, statement.tenant_id).of_statement(statement.id, for_update=True)
            ledger = Ledger(session, actor, statement.tenant_id)
            reversals = ledger.of_statement(statement.id)
            withholding = Rates(session).book().withholding(domain.period_last_day(statement.period))
            approval = rules.approve(
                statement, items, reversals, withholding=withholding, by=uuid_or_none(actor.user_id), at=now
            )
            ledger.add_charges(statement, approval.charges, now)
            Statements(session, actor, statement.tenant_id).add_lines(statement, approval.lines)
            session.flush()
            outbox.add(
                session,
                events.STATEMENT_APPROVED,
                {
                    "tenant_id": str(statement.tenant_id),
                    "statement_id": str(statement.id),
                    "period": statement.period,
                    "gross": statement.gross,
                    "withheld": statement.withheld,
                    "net": statement.net,
                    "payees": len(approval.lines),
                    "approved_at": now.isoformat(),
                },
                aggregate_id=statement.id,
                now=now,
            )
            return STATEMENT.dump(self._detail(session, actor, statement))

    def pay(self, actor, statement_id, data):
        """Record the payment of an approved statement (date and reference).

        Royalty officers. Raises Conflict (not approved), InvalidInput (``paid_on`` in the
        future or before the approval), NotFound, Forbidden."""
        policy.require_officer(actor)
        data = load(api.Payment, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            statement = Statements(session, actor).get(statement_id, for_update=True)
            rules.require_move(statement.status, "pay")
            items = Items(session, actor, statement.tenant_id).of_statement(statement.id, for_update=True)
            rules.pay(
                statement,
                items,
                paid_on=data["paid_on"],
                reference=data["reference"],
                by=uuid_or_none(actor.user_id),
                at=now,
            )
            outbox.add(
                session,
                events.STATEMENT_PAID,
                {
                    "tenant_id": str(statement.tenant_id),
                    "statement_id": str(statement.id),
                    "period": statement.period,
                    "net": statement.net,
                    "paid_on": data["paid_on"].isoformat(),
                    "reference": data["reference"],
                },
                aggregate_id=statement.id,
                now=now,
            )
            return STATEMENT.dump(self._detail(session, actor, statement))

    def export(self, actor, statement_id, args):
        """The statement as a CSV (UTF-8 with BOM) or XLSX file with Vietnamese headers, base64 in ``data``.

        Raises NotFound, InvalidInput (format)."""
        policy.require_reader(actor)
        args = load(api.ExportArgs, args or {})
        with self.sessions.read() as session:
            statement = Statements(session, actor).get(statement_id)
            # the file shows what the API shows: the dump renders the decimals
            view = STATEMENT.dump(self._detail(session, actor, statement))
            tenant = TenantDirectory(session, TenantCopy).get(statement.tenant_id)
        view["tenant_name"] = tenant.name if tenant else str(statement.tenant_id)
        content, content_type = export.render(view, args["format"])
        return FILE.dump(
            {
                "filename": f"bang-ke-nhuan-but-{statement.period}-{str(statement.id)[:8]}.{args['format']}",
                "content_type": content_type,
                "data": base64.b64encode(content).decode("ascii"),
            }
        )

    # -- views -------------------------------------------------------------------------------------

    def _summaries(self, session, actor, statements):
        """Statements with their sums: frozen ones as approved, drafts computed (their rows in a few queries)."""
        drafts = [s.id for s in statements if s.status not in rules.FINAL]
        items, reversals, book = {}, {}, None
        if drafts:
            for item in Items(session, actor).of_statements(drafts):
                items.setdefault(item.statement_id, []).append(item)
            for entry in Ledger(session, actor).of_statements(drafts):
                reversals.setdefault(entry.statement_id, []).append(entry)
            book = Rates(session).book()
        views = []
        for statement in statements:
            view = statement_view(statement)
            if statement.status in rules.FINAL:
                view.update(frozen_sums(statement))
            else:
                withholding = book.withholding(domain.period_last_day(statement.period))
                lines = rules.draft_lines(items.get(statement.id, ()), reversals.get(statement.id, ()), withholding)
                view.update(rules.totals(lines), withholding=withholding)
            views.append(view)
        return views

    def _detail(self, session, actor, statement, *, payee_user_id=None):
        """The statement with its sums, lines and entries (of one payee when given)."""
        view = statement_view(statement)
        # The item behind a reversal may have stayed with a tenant merged away since: looked up as the system.
        originals = Items(session, SYSTEM)
        if statement.status in rules.FINAL:
            statements = Statements(session, actor, statement.tenant_id)
            lines = [line_view(line) for line in statements.lines(statement.id, payee_user_id=payee_user_id)]
            entries = Ledger(session, actor, statement.tenant_id).of_statement(
                statement.id, payee_user_id=payee_user_id
            )
            found = originals.by_ids({e.item_id for e in entries})
            rows = [entry_view(e.kind, e.amount, found.get(e.item_id), e) for e in entries]
            view.update(frozen_sums(statement))
        else:
            # A draft's sums need all its rows; the payee's part is picked from them.
            items = Items(session, actor, statement.tenant_id).of_statement(statement.id)
            reversals = Ledger(session, actor, statement.tenant_id).of_statement(statement.id)
            withholding = Rates(session).book().withholding(domain.period_last_day(statement.period))
            lines = rules.draft_lines(items, reversals, withholding)
            view.update(rules.totals(lines), withholding=withholding)
            if payee_user_id is not None:
                lines = [line for line in lines if line["payee_user_id"] == str(payee_user_id)]
                items = [i for i in items if i.payee_user_id == payee_user_id]
                reversals = [e for e in reversals if e.payee_user_id == payee_user_id]
            found = originals.by_ids({e.item_id for e in reversals})
            rows = [entry_view("charge", i.amount, i) for i in items]
            rows += [entry_view("reversal", e.amount, found.get(e.item_id), e) for e in reversals]
        view["lines"], view["entries"] = lines, rows
        return view
