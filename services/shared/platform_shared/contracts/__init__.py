"""Event contracts, one module per publisher.

Each module names its events (``<service>.<fact in past tense>``) and gives a
marshmallow schema per payload. Every payload carries ``event_id``,
``event_type``, ``occurred_at`` and ``schema_version``; consumers load with the
schema (unknown fields are kept out, so publishers may add fields).
"""

from marshmallow import EXCLUDE, Schema, fields


class EventSchema(Schema):
    """Envelope fields every event payload has."""

    class Meta:
        unknown = EXCLUDE

    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    occurred_at = fields.String(required=True)
    schema_version = fields.Integer(required=True)
