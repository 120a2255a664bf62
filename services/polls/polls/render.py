"""Files people download from the polls service: a chart per question (PNG), poll results
(CSV, XLSX) and the semiannual reports (PDF, XLSX, roll-up XLSX).

Pure functions of plain dicts (the shapes in ``/work/brief/polls-shapes.md``, the report
shapes in ``polls.reports.operations``): no nameko, no database. They are CPU work, so a
service calls them through ``platform_shared.dependencies.in_thread``.

Vietnamese is rendered with DejaVu Sans, which matplotlib ships (``matplotlib.get_data_path()``):
it has every precomposed Vietnamese letter, and the PDF embeds it (a subset, with a
ToUnicode map, so the text can be searched and copied with its diacritics).
"""

import csv
import io
import textwrap
from datetime import datetime
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from platform_shared.clock import VN_TZ

SUPPRESSED = "Số liệu bị ẩn (dưới 5 người trả lời)"
UNAVAILABLE = "chưa có số liệu"
KIND_LABELS = {
    "single": "Một lựa chọn",
    "multiple": "Nhiều lựa chọn",
    "rating": "Thang điểm",
    "text": "Trả lời tự do",
    "matrix": "Ma trận",
}
POLL_STATUS_LABELS = {
    "draft": "Bản nháp",
    "open": "Đang mở",
    "closed": "Đã đóng",
    "published": "Đã công bố kết quả",
}
REPORT_STATUS_LABELS = {
    "draft": "Chưa gửi (bản nháp)",
    "submitted": "Đã gửi",
    "not_started": "Chưa lập báo cáo",
    "merged": "Đã hợp nhất vào đơn vị khác",
}
RESULT_HEADERS = (
    "STT",
    "Câu hỏi",
    "Loại câu hỏi",
    "Dòng (ma trận)",
    "Phương án",
    "Số lượt chọn",
    "Tỷ lệ (%)",
    "Số người trả lời câu hỏi",
    "Ghi chú",
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def font_path(bold=False):
    """The DejaVu Sans TTF matplotlib ships (has Vietnamese glyphs)."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


# -- charts --------------------------------------------------------------------------------


def chart_png(question: dict, *, title: str | None = None) -> bytes:
    """A bar chart of one question's results (matrix: grouped bars, one group per row).

    Suppressed questions and free-text questions get a card with a sentence instead of bars.
    """
    options = question.get("options") or []
    rows = question.get("rows") or []
    kind = question.get("kind")
    height = 4.5
    if kind != "matrix":
        height = max(3.0, min(12.0, 1.4 + 0.55 * len(options)))
    figure = Figure(figsize=(9, height), dpi=100)
    FigureCanvasAgg(figure)
    figure.patch.set_facecolor("white")
    heading = _wrap(title or question.get("text") or "", 80)
    figure.suptitle(heading, fontsize=12, fontfamily="DejaVu Sans")
    axes = figure.add_subplot(1, 1, 1)
    respondents = question.get("respondents") or 0

    if question.get("suppressed"):
        _message(axes, SUPPRESSED)
    elif kind == "text":
        _message(axes, f"{question.get('text_answers') or 0} câu trả lời tự do (xem danh sách riêng)")
    elif kind == "matrix":
        _matrix_bars(axes, rows)
    elif not options:
        _message(axes, "Chưa có phương án nào.")
    else:
        _option_bars(axes, options)
        if kind == "rating" and question.get("mean") is not None:
            axes.set_xlabel(f"Điểm trung bình: {question['mean']:.2f}", fontfamily="DejaVu Sans")
    figure.text(0.99, 0.01, f"Số người trả lời: {respondents}", ha="right", va="bottom", fontsize=8, color="#555")
    figure.tight_layout(rect=(0, 0.03, 1, 0.93))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _message(axes, text):
    axes.set_axis_off()
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=13, color="#444", fontfamily="DejaVu Sans")


def _option_bars(axes, options):
    labels = [_wrap(o.get("label") or "", 40) for o in options]
    counts = [o.get("count") or 0 for o in options]
    positions = list(range(len(options)))[::-1]  # first option on top
    bars = axes.barh(positions, counts, color="#c62828")
    axes.set_yticks(positions, labels, fontfamily="DejaVu Sans", fontsize=9)
    top = max(counts) if counts else 0
    axes.set_xlim(0, max(1, top) * 1.25)
    for bar, option in zip(bars, options, strict=True):
        percent = option.get("percent")
        text = f"{option.get('count') or 0}" + (f" ({percent:.1f}%)" if percent is not None else "")
        axes.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + text, va="center", fontsize=9)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_ylabel("")


def _matrix_bars(axes, rows):
    if not rows:
        _message(axes, "Chưa có dòng nào.")
        return
    labels = []
    for row in rows:
        for option in row.get("options") or []:
            if option.get("label") not in labels:
                labels.append(option.get("label"))
    width = 0.8 / max(1, len(labels))
    palette = ("#c62828", "#1565c0", "#2e7d32", "#f9a825", "#6a1b9a", "#00838f", "#5d4037")
    for index, label in enumerate(labels):
        counts = []
        for row in rows:
            match = next((o for o in row.get("options") or [] if o.get("label") == label), None)
            counts.append((match or {}).get("count") or 0)
        positions = [r + index * width - 0.4 + width / 2 for r in range(len(rows))]
        axes.bar(positions, counts, width=width, label=label, color=palette[index % len(palette)])
    axes.set_xticks(range(len(rows)), [_wrap(r.get("label") or "", 18) for r in rows], fontsize=8)
    axes.legend(fontsize=8, prop={"family": "DejaVu Sans", "size": 8})
    axes.spines[["top", "right"]].set_visible(False)


def _wrap(text, width):
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


# -- poll results --------------------------------------------------------------------------


def _result_rows(results):
    """The results as flat rows: one per option (per row and option for a matrix)."""
    for question in results.get("questions") or []:
        number = question.get("position")
        text = question.get("text")
        kind = question.get("kind")
        kind_label = KIND_LABELS.get(kind, kind)
        respondents = question.get("respondents")
        note = SUPPRESSED if question.get("suppressed") else ""
        if kind == "text":
            yield [
                number,
                text,
                kind_label,
                "",
                "Số câu trả lời tự do",
                question.get("text_answers"),
                None,
                respondents,
                note,
            ]
            continue
        if kind == "matrix":
            for row in question.get("rows") or []:
                for option in row.get("options") or []:
                    yield [number, text, kind_label, row.get("label"), option.get("label"),
                           option.get("count"), option.get("percent"), respondents, note]  # fmt: skip
            continue
        for option in question.get("options") or []:
            yield [number, text, kind_label, "", option.get("label"),
                   option.get("count"), option.get("percent"), respondents, note]  # fmt: skip
        if kind == "rating":
            yield [number, text, kind_label, "", "Điểm trung bình", question.get("mean"), None, respondents, note]


def results_csv(results: dict) -> bytes:
    """The results of a poll as CSV: UTF-8 with a BOM (Excel opens it right), Vietnamese headers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(RESULT_HEADERS)
    for row in _result_rows(results):
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def results_xlsx(results: dict) -> bytes:
    """The results of a poll as a workbook: overview, results per option, breakdown per tenant."""
    from openpyxl import Workbook

    poll = results.get("poll") or {}
    book = Workbook()
    overview = book.active
    overview.title = "Tổng quan"
    eligible = results.get("eligible")
    respondents = results.get("respondents") or 0
    rows = [
        ("Cuộc trưng cầu ý kiến", poll.get("title")),
        ("Trạng thái", POLL_STATUS_LABELS.get(poll.get("status"), poll.get("status"))),
        ("Mở lúc", local_time(poll.get("opens_at"))),
        ("Đóng lúc", local_time(poll.get("closes_at"))),
        ("Số người trả lời", respondents),
        ("Số đoàn viên thuộc diện", eligible if eligible is not None else UNAVAILABLE),
        ("Tỷ lệ tham gia (%)", _percent(respondents, eligible) if eligible else UNAVAILABLE),
        ("Số liệu lúc", local_time(results.get("generated_at"))),
    ]
    for row in rows:
        overview.append(row)
    _bold_column(overview, 1)
    sheet = book.create_sheet("Kết quả")
    sheet.append(RESULT_HEADERS)
    for row in _result_rows(results):
        sheet.append(row)
    _header(sheet)
    breakdown = results.get("by_tenant") or []
    if breakdown:
        tenants = book.create_sheet("Theo đơn vị")
        tenants.append(("Đơn vị", "Số người trả lời", "Ghi chú"))
        for item in breakdown:
            suppressed = item.get("suppressed")
            tenants.append(
                (
                    item.get("tenant_name"),
                    None if suppressed else item.get("respondents"),
                    SUPPRESSED if suppressed else "",
                )
            )
        _header(tenants)
    return _save(book)


# -- semiannual reports --------------------------------------------------------------------


def report_pdf(report: dict) -> bytes:
    """One tenant's semiannual report as a PDF (A4, DejaVu Sans embedded)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_title(f"Báo cáo {report.get('period_label', '')} - {report.get('tenant_name', '')}")
    pdf.set_creator("Cổng thông tin Công đoàn")
    pdf.add_font("DejaVu", "", str(font_path()))
    pdf.add_font("DejaVu", "B", str(font_path(bold=True)))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    next_line = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(0, 6, "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", align="C", **next_line)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 6, str(report.get("tenant_name") or ""), align="C", **next_line)
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, "BÁO CÁO KẾT QUẢ " + str(report.get("period_label") or "").upper(), align="C", **next_line)
    pdf.set_font("DejaVu", "", 10)
    status = REPORT_STATUS_LABELS.get(report.get("status"), report.get("status"))
    meta = f"Kỳ báo cáo: {report.get('period')} ({_date(report.get('starts'))} – {_date_before(report.get('ends'))})"
    pdf.multi_cell(0, 6, meta, align="C", **next_line)
    line = f"Trạng thái: {status}"
    if report.get("submitted_at"):
        line += f" lúc {local_time(report['submitted_at'])}"
    pdf.multi_cell(0, 6, line, align="C", **next_line)
    pdf.ln(4)

    for title, rows in report_sections(report):
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 8, title, **next_line)
        pdf.set_font("DejaVu", "", 10)
        with pdf.table(col_widths=(3, 1), text_align=("LEFT", "RIGHT"), first_row_as_headings=False) as table:
            for label, value in rows:
                table.row((str(label), _cell(value)))
        pdf.ln(3)

    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 8, "IV. Đánh giá của đơn vị", **next_line)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 6, report.get("evaluation") or "(Chưa có đánh giá)", **next_line)
    includes = report.get("includes") or []
    if includes:
        pdf.ln(3)
        pdf.set_font("DejaVu", "", 9)
        for item in includes:
            pdf.multi_cell(
                0,
                5,
                f"Gồm số liệu của {item.get('tenant_name')} từ ngày hợp nhất {_date(item.get('from'))}.",
                **next_line,
            )
    pdf.ln(2)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(0, 5, f"Số liệu tổng hợp lúc {local_time(report.get('compiled_at'))}.", **next_line)
    return bytes(pdf.output())


def report_sections(report):
    """The figures of a report as titled lists of (label, value); shared by the PDF and XLSX."""
    figures = report.get("figures") or {}
    content = figures.get("content") or {}
    if content.get("available"):
        rows = []
        for section in content.get("sections") or []:
            rows.append((f"Chuyên mục «{section.get('name')}»: số tin, bài đã gửi", section.get("submitted")))
            rows.append((f"Chuyên mục «{section.get('name')}»: số tin, bài được sử dụng", section.get("used")))
        weeks = content.get("quota_weeks") or {}
        rows.append(("Số tuần phải thực hiện chỉ tiêu gửi bài", weeks.get("total")))
        rows.append(("Số tuần đạt chỉ tiêu", weeks.get("met")))
    else:
        rows = [("Tin, bài gửi và được sử dụng; chỉ tiêu hằng tuần", UNAVAILABLE)]
    sections = [("I. Thông tin, tuyên truyền trên Cổng", rows)]

    feedback = figures.get("feedback") or {}
    if feedback.get("available"):
        rows = [
            ("Số câu hỏi của công nhân, người lao động đã nhận", feedback.get("received")),
            ("Số câu hỏi đã trả lời", feedback.get("answered")),
            ("Số câu hỏi trả lời đúng hạn", feedback.get("answered_on_time")),
            ("Số câu hỏi quá hạn chưa trả lời", feedback.get("overdue_open")),
        ]
    else:
        rows = [("Hỏi – đáp «Công nhân hỏi – Công đoàn trả lời»", UNAVAILABLE)]
    sections.append(("II. Công nhân hỏi – Công đoàn trả lời", rows))

    polls = figures.get("polls") or {}
    if polls.get("available"):
        participation = polls.get("participation")
        rows = [
            ("Số cuộc trưng cầu ý kiến đã tổ chức", polls.get("held")),
            ("Số lượt đoàn viên trả lời", polls.get("respondents")),
            (
                "Số đoàn viên thuộc diện được hỏi",
                polls.get("eligible") if polls.get("eligible") is not None else UNAVAILABLE,
            ),
            ("Tỷ lệ tham gia (%)", participation if participation is not None else UNAVAILABLE),
        ]
        for poll in polls.get("items") or []:
            share = poll.get("participation")
            value = f"{poll.get('respondents')} người" + (f" ({share:.1f}%)" if share is not None else "")
            rows.append((f"— {poll.get('title')}", value))
    else:
        rows = [("Trưng cầu ý kiến đoàn viên", UNAVAILABLE)]
    sections.append(("III. Trưng cầu ý kiến đoàn viên", rows))
    return sections


def report_xlsx(report: dict) -> bytes:
    """One tenant's semiannual report as a workbook (one sheet: figures, then the evaluation)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    sheet.append(("Báo cáo kết quả " + str(report.get("period_label") or ""),))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(("Đơn vị", report.get("tenant_name")))
    sheet.append(("Kỳ báo cáo", report.get("period")))
    sheet.append(("Từ ngày", _date(report.get("starts"))))
    sheet.append(("Đến hết ngày", _date_before(report.get("ends"))))
    sheet.append(("Trạng thái", REPORT_STATUS_LABELS.get(report.get("status"), report.get("status"))))
    sheet.append(("Gửi lúc", local_time(report.get("submitted_at")) or ""))
    sheet.append(("Số liệu tổng hợp lúc", local_time(report.get("compiled_at"))))
    for title, rows in report_sections(report):
        sheet.append(())
        sheet.append((title,))
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for label, value in rows:
            sheet.append((label, value))
    sheet.append(())
    sheet.append(("IV. Đánh giá của đơn vị",))
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append((report.get("evaluation") or "(Chưa có đánh giá)",))
    sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    for item in report.get("includes") or []:
        sheet.append((f"Gồm số liệu của {item.get('tenant_name')} từ ngày hợp nhất {_date(item.get('from'))}.",))
    sheet.column_dimensions["A"].width = 70
    sheet.column_dimensions["B"].width = 28
    return _save(book)


ROLLUP_HEADERS = (
    "Đơn vị",
    "Mã",
    "Trạng thái",
    "Gửi lúc",
    "Tin, bài đã gửi",
    "Tin, bài được sử dụng",
    "Tuần đạt chỉ tiêu",
    "Tuần phải thực hiện",
    "Câu hỏi đã nhận",
    "Đã trả lời",
    "Trả lời đúng hạn",
    "Quá hạn chưa trả lời",
    "Cuộc trưng cầu ý kiến",
    "Lượt trả lời",
)


def rollup_xlsx(rollup: dict) -> bytes:
    """Every tenant's report status for a period, with the submitted figures and their totals."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    sheet.append((f"Tổng hợp báo cáo {rollup.get('period_label') or rollup.get('period')}",))
    sheet["A1"].font = Font(bold=True, size=13)
    counts = rollup.get("counts") or {}
    sheet.append(("Đã gửi", counts.get("submitted"), "Chưa gửi", counts.get("not_submitted")))
    sheet.append(())
    sheet.append(ROLLUP_HEADERS)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for item in rollup.get("tenants") or []:
        sheet.append((item.get("tenant_name"), item.get("tenant_code"),
                      REPORT_STATUS_LABELS.get(item.get("status"), item.get("status")),
                      local_time(item.get("submitted_at")) or "", *_totals_row(item.get("totals"))))  # fmt: skip
    sheet.append(("Cộng (các báo cáo đã gửi)", "", "", "", *_totals_row(rollup.get("totals"))))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 48
    return _save(book)


def _totals_row(totals):
    if not totals:
        return [None] * (len(ROLLUP_HEADERS) - 4)
    keys = ("items_submitted", "items_used", "quota_weeks_met", "quota_weeks_total", "questions_received",
            "questions_answered", "questions_answered_on_time", "questions_overdue_open", "polls_held",
            "poll_respondents")  # fmt: skip
    return [totals.get(key) for key in keys]


# -- helpers -------------------------------------------------------------------------------


def local_time(value):
    """An ISO instant shown as Vietnam time, ``dd/mm/yyyy HH:MM``; None stays None."""
    if not value:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        return moment.strftime("%d/%m/%Y %H:%M")
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def _date(value):
    if not value:
        return ""
    from datetime import date

    return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")


def _date_before(value):
    """The last day of a period whose (exclusive) end is ``value``."""
    if not value:
        return ""
    from datetime import date, timedelta

    return (date.fromisoformat(str(value)[:10]) - timedelta(days=1)).strftime("%d/%m/%Y")


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _cell(value):
    if value is None:
        return UNAVAILABLE
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _header(sheet):
    from openpyxl.styles import Font

    for cell in sheet[1]:
        cell.font = Font(bold=True)


def _bold_column(sheet, column):
    from openpyxl.styles import Font

    for row in sheet.iter_rows(min_col=column, max_col=column):
        for cell in row:
            cell.font = Font(bold=True)


def _save(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
