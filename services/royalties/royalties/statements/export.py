"""Statement files for accountants: CSV (UTF-8 with a BOM, so spreadsheet programs show the
diacritics) and XLSX (openpyxl), both with Vietnamese headers. Amounts are whole đồng."""

import csv
import io

STATUS = {"draft": "Nháp", "approved": "Đã duyệt", "paid": "Đã chi trả", "cancelled": "Đã hủy"}
LINE_HEADERS = (
    "STT",
    "Người nhận",
    "Số khoản",
    "Tổng nhuận bút (đồng)",
    "Khấu trừ thuế TNCN (đồng)",
    "Thực nhận (đồng)",
)
ENTRY_HEADERS = (
    "STT",
    "Người nhận",
    "Tác phẩm",
    "Thể loại",
    "Ngày đăng",
    "Hệ số",
    "Giá trị đơn vị hệ số (đồng)",
    "Tỷ lệ hưởng (%)",
    "Loại bút toán",
    "Số tiền (đồng)",
)
KIND = {"charge": "Chi nhuận bút", "reversal": "Hoàn (bài bị gỡ)"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _title(view):
    return [
        ["Bảng kê nhuận bút", view.get("tenant_name", "")],
        ["Kỳ", view["period"]],
        ["Trạng thái", STATUS.get(view["status"], view["status"])],
    ]


def _line_rows(view):
    rows = [
        [n, line["payee_name"], line["entries"], line["gross"], line["withheld"], line["net"]]
        for n, line in enumerate(view["lines"], 1)
    ]
    rows.append(
        ["", "Tổng cộng", sum(x["entries"] for x in view["lines"]), view["gross"], view["withheld"], view["net"]]
    )
    return rows


def _entry_rows(view):
    return [
        [
            n,
            e["payee_name"],
            e["title"] or "",
            e["genre_label"] or "",
            e["published_on"] or "",
            e["coefficient"] or "",
            e["unit_value"] if e["unit_value"] is not None else "",
            e["share"] if e["share"] is not None else "",
            KIND.get(e["kind"], e["kind"]),
            e["amount"],
        ]
        for n, e in enumerate(view["entries"], 1)
    ]


def render(view, fmt):
    if fmt == "xlsx":
        return _xlsx(view), CONTENT_TYPES["xlsx"]
    return _csv(view), CONTENT_TYPES["csv"]


def _csv(view):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(_title(view))
    writer.writerow([])
    writer.writerow(LINE_HEADERS)
    writer.writerows(_line_rows(view))
    writer.writerow([])
    writer.writerow(ENTRY_HEADERS)
    writer.writerows(_entry_rows(view))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _xlsx(view):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Bảng kê"
    for row in _title(view):
        sheet.append(row)
    sheet.append([])
    sheet.append(list(LINE_HEADERS))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in _line_rows(view):
        sheet.append(row)
    for column, width in zip("ABCDEF", (6, 32, 10, 22, 24, 18), strict=True):
        sheet.column_dimensions[column].width = width
    details = book.create_sheet("Chi tiết")
    details.append(list(ENTRY_HEADERS))
    for cell in details[1]:
        cell.font = Font(bold=True)
    for row in _entry_rows(view):
        details.append(row)
    for column, width in zip("ABCDEFGHIJ", (6, 28, 48, 14, 12, 8, 20, 12, 18, 16), strict=True):
        details.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
