"""Events published by the feedback service (exchange ``feedback.events``).

No payload carries the asker's name, phone or e-mail, nor a commenter's name or words:
those never leave the service.
"""

from marshmallow import fields

from platform_shared.contracts import EventSchema

QUESTION_RECEIVED = "feedback.question_received"
QUESTION_ASSIGNED = "feedback.question_assigned"
QUESTION_ANSWERED = "feedback.question_answered"
QUESTION_OVERDUE = "feedback.question_overdue"
QUESTION_PUBLISHED = "feedback.question_published"
QUESTION_UNPUBLISHED = "feedback.question_unpublished"
COMMENTS_CHANGED = "feedback.comments_changed"

SCHEMA_VERSION = 1


class _QuestionFact(EventSchema):
    tenant_id = fields.String(required=True, metadata={"description": "the tenant that owns the question now"})
    question_id = fields.String(required=True)
    category = fields.String(required=True)
    received_at = fields.String(required=True)
    due_at = fields.String(required=True, metadata={"description": "end of the last working day allowed"})


class QuestionReceived(_QuestionFact):
    """A worker's question arrived (from a member or a guest). Dashboards count intake."""

    from_member = fields.Boolean(required=True)


class QuestionAssigned(_QuestionFact):
    """A question was given to someone to answer (schema_version 1); notifications tell them
    unless they took it themselves (``assigned_by`` is ``assigned_to``)."""

    assigned_to = fields.String(required=True, metadata={"description": "the user who answers it"})
    assigned_by = fields.String(allow_none=True, load_default=None)
    assigned_at = fields.String(required=True)


class QuestionAnswered(_QuestionFact):
    """The first answer was written (the deadline clock stops here)."""

    answered_at = fields.String(required=True)
    on_time = fields.Boolean(required=True)


class QuestionOverdue(_QuestionFact):
    """No answer by the deadline; ``escalated_to_tenant_id`` (the parent tenant) now sees it too.
    ``assigned_to``: who was to answer it (null when nobody was assigned)."""

    escalated_to_tenant_id = fields.String(allow_none=True, load_default=None)
    assigned_to = fields.String(allow_none=True, load_default=None)


class QuestionPublished(_QuestionFact):
    """An answered question went out on the public Q&A (the gateway clears its cache)."""

    published_at = fields.String(required=True)
    public = fields.Boolean(required=True, metadata={"description": "listed on /public/questions"})


class QuestionUnpublished(_QuestionFact):
    """A published question was taken off the public Q&A."""

    unpublished_at = fields.String(required=True)


COMMENT_CHANGE_REASONS = ("posted", "approved", "hidden", "reported", "article_unpublished")


class CommentsChanged(EventSchema):
    """The publicly visible comments of an article changed (schema_version 1): a comment was
    posted visible at once (no pre-moderation), approved, hidden by a moderator, hidden after
    reports, or every comment was hidden with its unpublished article. A change that leaves the
    visible set as it was (a pending comment hidden, a visible one approved again) is not
    announced. The gateway drops what it cached of the article's page and comments."""

    tenant_id = fields.String(required=True, metadata={"description": "the article's tenant"})
    article_id = fields.String(required=True)
    comment_id = fields.String(
        allow_none=True, load_default=None, metadata={"description": "null when the whole article's comments changed"}
    )
    reason = fields.String(required=True, metadata={"description": ", ".join(COMMENT_CHANGE_REASONS)})
    visible_count = fields.Integer(required=True, metadata={"description": "visible comments of the article now"})
    changed_at = fields.String(required=True)


SCHEMAS = {
    QUESTION_RECEIVED: QuestionReceived,
    QUESTION_ASSIGNED: QuestionAssigned,
    QUESTION_ANSWERED: QuestionAnswered,
    QUESTION_OVERDUE: QuestionOverdue,
    QUESTION_PUBLISHED: QuestionPublished,
    QUESTION_UNPUBLISHED: QuestionUnpublished,
    COMMENTS_CHANGED: CommentsChanged,
}
