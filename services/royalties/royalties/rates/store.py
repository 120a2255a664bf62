"""Queries of the rate tables (the same for every tenant: not tenant-owned)."""

from sqlalchemy import and_, select
from sqlalchemy import exists as sql_exists
from sqlalchemy.orm import aliased

from royalties import domain
from royalties.models import Rate


class Rates:
    def __init__(self, session):
        self.session = session

    def book(self):
        """Every rate row as a ``RateBook`` (a small table: one query)."""
        return domain.RateBook(
            domain.RateRow(r.kind, r.key, r.effective_from, r.value, r.min_value, r.threshold)
            for r in self.session.scalars(select(Rate)).all()
        )

    def list(self, kind=None, on=None):
        """Rows by kind, key and date; of one kind, and only those in force on day ``on``, when given.

        In force on ``on``: from on or before that day, with no later row of the same kind
        and key from on or before it.
        """
        stmt = select(Rate).order_by(Rate.kind, Rate.key, Rate.effective_from)
        if kind:
            stmt = stmt.where(Rate.kind == kind)
        if on:
            later = aliased(Rate)
            stmt = stmt.where(
                Rate.effective_from <= on,
                ~sql_exists().where(
                    and_(
                        later.kind == Rate.kind,
                        later.key == Rate.key,
                        later.effective_from > Rate.effective_from,
                        later.effective_from <= on,
                    )
                ),
            )
        return self.session.scalars(stmt).all()

    def exists(self, kind, key, effective_from):
        return (
            self.session.scalar(
                select(Rate.id).where(Rate.kind == kind, Rate.key == key, Rate.effective_from == effective_from)
            )
            is not None
        )

    def add(self, **values):
        """A new row, flushed (its id known)."""
        row = Rate(**values)
        self.session.add(row)
        self.session.flush()
        return row
