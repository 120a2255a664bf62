"""Request and response shapes of the accounts API (``/auth``, ``/me``, ``/tenants``,
``/units``, ``/users``, ``/staff``, ``/members``)."""

import base64

from marshmallow import ValidationError, fields, validate, validates_schema

from platform_shared.actor import ROLES
from platform_shared.schemas import PageArgs, Schema, Storable, StrictSchema, length, one_of
from platform_shared.schemas import Text as _Text

TENANT_KINDS = (
    "confederation",
    "provincial_federation",
    "sectoral_union",
    "corporate_union",
    "department",
    "newspaper",
)
TENANT_STATUSES = ("active", "merged", "suspended")
UNIT_KINDS = ("grassroots", "upper_grassroots", "trade_union_group", "other")
UNIT_STATUSES = ("active", "archived")
USER_STATUSES = ("invited", "active", "deactivated")
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,31}$"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

_code = validate.Regexp(CODE_PATTERN, error="Mã gồm 2–32 ký tự: chữ không dấu, số, '-', '_' hoặc '.'.")


class Text(Storable, _Text):
    """Text a person writes (a name, a position): NFC, blanks trimmed, nothing PostgreSQL cannot store."""


_slug = validate.Regexp(SLUG_PATTERN, error="Đường dẫn chỉ gồm chữ thường không dấu, số và dấu '-'.")


# -- auth ---------------------------------------------------------------------


class LoginRequest(StrictSchema):
    username = fields.String(required=True, validate=length(1, 254))
    password = fields.String(required=True, validate=length(1, 1024))


class RefreshRequest(StrictSchema):
    refresh_token = fields.String(required=True, validate=length(20, 200))


class ActivateRequest(StrictSchema):
    token = fields.String(required=True, validate=length(20, 200))
    password = fields.String(required=True, validate=length(1, 1024))


class ChangePasswordRequest(StrictSchema):
    current_password = fields.String(required=True, validate=length(1, 1024))
    new_password = fields.String(
        required=True,
        validate=length(1, 1024),
        metadata={"description": "8–128 ký tự, không phổ biến, khác tên đăng nhập và mật khẩu hiện tại"},
    )
    refresh_token = fields.String(
        validate=length(20, 200),
        metadata={"description": "mã làm mới của phiên này, nếu có: phiên mới giữ thời điểm đăng nhập của nó"},
    )


class TokenPair(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)


class Jwks(Schema):
    keys = fields.List(fields.Dict(), required=True)


class LogoutResult(Schema):
    revoked = fields.Boolean(required=True, metadata={"description": "false for a token that was not known"})


# -- tenants ------------------------------------------------------------------


class TenantCreate(StrictSchema):
    code = fields.String(required=True, validate=_code)
    name = Text(required=True, validate=length(2, 255))
    short_name = Text(load_default=None, allow_none=True, validate=length(1, 120))
    kind = fields.String(required=True, validate=one_of(TENANT_KINDS))
    parent_id = fields.UUID(required=True, allow_none=True)
    slug = fields.String(load_default=None, allow_none=True, validate=[length(2, 80), _slug])


class TenantUpdate(StrictSchema):
    name = Text(validate=length(2, 255))
    short_name = Text(allow_none=True, validate=length(1, 120))
    parent_id = fields.UUID(allow_none=True)
    slug = fields.String(validate=[length(2, 80), _slug])
    status = fields.String(validate=one_of(("active", "suspended")))


class TenantRead(Schema):
    id = fields.UUID(required=True)
    code = fields.String(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    short_name = fields.String(allow_none=True)
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    parent_id = fields.UUID(allow_none=True)
    status = fields.String(required=True)
    merged_into_id = fields.UUID(allow_none=True)
    merged_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class TenantListArgs(PageArgs):
    kind = fields.String(validate=one_of(TENANT_KINDS))
    status = fields.String(validate=one_of(TENANT_STATUSES))
    parent_id = fields.UUID()
    q = Text(validate=length(1, 100))


class MergeRequest(StrictSchema):
    into = fields.UUID(required=True)


class ImportCredential(Schema):
    tenant_code = fields.String(required=True)
    username = fields.String(required=True)
    activation_token = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class TenantImportArgs(StrictSchema):
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "check the file and say what it would create; nothing is written"},
    )


class ImportPlanned(Schema):
    """A row of the file that creates a tenant (and its administrator's account)."""

    row = fields.Integer(required=True, metadata={"description": "line of the file (the header is line 1)"})
    code = fields.String(required=True)
    name = fields.String(required=True)
    short_name = fields.String(allow_none=True)
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    parent_code = fields.String(required=True)
    slug = fields.String(required=True)
    admin_name = fields.String(required=True)
    admin_email = fields.String(required=True)


class ImportResult(Schema):
    created = fields.List(fields.Nested(TenantRead), required=True)
    unchanged = fields.List(fields.Nested(TenantRead), required=True)
    credentials = fields.List(fields.Nested(ImportCredential), required=True)
    planned = fields.List(
        fields.Nested(ImportPlanned), metadata={"description": "the rows that create a tenant, parents first"}
    )
    dry_run = fields.Boolean(metadata={"description": "true: only checked, nothing created, no credentials"})


class MergePreview(Schema):
    """What a merge would move (``preview_merge``): nothing is changed by reading it."""

    tenant = fields.Nested(TenantRead, required=True, metadata={"description": "the tenant that is merged"})
    into = fields.Nested(TenantRead, required=True, metadata={"description": "the tenant that remains"})
    users = fields.Integer(required=True, metadata={"description": "accounts that move (any status)"})
    units = fields.Integer(required=True, metadata={"description": "units of its tree that move"})
    staff = fields.Integer(required=True, metadata={"description": "personnel records that move"})
    members = fields.Integer(required=True, metadata={"description": "member register rows that move"})
    child_tenants = fields.List(
        fields.Nested(TenantRead), required=True, metadata={"description": "tenants re-parented under ``into``"}
    )


# -- units --------------------------------------------------------------------


class UnitCreate(StrictSchema):
    name = Text(required=True, validate=length(2, 255))
    code = fields.String(load_default=None, allow_none=True, validate=_code)
    kind = fields.String(load_default="grassroots", validate=one_of(UNIT_KINDS))
    parent_id = fields.UUID(load_default=None, allow_none=True)
    tenant_id = fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "platform administrators only; others act in their own tenant"},
    )


class UnitUpdate(StrictSchema):
    name = Text(validate=length(2, 255))
    code = fields.String(allow_none=True, validate=_code)
    kind = fields.String(validate=one_of(UNIT_KINDS))
    parent_id = fields.UUID(allow_none=True, metadata={"description": "move under another unit; null makes it a root"})
    status = fields.String(validate=one_of(UNIT_STATUSES))


class UnitRead(Schema):
    id = fields.UUID(required=True)
    tenant_id = fields.UUID(required=True)
    parent_id = fields.UUID(allow_none=True)
    name = fields.String(required=True)
    code = fields.String(allow_none=True)
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    status = fields.String(required=True)
    depth = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class UnitListArgs(PageArgs):
    root_id = fields.UUID(metadata={"description": "only this unit and everything under it"})
    parent_id = fields.UUID(metadata={"description": "only the direct children of this unit"})
    status = fields.String(validate=one_of(UNIT_STATUSES))
    tenant_id = fields.UUID(metadata={"description": "platform administrators only"})
    q = Text(validate=length(1, 100))


class UnitAdminImportArgs(StrictSchema):
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "check the file and say what it would create; nothing is written"},
    )
    tenant_id = fields.UUID(
        load_default=None, allow_none=True, metadata={"description": "platform administrators only"}
    )


class UnitAdminPlanned(Schema):
    """A row of a registrations file: the account it creates (``import_unit_admins``)."""

    row = fields.Integer(required=True, metadata={"description": "line of the file (the header is line 1)"})
    unit_id = fields.UUID(required=True)
    unit_code = fields.String(required=True)
    unit_name = fields.String(required=True)
    full_name = fields.String(required=True)
    email = fields.String(required=True, metadata={"description": "also the user name"})
    phone = fields.String(allow_none=True)
    roles = fields.List(fields.String(), required=True)


class UnitAdminCredential(Schema):
    row = fields.Integer(required=True)
    unit_code = fields.String(required=True)
    unit_name = fields.String(required=True)
    full_name = fields.String(required=True)
    username = fields.String(required=True)
    activation_token = fields.String(required=True, metadata={"description": "shown once; only its SHA-256 is kept"})
    expires_at = fields.DateTime(required=True)


class UnitAdminImportResult(Schema):
    dry_run = fields.Boolean(required=True, metadata={"description": "true: only checked, nothing created"})
    filename = fields.String(required=True)
    format = fields.String(required=True, metadata={"description": "csv or xlsx"})
    planned = fields.List(fields.Nested(UnitAdminPlanned), required=True)
    created = fields.Integer(required=True)
    credentials = fields.List(fields.Nested(UnitAdminCredential), required=True)


# -- users --------------------------------------------------------------------


class UserInvite(StrictSchema):
    email = fields.Email(required=True, validate=length(3, 254))
    full_name = Text(required=True, validate=length(2, 200))
    roles = fields.List(fields.String(validate=one_of(ROLES)), required=True, validate=length(1, len(ROLES)))
    username = fields.String(load_default=None, allow_none=True, validate=length(3, 254))
    unit_id = fields.UUID(load_default=None, allow_none=True)
    phone = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^\+?[0-9 .-]{8,20}$", error="Số điện thoại không hợp lệ."),
    )
    tenant_id = fields.UUID(
        load_default=None, allow_none=True, metadata={"description": "platform administrators only"}
    )


class UserUpdate(StrictSchema):
    full_name = Text(validate=length(2, 200))
    roles = fields.List(fields.String(validate=one_of(ROLES)), validate=length(1, len(ROLES)))
    unit_id = fields.UUID(allow_none=True)
    phone = fields.String(
        allow_none=True, validate=validate.Regexp(r"^\+?[0-9 .-]{8,20}$", error="Số điện thoại không hợp lệ.")
    )
    status = fields.String(validate=one_of(("active", "deactivated")))


class UserRead(Schema):
    id = fields.UUID(required=True)
    tenant_id = fields.UUID(required=True)
    username = fields.String(required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    phone = fields.String(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    roles = fields.List(fields.String(), required=True)
    admin_unit_id = fields.UUID(
        allow_none=True,
        metadata={"description": "the unit a unit_admin administers, with everything under it (null otherwise)"},
    )
    status = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    activated_at = fields.DateTime(allow_none=True)
    deactivated_at = fields.DateTime(allow_none=True)
    last_login_at = fields.DateTime(allow_none=True)


WRITING_ROLES = ("contributor", "editor", "tenant_admin")
# The people a question is assigned to (feedback's responders and the tenant's administrators).
ANSWERING_ROLES = ("responder", "tenant_admin")
COLLEAGUE_GROUPS = {"writers": WRITING_ROLES, "answerers": ANSWERING_ROLES}


class ColleagueArgs(StrictSchema):
    group = fields.String(
        load_default="writers",
        validate=one_of(tuple(COLLEAGUE_GROUPS)),
        metadata={"description": "writers (co-authors, the default) or answerers (a question's assignees)"},
    )


class Colleague(Schema):
    """A colleague of the caller's own tenant, as a co-author row or an assignee select names them
    (``list_colleagues``)."""

    id = fields.UUID(required=True)
    full_name = fields.String(required=True)
    roles = fields.List(fields.String(), required=True, metadata={"description": "their roles of the group asked"})


class Invitation(Schema):
    user = fields.Nested(UserRead, required=True)
    activation_token = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class UserListArgs(PageArgs):
    status = fields.String(validate=one_of(USER_STATUSES))
    role = fields.String(validate=one_of(ROLES))
    unit_id = fields.UUID()
    tenant_id = fields.UUID(metadata={"description": "platform administrators only"})
    q = Text(validate=length(1, 100))


class Me(Schema):
    user = fields.Nested(UserRead, required=True)
    tenant = fields.Nested(TenantRead, required=True)


# -- staff (personnel records) ---------------------------------------------------


class _StaffFields(StrictSchema):
    @validates_schema
    def _term(self, data, **kwargs):
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            raise ValidationError("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.", field_name="term_end")


class StaffCreate(_StaffFields):
    full_name = Text(required=True, validate=length(2, 200))
    position = Text(required=True, validate=length(2, 120))
    term_start = fields.Date(required=True)
    term_end = fields.Date(load_default=None, allow_none=True)
    unit_id = fields.UUID(load_default=None, allow_none=True)
    user_id = fields.UUID(load_default=None, allow_none=True)
    gender = fields.String(load_default=None, allow_none=True, validate=one_of(("female", "male", "other")))
    birth_date = fields.Date(load_default=None, allow_none=True)
    phone = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^\+?[0-9 .-]{8,20}$", error="Số điện thoại không hợp lệ."),
    )
    email = fields.Email(load_default=None, allow_none=True)
    tenant_id = fields.UUID(
        load_default=None, allow_none=True, metadata={"description": "platform administrators only"}
    )


class StaffUpdate(_StaffFields):
    full_name = Text(validate=length(2, 200))
    position = Text(validate=length(2, 120))
    term_start = fields.Date()
    term_end = fields.Date(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    user_id = fields.UUID(allow_none=True)
    gender = fields.String(allow_none=True, validate=one_of(("female", "male", "other")))
    birth_date = fields.Date(allow_none=True)
    phone = fields.String(
        allow_none=True, validate=validate.Regexp(r"^\+?[0-9 .-]{8,20}$", error="Số điện thoại không hợp lệ.")
    )
    email = fields.Email(allow_none=True)
    status = fields.String(validate=one_of(("active", "archived")))


class StaffRead(Schema):
    id = fields.UUID(required=True)
    tenant_id = fields.UUID(required=True)
    unit_id = fields.UUID(allow_none=True)
    user_id = fields.UUID(allow_none=True)
    full_name = fields.String(required=True)
    position = fields.String(required=True)
    term_start = fields.Date(required=True)
    term_end = fields.Date(allow_none=True)
    gender = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    status = fields.String(required=True)
    in_office = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class StaffListArgs(PageArgs):
    unit_id = fields.UUID()
    in_office = fields.Boolean(metadata={"description": "only records whose term covers today"})
    status = fields.String(validate=one_of(("active", "archived")))
    tenant_id = fields.UUID(metadata={"description": "platform administrators only"})
    q = Text(validate=length(1, 100))


# -- members (the member register) ------------------------------------------------


class MemberImportArgs(StrictSchema):
    tenant_id = fields.UUID(
        load_default=None, allow_none=True, metadata={"description": "platform administrators only"}
    )
    reissue = fields.Boolean(
        load_default=False,
        metadata={"description": "also issue new activation tokens to listed members not yet activated"},
    )


class MemberCredential(Schema):
    member_number = fields.String(required=True)
    full_name = fields.String(required=True)
    username = fields.String(required=True)
    activation_token = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class MemberImportResult(Schema):
    tenant_id = fields.UUID(required=True)
    created = fields.Integer(required=True, metadata={"description": "new members (each has a credential)"})
    updated = fields.Integer(required=True, metadata={"description": "registered members whose record changed"})
    unchanged = fields.Integer(required=True)
    reissued = fields.Integer(required=True, metadata={"description": "new tokens for members not yet activated"})
    credentials = fields.List(fields.Nested(MemberCredential), required=True)


class MemberRead(Schema):
    id = fields.UUID(required=True)
    tenant_id = fields.UUID(required=True)
    user_id = fields.UUID(required=True)
    member_number = fields.String(required=True)
    full_name = fields.String(required=True)
    birth_date = fields.Date(allow_none=True)
    gender = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    joined_on = fields.Date(allow_none=True)
    username = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "the account: invited, active, deactivated"})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class MemberListArgs(PageArgs):
    q = Text(
        validate=length(1, 100),
        metadata={"description": "part of the name, the member number, the phone number or the e-mail"},
    )
    unit_id = fields.UUID()
    status = fields.String(validate=one_of(USER_STATUSES))
    tenant_id = fields.UUID(metadata={"description": "platform administrators only"})


GENDERS = ("male", "female", "other")


class MemberUpdate(StrictSchema):
    """An edit of a register row (``update_member``); the account's name, unit, phone and e-mail follow."""

    full_name = Text(validate=length(2, 200))
    birth_date = fields.Date(allow_none=True)
    gender = fields.String(allow_none=True, validate=one_of(GENDERS))
    phone = fields.String(allow_none=True, validate=length(max=32))
    email = fields.String(allow_none=True, validate=length(max=254))
    unit_id = fields.UUID(allow_none=True)
    joined_on = fields.Date(allow_none=True)


class MemberSummary(Schema):
    """A tenant's register at a glance (``summarize_members``): the workspace's landing card."""

    tenant_id = fields.UUID(required=True)
    registered = fields.Integer(required=True, metadata={"description": "every member of the register"})
    activated = fields.Integer(required=True, metadata={"description": "accounts activated (status active)"})
    invited = fields.Integer(required=True, metadata={"description": "accounts waiting for activation"})
    deactivated = fields.Integer(required=True)
    open_imports = fields.Integer(required=True, metadata={"description": "import jobs pending or running"})
    running_import_id = fields.UUID(allow_none=True, metadata={"description": "the oldest open import job"})


# -- member import jobs (a file applied in batches in the background) ------------------------------

MEMBER_IMPORT_STATES = ("pending", "running", "done", "failed")
MEMBER_FILE_FORMATS = ("csv", "xlsx")


class MemberFileUpload(StrictSchema):
    """A member file as the gateway hands it over RPC: its name and its bytes, base64."""

    filename = fields.String(load_default="", validate=length(max=255))
    content_b64 = fields.String(required=True)


class MemberImportJobArgs(MemberImportArgs):
    request_key = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$", error="Khóa biểu mẫu không hợp lệ."),
        metadata={"description": "the form's one-time key: a repeated submit answers the job it started"},
    )


class MemberImportCheck(Schema):
    """A file that passed every check (``check_member_import``): what applying it would do."""

    filename = fields.String(required=True)
    format = fields.String(required=True, metadata={"description": ", ".join(MEMBER_FILE_FORMATS)})
    rows = fields.Integer(required=True)
    create = fields.Integer(required=True)
    update = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    reissue = fields.Integer(required=True)


class MemberImportProblem(Schema):
    row = fields.Integer(required=True)
    column = fields.String(allow_none=True)
    message = fields.String(required=True)


class MemberImportJobRead(Schema):
    id = fields.UUID(required=True)
    tenant_id = fields.UUID(required=True)
    filename = fields.String(required=True)
    format = fields.String(required=True, attribute="file_format")
    state = fields.String(required=True, metadata={"description": ", ".join(MEMBER_IMPORT_STATES)})
    total_rows = fields.Integer(required=True)
    done_rows = fields.Integer(required=True)
    percent = fields.Integer(required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    reissued = fields.Integer(required=True)
    skipped = fields.Integer(required=True)
    problems = fields.List(fields.Nested(MemberImportProblem), required=True)
    mine = fields.Boolean(required=True, metadata={"description": "the caller started it (only they get the sheet)"})
    sheet_available = fields.Boolean(required=True)
    sheet_expires_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class MemberImportJobListArgs(PageArgs):
    state = fields.String(validate=one_of((*MEMBER_IMPORT_STATES, "open")))
    tenant_id = fields.UUID(metadata={"description": "platform administrators only"})


class MemberSheetArgs(StrictSchema):
    format = fields.String(required=True, validate=one_of(("csv", "xlsx", "pdf")))
    activate_url = fields.Url(
        load_default=None,
        allow_none=True,
        schemes={"http", "https"},
        require_tld=False,
        metadata={"description": "the portal's activation page, printed on the slips"},
    )


class MemberSheetQuery(StrictSchema):
    """``GET /members/imports/{import_id}/sheet``: the credentials sheet's format (the gateway
    prints the portal's activation page on it)."""

    format = fields.String(
        required=True,
        validate=one_of(("csv", "xlsx", "pdf")),
        metadata={"description": "csv, xlsx, or pdf (one printable activation slip per member)"},
    )


class MemberTemplateQuery(StrictSchema):
    """``GET /members/imports/template``: the blank member file's format."""

    format = fields.String(load_default="csv", validate=one_of(MEMBER_FILE_FORMATS))


class MemberSummaryArgs(StrictSchema):
    tenant_id = fields.UUID(metadata={"description": "platform administrators only"})


class MemberFile(Schema):
    """A file an accounts RPC hands back (a credentials sheet, the import template)."""

    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    content_b64 = fields.Function(lambda file: base64.b64encode(file["content"]).decode("ascii"))
