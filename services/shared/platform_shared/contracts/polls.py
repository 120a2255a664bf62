"""Events published by the polls service (exchange ``polls.events``), and the intake queue.

The gateway keeps a cache of poll definitions and drops a poll from it on any of
these facts. ``RESPONSES_QUEUE`` is not an event: it is the durable queue the gateway
publishes responses to (persistent, with publisher confirms) and the polls service's
batch consumer drains.
"""

from marshmallow import fields

from platform_shared.contracts import EventSchema

POLL_OPENED = "polls.poll_opened"
POLL_CHANGED = "polls.poll_changed"
POLL_CLOSED = "polls.poll_closed"
RESULTS_PUBLISHED = "polls.results_published"

RESPONSES_QUEUE = "polls.responses"
SCHEMA_VERSION = 1


class _PollFact(EventSchema):
    poll_id = fields.String(required=True)
    tenant_id = fields.String(required=True, metadata={"description": "the owner (VGCL's tenant for platform polls)"})
    scope = fields.String(required=True, metadata={"description": "platform or tenant"})
    title = fields.String(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)


class PollOpened(_PollFact):
    """A poll takes answers from ``opens_at`` to ``closes_at`` (ISO, UTC)."""

    opens_at = fields.String(required=True)
    closes_at = fields.String(required=True)


class PollChanged(_PollFact):
    """The definition or the audience of a poll changed (a tenant merge, a re-parenting)."""

    reason = fields.String(required=True)


class PollClosed(_PollFact):
    """No more answers are taken; ``respondents`` were counted at that moment."""

    closed_at = fields.String(required=True)
    respondents = fields.Integer(required=True)


class ResultsPublished(_PollFact):
    published_at = fields.String(required=True)
    respondents = fields.Integer(required=True)


SCHEMAS = {
    POLL_OPENED: PollOpened,
    POLL_CHANGED: PollChanged,
    POLL_CLOSED: PollClosed,
    RESULTS_PUBLISHED: ResultsPublished,
}
