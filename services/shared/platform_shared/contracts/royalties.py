"""Events published by the royalties service (exchange ``royalties.events``)."""

from marshmallow import fields

from platform_shared.contracts import EventSchema

STATEMENT_APPROVED = "royalties.statement_approved"
STATEMENT_PAID = "royalties.statement_paid"


class StatementApproved(EventSchema):
    """A tenant's monthly statement was approved: its ledger entries are final (integer VND)."""

    tenant_id = fields.String(required=True)
    statement_id = fields.String(required=True)
    period = fields.String(required=True, metadata={"description": "YYYY-MM"})
    gross = fields.Integer(required=True)
    withheld = fields.Integer(required=True)
    net = fields.Integer(required=True)
    payees = fields.Integer(required=True)
    approved_at = fields.String(required=True)


class StatementPaid(EventSchema):
    """An approved statement was paid (date and payment reference)."""

    tenant_id = fields.String(required=True)
    statement_id = fields.String(required=True)
    period = fields.String(required=True)
    net = fields.Integer(required=True)
    paid_on = fields.String(required=True)
    reference = fields.String(required=True)


SCHEMAS = {STATEMENT_APPROVED: StatementApproved, STATEMENT_PAID: StatementPaid}
