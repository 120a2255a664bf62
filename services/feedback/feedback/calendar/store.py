"""The only module that queries the holiday table."""

from sqlalchemy import select

from feedback.calendar.models import Holiday


class Holidays:
    def __init__(self, session):
        self.session = session

    def rows(self, start=None, end=None):
        """The holidays and worked weekend days in [start, end), by day."""
        stmt = select(Holiday).order_by(Holiday.day)
        if start:
            stmt = stmt.where(Holiday.day >= start)
        if end:
            stmt = stmt.where(Holiday.day < end)
        return self.session.scalars(stmt).all()

    def any_between(self, start, end):
        """Whether the table has a row in [start, end)."""
        return (
            self.session.scalar(select(Holiday.day).where(Holiday.day >= start, Holiday.day < end).limit(1)) is not None
        )

    def get(self, day):
        return self.session.get(Holiday, day)

    def put(self, day, name, working_day, now):
        """Add or change the row of ``day``; the row."""
        row = self.get(day)
        if row is None:
            row = Holiday(day=day)
            self.session.add(row)
        row.name, row.working_day, row.updated_at = name, working_day, now
        return row

    def delete(self, row):
        self.session.delete(row)
