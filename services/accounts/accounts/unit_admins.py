"""Rules of the unit administrators' registrations file: a federation's list of the people who
administer its grassroots unions (one row each: the unit's code, the person's name, e-mail and
phone), read, checked and planned. Plain Python, no nameko, no SQL.

All or nothing, as the other imports: every problem of the file is named by row and column and
nothing is created unless there is none. Each row creates an invited account (user name = its
e-mail) holding ``unit_admin`` bound to the row's unit, with a one-time activation token.
"""

import re
from dataclasses import dataclass, replace

from accounts.domain import EMAIL_RE, ROLE_LABELS
from accounts.members import ImportErrors
from platform_shared.text import fold, nfc

COLUMNS = {
    "unit_code": ("unit_code", "ma don vi", "ma cong doan co so", "ma cdcs"),
    "full_name": ("full_name", "ho va ten", "ho ten"),
    "email": ("email", "e-mail", "thu dien tu"),
    "phone": ("phone", "so dien thoai", "dien thoai", "sdt"),
    "roles": ("roles", "role", "vai tro"),
}
REQUIRED = ("unit_code", "full_name", "email")
LABELS = {
    "unit_code": "Mã đơn vị",
    "full_name": "Họ và tên",
    "email": "E-mail",
    "phone": "Số điện thoại",
    "roles": "Vai trò",
}
# A registrations file makes unit administrators; a row may add the roles a grassroots union's
# administrator usually holds too. Nothing that reaches over the whole tenant.
FILE_ROLES = ("unit_admin", "member", "contributor")
MAX_ROWS = 5000
NOTHING = "chưa có tài khoản nào được tạo"
PHONE_RE = re.compile(r"^(?:\+84|0)[0-9]{8,10}$")
_PHONE_NOISE = re.compile(r"[ .()-]")
_ROLE_SPLIT = re.compile(r"[;,|/\n]+")


def _key(text):
    return " ".join(fold(nfc(text) or "").replace("_", " ").split())


_ALIASES = {_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}
# A role as a file may spell it: its key (unit_admin) or its Vietnamese name, any case or accents.
_ROLE_NAMES = {_key(role): role for role in ROLE_LABELS} | {_key(label): role for role, label in ROLE_LABELS.items()}


@dataclass(frozen=True)
class AdminRow:
    row: int  # as a spreadsheet shows it: the header is row 1
    unit_code: str
    full_name: str
    email: str
    phone: str | None
    roles: tuple
    valid: bool = True  # False: the row has problems of its own (in ``ParsedAdmins.errors``)


@dataclass(frozen=True)
class ParsedAdmins:
    rows: list  # every data row, valid or not: its unit and e-mail are checked against the data too
    names: dict  # canonical column → its header as the file spells it
    errors: ImportErrors  # the rows' own problems, raised with the data's by ``plan_admins``


@dataclass(frozen=True)
class UnitInfo:
    id: object
    code: str
    name: str
    status: str


def header_column(header):
    return _ALIASES.get(_key(header))


def is_phone_header(header):
    return header_column(header) == "phone"


def _expected():
    return (
        "Các cột: "
        + ", ".join(f"{LABELS[c]} ({c})" for c in COLUMNS)
        + " — Mã đơn vị, Họ và tên và E-mail là bắt buộc."
    )


def parse_admin_table(header, numbered_rows, *, max_rows=MAX_ROWS):
    """Every data row of a registrations table with the problems found in the rows themselves
    (``ParsedAdmins.errors``, raised with the data's by ``plan_admins``, so a file's every problem
    is named at once), or ``InvalidInput`` (``IMPORT_INVALID``) at once for a bad header or a file
    without rows. ``column`` is the header as the file spells it."""
    errors = ImportErrors(NOTHING)
    header = [h or "" for h in header]
    while header and not header[-1].strip():
        header.pop()
    canonical = [header_column(h) for h in header]
    for name, column in zip(header, canonical, strict=True):
        if column is None and name.strip():
            errors.add(1, name.strip(), f"Cột «{name.strip()}» không được hỗ trợ. {_expected()}")
    for column in REQUIRED:
        if column not in canonical:
            errors.add(1, column, f"Thiếu cột «{LABELS[column]}». {_expected()}")
    for column in sorted({c for c in canonical if c and canonical.count(c) > 1}):
        errors.add(1, column, f"Cột «{LABELS[column]}» xuất hiện nhiều lần.")
    errors.raise_if_any()

    names = {c: h.strip() for h, c in zip(header, canonical, strict=True) if c}
    rows, emails = [], {}
    for number, values in numbered_rows:
        values = list(values)
        while len(values) > len(header) and not values[-1].strip():
            values.pop()
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            errors.add(number, None, f"Dòng có {len(values)} giá trị, tiêu đề có {len(header)} cột.")
            continue
        if len(rows) >= max_rows:
            errors.add(number, None, f"Một lần nhập tối đa {max_rows} quản trị viên; hãy chia tệp.")
            break
        rec = {c: (nfc(v) or "").strip() for c, v in zip(canonical, values, strict=True) if c}
        row = _check_row(number, rec, names, errors)
        if row.email and row.email in emails:
            errors.add(number, names["email"], f"E-mail «{row.email}» trùng với dòng {emails[row.email]}.")
            row = replace(row, valid=False)
        emails.setdefault(row.email, number)
        rows.append(row)
    if not rows and not errors.items:
        errors.add(2, None, "Tệp không có dòng dữ liệu nào.")
        errors.raise_if_any()
    return ParsedAdmins(rows, names, errors)


def _check_row(number, rec, names, errors):
    before = len(errors.items)
    unit_code = rec.get("unit_code", "")
    if not unit_code:
        errors.add(number, names["unit_code"], "Mã đơn vị là bắt buộc.")
    full_name = rec.get("full_name", "")
    if len(full_name) < 2 or len(full_name) > 200:
        errors.add(number, names["full_name"], "Họ và tên phải có từ 2 đến 200 ký tự.")
    email = rec.get("email", "").lower()
    if not email:
        errors.add(number, names["email"], "E-mail là bắt buộc: đó là tên đăng nhập của quản trị viên.")
    elif len(email) > 254 or not EMAIL_RE.match(email):
        errors.add(number, names["email"], f"E-mail «{rec['email']}» không hợp lệ.")
    phone = None
    if rec.get("phone"):
        phone = _PHONE_NOISE.sub("", rec["phone"])
        if not PHONE_RE.match(phone):
            errors.add(number, names["phone"], f"Số điện thoại «{rec['phone']}» không hợp lệ (ví dụ: 0912345678).")
    roles = _roles(number, rec.get("roles", ""), names, errors)
    return AdminRow(number, unit_code, full_name, email, phone, roles, valid=len(errors.items) == before)


def _roles(number, text, names, errors):
    """The row's roles: always ``unit_admin``, plus those of ``FILE_ROLES`` the cell names."""
    roles = {"unit_admin"}
    for part in _ROLE_SPLIT.split(text or ""):
        if not part.strip():
            continue
        role = _ROLE_NAMES.get(_key(part))
        if role is None:
            allowed = ", ".join(ROLE_LABELS[r] for r in FILE_ROLES)
            errors.add(number, names["roles"], f"Vai trò «{part.strip()}» không có; dùng: {allowed}.")
        elif role not in FILE_ROLES:
            errors.add(
                number,
                names["roles"],
                f"Bạn không cấp được vai trò «{ROLE_LABELS[role]}» qua danh sách quản trị công đoàn cơ sở; "
                "chỉ cấp Quản trị công đoàn cơ sở, Đoàn viên hoặc Cộng tác viên.",
            )
        else:
            roles.add(role)
    return tuple(sorted(roles))


def plan_admins(parsed, units, taken, *, where, root_id=None):
    """``[(AdminRow, UnitInfo)]`` of a parsed file, or ``InvalidInput`` naming every problem: the
    rows' own (``parsed.errors``) and each row whose unit is unknown (``units``: code → UnitInfo of
    what the importer administers — the tenant, or a unit administrator's branch; a code of another
    federation is as unknown as a mistyped one, named in ``where``), archived, or the importer's
    own unit (``root_id``), and each e-mail already used (``taken``: user names of accounts)."""
    errors = ImportErrors(NOTHING)
    errors.items = list(parsed.errors.items)
    names = parsed.names
    planned = []
    for row in parsed.rows:
        unit = units.get(row.unit_code) if row.unit_code else None
        if row.unit_code and unit is None:
            errors.add(row.row, names["unit_code"], f"Không có đơn vị mã «{row.unit_code}» trong {where}.")
        elif unit is not None and unit.id == root_id:
            errors.add(
                row.row,
                names["unit_code"],
                f"«{unit.name}» là đơn vị bạn quản trị: bạn chỉ cấp quản trị cho đơn vị cấp dưới của nó.",
            )
        elif unit is not None and unit.status != "active":
            errors.add(row.row, names["unit_code"], f"Đơn vị «{unit.name}» ({row.unit_code}) đã ngừng hoạt động.")
        if row.email in taken:
            errors.add(row.row, names["email"], f"E-mail «{row.email}» đã được dùng cho một tài khoản khác.")
        if unit is not None and row.valid:
            planned.append((row, unit))
    errors.items.sort(key=lambda e: e["row"])
    errors.raise_if_any()
    return planned
