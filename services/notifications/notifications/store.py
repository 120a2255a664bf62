"""The only module that queries: notifications scoped by the actor (``policy.own``), and the
handlers' writes."""

from sqlalchemy import func, select, update

from notifications import policy
from notifications.models import Notification
from platform_shared.database import as_uuid, dialect_insert, paginate
from platform_shared.errors import NotFound
from platform_shared.tables import inbox


def not_found(ident):
    return NotFound(
        f"Không tìm thấy thông báo «{ident}».", code="NOTIFICATION_NOT_FOUND", details={"resource": "notification"}
    )


class NotificationStore:
    """The notifications ``actor`` may see: their own."""

    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def _visible(self):
        return select(Notification).where(policy.own(self.actor, Notification))

    def get(self, notification_id, *, for_update=False):
        try:
            ident = as_uuid(notification_id, "notification")
        except NotFound:
            raise not_found(notification_id) from None
        stmt = self._visible().where(Notification.id == ident)
        found = self.session.scalars(stmt.with_for_update() if for_update else stmt).one_or_none()
        if found is None:
            raise not_found(notification_id)
        return found

    def list(self, *, page, per_page, unread=False):
        """Unread first, then newest first."""
        stmt = self._visible()
        if unread:
            stmt = stmt.where(Notification.read_at.is_(None))
        stmt = stmt.order_by(Notification.read_at.is_(None).desc(), Notification.created_at.desc(), Notification.id)
        return paginate(self.session, stmt, page, per_page)

    def unread(self):
        return self.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(policy.own(self.actor, Notification), Notification.read_at.is_(None))
        )

    def mark_all_read(self, now):
        """Every unread one read at ``now``; how many."""
        result = self.session.execute(
            update(Notification)
            .where(policy.own(self.actor, Notification), Notification.read_at.is_(None))
            .values(read_at=now)
        )
        return result.rowcount


class Deliveries:
    """The handlers' side (the system's, no actor): what was handled, and new notifications."""

    def __init__(self, session):
        self.session = session

    def handled(self, handler, event_id):
        """Whether ``handler`` already handled ``event_id`` (a read: no row is written)."""
        found = self.session.execute(
            select(inbox.c.event_id).where(inbox.c.handler == handler, inbox.c.event_id == str(event_id))
        ).first()
        return found is not None

    def add(self, rows):
        """Insert notification rows; one that exists (same person, event and kind) is left as it is.
        Returns how many were new."""
        if not rows:
            return 0
        stmt = dialect_insert(self.session, Notification.__table__).values(rows)
        stmt = stmt.on_conflict_do_nothing(index_elements=["user_id", "source_event_id", "kind"])
        return self.session.execute(stmt).rowcount
