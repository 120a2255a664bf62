"""Business rules of the accounts service. No nameko, no SQL: plain data in, decisions out."""

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from platform_shared.actor import ROLES
from platform_shared.errors import Conflict, Forbidden, InvalidInput
from platform_shared.schemas.accounts import CODE_PATTERN, TENANT_KINDS
from platform_shared.text import nfc, slugify

TENANT_KIND_LABELS = {
    "confederation": "Tổng Liên đoàn",
    "provincial_federation": "Liên đoàn Lao động tỉnh, thành phố",
    "sectoral_union": "Công đoàn ngành Trung ương",
    "corporate_union": "Công đoàn Tổng công ty",
    "department": "Ban, đơn vị thuộc Tổng Liên đoàn",
    "newspaper": "Cơ quan báo chí",
}
UNIT_KIND_LABELS = {
    "grassroots": "Công đoàn cơ sở",
    "upper_grassroots": "Công đoàn cấp trên trực tiếp cơ sở",
    "trade_union_group": "Tổ công đoàn",
    "other": "Đơn vị khác",
}
ROLE_LABELS = {
    "platform_admin": "Quản trị hệ thống",
    "tenant_admin": "Quản trị đơn vị",
    "unit_admin": "Quản trị công đoàn cơ sở",
    "editor": "Biên tập viên",
    "contributor": "Cộng tác viên",
    "responder": "Cán bộ trả lời",
    "moderator": "Kiểm duyệt viên",
    "royalty_officer": "Cán bộ nhuận bút",
    "member": "Đoàn viên",
}
# Tenants whose users may hold platform_admin: the VGCL itself and its Office.
PLATFORM_KINDS = ("confederation", "department")

EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_CODE_RE = re.compile(CODE_PATTERN)


def normalize_username(value):
    return (value or "").strip().lower()


def tenant_needs_parent(kind):
    return kind != "confederation"


# -- tenant import ------------------------------------------------------------

IMPORT_COLUMNS = ("code", "name", "kind", "parent_code", "admin_name", "admin_email")
IMPORT_OPTIONAL_COLUMNS = ("slug", "short_name")
IMPORT_MAX_ROWS = 5000


@dataclass(frozen=True)
class ImportRow:
    row: int  # as a spreadsheet shows it: the header is row 1
    code: str
    name: str
    kind: str
    parent_code: str
    admin_name: str
    admin_email: str
    slug: str
    short_name: str | None


@dataclass(frozen=True)
class ExistingTenant:
    id: object
    code: str
    slug: str
    status: str


@dataclass
class ImportPlan:
    create: list = field(default_factory=list)  # ImportRow, parents before children
    unchanged: list = field(default_factory=list)  # codes already present


class _Errors:
    def __init__(self):
        self.items = []

    def add(self, row, column, message):
        self.items.append({"row": row, "column": column, "message": message})

    def raise_if_any(self, what="Tệp"):
        if not self.items:
            return
        first = self.items[0]
        where = f"dòng {first['row']}, cột {first['column']}" if first["column"] else f"dòng {first['row']}"
        raise InvalidInput(
            f"{what} có {len(self.items)} lỗi, chưa có đơn vị nào được tạo. Lỗi đầu tiên ở {where}: "
            f"{first['message']} Sửa tệp rồi nhập lại.",
            code="IMPORT_INVALID",
            details={"errors": self.items},
        )


def parse_tenant_csv(text):
    """Rows of a registration CSV, or ``InvalidInput`` naming every bad row and column."""
    errors = _Errors()
    if text is None or not text.strip():
        errors.add(1, None, "Tệp rỗng.")
        errors.raise_if_any()
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        header = []
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    unknown = [h for h in header if h and h not in IMPORT_COLUMNS + IMPORT_OPTIONAL_COLUMNS]
    for column in missing:
        errors.add(1, column, f"Thiếu cột «{column}». Dòng tiêu đề phải là: {','.join(IMPORT_COLUMNS)}.")
    for column in unknown:
        errors.add(1, column, f"Cột «{column}» không được hỗ trợ.")
    duplicated = {h for h in header if header.count(h) > 1}
    for column in sorted(duplicated):
        errors.add(1, column, f"Cột «{column}» xuất hiện nhiều lần.")
    errors.raise_if_any()

    rows = []
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                errors.add(number, None, f"Dòng có {len(values)} giá trị, tiêu đề có {len(header)} cột.")
                continue
            rec = {h: nfc(v) or "" for h, v in zip(header, values, strict=False)}
            rows.append(_check_row(number, rec, errors))
            if len(rows) > IMPORT_MAX_ROWS:
                errors.add(number, None, f"Một lần nhập tối đa {IMPORT_MAX_ROWS} đơn vị.")
                break
    except csv.Error as exc:
        errors.add(reader.line_num, None, f"Tệp CSV không đọc được: {exc}.")
    if not rows and not errors.items:
        errors.add(2, None, "Tệp không có dòng dữ liệu nào.")
    errors.raise_if_any()
    return rows


def _check_row(number, rec, errors):
    code = rec.get("code", "")
    if not code:
        errors.add(number, "code", "Mã đơn vị là bắt buộc.")
    elif not _CODE_RE.match(code):
        errors.add(number, "code", "Mã gồm 2–32 ký tự: chữ không dấu, số, '-', '_' hoặc '.'.")
    name = rec.get("name", "")
    if len(name) < 2 or len(name) > 255:
        errors.add(number, "name", "Tên đơn vị phải có từ 2 đến 255 ký tự.")
    kind = rec.get("kind", "")
    if kind not in TENANT_KINDS:
        errors.add(number, "kind", f"Loại «{kind}» không hợp lệ; dùng một trong: {', '.join(TENANT_KINDS)}.")
    elif kind == "confederation":
        errors.add(number, "kind", "Không thể nhập thêm một Tổng Liên đoàn.")
    if not rec.get("parent_code"):
        errors.add(number, "parent_code", "Mã đơn vị cấp trên là bắt buộc.")
    admin_name = rec.get("admin_name", "")
    if len(admin_name) < 2 or len(admin_name) > 200:
        errors.add(number, "admin_name", "Họ tên quản trị viên phải có từ 2 đến 200 ký tự.")
    email = normalize_username(rec.get("admin_email"))
    if not EMAIL_RE.match(email) or len(email) > 254:
        errors.add(number, "admin_email", f"E-mail «{rec.get('admin_email', '')}» không hợp lệ.")
    slug = rec.get("slug") or slugify(code)
    if rec.get("slug") and slugify(rec["slug"]) != rec["slug"]:
        errors.add(number, "slug", "Đường dẫn chỉ gồm chữ thường không dấu, số và dấu '-'.")
    short = rec.get("short_name") or None
    if short and len(short) > 120:
        errors.add(number, "short_name", "Tên viết tắt tối đa 120 ký tự.")
    return ImportRow(number, code, name, kind, rec.get("parent_code", ""), admin_name, email, slug, short)


def plan_import(rows, existing_by_code, existing_slugs, taken_usernames):
    """Decide what an import creates; all-or-nothing, every problem reported at once.

    ``existing_by_code``: code → ExistingTenant; ``existing_slugs``: slugs in use;
    ``taken_usernames``: user names already registered. Codes already present are
    *unchanged* (re-importing a file is harmless).
    """
    errors = _Errors()
    plan = ImportPlan()
    seen_codes, seen_emails, seen_slugs = {}, {}, {}
    new_rows = {}
    for row in rows:
        key = row.code.lower()
        if key in seen_codes:
            errors.add(row.row, "code", f"Mã «{row.code}» trùng với dòng {seen_codes[key]}.")
            continue
        seen_codes[key] = row.row
        if row.code in existing_by_code:
            plan.unchanged.append(row.code)
            continue
        if row.admin_email in seen_emails:
            errors.add(
                row.row, "admin_email", f"E-mail «{row.admin_email}» trùng với dòng {seen_emails[row.admin_email]}."
            )
        elif row.admin_email in taken_usernames:
            errors.add(row.row, "admin_email", f"E-mail «{row.admin_email}» đã được dùng cho một tài khoản khác.")
        seen_emails.setdefault(row.admin_email, row.row)
        if row.slug in existing_slugs:
            errors.add(row.row, "slug", f"Đường dẫn «{row.slug}» đã được đơn vị khác sử dụng.")
        elif row.slug in seen_slugs:
            errors.add(row.row, "slug", f"Đường dẫn «{row.slug}» trùng với dòng {seen_slugs[row.slug]}.")
        seen_slugs.setdefault(row.slug, row.row)
        new_rows[row.code] = row

    for row in new_rows.values():
        parent = existing_by_code.get(row.parent_code)
        if parent is not None:
            if parent.status == "merged":
                errors.add(row.row, "parent_code", f"Đơn vị cấp trên «{row.parent_code}» đã được hợp nhất.")
        elif row.parent_code not in new_rows:
            errors.add(row.row, "parent_code", f"Không có đơn vị cấp trên mã «{row.parent_code}».")

    # Parents before children; a cycle inside the file is an error.
    ordered, state = [], {}

    def visit(code, trail):
        if state.get(code) == "done":
            return
        if state.get(code) == "visiting":
            row = new_rows[code]
            errors.add(
                row.row, "parent_code", "Quan hệ cấp trên tạo thành vòng lặp: " + " → ".join(trail + [code]) + "."
            )
            return
        state[code] = "visiting"
        parent_code = new_rows[code].parent_code
        if parent_code in new_rows:
            visit(parent_code, trail + [code])
        state[code] = "done"
        ordered.append(new_rows[code])

    for code in new_rows:
        visit(code, [])
    errors.raise_if_any()
    plan.create = ordered
    return plan


# -- tenants ------------------------------------------------------------------


def check_tenant_parent(kind, parent, ancestors_of_parent=(), tenant_id=None):
    """A tenant's parent must exist, be active and not be the tenant or one of its descendants."""
    if not tenant_needs_parent(kind):
        if parent is not None:
            raise InvalidInput.field("parent_id", "Tổng Liên đoàn không có đơn vị cấp trên.")
        return
    if parent is None:
        raise InvalidInput.field("parent_id", "Đơn vị phải có đơn vị cấp trên.")
    if parent.status == "merged":
        raise InvalidInput.field("parent_id", "Đơn vị cấp trên đã được hợp nhất; chọn đơn vị còn hoạt động.")
    if tenant_id is not None and (parent.id == tenant_id or tenant_id in ancestors_of_parent):
        raise InvalidInput.field("parent_id", "Không thể đặt một đơn vị làm cấp dưới của chính nó.")


def check_merge(tenant, into, ancestors_of_into):
    """Only an active, non-root tenant merges, into another active tenant outside its subtree."""
    if tenant.id == into.id:
        raise InvalidInput.field("into", "Không thể hợp nhất một đơn vị vào chính nó.")
    if tenant.kind == "confederation":
        raise InvalidInput.field("into", "Không thể hợp nhất Tổng Liên đoàn.")
    if tenant.status == "merged":
        raise Conflict("Đơn vị này đã được hợp nhất trước đó.", code="ALREADY_MERGED")
    if into.status != "active":
        raise InvalidInput.field("into", "Đơn vị nhận hợp nhất phải đang hoạt động.")
    if tenant.id in ancestors_of_into:
        raise InvalidInput.field("into", "Không thể hợp nhất một đơn vị vào đơn vị cấp dưới của nó.")


# -- units --------------------------------------------------------------------


def unit_path(parent_path, unit_id):
    return f"{parent_path or '/'}{unit_id}/"


def check_unit_move(unit, new_parent):
    if new_parent is None:
        return
    if new_parent.id == unit.id or new_parent.path.startswith(unit.path):
        raise InvalidInput.field("parent_id", "Không thể chuyển một đơn vị vào bên trong chính nó.")
    if new_parent.status != "active":
        raise InvalidInput.field("parent_id", "Đơn vị cấp trên mới đã ngừng hoạt động.")


# -- users and roles --------------------------------------------------------------


def check_roles(actor, roles, tenant_kind, *, current=None, target_is_self=False):
    """Which roles an actor may grant in a tenant of ``tenant_kind``."""
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise InvalidInput.field("roles", f"Vai trò không tồn tại: {', '.join(unknown)}.")
    if "platform_admin" in roles and "platform_admin" not in (current or ()):
        if not actor.is_platform_admin:
            raise Forbidden("Chỉ quản trị hệ thống mới cấp được vai trò quản trị hệ thống.", code="ROLE_NOT_GRANTABLE")
        if tenant_kind not in PLATFORM_KINDS:
            raise InvalidInput.field("roles", "Vai trò quản trị hệ thống chỉ dành cho cán bộ Tổng Liên đoàn.")
    if target_is_self and current is not None:
        for keep in ("tenant_admin", "platform_admin"):
            if keep in current and keep not in roles:
                raise Conflict("Không thể tự gỡ vai trò quản trị của chính mình.", code="SELF_LOCKOUT")
    if not roles:
        raise InvalidInput.field("roles", "Cần ít nhất một vai trò.")
    return roles


# -- passwords ------------------------------------------------------------------

PASSWORD_MIN = 8
PASSWORD_MAX = 128


def password_problems(password, *, username=None, common=frozenset()):
    """What is wrong with a new password, in Vietnamese; empty when it is acceptable."""
    problems = []
    if len(password) < PASSWORD_MIN:
        problems.append(f"Mật khẩu phải có ít nhất {PASSWORD_MIN} ký tự.")
    if len(password) > PASSWORD_MAX:
        problems.append(f"Mật khẩu tối đa {PASSWORD_MAX} ký tự.")
    lowered = password.lower()
    if lowered in common or lowered.strip() in common:
        problems.append("Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác.")
    if len(set(password)) <= 2 and len(password) >= 1:
        problems.append("Mật khẩu không được chỉ lặp lại một vài ký tự.")
    if username:
        local = username.split("@")[0].lower()
        if lowered in (username.lower(), local) and len(local) >= 3:
            problems.append("Mật khẩu không được trùng với tên đăng nhập.")
    return problems


def check_password_change(current_password, new_password, *, current_ok, username=None, common=frozenset()):
    """Refuse a password change with every problem at once (``InvalidInput``, field by field).

    ``current_ok``: the current password was verified. A new password must pass the same policy
    as a first one (``password_problems``) and differ from the current one — which can only be
    told once the current one is known to be right.
    """
    errors = {}
    if not current_ok:
        errors["current_password"] = ["Mật khẩu hiện tại không đúng."]
    problems = password_problems(new_password, username=username, common=common)
    unchanged = current_ok and new_password == current_password
    if unchanged:
        problems.insert(0, "Mật khẩu mới phải khác mật khẩu hiện tại.")
    if problems:
        errors["new_password"] = problems
    if not errors:
        return
    if not current_ok:
        code = "CURRENT_PASSWORD_WRONG"
    elif unchanged:
        code = "PASSWORD_UNCHANGED"
    else:
        code = "WEAK_PASSWORD"
    message = " ".join(m for field in ("current_password", "new_password") for m in errors.get(field, ()))
    raise InvalidInput(message, code=code, details={"errors": errors})


# -- sign-in throttling -----------------------------------------------------------


@dataclass(frozen=True)
class Throttle:
    failures: int
    window_started_at: datetime
    locked_until: datetime | None = None


def retry_after(state, now):
    """Seconds until a locked key may try again (0 when it may try now)."""
    if state is None or state.locked_until is None or state.locked_until <= now:
        return 0
    return max(1, int((state.locked_until - now).total_seconds() + 0.999))


def register_failure(state, now, *, limit, window):
    """The throttle state after one more failed sign-in; locks for ``window`` at ``limit``."""
    if state is None or now - state.window_started_at > window:
        state = Throttle(failures=0, window_started_at=now)
    state = replace(state, failures=state.failures + 1)
    if state.failures >= limit:
        state = replace(state, locked_until=now + window)
    return state


# -- refresh tokens -----------------------------------------------------------------


def refresh_outcome(token, now):
    """'ok', or why a presented refresh token is refused: 'reused', 'revoked', 'expired'."""
    if token.revoked_at is not None:
        return "revoked"
    if token.rotated_at is not None:
        return "reused"
    if token.expires_at <= now:
        return "expired"
    return "ok"


def activation_outcome(token, now):
    if token is None:
        return "unknown"
    if token.used_at is not None:
        return "used"
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= now:
        return "expired"
    return "ok"


def staff_in_office(term_start, term_end, today):
    return term_start <= today and (term_end is None or term_end >= today)
