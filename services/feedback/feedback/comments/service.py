"""RPC methods and the event handler of the comments on articles, mixed into FeedbackService. Thin."""

import logging

from platform_shared import inbox, transport
from platform_shared.actor import SYSTEM, Actor
from platform_shared.contracts import content as content_events
from platform_shared.handlers import handle_event
from platform_shared.rpc import rpc

EXPECTED = transport.EXPECTED
log = logging.getLogger("feedback")


class CommentsRpc:
    """Uses the service's ``app`` (``feedback.operations.Feedback``), ``db`` and ``accounts``."""

    @rpc(expected_exceptions=EXPECTED)
    def add_comment(self, actor, article_id, data, client_address=None):
        """A comment on a published article (asks content). Raises NotFound, Forbidden, InvalidInput, RateLimited."""
        actor = Actor.load(actor)
        name = None
        if actor.user_id:
            try:
                name = self.accounts.get_user(SYSTEM.dump(), actor.user_id)["full_name"]
            except Exception:  # a display name is a nicety; the comment does not depend on it
                log.warning("could not fetch the commenter's name")
        return self.app.comments.comment(actor, article_id, data, client_address, author_name=name)

    @rpc(expected_exceptions=EXPECTED)
    def list_comments(self, actor, article_id, args=None):
        """Published comments of an article (anyone: the author's display name, never an account id);
        ``status=pending|hidden`` for its moderators. Raises NotFound (not a published article)."""
        return self.app.comments.article_comments(Actor.load(actor), article_id, args)

    @rpc(expected_exceptions=EXPECTED)
    def comment_rules(self, actor, article_id):
        """Before the form is sent: may this actor comment on the article (a guest: where the
        section allows it), must a guest give a name, will the comment wait for a moderator.
        Anyone calls it (the portal's article page). Raises NotFound (not a published article)."""
        return self.app.comments.comment_rules(Actor.load(actor), article_id)

    @rpc(expected_exceptions=EXPECTED)
    def moderation_queue(self, actor, args=None):
        """The moderator's tenant's comments waiting (default), reported and not decided on since,
        hidden or published, with their reports (reason, time) and article. Raises Forbidden, InvalidInput."""
        return self.app.comments.moderation_queue(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def count_waiting_moderation(self, actor):
        """``{comments_pending, comments_reported, opinions_pending}`` waiting for the actor (None
        where the role is not theirs): the workspace's landing card, one read. Raises Unauthorized."""
        return self.app.waiting_moderation(Actor.load(actor))

    @rpc(expected_exceptions=EXPECTED)
    def list_comment_settings(self, actor):
        """The comment settings of the sections the actor sees (asks content's ``list_sections``
        as the actor), each with ``may_change``. Moderators and admins. Raises Forbidden."""
        return self.app.comments.list_comment_settings(Actor.load(actor))

    @rpc(expected_exceptions=EXPECTED)
    def report_comment(self, actor, comment_id, data=None):
        """A signed-in user reports a comment; 3 distinct users hide it. Raises NotFound."""
        return self.app.comments.report_comment(Actor.load(actor), comment_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def comment_action(self, actor, comment_id, action):
        """approve/hide a comment (the article tenant's moderators). Raises NotFound, Conflict."""
        return self.app.comments.moderate_comment(Actor.load(actor), comment_id, action)

    @rpc(expected_exceptions=EXPECTED)
    def put_comment_settings(self, actor, data):
        """Pre-moderation and guest comments of a section (a sub-site's: one content knows, asked
        as the actor). Raises Forbidden, InvalidInput (``UNKNOWN_SECTION``)."""
        return self.app.comments.put_comment_settings(Actor.load(actor), data)

    @handle_event("content", content_events.ARTICLE_UNPUBLISHED)
    def handle_article_unpublished(self, payload):
        """The article's comments are hidden; a moderator cannot bring them back."""
        event = content_events.ArticleUnpublished().load(payload)
        with self.db.transaction() as session:
            if inbox.seen(session, "handle_article_unpublished", event["event_id"]):
                return
            self.app.comments.hide_article_comments(session, event["article_id"], event["tenant_id"])
