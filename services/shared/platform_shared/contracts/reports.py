"""Events about the semiannual reports, published by the polls service (exchange ``polls.events``).

The reports live in the polls service (one database with the polls they count), so their
events are ``polls.*`` events like the polls' own.
"""

from marshmallow import fields

from platform_shared.contracts import EventSchema

REPORT_REMINDER_DUE = "polls.report_reminder_due"
REPORT_SUBMITTED = "polls.report_submitted"

SCHEMA_VERSION = 1


class ReportReminderDue(EventSchema):
    """A tenant has not yet submitted its report and the period ends within two weeks.

    Written once per tenant and period by a timer in the last two weeks of June and December
    (Vietnam time). Consumers (notifications) tell the tenant's administrators.
    """

    tenant_id = fields.String(required=True)
    period = fields.String(required=True, metadata={"description": "2026-H1 or 2026-H2"})
    period_label = fields.String(required=True, metadata={"description": "6 tháng đầu năm 2026"})
    due_on = fields.String(required=True, metadata={"description": "last day of the period, ISO date"})
    report_id = fields.String(allow_none=True, load_default=None)


class ReportSubmitted(EventSchema):
    """A tenant submitted its semiannual report; its figures are frozen from now on."""

    report_id = fields.String(required=True)
    tenant_id = fields.String(required=True)
    period = fields.String(required=True)
    submitted_at = fields.String(required=True)
    submitted_by = fields.String(allow_none=True, load_default=None)


SCHEMAS = {
    REPORT_REMINDER_DUE: ReportReminderDue,
    REPORT_SUBMITTED: ReportSubmitted,
}
