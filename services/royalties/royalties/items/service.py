"""RPC methods and event handlers of royalty items, mixed into RoyaltiesService. Thin.

The use cases live in ``items.operations`` (reading, scoring) and ``items.publications``
(content's events in). Handler names are part of their queue names: frozen.
"""

from platform_shared import inbox, transport
from platform_shared.actor import Actor
from platform_shared.contracts import content as content_events
from platform_shared.handlers import handle_event
from platform_shared.rpc import rpc
from royalties.dependencies import UseCases
from royalties.intake import handle_event_batch
from royalties.items.operations import RoyaltyItems
from royalties.items.publications import Publications

EXPECTED = transport.EXPECTED


class ItemsRpc:
    royalty_items = UseCases(RoyaltyItems)
    publications = UseCases(Publications)

    @rpc(expected_exceptions=EXPECTED)
    def list_items(self, actor, args=None):
        """Items the actor may see (paying desk's staff, the payee), filtered and paginated. Raises InvalidInput."""
        return self.royalty_items.list(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def get_item(self, actor, item_id):
        """One item with its amount and the genre's maximum. Raises NotFound."""
        return self.royalty_items.get(Actor.load(actor), item_id)

    @rpc(expected_exceptions=EXPECTED)
    def score_item(self, actor, item_id, data):
        """Desk editors / royalty officers set the coefficient. Raises InvalidInput (above the limit), Conflict, Forbidden."""
        return self.royalty_items.score(Actor.load(actor), item_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def overdue_items(self, actor, args=None):
        """Items not paid 60 days after publication. Raises InvalidInput."""
        return self.royalty_items.overdue(Actor.load(actor), args)

    # -- events in --------------------------------------------------------------------------------

    @handle_event_batch("content", content_events.ARTICLE_PUBLISHED)
    def handle_article_published(self, payloads):
        """A batch of publications → items, in one transaction (idempotent through the inbox)."""
        schema = content_events.ArticlePublished()
        events = [schema.load_fast(p) for p in payloads]
        with self.db.transaction() as session:
            self.publications.apply_published_batch(session, events)

    @handle_event("content", content_events.ARTICLE_UNPUBLISHED)
    def handle_article_unpublished(self, payload):
        """A withdrawal voids open items and reverses approved ones."""
        event = content_events.ArticleUnpublished().load(payload)
        with self.db.transaction() as session:
            if not inbox.seen(session, "handle_article_unpublished", event["event_id"]):
                self.publications.apply_unpublished(session, event)

    @handle_event("content", content_events.ARTICLE_CORRECTED)
    def handle_article_corrected(self, payload):
        """A correction marked as new work opens items for its revision."""
        event = content_events.ArticleCorrected().load(payload)
        with self.db.transaction() as session:
            if not inbox.seen(session, "handle_article_corrected", event["event_id"]):
                self.publications.apply_corrected(session, event)
