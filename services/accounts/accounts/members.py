"""Rules of the member register (đoàn viên): CSV parsing and import planning.

Plain Python, no nameko, no SQL. A member is a user with the role ``member`` in
one tenant plus a register row keyed by its member number (số thẻ đoàn viên),
unique inside the tenant. The import is all-or-nothing: every problem of a file
is reported at once (row and column), and nothing is written unless there is none.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from accounts.domain import EMAIL_RE
from platform_shared.errors import InvalidInput
from platform_shared.text import fold, nfc

# Canonical column → the header spellings accepted (compared after ASCII folding,
# so "Số thẻ đoàn viên", "so the doan vien" and "SỐ THẺ ĐOÀN VIÊN" are one column).
COLUMNS = {
    "member_number": ("member_number", "so the doan vien", "so the", "ma doan vien", "so the dv"),
    "full_name": ("full_name", "ho va ten", "ho ten"),
    "birth_date": ("birth_date", "ngay sinh"),
    "gender": ("gender", "gioi tinh"),
    "phone": ("phone", "so dien thoai", "dien thoai", "sdt"),
    "email": ("email", "e-mail", "thu dien tu"),
    "unit_code": ("unit_code", "ma don vi", "ma cong doan co so", "ma cdcs"),
    "joined_on": ("joined_on", "ngay vao cong doan", "ngay ket nap", "ngay gia nhap"),
}
REQUIRED = ("member_number", "full_name")
LABELS = {
    "member_number": "Số thẻ đoàn viên",
    "full_name": "Họ và tên",
    "birth_date": "Ngày sinh",
    "gender": "Giới tính",
    "phone": "Số điện thoại",
    "email": "E-mail",
    "unit_code": "Mã đơn vị",
    "joined_on": "Ngày vào Công đoàn",
}
# Register fields an import may change on an existing member (member_number never changes).
UPDATABLE = ("full_name", "birth_date", "gender", "phone", "email", "unit_id", "joined_on")
GENDERS = {"nam": "male", "male": "male", "m": "male", "nu": "female", "female": "female", "f": "female"}
GENDERS.update({"khac": "other", "other": "other"})

NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
PHONE_RE = re.compile(r"^(?:\+84|0)[0-9]{8,10}$")
_PHONE_NOISE = re.compile(r"[ .()-]")
MAX_REPORTED_ERRORS = 200


def _header_key(header):
    return " ".join(fold(nfc(header) or "").replace("_", " ").split())


_ALIASES = {_header_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}


@dataclass(frozen=True)
class MemberRow:
    row: int  # as a spreadsheet shows it: the header is row 1
    number: str
    full_name: str
    birth_date: date | None = None
    gender: str | None = None
    phone: str | None = None
    email: str | None = None
    unit_code: str | None = None
    joined_on: date | None = None


@dataclass(frozen=True)
class ParsedFile:
    rows: list
    names: dict  # canonical column → its header as the file spells it; an absent optional column is left as it is


@dataclass(frozen=True)
class ExistingMember:
    id: object
    user_id: object
    number: str
    user_status: str
    full_name: str
    birth_date: date | None
    gender: str | None
    phone: str | None
    email: str | None
    unit_id: object
    joined_on: date | None


@dataclass
class MemberPlan:
    create: list = field(default_factory=list)  # MemberRow
    update: list = field(default_factory=list)  # (ExistingMember, {field: new value})
    unchanged: list = field(default_factory=list)  # ExistingMember
    reissue: list = field(default_factory=list)  # ExistingMember still waiting for activation
    units: dict = field(default_factory=dict)  # unit code → (unit id, status) of the tenant


class ImportErrors:
    """Problems of one file, each with its row and column, raised together. ``nothing``: what the
    message says was left undone (another file than a member file names its own)."""

    def __init__(self, nothing="chưa có đoàn viên nào được nhập hay thay đổi"):
        self.items = []
        self.nothing = nothing

    def add(self, row, column, message):
        self.items.append({"row": row, "column": column, "message": message})

    def raise_if_any(self):
        if not self.items:
            return
        first = self.items[0]
        where = f"dòng {first['row']}, cột {first['column']}" if first["column"] else f"dòng {first['row']}"
        reported = self.items[:MAX_REPORTED_ERRORS]
        more = f" (danh sách chỉ nêu {MAX_REPORTED_ERRORS} lỗi đầu)" if len(self.items) > MAX_REPORTED_ERRORS else ""
        raise InvalidInput(
            f"Tệp có {len(self.items)} lỗi{more}, {self.nothing}. "
            f"Lỗi đầu tiên ở {where}: {first['message']} Sửa tệp rồi nhập lại.",
            code="IMPORT_INVALID",
            details={"errors": reported, "error_count": len(self.items)},
        )


def member_username(number, tenant_slug):
    """The sign-in name of a new member: ``<member number>@<tenant slug>``, lower case.

    Tenant slugs have no dot, so it never collides with an e-mail user name.
    """
    return f"{number}@{tenant_slug}".lower()


def header_column(header):
    """The canonical column a header names, or None."""
    return _ALIASES.get(_header_key(header))


def parse_member_csv(text, *, max_rows, today):
    """The rows of a member CSV, or ``InvalidInput`` naming every bad row and column.

    Columns are named as the file names them (``column`` in each error).
    """
    errors = ImportErrors()
    if text is None or not text.strip():
        errors.add(1, None, "Tệp rỗng.")
        errors.raise_if_any()
    if "\x00" in text:
        # A spreadsheet (.xlsx is a zip) or another binary file, not text.
        raise InvalidInput.field(
            "file", "Tệp không phải CSV (có thể là tệp Excel); hãy lưu dưới dạng «CSV UTF-8».", code="IMPORT_INVALID"
        )
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        header = []

    def numbered():
        try:
            yield from enumerate(reader, start=2)
        except csv.Error as exc:
            errors.add(reader.line_num, None, f"Tệp CSV không đọc được: {exc}.")

    return parse_member_table(header, numbered(), max_rows=max_rows, today=today, errors=errors)


def parse_member_table(header, numbered_rows, *, max_rows, today, errors=None):
    """The rows of a member table (a CSV or the first sheet of a workbook), or ``InvalidInput``
    naming every bad row and column. ``header``: the first row's cells as text;
    ``numbered_rows``: ``(row number, [cell text, ...])`` for every following row."""
    errors = errors or ImportErrors()
    canonical = [header_column(h) for h in header]
    for name, column in zip(header, canonical, strict=True):
        if column is None and name.strip():
            errors.add(1, name.strip(), f"Cột «{name.strip()}» không được hỗ trợ. {_expected()}")
    for column in REQUIRED:
        if column not in canonical:
            errors.add(1, column, f"Thiếu cột «{LABELS[column]}». {_expected()}")
    if "phone" not in canonical and "email" not in canonical:
        errors.add(1, "phone", f"Cần cột «{LABELS['phone']}» hoặc «{LABELS['email']}» để đoàn viên nhận mã kích hoạt.")
    for column in sorted({c for c in canonical if c and canonical.count(c) > 1}):
        errors.add(1, column, f"Cột «{LABELS[column]}» xuất hiện nhiều lần.")
    errors.raise_if_any()

    names = {c: h.strip() for h, c in zip(header, canonical, strict=True) if c}
    rows, seen = [], {}
    for number, values in numbered_rows:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            errors.add(number, None, f"Dòng có {len(values)} giá trị, tiêu đề có {len(header)} cột.")
            continue
        if len(rows) >= max_rows:
            errors.add(number, None, f"Một lần nhập tối đa {max_rows} đoàn viên; hãy chia tệp.")
            break
        rec = {c: (nfc(v) or "") for c, v in zip(canonical, values, strict=True) if c}
        key = rec.get("member_number", "").upper()
        if key and key in seen:
            errors.add(number, names["member_number"], f"Số thẻ «{key}» trùng với dòng {seen[key]}.")
            continue
        seen.setdefault(key, number)
        row = _check_row(number, rec, names, errors, today)
        if row is not None:
            rows.append(row)
    if not rows and not errors.items:
        errors.add(2, None, "Tệp không có dòng dữ liệu nào.")
    errors.raise_if_any()
    return ParsedFile(rows, names)


def _expected():
    return "Các cột: " + ", ".join(LABELS[c] for c in COLUMNS) + " (Số thẻ đoàn viên và Họ và tên là bắt buộc)."


def _check_row(number, rec, names, errors, today):
    before = len(errors.items)
    raw_number = rec.get("member_number", "")
    member_number = raw_number.upper()
    if not member_number:
        errors.add(number, names["member_number"], "Số thẻ đoàn viên là bắt buộc.")
    elif not NUMBER_RE.match(member_number):
        errors.add(
            number,
            names["member_number"],
            f"Số thẻ «{raw_number}» không hợp lệ: tối đa 32 ký tự gồm chữ không dấu, số, '.', '-', '_'.",
        )
    full_name = rec.get("full_name", "")
    if len(full_name) < 2 or len(full_name) > 200:
        errors.add(number, names["full_name"], "Họ và tên phải có từ 2 đến 200 ký tự.")
    birth_date = _date(rec, "birth_date", number, names, errors)
    if birth_date is not None and not (date(1900, 1, 1) <= birth_date < today):
        errors.add(number, names["birth_date"], f"Ngày sinh {birth_date:%d/%m/%Y} không hợp lệ.")
    joined_on = _date(rec, "joined_on", number, names, errors)
    if joined_on is not None and joined_on > today:
        errors.add(number, names["joined_on"], f"Ngày vào Công đoàn {joined_on:%d/%m/%Y} ở tương lai.")
    if joined_on is not None and birth_date is not None and joined_on <= birth_date:
        errors.add(number, names["joined_on"], "Ngày vào Công đoàn phải sau ngày sinh.")
    gender = None
    if rec.get("gender"):
        gender = GENDERS.get(fold(rec["gender"]))
        if gender is None:
            errors.add(number, names["gender"], f"Giới tính «{rec['gender']}» không hợp lệ; dùng Nam, Nữ hoặc Khác.")
    phone = None
    if rec.get("phone"):
        phone = _PHONE_NOISE.sub("", rec["phone"])
        if not PHONE_RE.match(phone):
            errors.add(number, names["phone"], f"Số điện thoại «{rec['phone']}» không hợp lệ (ví dụ: 0912345678).")
    email = None
    if rec.get("email"):
        email = rec["email"].lower()
        if len(email) > 254 or not EMAIL_RE.match(email):
            errors.add(number, names["email"], f"E-mail «{rec['email']}» không hợp lệ.")
    if not phone and not email:
        column = names.get("phone") or names.get("email")
        errors.add(number, column, "Cần số điện thoại hoặc e-mail để đoàn viên nhận mã kích hoạt.")
    unit_code = rec.get("unit_code") or None
    if len(errors.items) != before:
        return None
    return MemberRow(number, member_number, full_name, birth_date, gender, phone, email, unit_code, joined_on)


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _date(rec, column, number, names, errors):
    """31/12/1990, 31-12-1990, 31.12.1990 or 1990-12-31 (regular expressions: strptime is slow at 10⁵ rows)."""
    value = rec.get(column)
    if not value:
        return None
    iso, vn = _ISO_DATE.match(value), _VN_DATE.match(value)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if vn:
            return date(int(vn[3]), int(vn[2]), int(vn[1]))
    except ValueError:
        pass
    errors.add(number, names[column], f"{LABELS[column]} «{value}» không hợp lệ; dùng dạng 31/12/1990 hoặc 1990-12-31.")
    return None


def plan_members(parsed, existing, units, *, reissue=False):
    """Decide what an import creates, updates, leaves alone and re-issues.

    ``existing``: member number → ExistingMember (of this tenant); ``units``: unit
    code → (unit id, status) of this tenant. A number already registered is updated
    when a field the file carries differs, otherwise unchanged; an optional column
    the file lacks leaves that field as it is. Raises ``InvalidInput`` (unknown or
    archived units) before anything is decided.
    """
    unit_ids = resolve_units(parsed, units)
    return plan_resolved(parsed.rows, unit_ids, existing, carried_fields(parsed.names), reissue=reissue)


def resolve_units(parsed, units):
    """Row number → unit id of every row naming a unit, or ``InvalidInput`` naming each unknown
    or archived unit (``units`` as for ``plan_members``)."""
    errors = ImportErrors()
    names = parsed.names
    unit_ids = {}
    for row in parsed.rows:
        if row.unit_code is None:
            continue
        found = units.get(row.unit_code)
        if found is None:
            errors.add(row.row, names["unit_code"], f"Đơn vị mã «{row.unit_code}» không có trong đơn vị của bạn.")
        elif found[1] != "active":
            errors.add(row.row, names["unit_code"], f"Đơn vị mã «{row.unit_code}» đã ngừng hoạt động.")
        else:
            unit_ids[row.row] = found[0]
    errors.raise_if_any()
    return unit_ids


def plan_resolved(rows, unit_ids, existing, carried, *, reissue=False):
    """``plan_members`` once the units are known (``unit_ids``: row number → unit id; ``carried``:
    the register fields the file sets). An import job plans each batch with it when it applies."""
    plan = MemberPlan()
    for row in rows:
        current = existing.get(row.number)
        if current is None:
            plan.create.append(row)
            continue
        wanted = {
            "full_name": row.full_name,
            "birth_date": row.birth_date,
            "gender": row.gender,
            "phone": row.phone,
            "email": row.email,
            "unit_id": unit_ids.get(row.row),
            "joined_on": row.joined_on,
        }
        changes = {k: v for k, v in wanted.items() if k in carried and getattr(current, k) != v}
        if changes:
            plan.update.append((current, changes))
        else:
            plan.unchanged.append(current)
        if reissue and current.user_status == "invited":
            plan.reissue.append(current)
    return plan


def carried_fields(names):
    """The register fields a file sets (its optional columns; member_number is the key)."""
    carried = [f for f in UPDATABLE if f in names]
    if "unit_code" in names:
        carried.append("unit_id")
    return carried


def unit_id_of(row, units):
    """The unit id a planned new row goes to (``units`` as for ``plan_members``)."""
    return units[row.unit_code][0] if row.unit_code else None


def check_member_fields(values, *, today):
    """An edited member's fields (``values``: every register field, the edit laid over the current
    record) normalised as an import would store them — phone without spaces or dots, e-mail in
    lower case — or ``InvalidInput`` naming each field with its problem."""
    problems = {}
    phone = values.get("phone") or None
    if phone:
        phone = _PHONE_NOISE.sub("", phone)
        if not PHONE_RE.match(phone):
            problems["phone"] = "Số điện thoại không hợp lệ; nhập dạng 0912345678 hoặc +84912345678."
    email = (values.get("email") or "").strip().lower() or None
    if email and (len(email) > 254 or not EMAIL_RE.match(email)):
        problems["email"] = "E-mail không hợp lệ; nhập dạng ten@example.vn."
    if not phone and not email and "phone" not in problems and "email" not in problems:
        problems["phone"] = "Cần số điện thoại hoặc e-mail để đoàn viên nhận mã kích hoạt."
    birth, joined = values.get("birth_date"), values.get("joined_on")
    if birth is not None and not (date(1900, 1, 1) <= birth < today):
        problems["birth_date"] = "Ngày sinh phải sau 01/01/1900 và trước hôm nay."
    if joined is not None and joined > today:
        problems["joined_on"] = "Ngày vào Công đoàn không được ở tương lai."
    elif joined is not None and birth is not None and joined <= birth:
        problems["joined_on"] = "Ngày vào Công đoàn phải sau ngày sinh."
    if problems:
        raise InvalidInput(
            "Thông tin đoàn viên chưa hợp lệ: " + " ".join(problems.values()),
            details={"errors": {name: [message] for name, message in problems.items()}},
        )
    return {**values, "phone": phone, "email": email}
