"""The notifications use cases: an event in → notifications for the people it concerns; a person's
list, count and marks. Plain Python: sessions, the store, the domain, and a directory of people.

Recipients are resolved when the event is handled, by asking the accounts service as the system
(``Directory``): who holds a role in a tenant now, which tenant a named user belongs to and
whether they are still active. Accounts is asked *before* the transaction opens (no remote call
while rows are written); a failure there raises, so the handler retries and finally parks the
event — nothing is dropped. The transaction then records the event in the inbox and writes the
rows; ``(user_id, source_event_id, kind)`` is unique as well, so a redelivery writes nothing.
"""

import logging
import uuid

from notifications import domain, views
from notifications.store import Deliveries, NotificationStore
from platform_shared import contracts, inbox
from platform_shared.actor import SYSTEM
from platform_shared.errors import NotFound
from platform_shared.schemas import load
from platform_shared.schemas import notifications as api

log = logging.getLogger("notifications")

PAGE = 100  # users asked of accounts per call (its largest page)
INACTIVE = ("deactivated",)


class TooManyRecipients(Exception):
    """An audience past ``NOTIFICATIONS_MAX_RECIPIENTS``: parked for an operator, not sent."""


class Directory:
    """The people of the platform as the accounts service knows them now, asked as the system.

    ``accounts`` is the RPC proxy (``accounts.list_users``, ``accounts.get_user``)."""

    def __init__(self, accounts, max_recipients=2000):
        self.accounts = accounts
        self.max_recipients = max_recipients

    def named(self, user_ids):
        """The users the event names who still exist and are not deactivated."""
        found = []
        for user_id in user_ids:
            try:
                user = self.accounts.get_user(SYSTEM.dump(), user_id)
            except NotFound:
                log.info("notification recipient %s is unknown to accounts; skipped", user_id)
                continue
            if user.get("status") not in INACTIVE:
                found.append(domain.Person(str(user["id"]), str(user["tenant_id"])))
        return found

    def holders(self, tenant_id, roles):
        """The tenant's users holding one of ``roles`` (deactivated ones left out), each once."""
        found = {}
        for role in roles:
            page = 1
            while True:
                answer = self.accounts.list_users(
                    SYSTEM.dump(), {"tenant_id": tenant_id, "role": role, "page": page, "per_page": PAGE}
                )
                for user in answer["items"]:
                    if user.get("status") not in INACTIVE:
                        found.setdefault(str(user["id"]), domain.Person(str(user["id"]), str(user["tenant_id"])))
                if len(found) > self.max_recipients:
                    raise TooManyRecipients(f"more than {self.max_recipients} {role}s in tenant {tenant_id}")
                if page * answer["per_page"] >= answer["total"]:
                    break
                page += 1
        return list(found.values())

    def resolve(self, audience):
        people = self.named(audience.user_ids) if audience.user_ids else []
        if audience.tenant_id and audience.roles:
            people += self.holders(audience.tenant_id, audience.roles)
        return people


class Notifications:
    def __init__(self, sessions, *, clock, directory):
        self.sessions = sessions
        self.clock = clock
        self.directory = directory

    # -- events in ---------------------------------------------------------------------------

    def deliver(self, handler, event_type, payload):
        """Handle one event for ``handler`` (its name: the inbox key); the number of new
        notifications. Idempotent: an event already handled does nothing, not even ask accounts."""
        event = contracts.contract_for(event_type)().load(payload)
        with self.sessions.read() as session:
            if Deliveries(session).handled(handler, event["event_id"]):
                return 0
        messages = domain.messages(event_type, event)
        notices = domain.notices([(m, self.directory.resolve(m.audience)) for m in messages])
        now = self.clock.now()
        rows = [
            {
                "id": uuid.uuid4(),
                "tenant_id": uuid.UUID(n.person.tenant_id),
                "user_id": uuid.UUID(n.person.user_id),
                "kind": n.message.kind,
                "title": n.message.title,
                "body": n.message.body,
                "link": n.message.link,
                "source_event_id": str(event["event_id"]),
                "source_event_type": event_type,
                "created_at": now,
                "read_at": None,
            }
            for n in notices
        ]
        with self.sessions.transaction() as session:
            if inbox.seen(session, handler, event["event_id"], now=now):
                return 0
            made = Deliveries(session).add(rows)
        log.info("%s: %d notification(s) from %s", handler, made, event["event_id"])
        return made

    # -- a person's own ----------------------------------------------------------------------

    def list(self, actor, args):
        """The actor's notifications, unread first then newest, paginated, with their unread total."""
        args = load(api.NotificationListArgs, args or {})
        with self.sessions.read() as session:
            store = NotificationStore(session, actor)
            rows, total = store.list(page=args["page"], per_page=args["per_page"], unread=args["unread"])
            return views.page(rows, total, args, store.unread())

    def count_unread(self, actor):
        with self.sessions.read() as session:
            return api.UnreadCount().dump({"unread": NotificationStore(session, actor).unread()})

    def mark_read(self, actor, notification_id):
        """Read now (the first time only: a second call keeps the first moment)."""
        with self.sessions.transaction() as session:
            row = NotificationStore(session, actor).get(notification_id, for_update=True)
            if row.read_at is None:
                row.read_at = self.clock.now()
            return views.notification(row)

    def mark_all_read(self, actor):
        with self.sessions.transaction() as session:
            store = NotificationStore(session, actor)
            marked = store.mark_all_read(self.clock.now())
            return api.AllRead().dump({"marked": marked, "unread": store.unread()})
