"""RPC methods and timer of the articles, mixed into ContentService. Thin.

Replies are ``ArticleRead`` dumps (``platform_shared.schemas.content``). Callers: the gateway.
"""

from platform_shared import transport
from platform_shared.actor import Actor
from platform_shared.rpc import rpc
from platform_shared.timers import every

EXPECTED = transport.EXPECTED


class ArticlesRpc:
    @rpc(expected_exceptions=EXPECTED)
    def create_article(self, actor, data):
        """A draft in a section (writers of a tenant). Raises InvalidInput, Forbidden, Unavailable (media)."""
        return self.app.articles.create(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def update_article(self, actor, article_id, data):
        """Edit (new revision). Raises Conflict (locked, published, not editable), NotFound, InvalidInput."""
        return self.app.articles.update(Actor.load(actor), article_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def transition_article(self, actor, article_id, action, data=None):
        """submit/open/return/reject/approve/schedule/publish/unpublish. Raises Conflict listing allowed actions."""
        return self.app.articles.transition(Actor.load(actor), article_id, action, data)

    @rpc(expected_exceptions=EXPECTED)
    def correct_article(self, actor, article_id, data):
        """A correction of a published article: a new published revision (the article's desk)."""
        return self.app.articles.correct(Actor.load(actor), article_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def get_article(self, actor, article_id):
        """One article the actor may see, with its workflow history. Raises NotFound."""
        return self.app.articles.get(Actor.load(actor), article_id)

    @rpc(expected_exceptions=EXPECTED)
    def list_articles(self, actor, args=None):
        """The articles the actor may see (``status``, ``section``, ``mine``, ``q``), paginated."""
        return self.app.articles.list(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def count_waiting_articles(self, actor):
        """``WaitingArticlesRead``: how many of the actor's articles and of their desk's queue wait, and the oldest."""
        return self.app.articles.waiting(Actor.load(actor))

    @rpc(expected_exceptions=EXPECTED)
    def list_revisions(self, actor, article_id):
        """``[RevisionRead]`` of an article the actor may see. Raises NotFound."""
        return self.app.articles.revisions(Actor.load(actor), article_id)

    @rpc(expected_exceptions=EXPECTED)
    def diff_revisions(self, actor, article_id, args):
        """What changed between revisions ``from`` and ``to``. Raises NotFound, InvalidInput."""
        return self.app.articles.diff(Actor.load(actor), article_id, args)

    @every("CONTENT_PUBLISH_INTERVAL_SECONDS", 15)
    def publish_scheduled(self):
        """Publish the scheduled articles whose time has come (several replicas publish each once)."""
        return self.app.articles.publish_due()
