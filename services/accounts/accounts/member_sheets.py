"""Files of the member register, rendered here as polls renders its own: the credentials sheet of
an import job (CSV, XLSX, and a printable PDF of one activation slip per member) and the blank
import template (CSV, XLSX). Plain Python, no nameko, no SQL; every function returns bytes.

The PDF uses the DejaVu Sans TTF fonts (Vietnamese glyphs) from ``MEMBER_SHEET_FONT_DIR``
(Debian's ``fonts-dejavu-core``: ``/usr/share/fonts/truetype/dejavu``), else matplotlib's copy. Slips are drawn with
fpdf2's ``text`` (no ``multi_cell``): 20,000 slips render in about five seconds instead of
a hundred (measured on this machine), lines wrapped here with the font's own widths.
"""

import csv
import io
from functools import lru_cache
from pathlib import Path

from accounts.member_files import XLSX_TYPE
from accounts.members import LABELS
from platform_shared.clock import VN_TZ

CSV_TYPE = "text/csv; charset=utf-8"
PDF_TYPE = "application/pdf"
SHEET_FORMATS = ("csv", "xlsx", "pdf")
TEMPLATE_FORMATS = ("csv", "xlsx")

SHEET_COLUMNS = (
    ("member_number", "Số thẻ đoàn viên"),
    ("full_name", "Họ và tên"),
    ("unit", "Đơn vị"),
    ("username", "Tên đăng nhập"),
    ("activation_token", "Mã kích hoạt"),
    ("activation_link", "Đường dẫn kích hoạt"),
    ("expires", "Hết hạn"),
)
TEMPLATE_HEADER = tuple(LABELS.values())
TEMPLATE_EXAMPLES = (
    ("HN-000001", "Nguyễn Thị Hoa", "12/04/1991", "Nữ", "0912000001", "hoa.nt@example.vn", "CDCS-CANON", "01/06/2015"),
    ("HN-000002", "Trần Văn Nam", "30/09/1988", "Nam", "0912000002", "", "CDCS-MAY10", ""),
)


def local_day(moment):
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y") if moment else ""


def activation_link(base, token):
    return f"{base}?token={token}" if base else ""


# -- the credentials sheet -----------------------------------------------------------------------


def _sheet_values(entry, activate_url):
    return {
        **entry,
        "unit": entry.get("unit") or "",
        "activation_link": activation_link(activate_url, entry["activation_token"]),
        "expires": local_day(entry["expires_at"]),
    }


def credentials_csv(entries, *, activate_url=None):
    """UTF-8 with a BOM (Excel opens it with the diacritics), a Vietnamese header row."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([label for _, label in SHEET_COLUMNS])
    for entry in entries:
        values = _sheet_values(entry, activate_url)
        writer.writerow([values[key] for key, _ in SHEET_COLUMNS])
    return out.getvalue().encode("utf-8")


def credentials_xlsx(entries, *, activate_url=None):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Mã kích hoạt")
    for column, width in zip("ABCDEFG", (18, 28, 36, 26, 48, 60, 12), strict=True):
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)
    header = []
    for _, label in SHEET_COLUMNS:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for entry in entries:
        values = _sheet_values(entry, activate_url)
        sheet.append([values[key] for key, _ in SHEET_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf")


def font_files(directory):
    """The regular, bold and monospaced DejaVu Sans files: from ``directory``, else from
    matplotlib's own copy when it is installed (the platform's image has it for polls' charts)."""
    candidates = [Path(directory)]
    try:
        import matplotlib

        candidates.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:
        pass
    for folder in candidates:
        paths = [folder / name for name in FONT_FILES]
        if all(p.is_file() for p in paths):
            return paths
    raise FileNotFoundError(
        f"PDF fonts {', '.join(FONT_FILES)} not found in {directory} "
        "(install fonts-dejavu-core or set MEMBER_SHEET_FONT_DIR)"
    )


SLIP_COLUMNS, SLIP_ROWS = 2, 3  # six slips on an A4 page, cut along the dashed lines
PAGE_MARGIN, SLIP_PAD = 10.0, 4.0


def credentials_pdf(entries, *, tenant_name, activate_url=None, font_dir):
    """One activation slip per member: name, member number, unit, user name, the one-time code,
    how to activate, when the code expires. Six slips on an A4 page."""
    from fpdf import FPDF

    regular, bold, mono = font_files(font_dir)
    pdf = FPDF(format="A4")
    pdf.set_title("Phiếu kích hoạt tài khoản đoàn viên")
    pdf.set_creator("Cổng thông tin Công đoàn")
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.add_font("DejaVuMono", "", str(mono))
    pdf.set_auto_page_break(False)
    width = (pdf.w - 2 * PAGE_MARGIN) / SLIP_COLUMNS
    height = (pdf.h - 2 * PAGE_MARGIN) / SLIP_ROWS
    inner = width - 2 * SLIP_PAD

    widths = {}  # (family, style, size) → {character: width in mm}: fpdf2 does not kern, widths add up

    def measure_in(key):
        known = widths.setdefault(key, {})

        def measure(text):
            total = 0.0
            for char in text:
                width = known.get(char)
                if width is None:
                    pdf.set_font(*key)
                    width = known[char] = pdf.get_string_width(char)
                total += width
            return total

        return measure

    @lru_cache(maxsize=512)
    def wrapped(text, family, style, size, lines):
        key = (family, style, size)
        return tuple(wrap(text, inner, measure_in(key), lines))

    where = activate_url or "trang «Kích hoạt tài khoản» của Cổng thông tin Công đoàn"
    if not entries:
        pdf.add_page()
        pdf.set_font("DejaVu", "", 11)
        pdf.text(PAGE_MARGIN, PAGE_MARGIN + 10, "Lần nhập này không cấp mã kích hoạt nào.")
        return bytes(pdf.output())
    for index, entry in enumerate(entries):
        slot = index % (SLIP_COLUMNS * SLIP_ROWS)
        if slot == 0:
            pdf.add_page()
        x = PAGE_MARGIN + (slot % SLIP_COLUMNS) * width
        y = PAGE_MARGIN + (slot // SLIP_COLUMNS) * height
        pdf.set_draw_color(140)
        pdf.set_dash_pattern(dash=1.5, gap=1.5)
        pdf.rect(x, y, width, height)
        pdf.set_dash_pattern()
        line = y + SLIP_PAD + 3.5
        for text, family, style, size, step, lines in _slip_lines(entry, tenant_name, where):
            parts = wrapped(text, family, style, size, lines)
            pdf.set_font(family, style, size)
            for part in parts:
                pdf.text(x + SLIP_PAD, line, part)
                line += step
    return bytes(pdf.output())


def _slip_lines(entry, tenant_name, where):
    """``(text, font family, style, size, line step in mm, at most lines)`` of one slip, top down."""
    plain = ("DejaVu", "", 9.0, 4.6, 1)
    return (
        (tenant_name or "", "DejaVu", "", 7.5, 4.8, 2),
        ("PHIẾU KÍCH HOẠT TÀI KHOẢN ĐOÀN VIÊN", "DejaVu", "B", 10.0, 6.5, 1),
        (entry["full_name"], "DejaVu", "B", 11.0, 5.5, 2),
        (f"Số thẻ đoàn viên: {entry['member_number']}", *plain),
        (f"Đơn vị: {entry.get('unit') or '—'}", "DejaVu", "", 9.0, 4.6, 2),
        (f"Tên đăng nhập: {entry['username']}", "DejaVu", "", 9.0, 6.0, 1),
        ("Mã kích hoạt (dùng một lần):", "DejaVu", "", 8.5, 4.4, 1),
        (entry["activation_token"], "DejaVuMono", "", 8.5, 6.2, 2),
        ("Cách kích hoạt:", "DejaVu", "B", 8.0, 3.9, 1),
        (f"1. Mở {where}.", "DejaVu", "", 8.0, 3.9, 3),
        ("2. Nhập mã kích hoạt ở trên, đặt mật khẩu mới (ít nhất 8 ký tự, khó đoán).", "DejaVu", "", 8.0, 3.9, 3),
        ("3. Đăng nhập bằng tên đăng nhập ở trên và mật khẩu vừa đặt.", "DejaVu", "", 8.0, 3.9, 3),
        (
            f"Mã hết hạn ngày {local_day(entry['expires_at'])}. Không đưa mã cho người khác.",
            "DejaVu",
            "",
            8.0,
            3.9,
            3,
        ),
    )


def wrap(text, width, measure, max_lines):
    """``text`` in lines no wider than ``width`` (``measure``: the font's string width), at most
    ``max_lines`` (the last one cut with «…»). A word wider than a line is cut anywhere."""
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while measure(word) > width:
            cut = len(word)
            while cut > 1 and measure(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        while last and measure(last + "…") > width:
            last = last[:-1]
        kept[-1] = last.rstrip() + "…"
        return kept
    return lines


# -- the import template -------------------------------------------------------------------------


def template_csv():
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_HEADER)
    writer.writerows(TEMPLATE_EXAMPLES)
    return out.getvalue().encode("utf-8")


def template_xlsx():
    """The header, two example rows, every column as text (a phone keeps its leading zero)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Đoàn viên"
    sheet.append(TEMPLATE_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in TEMPLATE_EXAMPLES:
        sheet.append(row)
    for column, width in zip("ABCDEFGH", (18, 26, 12, 10, 16, 26, 16, 20), strict=True):
        sheet.column_dimensions[column].width = width
        for cell in sheet[column]:
            cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_type(fmt):
    return {"csv": CSV_TYPE, "xlsx": XLSX_TYPE, "pdf": PDF_TYPE}[fmt]
