"""Queries of royalty items, of royalties' view of articles and of the content events received."""

from sqlalchemy import func, update

from platform_shared.database import bulk_insert, dialect_insert, paginate
from platform_shared.tables import inbox
from royalties import domain, policy
from royalties.items.domain import UNPAID
from royalties.models import Article, Item, ReceivedEvent
from royalties.store import Scoped, not_found, parse_id


class Items(Scoped):
    """Royalty items: the paying tenant's desk staff see its items, a payee their own."""

    model = Item
    visible = staticmethod(policy.visible_items)

    def get(self, item_id, *, for_update=False):
        stmt = self._select().where(Item.id == parse_id(item_id, "royalty_item"))
        if for_update:
            stmt = stmt.with_for_update()
        item = self.session.scalars(stmt).one_or_none()
        if item is None:
            raise not_found("royalty_item", item_id)
        return item

    def page(self, args):
        """A page of items filtered by status, article, payee and month; newest publication first."""
        stmt = self._select()
        if args.get("status"):
            stmt = stmt.where(Item.status == args["status"])
        if args.get("article_id"):
            stmt = stmt.where(Item.article_id == args["article_id"])
        if args.get("payee_user_id"):
            stmt = stmt.where(Item.payee_user_id == args["payee_user_id"])
        if args.get("period"):
            stmt = stmt.where(Item.published_on.between(*domain.period_days(args["period"])))
        stmt = stmt.order_by(Item.published_at.desc(), Item.id)
        return paginate(self.session, stmt, args["page"], args["per_page"])

    def overdue(self, on, page, per_page):
        """A page of the items unpaid after their due day (withdrawn and reversed ones excluded)."""
        stmt = (
            self._select()
            .where(Item.status.in_(UNPAID), Item.reversed_at.is_(None), Item.due_on < on)
            .order_by(Item.due_on, Item.id)
        )
        return paginate(self.session, stmt, page, per_page)

    def add_many(self, rows):
        """New items as dicts naming every column (one statement shape: the batch path)."""
        bulk_insert(self.session, Item.__table__, rows)

    def of_article(self, article_id):
        """The article's items, locked (the caller holds the article's lock too)."""
        return self.session.scalars(
            self._select().where(Item.article_id == article_id).order_by(Item.created_at, Item.id).with_for_update()
        ).all()

    def stateable(self, last_day):
        """The tenant's scored items published up to ``last_day`` and in no statement, locked."""
        return self.session.scalars(
            self._select()
            .where(
                Item.tenant_id == self._tenant(),
                Item.status == "scored",
                Item.statement_id.is_(None),
                Item.published_on <= last_day,
            )
            .order_by(Item.published_at, Item.id)
            .with_for_update()
        ).all()

    def of_statement(self, statement_id, *, for_update=False):
        """The items of a statement, in publication order."""
        return self.of_statements([statement_id], for_update=for_update)

    def of_statements(self, statement_ids, *, for_update=False):
        """The items of several statements, in publication order."""
        if not statement_ids:
            return []
        stmt = self._select().where(Item.statement_id.in_(list(statement_ids))).order_by(Item.published_at, Item.id)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.scalars(stmt).all()

    def by_ids(self, ids):
        """Items by id (a dict); ids out of scope are left out."""
        if not ids:
            return {}
        return {i.id: i for i in self.session.scalars(self._select().where(Item.id.in_(list(ids))))}

    def in_period(self, period):
        """The items published in a month (the reconciliation's rows)."""
        return self.session.scalars(self._select().where(Item.published_on.between(*domain.period_days(period)))).all()

    def count_by_revision(self, pairs):
        """``{(article id, revision): items}`` of the given articles."""
        if not pairs:
            return {}
        rows = self.session.execute(
            self._select(Item.article_id, Item.revision, func.count())
            .where(Item.article_id.in_([a for a, _ in pairs]))
            .group_by(Item.article_id, Item.revision)
        ).all()
        return {(a, r): n for a, r, n in rows}

    def release(self, statement_id):
        """A cancelled draft's items are in no statement again."""
        self.session.execute(
            update(Item).where(*self._scope(), Item.statement_id == statement_id).values(statement_id=None)
        )

    def move_open(self, into):
        """The tenant's items in no statement go to ``into`` (a merge)."""
        self.session.execute(
            update(Item)
            .where(*self._scope(), Item.tenant_id == self._tenant(), Item.statement_id.is_(None))
            .values(tenant_id=into)
        )


class Articles(Scoped):
    """Royalties' view of the articles it heard of (who pays, published or withdrawn)."""

    model = Article
    visible = staticmethod(policy.visible_to_desk)

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
            self._select().where(Article.id == article_id).with_for_update().execution_options(populate_existing=True)
        ).one()

    def create_new(self, rows):
        """Insert the articles not known yet; returns the ids this statement created."""
        if not rows:
            return set()
        return set(bulk_insert(self.session, Article.__table__, rows, skip_conflicts=["id"], returning="id"))

    def move_all(self, into):
        """The tenant's articles are paid by ``into`` from now on (a merge)."""
        self.session.execute(
            update(Article).where(*self._scope(), Article.tenant_id == self._tenant()).values(tenant_id=into)
        )


class ReceivedEvents(Scoped):
    """Every content event handled and what came of it."""

    model = ReceivedEvent
    visible = staticmethod(policy.visible_to_desk)

    def record(self, **values):
        self.session.add(ReceivedEvent(**values))

    def record_event(self, event, **values):
        """One received fact: its id, type and revision from ``event``, the rest as given."""
        self.record(event_id=event["event_id"], event_type=event["event_type"], revision=event["revision"], **values)

    def record_many(self, rows):
        bulk_insert(self.session, ReceivedEvent.__table__, rows)

    def in_period(self, period):
        return self.session.scalars(
            self._select().where(ReceivedEvent.period == period).order_by(ReceivedEvent.occurred_at)
        ).all()

    def known_ids(self, event_ids):
        """Which of ``event_ids`` were received."""
        if not event_ids:
            return set()
        return set(
            self.session.scalars(
                self._select(ReceivedEvent.event_id).where(ReceivedEvent.event_id.in_(list(event_ids)))
            )
        )


def unseen(session, handler, event_ids, now):
    """The ``event_ids`` ``handler`` has not processed yet, now recorded as processed (one statement).

    The batch form of ``platform_shared.inbox.seen``: ``INSERT .. ON CONFLICT DO NOTHING
    RETURNING``; a concurrent delivery of the same id waits for this transaction.
    """
    ids = list(dict.fromkeys(str(i) for i in event_ids))
    if not ids:
        return set()
    rows = [{"handler": handler, "event_id": i, "processed_at": now} for i in ids]
    return set(bulk_insert(session, inbox, rows, skip_conflicts=["handler", "event_id"], returning="event_id"))
