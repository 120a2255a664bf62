"""Items from content's publication events. Plain Python: sessions, stores, the item rules.

Event appliers (``apply_*``) run inside the handler's transaction, after its inbox
check, so an event's effects and its inbox record commit together. Each event
handled is recorded (``received_event``) with what came of it, for the reconciliation.

Who pays (the item's ``tenant_id``): a central section on the portal → the desk
tenant by code (``settings.desks``), following merges; a component sub-site → the
article's own tenant, following merges.
"""

import uuid
from dataclasses import dataclass

from platform_shared.actor import SYSTEM
from platform_shared.tenant_directory import TenantDirectory
from platform_shared.views import parse_time, uuid_or_none
from royalties import domain
from royalties.items import domain as rules
from royalties.items.store import Articles, Items, ReceivedEvents, unseen
from royalties.models import Item, TenantCopy
from royalties.settings import Settings
from royalties.statements.store import Ledger


class UnknownDesk(RuntimeError):
    """The desk tenant of a central section is not in the tenant copy yet (retried, then parked)."""


@dataclass(frozen=True)
class _NewArticle:
    id: uuid.UUID
    tenant_id: uuid.UUID


# The columns a new item leaves empty, so bulk rows name every column (one statement shape).
_UNSCORED = dict.fromkeys(
    (
        "coefficient",
        "unit_value",
        "site_share",
        "amount",
        "scored_by",
        "scored_at",
        "statement_id",
        "reversed_at",
        "paid_on",
    )
)


class Publications:
    def __init__(self, sessions, *, clock, settings=None):
        self.sessions = sessions
        self.clock = clock
        self.settings = settings or Settings()

    def _payer(self, session, event):
        """Who pays: the desk owning a central section on the portal; the tenant itself on its sub-site."""
        tenants = TenantDirectory(session, TenantCopy)
        code = self.settings.desks.get(event["section"])
        if code and event["site"] == "portal":
            desk = tenants.by_code(code)
            if desk is None:
                raise UnknownDesk(f"desk tenant {code!r} of section {event['section']!r} is not known yet")
            return tenants.surviving_id(desk.id)
        return tenants.surviving_id(event["tenant_id"])

    def _article(self, session, event, occurred, status):
        payer = self._payer(session, event)
        article = Articles(session, SYSTEM).lock(
            uuid.UUID(event["article_id"]),
            {
                "tenant_id": payer,
                "author_tenant_id": uuid.UUID(event["tenant_id"]),
                "section": event["section"],
                "status": status,
                "last_event_at": occurred,
                "updated_at": self.clock.now(),
            },
        )
        return article, payer

    def apply_published(self, session, event, *, new_work=False):
        """Open one item per payee of the revision that counts; reopen items voided by an earlier withdrawal.

        Counting revisions: the first publication, and a correction the desk marked as a
        new work; a photo earns once per article (``rules.payees_due``). A re-publication pays
        nothing new. A publication older than a withdrawal already applied (events out of
        order) opens its items voided.
        """
        now = self.clock.now()
        occurred = parse_time(event["occurred_at"])
        published_at = parse_time(event.get("corrected_at") if new_work else event["published_at"])
        article, payer = self._article(session, event, occurred, "published")
        stale = article.status == "withdrawn" and article.last_event_at > occurred
        if not stale:
            article.status, article.last_event_at, article.updated_at = (
                "published",
                max(occurred, article.last_event_at),
                now,
            )
        items = Items(session, SYSTEM).of_article(article.id)
        created = reopened = 0
        counts = new_work or event.get("first_publication", True) or not items
        due = rules.payees_due(rules.payees(event), items, event["revision"]) if counts else []
        if counts:
            have = {(i.revision, i.payee_key) for i in items}
            for payee in due:
                if (event["revision"], payee.key) in have:
                    continue
                session.add(Item(**_item_row(event, article, payee, published_at, stale, now)))
                created += 1
        if not stale and not new_work:
            reopened = sum(rules.reopen(item) for item in items)
        outcome = "stale" if stale else ("opened" if counts else ("reopened" if reopened else "republished"))
        ReceivedEvents(session, SYSTEM).record_event(
            event,
            tenant_id=payer,
            article_id=article.id,
            period=domain.period_of(published_at),
            occurred_at=occurred,
            received_at=now,
            expected_items=len(due),
            created_items=created + reopened,
            outcome=outcome,
        )
        return created + reopened

    def apply_published_batch(self, session, events, *, handler="handle_article_published"):
        """A batch of publications in one transaction (the intake consumer); returns items opened.

        Events already handled (the inbox) and repeats within the batch are skipped. A
        publication of an article heard of for the first time takes the bulk path (a few
        statements for the whole batch); anything else goes through ``apply_published``,
        one by one, under the article's lock — the same rules either way.
        """
        now = self.clock.now()
        fresh = unseen(session, handler, [e["event_id"] for e in events], now)
        todo, seen_ids = [], set()
        for event in events:
            if event["event_id"] in fresh and event["event_id"] not in seen_ids:
                seen_ids.add(event["event_id"])
                todo.append(event)
        if not todo:
            return 0
        payers, per_article = {}, {}
        for event in todo:
            per_article.setdefault(event["article_id"], []).append(event)
            key = (event["section"], event["site"], event["tenant_id"])
            if key not in payers:
                payers[key] = self._payer(session, event)
        singles = [es[0] for es in per_article.values() if len(es) == 1]
        created = Articles(session, SYSTEM).create_new(
            [
                {
                    "id": uuid.UUID(e["article_id"]),
                    "tenant_id": payers[(e["section"], e["site"], e["tenant_id"])],
                    "author_tenant_id": uuid.UUID(e["tenant_id"]),
                    "section": e["section"],
                    "status": "published",
                    "last_event_at": parse_time(e["occurred_at"]),
                    "updated_at": now,
                }
                for e in singles
            ]
        )
        items, received, opened = [], [], 0
        for event in todo:
            article_id = uuid.UUID(event["article_id"])
            if article_id not in created:
                opened += self.apply_published(session, event)
                continue
            published_at = parse_time(event["published_at"])
            payer = payers[(event["section"], event["site"], event["tenant_id"])]
            payees = rules.payees(event)
            article = _NewArticle(article_id, payer)
            items += [_item_row(event, article, p, published_at, False, now) for p in payees]
            received.append(
                {
                    "event_id": event["event_id"],
                    "tenant_id": payer,
                    "event_type": event["event_type"],
                    "article_id": article_id,
                    "revision": event["revision"],
                    "period": domain.period_of(published_at),
                    "occurred_at": parse_time(event["occurred_at"]),
                    "received_at": now,
                    "expected_items": len(payees),
                    "created_items": len(payees),
                    "outcome": "opened",
                }
            )
            opened += len(payees)
        Items(session, SYSTEM).add_many(items)
        ReceivedEvents(session, SYSTEM).record_many(received)
        return opened

    def apply_corrected(self, session, event):
        """A correction pays only when the desk marked it as a new work."""
        if event["new_work"]:
            return self.apply_published(session, event, new_work=True)
        occurred = parse_time(event["occurred_at"])
        article, payer = self._article(session, event, occurred, "published")
        ReceivedEvents(session, SYSTEM).record_event(
            event,
            tenant_id=payer,
            article_id=article.id,
            period=domain.period_of(parse_time(event["corrected_at"])),
            occurred_at=occurred,
            received_at=self.clock.now(),
            outcome="not_new_work",
        )
        return 0

    def apply_unpublished(self, session, event):
        """Withdrawal: open items are voided; approved ones get a reversal entry for the next statement."""
        now = self.clock.now()
        occurred = parse_time(event["occurred_at"])
        article, payer = self._article(session, event, occurred, "withdrawn")
        stale = article.status == "published" and article.last_event_at > occurred
        voided = reversed_ = 0
        if not stale:
            article.status, article.last_event_at, article.updated_at = (
                "withdrawn",
                max(occurred, article.last_event_at),
                now,
            )
            ledger = Ledger(session, SYSTEM)
            for item in Items(session, SYSTEM).of_article(article.id):
                change = rules.withdraw(item, at=now, reason=event.get("reason"))
                if change == "voided":
                    voided += 1
                elif change == "reversed":
                    ledger.add_reversal(item, now)
                    reversed_ += 1
        ReceivedEvents(session, SYSTEM).record_event(
            event,
            tenant_id=payer,
            article_id=article.id,
            period=domain.period_of(parse_time(event["unpublished_at"])),
            occurred_at=occurred,
            received_at=now,
            created_items=0,
            outcome="stale" if stale else ("reversed" if reversed_ else "voided"),
        )
        return voided + reversed_


def _item_row(event, article, payee, published_at, stale, now):
    """A new item's columns (all of them: the batch path inserts rows of one shape)."""
    published_on = domain.local_date(published_at)
    return dict(
        id=uuid.uuid4(),
        tenant_id=article.tenant_id,
        author_tenant_id=uuid.UUID(event["tenant_id"]),
        article_id=article.id,
        revision=event["revision"],
        source_event_id=event["event_id"],
        kind=payee.kind,
        payee_key=payee.key,
        payee_user_id=uuid_or_none(payee.user_id),
        payee_name=payee.name,
        asset_id=uuid_or_none(payee.asset_id),
        share=payee.share,
        section=event["section"],
        genre=payee.genre,
        site=event["site"],
        title=event["title"][:300],
        published_at=published_at,
        published_on=published_on,
        due_on=domain.due_on(published_on),
        status="voided" if stale else "pending_score",
        adjustments=[],
        voided_at=now if stale else None,
        void_reason=rules.STALE_REASON if stale else None,
        created_at=now,
        **_UNSCORED,
    )
