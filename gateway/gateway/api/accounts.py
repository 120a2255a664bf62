"""Accounts area: auth, me, tenants, units, users, staff, members. Each view: actor, RPC, answer."""

import base64
import csv
import io
import os

from flask import Response, current_app, request
from flask.views import MethodView

from gateway.api.common import (
    BINARY,
    Blueprint,
    ImportErrorSchema,
    cached,
    call,
    client_address,
    documented,
    files,
    forward,
    private_answer,
    query_args,
    replies,
)
from gateway.auth import ANONYMOUS, current_actor
from platform_shared.errors import InvalidInput, PayloadTooLarge
from platform_shared.schemas import accounts as api
from platform_shared.schemas import load, page_of

auth = Blueprint("auth", __name__, url_prefix="/api/v1", description="Đăng nhập, kích hoạt, mã truy cập")
tenants = Blueprint("tenants", __name__, url_prefix="/api/v1/tenants", description="Đơn vị thành viên")
units = Blueprint("units", __name__, url_prefix="/api/v1/units", description="Cây đơn vị công đoàn")
users = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Tài khoản và vai trò")
staff = Blueprint("staff", __name__, url_prefix="/api/v1/staff", description="Hồ sơ cán bộ")
members = Blueprint("members", __name__, url_prefix="/api/v1/members", description="Sổ đoàn viên")
blueprints = (auth, tenants, units, users, staff, members)

SECURED = [{"bearer": []}]


def _signed_in():
    # Authentication comes before validation: a stranger learns nothing from a 422.
    current_actor()


for _bp in (tenants, units, users, staff, members):
    _bp.before_request(_signed_in)

# The auth endpoints that act on one's own account: authenticated before their body is read.
OWN_ACCOUNT = {"auth.change_password"}


@auth.before_request
def _signed_in_for_own_account():
    if request.endpoint in OWN_ACCOUNT:
        current_actor()


# -- auth ---------------------------------------------------------------------


@auth.route("/auth/login", methods=["POST"])
@auth.arguments(api.LoginRequest())
@auth.alt_response(200, schema=api.TokenPair, success=True, description="Mã truy cập và mã làm mới")
@documented(auth, 401, 403, 422, 429, 503)
def login(data):
    """Đăng nhập bằng tên đăng nhập và mật khẩu."""
    return forward("accounts", "login", ANONYMOUS, data["username"], data["password"], client_address())


@auth.route("/auth/refresh", methods=["POST"])
@auth.arguments(api.RefreshRequest())
@auth.alt_response(200, schema=api.TokenPair, success=True)
@documented(auth, 401, 422, 503)
def refresh(data):
    """Đổi mã làm mới lấy cặp mã mới (mã cũ hết hiệu lực; dùng lại sẽ thu hồi cả phiên).

    Mã truy cập mới mang vai trò và phiên bản phiên hiện tại của tài khoản. Một phiên kết thúc
    chậm nhất REFRESH_SESSION_MAX_DAYS ngày sau lần đăng nhập, dù được làm mới bao nhiêu lần."""
    return forward("accounts", "refresh", ANONYMOUS, data["refresh_token"])


@auth.route("/auth/logout", methods=["POST"])
@auth.arguments(api.RefreshRequest())
@auth.alt_response(204, success=True, description="Đã đăng xuất")
@documented(auth, 422, 503)
def logout(data):
    """Đăng xuất: thu hồi mã làm mới và mọi mã cùng phiên."""
    call("accounts", "logout", ANONYMOUS, data["refresh_token"])
    return Response(status=204)


@auth.route("/auth/activate", methods=["POST"])
@auth.arguments(api.ActivateRequest())
@auth.alt_response(200, schema=api.UserRead, success=True, description="Tài khoản đã kích hoạt")
@documented(auth, 400, 422, 503)
def activate(data):
    """Kích hoạt tài khoản bằng mã dùng một lần và đặt mật khẩu."""
    return forward("accounts", "activate", ANONYMOUS, data["token"], data["password"])


@auth.route("/auth/password", methods=["POST"])
@auth.arguments(api.ChangePasswordRequest())
@auth.alt_response(200, schema=api.TokenPair, success=True, description="Cặp mã mới cho phiên này")
@auth.doc(security=SECURED)
@documented(auth, 401, 403, 409, 422, 429, 503)
def change_password(data):
    """Đổi mật khẩu của chính mình (cần mật khẩu hiện tại).

    Mọi phiên khác của tài khoản kết thúc trong vài giây (mã truy cập cũ: 401 SESSION_REVOKED;
    mọi mã làm mới cũ bị thu hồi); phiên này nhận cặp mã mới. Nhập sai mật khẩu hiện tại được
    tính như đăng nhập sai (quá số lần: 429)."""
    return forward(
        "accounts",
        "change_password",
        current_actor(),
        data["current_password"],
        data["new_password"],
        data.get("refresh_token"),
        client_address(),
    )


@auth.route("/auth/jwks", methods=["GET"])
@auth.alt_response(200, schema=api.Jwks, success=True, description="Khóa công khai để kiểm tra mã truy cập")
@documented(auth, 503)
def jwks():
    """Khóa công khai (JWKS) của dịch vụ tài khoản."""
    response = call("accounts", "get_jwks", ANONYMOUS)
    return response, 200, {"Cache-Control": "public, max-age=300"}


@auth.route("/me", methods=["GET"])
@auth.alt_response(200, schema=api.Me, success=True)
@cached(auth)
@auth.doc(security=SECURED)
@documented(auth, 401, 503)
def me():
    """Tài khoản đang đăng nhập và đơn vị của nó (kèm ETag; If-None-Match khớp: 304)."""
    # The token is checked on every request (current_actor: signature, age, ended sessions); the
    # answer is the account's and its tenant's, kept per user and the token's tenant.
    actor = current_actor()
    return private_answer("me", actor["user_id"], "accounts", "get_me", actor, scope=actor["tenant_id"])


# -- tenants --------------------------------------------------------------------


@tenants.route("")
class Tenants(MethodView):
    @tenants.arguments(api.TenantListArgs(), location="query")
    @tenants.alt_response(200, schema=page_of(api.TenantRead), success=True)
    @cached(tenants)
    @tenants.doc(security=SECURED)
    @documented(tenants, 401, 422, 503)
    def get(self, _args):
        """Danh sách đơn vị (quản trị hệ thống: tất cả; người khác: đơn vị của mình); kèm ETag."""
        actor, args = current_actor(), query_args()
        key = (_actor_key(actor), tuple(sorted(args.items())))
        return private_answer("tenants", key, "accounts", "list_tenants", actor, args)

    @tenants.arguments(api.TenantCreate())
    @tenants.alt_response(201, schema=api.TenantRead, success=True)
    @tenants.doc(security=SECURED)
    @documented(tenants, 401, 403, 404, 409, 422, 503)
    def post(self, data):
        """Tạo đơn vị thành viên (quản trị hệ thống)."""
        return forward("accounts", "create_tenant", current_actor(), data, status=201)


def _actor_key(actor):
    """The actor as a cache key: every field ``list_tenants`` is given. Kept per actor rather than
    per what accounts' policy lets it see, so the cache needs no copy of that policy (an admin's
    list is read by few people; a role change comes with a new token, hence a new key)."""
    return (actor["user_id"], actor["tenant_id"], tuple(actor["roles"]), actor.get("unit_id"))


@tenants.route("/<tenant_id>")
class TenantById(MethodView):
    @tenants.alt_response(200, schema=api.TenantRead, success=True)
    @tenants.doc(security=SECURED)
    @documented(tenants, 401, 404, 503)
    def get(self, tenant_id):
        """Một đơn vị."""
        return forward("accounts", "get_tenant", current_actor(), tenant_id)

    @tenants.arguments(api.TenantUpdate())
    @tenants.alt_response(200, schema=api.TenantRead, success=True)
    @tenants.doc(security=SECURED)
    @documented(tenants, 401, 403, 404, 409, 422, 503)
    def patch(self, data, tenant_id):
        """Sửa tên (quản trị đơn vị), cấp trên, đường dẫn, trạng thái (quản trị hệ thống)."""
        return forward("accounts", "update_tenant", current_actor(), tenant_id, data)


@tenants.route("/<tenant_id>/merge", methods=["POST"])
@tenants.arguments(api.MergeRequest())
@tenants.alt_response(200, schema=api.TenantRead, success=True, description="Đơn vị đã hợp nhất")
@tenants.doc(security=SECURED)
@documented(tenants, 401, 403, 404, 409, 422, 503)
def merge(data, tenant_id):
    """Hợp nhất đơn vị vào một đơn vị khác (quản trị hệ thống)."""
    return forward("accounts", "merge_tenant", current_actor(), tenant_id, data)


CREDENTIAL_COLUMNS = ("tenant_code", "username", "activation_token", "expires_at")


@tenants.route("/import", methods=["POST"])
@tenants.alt_response(
    200, schema=api.ImportResult, success=True, description="JSON; hoặc bảng mã kích hoạt dạng CSV khi Accept: text/csv"
)
@replies(tenants, 200, BINARY, content_type="text/csv")
@tenants.doc(
    security=SECURED,
    requestBody={
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
            "text/csv": {"schema": {"type": "string"}},
        },
        "description": "CSV UTF-8, dòng tiêu đề: code,name,kind,parent_code,admin_name,admin_email "
        "(tùy chọn: slug, short_name)",
    },
)
@documented(tenants, 400, 401, 403, 413, 422, 503, schemas={422: ImportErrorSchema})
def import_tenants():
    """Nhập danh sách đơn vị đã đăng ký: tạo đơn vị và tài khoản quản trị kèm mã kích hoạt."""
    actor = current_actor()
    result = call("accounts", "import_tenants", actor, _uploaded_csv(), timeout=60)
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        return _credentials_csv(result["credentials"])
    return result


def _uploaded_csv():
    upload = request.files.get("file")
    if upload is not None:
        raw = upload.read()
    elif request.mimetype in ("text/csv", "text/plain", "application/csv"):
        raw = request.get_data()
    else:
        raise InvalidInput.field("file", "Gửi tệp CSV trong trường «file» (multipart/form-data) hoặc thân text/csv.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput.field("file", "Tệp phải được lưu với mã hóa UTF-8 (trong Excel: «CSV UTF-8»).") from None


def _credentials_csv(credentials):
    return _sheet_csv(credentials, CREDENTIAL_COLUMNS, "ma-kich-hoat.csv")


def _sheet_csv(credentials, columns, filename):
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in credentials:
        writer.writerow([row[c] for c in columns])
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


# -- units ------------------------------------------------------------------------


@units.route("")
class Units(MethodView):
    @units.arguments(api.UnitListArgs(), location="query")
    @units.alt_response(200, schema=page_of(api.UnitRead), success=True)
    @units.doc(security=SECURED)
    @documented(units, 401, 404, 422, 503)
    def get(self, _args):
        """Đơn vị trong cây (theo thứ tự cây); root_id lấy một nhánh."""
        return forward("accounts", "list_units", current_actor(), query_args())

    @units.arguments(api.UnitCreate())
    @units.alt_response(201, schema=api.UnitRead, success=True)
    @units.doc(security=SECURED)
    @documented(units, 401, 403, 404, 409, 422, 503)
    def post(self, data):
        """Thêm đơn vị (quản trị đơn vị)."""
        return forward("accounts", "create_unit", current_actor(), data, status=201)


@units.route("/<unit_id>")
class UnitById(MethodView):
    @units.alt_response(200, schema=api.UnitRead, success=True)
    @units.doc(security=SECURED)
    @documented(units, 401, 404, 503)
    def get(self, unit_id):
        """Một đơn vị."""
        return forward("accounts", "get_unit", current_actor(), unit_id)

    @units.arguments(api.UnitUpdate())
    @units.alt_response(200, schema=api.UnitRead, success=True)
    @units.doc(security=SECURED)
    @documented(units, 401, 403, 404, 409, 422, 503)
    def patch(self, data, unit_id):
        """Đổi tên, mã, chuyển nhánh hoặc ngừng hoạt động một đơn vị."""
        return forward("accounts", "update_unit", current_actor(), unit_id, data)


# The unit administrators' registrations: a federation appoints its grassroots unions' administrators.
UNIT_ADMIN_CREDENTIAL_COLUMNS = (
    "row",
    "unit_code",
    "unit_name",
    "full_name",
    "username",
    "activation_token",
    "expires_at",
)
UNIT_ADMINS_TIMEOUT = 120
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_BODIES = ("text/csv", "text/plain", "application/csv")


def _spreadsheet_body(description):
    """The request body of a file import (registrations, members): a CSV or XLSX file in the
    multipart field «file», or the file itself as the body — as ``_uploaded_member_file`` reads it."""
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
        "description": description,
    }


UNIT_ADMINS_BODY = _spreadsheet_body(
    "Tệp CSV UTF-8 hoặc Excel (.xlsx, trang tính đầu tiên) trong trường «file» hoặc làm thân yêu "
    "cầu; dòng đầu là tiêu đề, tiếng Việt hoặc tiếng Anh: «Mã đơn vị» (unit_code, bắt buộc: mã một đơn vị "
    "của Liên đoàn), «Họ và tên» (full_name, bắt buộc), «E-mail» (email, bắt buộc: tên đăng nhập), «Số điện "
    "thoại» (phone), «Vai trò» (roles: thêm «Đoàn viên», «Cộng tác viên», cách nhau bằng dấu chấm phẩy; vai "
    "trò Quản trị công đoàn cơ sở luôn được cấp). Tối đa 5.000 dòng."
)


@units.route("/admins/import", methods=["POST"])
@units.arguments(api.UnitAdminImportArgs(), location="query")
@units.alt_response(
    200,
    schema=api.UnitAdminImportResult,
    success=True,
    description="JSON; hoặc bảng mã kích hoạt dạng CSV khi Accept: text/csv",
)
@replies(units, 200, BINARY, content_type="text/csv")
@units.doc(security=SECURED, requestBody=UNIT_ADMINS_BODY)
@documented(units, 400, 401, 403, 404, 409, 413, 422, 503, schemas={422: ImportErrorSchema})
def import_unit_admins(_args):
    """Nhập danh sách quản trị công đoàn cơ sở từ tệp: tạo tài khoản kèm mã kích hoạt dùng một lần.

    Quản trị đơn vị cấp cho mọi đơn vị của Liên đoàn mình; quản trị công đoàn cơ sở cho các đơn vị
    cấp dưới của đơn vị mình. ``dry_run=true``: chỉ kiểm tra, nêu các tài khoản sẽ tạo, không ghi
    gì. Tệp có lỗi: 422 ``IMPORT_INVALID``, ``errors`` nêu từng lỗi (dòng, cột) — mã đơn vị không có
    trong Liên đoàn (kể cả mã của Liên đoàn khác), vai trò không được cấp, e-mail trùng hoặc đã dùng
    — và không gì được tạo. Mỗi tài khoản giữ vai trò ``unit_admin`` gắn với đơn vị của dòng; mã
    kích hoạt chỉ trả về một lần."""
    actor = current_actor()
    upload = _uploaded_member_file()
    result = call("accounts", "import_unit_admins", actor, upload, query_args(), timeout=UNIT_ADMINS_TIMEOUT)
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv" and not result["dry_run"]:
        return _sheet_csv(result["credentials"], UNIT_ADMIN_CREDENTIAL_COLUMNS, "ma-kich-hoat-quan-tri-co-so.csv")
    return result


# -- users --------------------------------------------------------------------------


@users.route("")
class Users(MethodView):
    @users.arguments(api.UserListArgs(), location="query")
    @users.alt_response(200, schema=page_of(api.UserRead), success=True)
    @users.doc(security=SECURED)
    @documented(users, 401, 403, 404, 422, 503)
    def get(self, _args):
        """Tài khoản của đơn vị (quản trị đơn vị)."""
        return forward("accounts", "list_users", current_actor(), query_args())

    @users.arguments(api.UserInvite())
    @users.alt_response(201, schema=api.Invitation, success=True, description="Tài khoản và mã kích hoạt")
    @users.doc(security=SECURED)
    @documented(users, 401, 403, 404, 409, 422, 503)
    def post(self, data):
        """Mời một người dùng: tạo tài khoản chờ kích hoạt và mã kích hoạt dùng một lần."""
        return forward("accounts", "invite_user", current_actor(), data, status=201)


@users.route("/<user_id>")
class UserById(MethodView):
    @users.alt_response(200, schema=api.UserRead, success=True)
    @users.doc(security=SECURED)
    @documented(users, 401, 403, 404, 503)
    def get(self, user_id):
        """Một tài khoản."""
        return forward("accounts", "get_user", current_actor(), user_id)

    @users.arguments(api.UserUpdate())
    @users.alt_response(200, schema=api.UserRead, success=True)
    @users.doc(security=SECURED)
    @documented(users, 401, 403, 404, 409, 422, 503)
    def patch(self, data, user_id):
        """Đổi vai trò, đơn vị, họ tên; status=deactivated khóa tài khoản.

        Khóa tài khoản hoặc đổi vai trò chấm dứt mọi phiên của người đó trong vài giây: mã truy cập
        cũ bị từ chối (401 SESSION_REVOKED). Khóa tài khoản còn thu hồi mọi mã làm mới; sau khi đổi
        vai trò, lần làm mới tiếp theo cấp mã mang vai trò mới."""
        return forward("accounts", "update_user", current_actor(), user_id, data)


@users.route("/<user_id>/activation-token", methods=["POST"])
@users.alt_response(201, schema=api.Invitation, success=True)
@users.doc(security=SECURED)
@documented(users, 401, 403, 404, 409, 503)
def reissue_activation(user_id):
    """Cấp lại mã kích hoạt cho tài khoản chưa kích hoạt (mã cũ hết hiệu lực)."""
    return forward("accounts", "reissue_activation", current_actor(), user_id, status=201)


# -- staff ----------------------------------------------------------------------------


@staff.route("")
class Staff(MethodView):
    @staff.arguments(api.StaffListArgs(), location="query")
    @staff.alt_response(200, schema=page_of(api.StaffRead), success=True)
    @staff.doc(security=SECURED)
    @documented(staff, 401, 403, 404, 422, 503)
    def get(self, _args):
        """Hồ sơ cán bộ của đơn vị; in_office=true chỉ người đang trong nhiệm kỳ."""
        return forward("accounts", "list_staff", current_actor(), query_args())

    @staff.arguments(api.StaffCreate())
    @staff.alt_response(201, schema=api.StaffRead, success=True)
    @staff.doc(security=SECURED)
    @documented(staff, 401, 403, 404, 422, 503)
    def post(self, data):
        """Thêm hồ sơ cán bộ."""
        return forward("accounts", "create_staff", current_actor(), data, status=201)


@staff.route("/<staff_id>")
class StaffById(MethodView):
    @staff.alt_response(200, schema=api.StaffRead, success=True)
    @staff.doc(security=SECURED)
    @documented(staff, 401, 403, 404, 503)
    def get(self, staff_id):
        """Một hồ sơ cán bộ."""
        return forward("accounts", "get_staff", current_actor(), staff_id)

    @staff.arguments(api.StaffUpdate())
    @staff.alt_response(200, schema=api.StaffRead, success=True)
    @staff.doc(security=SECURED)
    @documented(staff, 401, 403, 404, 422, 503)
    def patch(self, data, staff_id):
        """Sửa hồ sơ cán bộ (kết thúc nhiệm kỳ, chuyển đơn vị...)."""
        return forward("accounts", "update_staff", current_actor(), staff_id, data)


# -- members (the member register) ------------------------------------------------------

# A member file is far larger than other uploads (a federation has hundreds of thousands
# of members): its own cap, ~200,000 rows of ~100 bytes. The app config key wins (tests).
MEMBER_IMPORT_MAX_BYTES = int(os.environ.get("MEMBER_IMPORT_MAX_BYTES", str(24 * 1024 * 1024)))
MEMBER_IMPORT_TIMEOUT = float(os.environ.get("MEMBER_IMPORT_TIMEOUT_SECONDS", "300"))
MEMBER_CREDENTIAL_COLUMNS = ("member_number", "full_name", "username", "activation_token", "expires_at")
MEMBER_COLUMNS_DOC = (
    "CSV UTF-8 (Excel: «CSV UTF-8»), dòng đầu là tiêu đề; tên cột tiếng Việt hoặc tiếng Anh, không phân biệt "
    "hoa thường và dấu: «Số thẻ đoàn viên» (member_number, bắt buộc, duy nhất trong đơn vị), «Họ và tên» "
    "(full_name, bắt buộc), «Ngày sinh» (birth_date), «Giới tính» (gender: Nam/Nữ/Khác), «Số điện thoại» "
    "(phone), «E-mail» (email) — mỗi dòng cần số điện thoại hoặc e-mail —, «Mã đơn vị» (unit_code: mã một "
    "đơn vị của đơn vị mình), «Ngày vào Công đoàn» (joined_on). Ngày dạng 31/12/1990 hoặc 1990-12-31. "
    "Tất cả hoặc không: có lỗi thì không dòng nào được nhập, mỗi lỗi nêu dòng và cột. Số thẻ mới: tạo tài "
    "khoản đoàn viên (tên đăng nhập <số thẻ>@<đường dẫn đơn vị>) kèm mã kích hoạt dùng một lần; số thẻ đã có: "
    "cập nhật họ tên, đơn vị, liên hệ... nếu khác (cột không có trong tệp thì giữ nguyên), không cấp mã mới "
    "trừ khi reissue=true. Nhập lại cùng tệp không thay đổi gì."
)


def _member_upload_cap():
    limit = current_app.config.get("MEMBER_IMPORT_MAX_BYTES", MEMBER_IMPORT_MAX_BYTES)
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(
            f"Tệp quá lớn: tối đa {limit // (1024 * 1024) or 1} MB ({limit} byte). Hãy chia tệp thành nhiều phần.",
            details={"limit": limit},
        )


@members.route("/import", methods=["POST"])
@members.arguments(api.MemberImportArgs(), location="query")
@members.alt_response(
    200,
    schema=api.MemberImportResult,
    success=True,
    description="JSON; hoặc bảng mã kích hoạt dạng CSV khi Accept: text/csv",
)
@replies(members, 200, BINARY, content_type="text/csv")
@members.doc(
    security=SECURED,
    requestBody={
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
            "text/csv": {"schema": {"type": "string"}},
        },
        "description": MEMBER_COLUMNS_DOC,
    },
)
@documented(members, 400, 401, 403, 404, 409, 413, 422, 503, schemas={422: ImportErrorSchema})
def import_members(_args):
    """Nhập sổ đoàn viên từ tệp CSV (quản trị đơn vị): tạo tài khoản đoàn viên kèm mã kích hoạt."""
    actor = current_actor()
    _member_upload_cap()
    args = ("accounts", "import_members", actor, _uploaded_csv(), query_args())
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
        result = call(*args, timeout=MEMBER_IMPORT_TIMEOUT)
        return _sheet_csv(result["credentials"], MEMBER_CREDENTIAL_COLUMNS, "ma-kich-hoat-doan-vien.csv")
    # JSON passes through as the service wrote it: a sheet of 10⁵ tokens is not decoded and re-encoded.
    return forward(*args, timeout=MEMBER_IMPORT_TIMEOUT)


@members.route("", methods=["GET"])
@members.arguments(api.MemberListArgs(), location="query")
@members.alt_response(200, schema=page_of(api.MemberRead), success=True)
@members.doc(security=SECURED)
@documented(members, 401, 403, 404, 422, 503)
def list_members(_args):
    """Sổ đoàn viên của đơn vị (quản trị đơn vị); q tìm theo họ tên hoặc số thẻ."""
    return forward("accounts", "list_members", current_actor(), query_args())


@members.route("/summary", methods=["GET"])
@members.arguments(api.MemberSummaryArgs(), location="query")
@replies(members, 200, api.MemberSummary)
@members.doc(security=SECURED)
@documented(members, 401, 403, 404, 422, 503)
def member_summary(_args):
    """Sổ đoàn viên trong nháy mắt: số đoàn viên theo trạng thái tài khoản, số lần nhập đang chạy."""
    args = load(api.MemberSummaryArgs, query_args())  # an unknown parameter is refused, as elsewhere
    tenant_id = args.get("tenant_id")
    return forward("accounts", "summarize_members", current_actor(), str(tenant_id) if tenant_id else None)


@members.route("/<member_id>")
class MemberById(MethodView):
    @members.alt_response(200, schema=api.MemberRead, success=True)
    @members.doc(security=SECURED)
    @documented(members, 401, 403, 404, 503)
    def get(self, member_id):
        """Một đoàn viên trong sổ (quản trị đơn vị)."""
        return forward("accounts", "get_member", current_actor(), member_id)

    @members.arguments(api.MemberUpdate())
    @members.alt_response(200, schema=api.MemberRead, success=True)
    @members.doc(security=SECURED)
    @documented(members, 401, 403, 404, 422, 503)
    def patch(self, data, member_id):
        """Sửa hồ sơ đoàn viên; tài khoản theo theo (họ tên, đơn vị, điện thoại, e-mail).

        Số thẻ không đổi. Khóa tài khoản của đoàn viên: ``PATCH /users/{user_id}`` với
        ``status=deactivated``. Mỗi đoàn viên cần số điện thoại hoặc e-mail; e-mail, số điện thoại
        và ngày được kiểm tra như khi nhập tệp."""
        return forward("accounts", "update_member", current_actor(), member_id, data)


# -- member import jobs: a file checked whole, then applied in the background ------------------

MEMBER_FILE_BODY = _spreadsheet_body(
    "Tệp CSV UTF-8 hoặc Excel (.xlsx, trang tính đầu tiên): trong trường «file» "
    "(multipart/form-data), hoặc chính thân yêu cầu (text/csv; hoặc kiểu của tệp .xlsx). "
    + "Dòng đầu là tiêu đề; "
    + MEMBER_COLUMNS_DOC.split("; ", 1)[1]
)
SHEET_DOC = (
    "Bảng mã kích hoạt của lần nhập: CSV (UTF-8 có BOM), XLSX, hoặc PDF (mỗi đoàn viên một phiếu in). "
    "Chỉ người đã bắt đầu lần nhập tải được, trong 24 giờ (MEMBER_IMPORT_SHEET_TTL_HOURS) sau khi nhập xong."
)


def _uploaded_member_file():
    """The member file of the request as ``check``/``start_member_import`` take it: its name and
    its bytes (base64). The accounts service reads it as CSV or XLSX from its bytes."""
    upload = request.files.get("file")
    if upload is not None:
        name, content = upload.filename or "", upload.read()
    elif request.mimetype in (*CSV_BODIES, XLSX):
        name, content = "", request.get_data()
    else:
        raise InvalidInput.field(
            "file",
            "Gửi tệp CSV hoặc Excel (.xlsx) trong trường «file» (multipart/form-data), hoặc gửi chính tệp "
            "làm thân yêu cầu (text/csv hoặc kiểu .xlsx).",
        )
    return {"filename": name[-255:], "content_b64": base64.b64encode(content).decode("ascii")}


def _import_options():
    options = query_args()
    if "request_key" in options:  # the pages' form key; the API's is the Idempotency-Key header
        raise InvalidInput.field("request_key", "Trường này không được chấp nhận; dùng tiêu đề Idempotency-Key.")
    return options


def _activation_page():
    """Where the slips send members: the portal's activation page."""
    configured = current_app.extensions["settings"].portal_base_url
    return f"{(configured or request.host_url).rstrip('/')}/kich-hoat"


def _member_file(found):
    return Response(
        base64.b64decode(found["content_b64"]),
        headers={
            "Content-Type": found["content_type"],
            "Content-Disposition": f'attachment; filename="{found["filename"]}"',
            "Cache-Control": "private, no-store",
        },
    )


@members.route("/imports/check", methods=["POST"])
@members.arguments(api.MemberImportArgs(), location="query")
@replies(members, 200, api.MemberImportCheck, description="Tệp hợp lệ: nhập thì sẽ thêm, sửa, giữ nguyên bao nhiêu")
@members.doc(security=SECURED, requestBody=MEMBER_FILE_BODY)
@documented(members, 400, 401, 403, 404, 409, 413, 422, 503, schemas={422: ImportErrorSchema})
def check_member_import(_args):
    """Kiểm tra một tệp đoàn viên mà không nhập gì (quản trị đơn vị).

    Tệp hợp lệ: 200 nêu số dòng, số đoàn viên sẽ thêm, sửa, giữ nguyên, cấp lại mã. Tệp có lỗi:
    422 ``IMPORT_INVALID``, ``errors`` liệt kê từng lỗi (dòng, cột, nội dung); tệp không phải CSV
    hay XLSX: ``errors.file``."""
    actor = current_actor()
    _member_upload_cap()
    upload = _uploaded_member_file()
    return forward("accounts", "check_member_import", actor, upload, _import_options(), timeout=MEMBER_IMPORT_TIMEOUT)


@members.route("/imports")
class MemberImports(MethodView):
    @members.arguments(api.MemberImportJobListArgs(), location="query")
    @members.alt_response(200, schema=page_of(api.MemberImportJobRead), success=True)
    @members.doc(security=SECURED)
    @documented(members, 401, 403, 404, 422, 503)
    def get(self, _args):
        """Các lần nhập tệp đoàn viên của đơn vị, mới nhất trước (state=open: đang chờ hoặc đang chạy)."""
        return forward("accounts", "list_member_imports", current_actor(), query_args())

    @members.arguments(api.MemberImportArgs(), location="query")
    @members.alt_response(
        202,
        schema=api.MemberImportJobRead,
        success=True,
        description="Tệp hợp lệ, lần nhập đã được ghi nhận (state=pending); theo dõi ở Location",
        headers={
            "Location": {
                "description": "địa chỉ của lần nhập: /api/v1/members/imports/{import_id}",
                "schema": {"type": "string"},
            }
        },
    )
    @members.doc(security=SECURED, requestBody=MEMBER_FILE_BODY)
    @documented(members, 400, 401, 403, 404, 409, 413, 422, 503, schemas={422: ImportErrorSchema})
    def post(self, _args):
        """Nhập sổ đoàn viên từ tệp CSV hoặc XLSX như một lần nhập chạy nền (quản trị đơn vị).

        Cả tệp được kiểm tra trước: có lỗi thì 422 ``IMPORT_INVALID`` với mọi lỗi (dòng, cột), không
        gì được nhập. Tệp hợp lệ: 202 ngay, dịch vụ nhập dần từng lô; ``GET`` địa chỉ ở Location cho
        biết tiến độ (done_rows/total_rows, state: pending, running, done, failed). Xong thì người
        bắt đầu lần nhập tải bảng mã kích hoạt ở ``…/sheet``. Gửi lại cùng Idempotency-Key nhận lại
        đúng lần nhập đầu."""
        actor = current_actor()
        _member_upload_cap()
        upload = _uploaded_member_file()
        job = call("accounts", "start_member_import", actor, upload, _import_options(), timeout=MEMBER_IMPORT_TIMEOUT)
        return job, 202, {"Location": f"{members.url_prefix}/imports/{job['id']}"}


@members.route("/imports/template", methods=["GET"])
@members.arguments(api.MemberTemplateQuery(), location="query")
@files(members, "text/csv", XLSX, description="Tệp mẫu: dòng tiêu đề và hai dòng ví dụ")
@members.doc(security=SECURED)
@documented(members, 401, 422, 503)
def member_import_template(args):
    """Tệp mẫu để nhập đoàn viên (CSV hoặc XLSX)."""
    return _member_file(call("accounts", "member_import_template", current_actor(), args["format"]))


@members.route("/imports/<import_id>", methods=["GET"])
@members.alt_response(200, schema=api.MemberImportJobRead, success=True)
@members.doc(security=SECURED)
@documented(members, 401, 403, 404, 503)
def get_member_import(import_id):
    """Một lần nhập và tiến độ của nó (done_rows/total_rows, percent, state); xong thì kết quả."""
    return forward("accounts", "get_member_import", current_actor(), import_id)


@members.route("/imports/<import_id>/sheet", methods=["GET"])
@members.arguments(api.MemberSheetQuery(), location="query")
@files(members, "text/csv", XLSX, "application/pdf", description=SHEET_DOC)
@members.doc(security=SECURED)
@documented(members, 401, 403, 404, 409, 422, 503)
def member_import_sheet(_args, import_id):
    """Tải bảng mã kích hoạt của một lần nhập đã xong (chỉ người đã bắt đầu lần nhập).

    403 ``SHEET_OWNER_ONLY`` cho người khác; 409 ``IMPORT_NOT_FINISHED`` khi chưa xong,
    ``SHEET_EXPIRED`` khi đã quá hạn tải, ``SHEET_EMPTY`` khi lần nhập không cấp mã nào."""
    args = {**query_args(), "activate_url": _activation_page()}
    found = call(
        "accounts", "export_member_import_sheet", current_actor(), import_id, args, timeout=MEMBER_IMPORT_TIMEOUT
    )
    return _member_file(found)
