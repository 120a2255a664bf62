"""The use cases of royalty items: list, read, score, the overdue list. Plain Python.

Items themselves are opened by the publication events (``items/publications.py``).
Every reply is an ``ItemRead`` dump (a page of them for the lists).
"""

from platform_shared.schemas import load
from platform_shared.schemas import royalties as api
from platform_shared.views import page, uuid_or_none
from royalties import domain, policy
from royalties.items import domain as rules
from royalties.items.store import Items
from royalties.items.views import item_view
from royalties.rates.store import Rates

ITEM, ITEMS, OVERDUE = api.ItemRead(), api.ItemPage(), api.OverduePage()


class RoyaltyItems:
    def __init__(self, sessions, *, clock, settings=None):
        self.sessions = sessions
        self.clock = clock

    def _today(self):
        return domain.local_date(self.clock.now())

    def list(self, actor, args):
        """Items the actor may see (the paying desk's staff, the payee), filtered and paginated."""
        policy.require_reader(actor)
        args = load(api.ItemListArgs, args or {})
        with self.sessions.read() as session:
            items, total = Items(session, actor).page(args)
            book, today = Rates(session).book(), self._today()
            return ITEMS.dump(page([item_view(i, book, today) for i in items], total, args))

    def get(self, actor, item_id):
        """One item with its amount and its genre's maximum. Raises NotFound (also for another tenant's)."""
        policy.require_reader(actor)
        with self.sessions.read() as session:
            item = Items(session, actor).get(item_id)
            return ITEM.dump(item_view(item, Rates(session).book(), self._today()))

    def score(self, actor, item_id, data):
        """Set the coefficient (within the genre's range on the publication day) and compute the amount.

        Raises NotFound, Forbidden (not the paying desk's editor or officer), Conflict (not
        scorable any more), InvalidInput (out of range)."""
        policy.require_reader(actor)
        data = load(api.Score, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            item = Items(session, actor).get(item_id, for_update=True)
            policy.require_scorer(actor, item)
            book = Rates(session).book()
            rules.score(
                item,
                book,
                coefficient=data["coefficient"],
                adjustments=data["adjustments"],
                by=uuid_or_none(actor.user_id),
                at=now,
            )
            return ITEM.dump(item_view(item, book, domain.local_date(now)))

    def overdue(self, actor, args):
        """Items not paid 60 days after publication (withdrawn and reversed ones excluded), as of ``on``."""
        policy.require_reader(actor)
        args = load(api.OverdueArgs, args or {})
        on = args.get("on") or self._today()
        with self.sessions.read() as session:
            items, total = Items(session, actor).overdue(on, args["page"], args["per_page"])
            book = Rates(session).book()
            views = [item_view(i, book, on) for i in items]
        return OVERDUE.dump({**page(views, total, args), "on": on.isoformat()})
