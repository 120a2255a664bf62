"""The only module that queries the royalties database; reads are scoped by the actor."""

from sqlalchemy import func, select, update

from platform_shared.database import as_uuid, bulk_insert, dialect_insert, paginate
from platform_shared.errors import NotFound
from royalties import domain, policy
from royalties.models import Article, Item, LedgerEntry, Rate, ReceivedEvent, Statement, StatementLine, TenantCopy

LABELS = {"royalty_item": "khoản nhuận bút", "statement": "bảng kê nhuận bút"}


def not_found(kind, ident):
    return NotFound(
        f"Không tìm thấy {LABELS[kind]} «{ident}».", code=f"{kind.upper()}_NOT_FOUND", details={"resource": kind}
    )


def _id(value, kind):
    try:
        return as_uuid(value, kind)
    except NotFound:
        raise not_found(kind, value) from None


class Tenants:
    """The service's copy of the tenant directory."""

    def __init__(self, session):
        self.session = session

    def get(self, tenant_id):
        return self.session.get(TenantCopy, as_uuid(tenant_id, "tenant")) if tenant_id else None

    def by_code(self, code):
        return self.session.scalars(select(TenantCopy).where(TenantCopy.code == code)).first()

    def surviving(self, tenant_id):
        """Follow merges to the tenant that carries the work today (the id itself when unknown)."""
        current = as_uuid(tenant_id, "tenant")
        for _ in range(10):
            row = self.session.get(TenantCopy, current)
            if row is None or row.status != "merged" or row.merged_into_id is None:
                return current
            current = row.merged_into_id
        return current

    def upsert(self, values):
        """Insert or update one tenant in one statement: an event and a sync may race."""
        statement = dialect_insert(self.session, TenantCopy).values(**values)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["id"], set_={k: statement.excluded[k] for k in values if k != "id"}
            )
        )
        self.session.expire_all()
        return self.session.get(TenantCopy, values["id"])


class Rates:
    def __init__(self, session):
        self.session = session

    def book(self):
        """Every rate row as a ``RateBook`` (a small table: one query)."""
        return domain.RateBook(
            domain.RateRow(r.kind, r.key, r.effective_from, r.value, r.min_value, r.threshold)
            for r in self.session.scalars(select(Rate)).all()
        )

    def list(self, kind=None):
        stmt = select(Rate).order_by(Rate.kind, Rate.key, Rate.effective_from)
        if kind:
            stmt = stmt.where(Rate.kind == kind)
        return self.session.scalars(stmt).all()

    def exists(self, kind, key, effective_from):
        return (
            self.session.scalar(
                select(Rate.id).where(Rate.kind == kind, Rate.key == key, Rate.effective_from == effective_from)
            )
            is not None
        )


class Articles:
    def __init__(self, session):
        self.session = session

    def lock(self, article_id, defaults):
        """The article's row, created when first heard of, locked until the end of the transaction.

        Two events of one article (a publication and an unpublication delivered at once)
        are applied one after the other, never interleaved.
        """
        self.session.execute(
            dialect_insert(self.session, Article)
            .values(id=article_id, **defaults)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        return self.session.scalars(
            select(Article).where(Article.id == article_id).with_for_update().execution_options(populate_existing=True)
        ).one()

    def create_new(self, rows):
        """Insert the articles not known yet; returns the ids this statement created."""
        if not rows:
            return set()
        return set(bulk_insert(self.session, Article.__table__, rows, skip_conflicts=["id"], returning="id"))

    def move_tenant(self, merged, into):
        self.session.execute(update(Article).where(Article.tenant_id == merged).values(tenant_id=into))


def unseen(session, handler, event_ids, now):
    """The ``event_ids`` ``handler`` has not processed yet, now recorded as processed (one statement).

    The batch form of ``platform_shared.inbox.seen``: ``INSERT .. ON CONFLICT DO NOTHING
    RETURNING``; a concurrent delivery of the same id waits for this transaction.
    """
    from platform_shared.tables import inbox

    ids = list(dict.fromkeys(str(i) for i in event_ids))
    if not ids:
        return set()
    rows = [{"handler": handler, "event_id": i, "processed_at": now} for i in ids]
    return set(bulk_insert(session, inbox, rows, skip_conflicts=["handler", "event_id"], returning="event_id"))


class Events:
    def __init__(self, session):
        self.session = session

    def record(self, **values):
        self.session.add(ReceivedEvent(**values))

    def record_many(self, rows):
        bulk_insert(self.session, ReceivedEvent.__table__, rows)

    def in_period(self, tenant_ids, period):
        stmt = select(ReceivedEvent).where(ReceivedEvent.period == period)
        if tenant_ids is not None:
            stmt = stmt.where(ReceivedEvent.tenant_id.in_(tenant_ids))
        return self.session.scalars(stmt.order_by(ReceivedEvent.occurred_at)).all()

    def known_ids(self, event_ids):
        if not event_ids:
            return set()
        return set(
            self.session.scalars(select(ReceivedEvent.event_id).where(ReceivedEvent.event_id.in_(list(event_ids))))
        )


class Items:
    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def _visible(self):
        return select(Item).where(policy.visible_items(self.actor, Item))

    def get(self, item_id, *, for_update=False):
        stmt = self._visible().where(Item.id == _id(item_id, "royalty_item"))
        if for_update:
            stmt = stmt.with_for_update()
        item = self.session.scalars(stmt).one_or_none()
        if item is None:
            raise not_found("royalty_item", item_id)
        return item

    def page(self, args):
        stmt = self._visible()
        if args.get("status"):
            stmt = stmt.where(Item.status == args["status"])
        if args.get("article_id"):
            stmt = stmt.where(Item.article_id == args["article_id"])
        if args.get("payee_user_id"):
            stmt = stmt.where(Item.payee_user_id == args["payee_user_id"])
        if args.get("period"):
            first = domain.period_last_day(args["period"]).replace(day=1)
            stmt = stmt.where(Item.published_on.between(first, domain.period_last_day(args["period"])))
        stmt = stmt.order_by(Item.published_at.desc(), Item.id)
        return paginate(self.session, stmt, args["page"], args["per_page"])

    def overdue(self, on, page, per_page):
        stmt = (
            self._visible()
            .where(Item.status.in_(("pending_score", "scored", "approved")))
            .where(Item.reversed_at.is_(None))
            .where(Item.due_on < on)
            .order_by(Item.due_on, Item.id)
        )
        return paginate(self.session, stmt, page, per_page)

    # -- system side (event handlers, statements) --------------------------------------------

    def add_many(self, rows):
        bulk_insert(self.session, Item.__table__, rows)

    def of_article(self, article_id):
        return self.session.scalars(
            select(Item).where(Item.article_id == article_id).order_by(Item.created_at, Item.id).with_for_update()
        ).all()

    def stateable(self, tenant_id, last_day):
        """Scored items of the tenant published up to ``last_day`` and in no statement, locked."""
        return self.session.scalars(
            select(Item)
            .where(
                Item.tenant_id == tenant_id,
                Item.status == "scored",
                Item.statement_id.is_(None),
                Item.published_on <= last_day,
            )
            .order_by(Item.published_at, Item.id)
            .with_for_update()
        ).all()

    def of_statement(self, statement_id, *, for_update=False):
        stmt = select(Item).where(Item.statement_id == statement_id).order_by(Item.published_at, Item.id)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.scalars(stmt).all()

    def by_ids(self, ids):
        if not ids:
            return {}
        return {i.id: i for i in self.session.scalars(select(Item).where(Item.id.in_(list(ids))))}

    def in_period(self, tenant_ids, period):
        last = domain.period_last_day(period)
        stmt = select(Item).where(Item.published_on.between(last.replace(day=1), last))
        if tenant_ids is not None:
            stmt = stmt.where(Item.tenant_id.in_(tenant_ids))
        return self.session.scalars(stmt).all()

    def count_by_revision(self, pairs):
        if not pairs:
            return {}
        rows = self.session.execute(
            select(Item.article_id, Item.revision, func.count())
            .where(Item.article_id.in_([a for a, _ in pairs]))
            .group_by(Item.article_id, Item.revision)
        ).all()
        return {(a, r): n for a, r, n in rows}

    def move_open(self, merged, into):
        self.session.execute(
            update(Item).where(Item.tenant_id == merged, Item.statement_id.is_(None)).values(tenant_id=into)
        )


class Ledger:
    def __init__(self, session):
        self.session = session

    def add(self, **values):
        entry = LedgerEntry(**values)
        self.session.add(entry)
        return entry

    def open_reversals(self, tenant_id):
        return self.session.scalars(
            select(LedgerEntry)
            .where(
                LedgerEntry.tenant_id == tenant_id,
                LedgerEntry.kind == "reversal",
                LedgerEntry.statement_id.is_(None),
            )
            .order_by(LedgerEntry.id)
            .with_for_update()
        ).all()

    def of_statement(self, statement_id):
        return self.session.scalars(
            select(LedgerEntry).where(LedgerEntry.statement_id == statement_id).order_by(LedgerEntry.id)
        ).all()

    def of_items(self, item_ids):
        if not item_ids:
            return []
        return self.session.scalars(select(LedgerEntry).where(LedgerEntry.item_id.in_(list(item_ids)))).all()

    def unattached(self, tenant_ids):
        stmt = select(LedgerEntry).where(LedgerEntry.statement_id.is_(None))
        if tenant_ids is not None:
            stmt = stmt.where(LedgerEntry.tenant_id.in_(tenant_ids))
        return self.session.scalars(stmt).all()

    def release(self, statement_id, into):
        self.session.execute(
            update(LedgerEntry)
            .where(LedgerEntry.statement_id == statement_id)
            .values(statement_id=None, tenant_id=into)
        )

    def move_open(self, merged, into):
        self.session.execute(
            update(LedgerEntry)
            .where(LedgerEntry.tenant_id == merged, LedgerEntry.statement_id.is_(None))
            .values(tenant_id=into)
        )


class Statements:
    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def _visible(self):
        return select(Statement).where(policy.visible_statements(self.actor, Statement))

    def get(self, statement_id, *, for_update=False):
        stmt = self._visible().where(Statement.id == _id(statement_id, "statement"))
        if for_update:
            stmt = stmt.with_for_update()
        found = self.session.scalars(stmt).one_or_none()
        if found is None:
            raise not_found("statement", statement_id)
        return found

    def page(self, args):
        stmt = self._visible()
        if args.get("period"):
            stmt = stmt.where(Statement.period == args["period"])
        if args.get("status"):
            stmt = stmt.where(Statement.status == args["status"])
        stmt = stmt.order_by(Statement.period.desc(), Statement.created_at.desc())
        return paginate(self.session, stmt, args["page"], args["per_page"])

    def current(self, tenant_id, period):
        return self.session.scalars(
            select(Statement).where(
                Statement.tenant_id == tenant_id, Statement.period == period, Statement.status != "cancelled"
            )
        ).first()

    def lines(self, statement_id):
        return self.session.scalars(
            select(StatementLine)
            .where(StatementLine.statement_id == statement_id)
            .order_by(StatementLine.payee_name, StatementLine.payee_key)
        ).all()

    def drafts_of(self, tenant_id):
        return self.session.scalars(
            select(Statement).where(Statement.tenant_id == tenant_id, Statement.status == "draft").with_for_update()
        ).all()

    def sums(self, statement_ids):
        """Per statement: the sum of its ledger entries and the sums of its lines (gross, withheld, net)."""
        if not statement_ids:
            return {}
        entries = dict(
            self.session.execute(
                select(LedgerEntry.statement_id, func.sum(LedgerEntry.amount))
                .where(LedgerEntry.statement_id.in_(statement_ids))
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
                .where(StatementLine.statement_id.in_(statement_ids))
                .group_by(StatementLine.statement_id)
            ).all()
        }
        return {
            sid: {"entries": int(entries.get(sid) or 0), "lines": lines.get(sid, (0, 0, 0))} for sid in statement_ids
        }

    def of_tenants(self, tenant_ids, period=None):
        stmt = select(Statement).where(Statement.status != "cancelled")
        if tenant_ids is not None:
            stmt = stmt.where(Statement.tenant_id.in_(tenant_ids))
        if period:
            stmt = stmt.where(Statement.period == period)
        return self.session.scalars(stmt).all()
