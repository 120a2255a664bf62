"""Public API shapes of the semiannual reports (``/api/v1/reports/semiannual``)."""

from marshmallow import Schema, fields

from platform_shared.schemas import Paragraphs, StrictSchema, Text, in_range, length, one_of, years_pattern
from platform_shared.schemas.polls import CoverageFigures

REPORT_STATUSES = ("draft", "submitted", "merged")
OVERVIEW_STATUSES = ("submitted", "draft", "not_started", "merged", "not_submitted")
EXPORT_FORMATS = ("pdf", "xlsx")


# A half-year: the years polls' reports parse (``polls.reports.domain``: 2000–2100).
PERIOD_PATTERN = f"^{years_pattern(2000, 2100)}-H[12]$"


class ReportArgs(StrictSchema):
    tenant = fields.String(
        validate=length(1, 64),
        metadata={"description": "tenant id or code (default: the signed-in user's tenant)"},
    )
    period = fields.String(
        validate=length(1, 16),
        metadata={
            "description": "2026-H1 (Jan–Jun) or 2026-H2 (Jul–Dec); default: the current one",
            "pattern": PERIOD_PATTERN,
        },
    )


class OverviewArgs(StrictSchema):
    period = fields.String(
        validate=length(1, 16),
        metadata={"description": "2026-H1 or 2026-H2 (default: current)", "pattern": PERIOD_PATTERN},
    )
    status = fields.String(
        validate=one_of(OVERVIEW_STATUSES), metadata={"description": "not_submitted = draft or not_started"}
    )
    page = fields.Integer(load_default=1, validate=in_range(1, 100000))
    per_page = fields.Integer(load_default=100, validate=in_range(1, 200))


class RollupArgs(StrictSchema):
    period = fields.String(
        validate=length(1, 16),
        metadata={"description": "2026-H1 or 2026-H2 (default: current)", "pattern": PERIOD_PATTERN},
    )


class ExportArgs(StrictSchema):
    format = fields.String(required=True, validate=one_of(EXPORT_FORMATS))


class RollupExportArgs(StrictSchema):
    period = fields.String(validate=length(1, 16), metadata={"pattern": PERIOD_PATTERN})
    format = fields.String(load_default="xlsx", validate=one_of(EXPORT_FORMATS))


EVALUATION_MAX = 20000
SIGNER_MAX = 120


def _signer(description):
    return Text(allow_none=True, validate=length(max=SIGNER_MAX), metadata={"description": description})


class EvaluationUpdate(StrictSchema):
    evaluation = Paragraphs(required=True, allow_none=True, validate=length(max=EVALUATION_MAX))
    signer_title = _signer("the signer's title in the signature block, e.g. Chủ tịch (left out: unchanged)")
    signer_name = _signer("the signer's full name (left out: unchanged)")


class SubmitRequest(StrictSchema):
    evaluation = Paragraphs(
        validate=length(max=EVALUATION_MAX), metadata={"description": "replaces the saved evaluation (paragraphs kept)"}
    )
    signer_title = _signer("replaces the saved signer's title")
    signer_name = _signer("replaces the saved signer's name")


def _text_of(fmt):
    """A field documented as ``fmt`` that dumps the text it is given: the replies carry ids,
    days and times as ISO text already (a submitted report's figures are frozen as JSON)."""

    def field(*, metadata=None, **kwargs):
        return fields.String(metadata={"format": fmt, **(metadata or {})}, **kwargs)

    return field


uuid_text, day_text, time_text = _text_of("uuid"), _text_of("date"), _text_of("date-time")


class SectionFigures(Schema):
    section = fields.String()
    name = fields.String()
    submitted = fields.Integer()
    used = fields.Integer()


class ContentFigures(Schema):
    available = fields.Boolean()
    note = fields.String()
    sections = fields.List(fields.Nested(SectionFigures))
    quota_weeks = fields.Dict(metadata={"description": "{total, met}"})


class FeedbackFigures(Schema):
    available = fields.Boolean()
    note = fields.String()
    received = fields.Integer()
    answered = fields.Integer()
    answered_on_time = fields.Integer()
    overdue_open = fields.Integer()


class PollFigure(Schema):
    id = fields.String()
    title = fields.String()
    tenant_id = fields.String(allow_none=True)
    opens_at = fields.String()
    closes_at = fields.String(allow_none=True)
    respondents = fields.Integer()
    eligible = fields.Integer(allow_none=True)
    participation = fields.Float(allow_none=True)


class PollsFigures(Schema):
    available = fields.Boolean()
    note = fields.String()
    held = fields.Integer()
    respondents = fields.Integer()
    eligible = fields.Integer(allow_none=True)
    participation = fields.Float(allow_none=True, metadata={"description": "percent"})
    items = fields.List(fields.Nested(PollFigure))


class Figures(Schema):
    content = fields.Nested(ContentFigures)
    feedback = fields.Nested(FeedbackFigures)
    polls = fields.Nested(PollsFigures)
    coverage = fields.Nested(
        CoverageFigures, metadata={"description": "grassroots coverage (absent in reports submitted before it)"}
    )


class Included(Schema):
    tenant_id = fields.String()
    tenant_name = fields.String()
    starts = day_text(metadata={"description": "from this day (the merge day) on"})
    ends = day_text()


class ReportRead(Schema):
    id = uuid_text()
    tenant_id = uuid_text()
    tenant_name = fields.String()
    tenant_code = fields.String(allow_none=True)
    period = fields.String()
    period_label = fields.String()
    starts = day_text(metadata={"description": "first day (Vietnam)"})
    ends = day_text(metadata={"description": "first day after the period (exclusive)"})
    due_on = day_text(metadata={"description": "the last day to submit (the period's last day)"})
    status = fields.String(
        metadata={"description": "not_started (not opened by the tenant yet), draft, submitted, merged"}
    )
    status_label = fields.String()
    evaluation = fields.String(allow_none=True)
    signer_title = fields.String(allow_none=True)
    signer_name = fields.String(allow_none=True)
    figures = fields.Nested(Figures)
    frozen = fields.Boolean(metadata={"description": "figures are the snapshot taken at submission"})
    includes = fields.List(fields.Nested(Included), metadata={"description": "merged tenants whose figures count"})
    compiled_at = time_text()
    submitted_at = time_text(allow_none=True)
    submitted_by = uuid_text(allow_none=True)
    allowed_actions = fields.List(fields.String())


class ReportStatusRead(Schema):
    """Where a report stands, without its figures (a landing page's card)."""

    id = uuid_text(allow_none=True, metadata={"description": "None until the tenant opens its report"})
    tenant_id = uuid_text()
    tenant_name = fields.String()
    tenant_code = fields.String(allow_none=True)
    period = fields.String()
    period_label = fields.String()
    due_on = day_text()
    status = fields.String(metadata={"description": "not_started, draft, submitted, merged"})
    status_label = fields.String()
    evaluated = fields.Boolean(metadata={"description": "an evaluation is saved"})
    submitted_at = time_text(allow_none=True)


class OverviewItem(Schema):
    tenant_id = uuid_text()
    tenant_code = fields.String()
    tenant_name = fields.String()
    status = fields.String(metadata={"description": "submitted, draft, not_started or merged"})
    status_label = fields.String()
    report_id = uuid_text(allow_none=True)
    submitted_at = time_text(allow_none=True)
    merged_into_id = uuid_text(allow_none=True)


class Overview(Schema):
    period = fields.String()
    period_label = fields.String()
    due_on = day_text(metadata={"description": "the last day to submit"})
    counts = fields.Dict(metadata={"description": "{expected, submitted, not_submitted, merged}"})
    not_submitted = fields.List(fields.Nested(OverviewItem), metadata={"description": "who has not submitted"})
    items = fields.List(fields.Nested(OverviewItem))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class RollupRow(Schema):
    tenant_id = uuid_text()
    tenant_code = fields.String()
    tenant_name = fields.String()
    status = fields.String()
    status_label = fields.String()
    submitted_at = time_text(allow_none=True)
    totals = fields.Dict(allow_none=True)


class Rollup(Schema):
    period = fields.String()
    period_label = fields.String()
    generated_at = time_text()
    desk_name = fields.String(allow_none=True, metadata={"description": "the overseeing desk (Propaganda Dept)"})
    counts = fields.Dict()
    totals = fields.Dict(metadata={"description": "sums over the submitted reports"})
    sections = fields.List(fields.Nested(SectionFigures))
    tenants = fields.List(fields.Nested(RollupRow))
