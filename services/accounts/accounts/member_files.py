"""Reading an uploaded member file — CSV (UTF-8) or an Excel workbook (.xlsx) — into the rows
of the member register's rules (``members.parse_member_table``). Plain Python, no nameko, no SQL.

A workbook is read from its first sheet, its first row the header, exactly as a CSV; the row
numbers of the errors are the sheet's. Excel's own types are turned back into what a person
typed: a date cell is a date, a whole number has no ``.0``, and a phone number that Excel kept
as a number (so lost its leading zero: 912345678) gets the zero back.
"""

import csv
import io
import zipfile
from datetime import date, datetime

from accounts import members as rules
from platform_shared.errors import InvalidInput

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and other OLE2 files
# A workbook is a zip: refuse one that would unpack to more than this (a «zip bomb») before
# openpyxl reads it. 200,000 members of 8 columns unpack to ~60 MB of sheet XML.
MAX_XLSX_UNPACKED = 400 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

NOT_A_TABLE = "Tệp không phải CSV hay Excel (.xlsx). Hãy tải lên tệp mẫu đã điền, lưu dạng «CSV UTF-8» hoặc «Excel Workbook (.xlsx)»."


def file_problem(message):
    return InvalidInput.field("file", message, code="IMPORT_INVALID")


def read_member_file(content, *, max_rows, today):
    """``(ParsedFile, "csv" | "xlsx")`` of an uploaded file's bytes, or ``InvalidInput``
    (``IMPORT_INVALID``): the rows and columns of every problem, or ``file`` for a file that is
    neither a UTF-8 CSV nor a workbook."""
    if not isinstance(content, bytes | bytearray):
        raise file_problem(NOT_A_TABLE)
    if not content.strip():
        errors = rules.ImportErrors()
        errors.add(1, None, "Tệp rỗng: hãy điền danh sách đoàn viên vào tệp mẫu rồi tải lên lại.")
        errors.raise_if_any()
    if content.startswith(XLSX_MAGIC):
        header, rows = _xlsx_table(bytes(content))
        parsed = rules.parse_member_table(header, iter(rows), max_rows=max_rows, today=today)
        return parsed, "xlsx"
    if content.startswith(OLE_MAGIC):
        raise file_problem(
            "Tệp Excel 97-2003 (.xls) chưa được hỗ trợ. Trong Excel chọn «Lưu thành» → «Excel Workbook (.xlsx)» "
            "hoặc «CSV UTF-8» rồi tải lên lại."
        )
    try:
        text = bytes(content).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise file_problem(
            "Tệp không phải CSV UTF-8 hay Excel (.xlsx): có thể là tệp khác (ảnh, PDF...) hoặc CSV lưu bằng bảng mã "
            "khác. Trong Excel chọn «Lưu thành» → «CSV UTF-8» hoặc «Excel Workbook (.xlsx)» rồi tải lên lại."
        ) from None
    if "\x00" in text:
        raise file_problem(NOT_A_TABLE)
    return rules.parse_member_csv(text, max_rows=max_rows, today=today), "csv"


def read_table(content, *, is_phone=None, nothing=None, empty="Tệp rỗng: hãy điền tệp mẫu rồi tải lên lại."):
    """``(header, [(row number, [cell text, ...])], "csv" | "xlsx")`` of an uploaded table — a
    UTF-8 CSV or a workbook's first sheet, read as ``read_member_file`` reads a member file — for
    other files of rows (the unit administrators' registrations). ``is_phone(header)``: the
    columns whose numbers Excel may have stripped of their leading zero; ``nothing``: what an
    error's message says was left undone. Raises ``InvalidInput`` (``IMPORT_INVALID``) naming
    ``file``, or row 1 for an empty file."""
    if not isinstance(content, bytes | bytearray):
        raise file_problem(NOT_A_TABLE)
    if not content.strip():
        errors = rules.ImportErrors(nothing) if nothing else rules.ImportErrors()
        errors.add(1, None, empty)
        errors.raise_if_any()
    if content.startswith(XLSX_MAGIC):
        header, rows = _xlsx_table(bytes(content), is_phone=is_phone, nothing=nothing)
        return header, rows, "xlsx"
    if content.startswith(OLE_MAGIC):
        raise file_problem("Tệp Excel 97-2003 (.xls) chưa được hỗ trợ; hãy lưu dạng .xlsx hoặc «CSV UTF-8».")
    try:
        text = bytes(content).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise file_problem(
            "Tệp không phải CSV UTF-8 hay Excel (.xlsx). Trong Excel chọn «Lưu thành» → «CSV UTF-8» hoặc "
            "«Excel Workbook (.xlsx)» rồi tải lên lại."
        ) from None
    if "\x00" in text:
        raise file_problem(NOT_A_TABLE)
    try:
        found = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise file_problem(f"Tệp CSV không đọc được: {exc}.") from None
    header = found[0] if found else []
    return header, list(enumerate(found[1:], start=2)), "csv"


def _xlsx_table(content, *, is_phone=None, nothing=None):
    """The header and the numbered rows of a workbook's first sheet, every cell as text."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise file_problem(NOT_A_TABLE) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise file_problem("Tệp Excel quá lớn khi giải nén; hãy chia tệp hoặc lưu dạng CSV UTF-8.")
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a zip that is not a workbook (a .docx, a broken file)
        raise file_problem(NOT_A_TABLE) from None
    try:
        if not book.worksheets:
            raise file_problem(NOT_A_TABLE)
        sheet = book.worksheets[0]
        try:
            cells = sheet.iter_rows(values_only=True)
            header = [cell_text(v) for v in next(cells, ())]
            while header and not header[-1].strip():
                header.pop()
            is_phone = is_phone or (lambda h: rules.header_column(h) == "phone")
            phone = {i for i, h in enumerate(header) if is_phone(h)}
            rows = []
            for number, values in enumerate(cells, start=2):
                texts = [cell_text(v, phone=i in phone) for i, v in enumerate(values)]
                while len(texts) > len(header) and not texts[-1].strip():
                    texts.pop()  # a sheet's rows are as wide as its widest one
                texts += [""] * (len(header) - len(texts))
                rows.append((number, texts))
        except InvalidInput:
            raise
        except Exception:  # broken sheet XML inside a well-formed zip
            raise file_problem(NOT_A_TABLE) from None
    finally:
        book.close()
    if not header and not any(any(v.strip() for v in values) for _, values in rows):
        errors = rules.ImportErrors(nothing) if nothing else rules.ImportErrors()
        errors.add(1, None, "Tệp rỗng: trang tính đầu tiên không có dữ liệu.")
        errors.raise_if_any()
    return header, rows


def cell_text(value, *, phone=False):
    """A cell as the text a person typed (dates as ``1990-12-31``, 12.0 as ``12``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        # Excel drops the leading zero of a phone number typed as a number (0912345678 → 912345678).
        # 84 and nine digits is the international form (+84 912 345 678).
        if phone and len(text) == 11 and text.startswith("84"):
            text = "+" + text
        elif phone and 8 <= len(text) <= 10:
            text = "0" + text
        return text
    return str(value)
