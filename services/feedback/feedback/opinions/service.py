"""RPC methods of the members' opinions, mixed into FeedbackService. Thin."""

from platform_shared import transport
from platform_shared.actor import Actor
from platform_shared.rpc import rpc

EXPECTED = transport.EXPECTED


class OpinionsRpc:
    """Uses the service's ``app`` (``feedback.operations.Feedback``)."""

    @rpc(expected_exceptions=EXPECTED)
    def create_topic(self, actor, data):
        """A topic for members' opinions (tenant admins; the VGCL's are national). Raises Forbidden, InvalidInput."""
        return self.app.opinions.create_topic(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def list_topics(self, actor, args=None):
        """The topics the actor may answer: national ones and the own tenant's; anonymous: the open
        national ones (read-only; ``give_opinion`` needs a signed-in member). Raises InvalidInput."""
        return self.app.opinions.list_topics(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def get_topic(self, actor, topic_id, args=None):
        """One topic the actor's list shows (anonymous: an open national one), with ``accepting``
        (it takes opinions today) and, for the staff who work its opinions, ``opinion_counts``;
        ``args.moderated``: only a topic whose opinions the actor works (the workspace). Raises NotFound."""
        return self.app.opinions.get_topic(Actor.load(actor), topic_id, args)

    @rpc(expected_exceptions=EXPECTED)
    def topic_action(self, actor, topic_id, action, data=None):
        """``close`` an open topic of the actor's tenant or ``open`` a closed one again (``data.closes_on``:
        a new closing day). Tenant admins (platform admins: any topic). Raises Forbidden, NotFound
        (another tenant's topic, an unknown action), Conflict (already in that state), InvalidInput
        (reopened with a closing day already past)."""
        return self.app.opinions.topic_action(Actor.load(actor), topic_id, action, data)

    @rpc(expected_exceptions=EXPECTED)
    def give_opinion(self, actor, data):
        """A member's opinion on an open topic, held for moderation. Raises Conflict (closed), RateLimited."""
        return self.app.opinions.give_opinion(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def list_opinions(self, actor, args=None):
        """The topic tenant's staff: every opinion; others: the published ones."""
        return self.app.opinions.list_opinions(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def opinion_action(self, actor, opinion_id, action, data=None):
        """publish/hide/answer an opinion (the topic tenant's staff). Raises NotFound, Conflict."""
        return self.app.opinions.moderate_opinion(Actor.load(actor), opinion_id, action, data)
