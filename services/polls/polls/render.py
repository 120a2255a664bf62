"""Files people download from the polls service: a chart per question (PNG), poll results
(CSV, XLSX) and the semiannual reports (PDF, XLSX; the roll-up as PDF and XLSX).

Pure functions of plain dicts (the shapes in ``/work/brief/polls-shapes.md``, the report
shapes in ``polls.reports.operations``): no nameko, no database. They are CPU work, so a
service calls them through ``platform_shared.dependencies.in_thread``.

Vietnamese is rendered with the DejaVu fonts: the charts with DejaVu Sans, which matplotlib
ships; the PDFs with DejaVu Serif (the system's, else matplotlib's copy). Both have every
precomposed Vietnamese letter, and a PDF embeds its fonts (subsets, with ToUnicode maps, so the
text can be searched and copied with its diacritics). The report PDFs follow the layout of
administrative documents (Nghị định 30/2020/NĐ-CP).
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


# The PDFs' fonts: DejaVu Serif Condensed from the system's fonts (Debian's fonts-dejavu-extra;
# its widths are near the Times New Roman of Nghị định 30, so the heading's lines fit at 11–12 pt),
# else DejaVu Serif as matplotlib ships it (always installed with this service; wider, so the
# heading is set a point smaller). Both have every Vietnamese letter in the four styles.
SYSTEM_FONTS = Path("/usr/share/fonts/truetype/dejavu")
STYLE_SUFFIX = {"": "", "B": "-Bold", "I": "-Italic", "BI": "-BoldItalic"}


def font_path(style="", *, bold=False):
    """The serif TTF of ``style`` ("", "B", "I", "BI") the PDFs embed."""
    suffix = STYLE_SUFFIX["B" if bold and not style else style]
    system = SYSTEM_FONTS / f"DejaVuSerifCondensed{suffix}.ttf"
    return (
        system if system.is_file() else Path(matplotlib.get_data_path()) / "fonts" / "ttf" / f"DejaVuSerif{suffix}.ttf"
    )


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


# -- semiannual reports: PDF in the administrative layout (Nghị định 30/2020/NĐ-CP) ---------

PARENT_BODY = "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM"
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập – Tự do – Hạnh phúc"
REPORT_SUBJECT = "Kết quả công tác thông tin, tuyên truyền, hỏi – đáp và trưng cầu ý kiến đoàn viên"
REPORT_RECIPIENTS = ("- Ban Tuyên giáo TLĐ;", "- Lưu: VT.")
ROLLUP_RECIPIENTS = ("- Thường trực Đoàn Chủ tịch TLĐ (để báo cáo);", "- Lưu: VT, BTG.")


class _Document:
    """An A4 administrative document on fpdf2: the margins of Nghị định 30/2020/NĐ-CP (top and
    bottom 20 mm, left 30 mm, right 15 mm; landscape tables 20/15), DejaVu Serif (a serif like the
    decree's Times New Roman, with every Vietnamese letter) embedded, page numbers centred at the
    top from the second page on."""

    def __init__(self, title, *, landscape=False):
        from fpdf import FPDF

        class Pages(FPDF):
            def header(inner):
                if inner.page_no() > 1:
                    inner.set_font("Serif", "", 12)
                    inner.set_y(8)
                    inner.cell(0, 6, str(inner.page_no()), align="C")
                    inner.set_y(inner.t_margin)

        pdf = Pages(orientation="L" if landscape else "P", format="A4")
        pdf.set_title(title)
        pdf.set_creator("Cổng thông tin Công đoàn")
        pdf.set_lang("vi")
        for style in ("", "B", "I", "BI"):
            pdf.add_font("Serif", style, str(font_path(style)))
        left = 20 if landscape else 30
        pdf.set_margins(left, 20, 15)
        pdf.set_auto_page_break(True, margin=20)
        pdf.add_page()
        self.pdf = pdf

    @property
    def width(self):
        return self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def fitted(self, text, width, size, style=""):
        """The largest size ≤ ``size`` (down to 9 pt) at which ``text`` fits on one line of ``width`` mm."""
        while size > 9:
            self.pdf.set_font("Serif", style, size)
            if self.pdf.get_string_width(text) <= width - 1:
                break
            size -= 0.5
        self.pdf.set_font("Serif", style, size)
        return size

    def centred(self, x, width, text, size, style="", *, height=5.6, fit=True, rule=None):
        """``text`` centred in the column ``[x, x + width)`` from the current line; ``rule``: a
        line under it as long as the text (``"text"``) or a third of the column (``"short"``)."""
        pdf = self.pdf
        if fit:
            self.fitted(text, width, size, style)
        else:
            pdf.set_font("Serif", style, size)
        pdf.set_x(x)
        pdf.multi_cell(width, height, text, align="C", new_x="LEFT", new_y="NEXT")
        if rule:
            length = min(pdf.get_string_width(text), width) if rule == "text" else width / 3
            y = pdf.get_y() + 0.6
            pdf.set_line_width(0.3)
            pdf.line(x + (width - length) / 2, y, x + (width + length) / 2, y)
            pdf.set_y(y + 1.6)

    def broken(self, text, width, size, style):
        """An uppercase body name on the lines a clerk would break it into: whole when it fits,
        else before its place («LIÊN ĐOÀN LAO ĐỘNG / THÀNH PHỐ ĐÀ NẴNG»), else at the middle word."""
        self.pdf.set_font("Serif", style, size)
        if self.pdf.get_string_width(text) <= width - 1:
            return [text]
        for marker in (" THÀNH PHỐ ", " TỈNH "):
            if marker in text:
                head, tail = text.split(marker, 1)
                return [head, marker.strip() + " " + tail]
        words = text.split()
        half = max(1, len(words) // 2)
        return [" ".join(words[:half]), " ".join(words[half:])]

    def heading(self, body_lines, number, place_and_date, *, draft=False):
        """The two columns of the top: the issuing body and the number on the left; the national
        name, the motto and the place and date on the right."""
        pdf = self.pdf
        x, top = pdf.l_margin, pdf.get_y()
        left_width = self.width * 0.46
        right_x, right_width = x + left_width, self.width - left_width
        if draft:
            pdf.set_font("Serif", "B", 10)
            label = "DỰ THẢO"
            pdf.set_xy(pdf.w - pdf.r_margin - pdf.get_string_width(label) - 6, 8)
            pdf.cell(pdf.get_string_width(label) + 6, 6, label, border=1, align="C")
            pdf.set_y(top)
        parent, body = body_lines
        self.centred(x, left_width, parent, 12)
        own = self.broken(body.upper(), left_width, 12, "B")
        for index, line in enumerate(own):
            self.centred(x, left_width, line, 12, "B", rule="short" if index == len(own) - 1 else None)
        pdf.ln(1.5)
        self.centred(x, left_width, number, 12)
        left_end = pdf.get_y()
        pdf.set_y(top)
        self.centred(right_x, right_width, NATIONAL_NAME, 12, "B")
        self.centred(right_x, right_width, MOTTO, 13, "B", rule="text")
        pdf.ln(2.5)
        self.centred(right_x, right_width, place_and_date, 12, "I")
        pdf.set_y(max(left_end, pdf.get_y()) + 6)

    def title(self, title, subject):
        self.centred(self.pdf.l_margin, self.width, title, 14, "B", fit=False, height=7)
        self.centred(self.pdf.l_margin, self.width, subject, 13, "B", fit=False, height=6.2, rule="short")
        self.pdf.ln(4)

    def paragraph(self, text, *, size=12, style="", height=6.2, align="J", spacing=1.5):
        """``text``'s lines as paragraphs, each followed by ``spacing`` mm (the decree asks ≥ 6 pt)."""
        self.pdf.set_font("Serif", style, size)
        for part in str(text).splitlines() or [""]:
            if not part.strip():
                continue
            self.pdf.multi_cell(0, height, part.strip(), align=align, new_x="LMARGIN", new_y="NEXT")
            self.pdf.ln(spacing)

    def paragraph_height(self, text, *, size=12, height=6.2):
        self.pdf.set_font("Serif", "", size)
        lines = self.pdf.multi_cell(0, height, str(text), dry_run=True, output="LINES")
        return height * len(lines)

    def section(self, title, *, keep=30):
        """A heading, on the next page when fewer than ``keep`` mm remain (it stays with its table)."""
        pdf = self.pdf
        if pdf.get_y() > pdf.h - pdf.b_margin - keep:
            pdf.add_page()
        pdf.ln(1)
        self.paragraph(title, style="B", align="L", spacing=1)

    def table(self, headings, rows, *, widths, align, bold_last=False, size=11):
        pdf = self.pdf
        pdf.set_font("Serif", "", size)
        pdf.set_line_width(0.2)
        with pdf.table(
            align="LEFT",  # from the left margin (the default centres it on the page, not the text)
            width=self.width,
            col_widths=widths,
            text_align=align,
            headings_style=_heading_style(),
            line_height=5.6 if size >= 11 else 4.6,
            padding=(1, 1.5),
        ) as table:
            table.row(list(headings))
            for index, row in enumerate(rows):
                if bold_last and index == len(rows) - 1:
                    pdf.set_font("Serif", "B", size)
                table.row([_cell(value) for value in row])
        pdf.set_font("Serif", "", size)
        pdf.ln(2)

    def closing(self, recipients, signature=None, *, last_words=None):
        """The last paragraph, «Nơi nhận:» with its list on the left and the signature block on the
        right, kept together on one page (a signature never stands alone on a page)."""
        pdf = self.pdf
        needed = 52 + (self.paragraph_height(last_words) if last_words else 0)
        if pdf.get_y() > pdf.h - pdf.b_margin - needed:
            pdf.add_page()
        if last_words:
            self.paragraph(last_words)
        pdf.ln(4)
        x, top = pdf.l_margin, pdf.get_y()
        left_width = self.width * 0.45
        pdf.set_font("Serif", "BI", 12)
        pdf.set_x(x)
        pdf.cell(left_width, 6, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Serif", "", 11)
        for line in recipients:
            pdf.set_x(x)
            pdf.multi_cell(left_width, 5.2, line, align="L", new_x="LMARGIN", new_y="NEXT")
        left_end = pdf.get_y()
        if signature:
            pdf.set_y(top)
            right_x, right_width = x + left_width, self.width - left_width
            authority, title, name = signature
            self.centred(right_x, right_width, authority, 13, "B", height=6)
            if title:
                self.centred(right_x, right_width, title.upper(), 13, "B", height=6)
            pdf.ln(22)  # room for the signature and the seal
            if name:
                self.centred(right_x, right_width, name, 13, "B", height=6)
            pdf.set_y(max(left_end, pdf.get_y()))
        pdf.ln(4)

    def note(self, text):
        self.paragraph(text, size=9, style="I", height=4.6, align="L", spacing=0)

    def output(self):
        return bytes(self.pdf.output())


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(family="Serif", emphasis="BOLD", fill_color=(235, 238, 242))


def report_pdf(report: dict) -> bytes:
    """One tenant's semiannual report as a PDF in the administrative layout Vietnamese offices use
    (Nghị định 30/2020/NĐ-CP): the issuing body under the confederation and the number «Số: …/BC-…»
    on the left, the national name and motto with the place and date on the right, «BÁO CÁO» with
    its subject, the figures, the unit's evaluation, «Nơi nhận:» and the signature block. The
    DejaVu Serif fonts are embedded (subsets with ToUnicode maps): the text reads back, diacritics
    included. A report not submitted yet is marked «DỰ THẢO»."""
    name = str(report.get("tenant_name") or "")
    label = str(report.get("period_label") or report.get("period") or "")
    submitted = report.get("status") == "submitted"
    doc = _Document(f"Báo cáo {label} - {name}")
    code = report.get("tenant_code") or "LĐLĐ"
    when = report.get("submitted_at") if submitted else None
    doc.heading(
        [PARENT_BODY, name],
        f"Số: …/BC-{code}",
        f"{place_of(name)}, {document_date(when)}",
        draft=not submitted,
    )
    doc.title("BÁO CÁO", f"{REPORT_SUBJECT} {label}")
    doc.paragraph(
        f"Thực hiện chế độ báo cáo định kỳ 6 tháng, {name} báo cáo kết quả công tác {label} "
        f"(từ ngày {_date(report.get('starts'))} đến ngày {_date_before(report.get('ends'))}) trên Cổng thông "
        "tin điện tử Công đoàn Việt Nam như sau:"
    )
    for title, rows in report_sections(report):
        doc.section(title)
        doc.table(("Nội dung", "Số liệu"), rows, widths=(4, 1.3), align=("LEFT", "RIGHT"))
    doc.section(evaluation_title(report))
    doc.paragraph(report.get("evaluation") or "(Chưa có đánh giá)")
    for item in report.get("includes") or []:
        since = _date(item.get("starts") or item.get("from"))
        doc.paragraph(f"Gồm số liệu của {item.get('tenant_name')} từ ngày hợp nhất {since}.", size=11, style="I")
    doc.closing(
        REPORT_RECIPIENTS,
        ("TM. BAN THƯỜNG VỤ", report.get("signer_title") or "", report.get("signer_name") or ""),
        last_words=f"Trên đây là báo cáo kết quả công tác {label} của {name}./.",
    )
    status = REPORT_STATUS_LABELS.get(report.get("status"), report.get("status"))
    sent = f" lúc {local_time(report['submitted_at'])}" if report.get("submitted_at") else ""
    via = " qua Cổng thông tin Công đoàn" if submitted else ""
    doc.note(f"{status}{via}{sent}. Số liệu tổng hợp lúc {local_time(report.get('compiled_at'))}.")
    return doc.output()


def rollup_pdf(rollup: dict) -> bytes:
    """The Propaganda Dept's roll-up of a period as a PDF (A4 landscape, the same heading): who has
    submitted, each submitted report's figures and their sums."""
    label = str(rollup.get("period_label") or rollup.get("period") or "")
    desk = str(rollup.get("desk_name") or "Ban Tuyên giáo Tổng Liên đoàn")
    doc = _Document(f"Tổng hợp báo cáo {label}", landscape=True)
    doc.heading([PARENT_BODY, desk], "Số: …/BC-BTG", f"Hà Nội, {document_date(rollup.get('generated_at'))}")
    doc.title("BÁO CÁO TỔNG HỢP", f"{REPORT_SUBJECT} {label} của các đơn vị")
    counts = rollup.get("counts") or {}
    doc.paragraph(
        f"Kỳ báo cáo {label}: {counts.get('submitted') or 0}/{counts.get('expected') or 0} đơn vị đã gửi báo cáo, "
        f"{counts.get('not_submitted') or 0} đơn vị chưa gửi. Số liệu dưới đây là số liệu đã chốt khi các đơn vị gửi."
    )
    doc.section("I. Tình hình gửi báo cáo và số liệu của từng đơn vị")
    rows = []
    for item in rollup.get("tenants") or []:
        status = REPORT_STATUS_LABELS.get(item.get("status"), item.get("status"))
        sent = local_time(item.get("submitted_at"))
        rows.append(
            (item.get("tenant_name"), f"{status}\n{sent}" if sent else status, *_pdf_totals(item.get("totals")))
        )
    rows.append(("Cộng (các báo cáo đã gửi)", "", *_pdf_totals(rollup.get("totals"))))
    headings = ("Đơn vị", "Trạng thái", "Tin, bài đã gửi", "Được sử dụng", "Tuần đạt chỉ tiêu", "Câu hỏi đã nhận",
                "Đã trả lời", "Trả lời đúng hạn", "Quá hạn chưa trả lời", "Cuộc trưng cầu", "Lượt trả lời")  # fmt: skip
    doc.table(
        headings,
        rows,
        widths=(6.5, 2.7, 1.5, 1.5, 1.6, 1.5, 1.4, 1.5, 1.6, 1.4, 1.4),
        align=("LEFT", "LEFT", *("RIGHT",) * 9),
        bold_last=True,
        size=9,
    )
    sections = rollup.get("sections") or []
    if sections:
        doc.section("II. Tin, bài theo chuyên mục (các báo cáo đã gửi)")
        doc.table(
            ("Chuyên mục", "Tin, bài đã gửi", "Được sử dụng"),
            [(s.get("name"), s.get("submitted"), s.get("used")) for s in sections],
            widths=(6, 2, 2),
            align=("LEFT", "RIGHT", "RIGHT"),
        )
    doc.closing(ROLLUP_RECIPIENTS)
    doc.note(f"Số liệu tổng hợp lúc {local_time(rollup.get('generated_at'))}.")
    return doc.output()


def _pdf_totals(totals):
    if not totals:
        return ("",) * 9
    weeks = (
        f"{totals.get('quota_weeks_met')}/{totals.get('quota_weeks_total')}"
        if totals.get("quota_weeks_total") is not None
        else None
    )
    keys = ("items_submitted", "items_used", None, "questions_received", "questions_answered",
            "questions_answered_on_time", "questions_overdue_open", "polls_held", "poll_respondents")  # fmt: skip
    return tuple(weeks if key is None else totals.get(key) for key in keys)


def place_of(tenant_name):
    """Where a federation writes its documents from: the province or city in its name
    («Liên đoàn Lao động thành phố Đà Nẵng» → «Đà Nẵng»); sectoral and corporate unions,
    which name no province, write from Hà Nội."""
    name = " ".join(str(tenant_name or "").split())
    lowered = name.lower()
    for marker in ("thành phố ", "tỉnh "):
        at = lowered.find(marker)
        if at >= 0:
            place = name[at + len(marker) :].strip()
            return "Thành phố Hồ Chí Minh" if place == "Hồ Chí Minh" else place
    return "Hà Nội"


def document_date(value):
    """«ngày 05 tháng 01 năm 2027» (Nghị định 30: a day below 10 and the months 1 and 2 take a
    leading zero) in Vietnam time; without a date: «ngày … tháng … năm …» to be written in."""
    moment = None
    if value:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        moment = moment.astimezone(VN_TZ) if moment.tzinfo else moment
    if moment is None:
        return "ngày … tháng … năm …"
    month = f"{moment.month:02d}" if moment.month <= 2 else str(moment.month)
    return f"ngày {moment.day:02d} tháng {month} năm {moment.year}"


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

    coverage = figures.get("coverage")
    if coverage is not None:  # reports submitted before the coverage part have none
        sections.append((f"IV. {COVERAGE_TITLE}", coverage_rows(coverage)))
    return sections


COVERAGE_TITLE = "Phổ cập Cổng thông tin đến công đoàn cơ sở"
ROMAN = ("I", "II", "III", "IV", "V", "VI")


def coverage_rows(coverage):
    """The grassroots coverage (``polls.coverage``) as (label, value) rows: counts with their shares."""
    if not coverage.get("available"):
        return [("Phổ cập Cổng thông tin đến công đoàn cơ sở", UNAVAILABLE)]
    return [
        ("Số công đoàn cơ sở đang hoạt động", _count(coverage.get("grassroots"))),
        ("Công đoàn cơ sở có quản trị viên đã kích hoạt tài khoản",
         _with_share(coverage.get("with_admin"), coverage.get("with_admin_share"))),
        ("Công đoàn cơ sở đã có đoàn viên trong sổ đoàn viên",
         _with_share(coverage.get("with_members"), coverage.get("with_members_share"))),
        ("Công đoàn cơ sở có tin, bài gửi lên Cổng trong kỳ",
         _with_share(coverage.get("contributing"), coverage.get("contributing_share"))),
        ("Số đoàn viên trong sổ đoàn viên", _count(coverage.get("members"))),
        ("Đoàn viên đã trả lời trưng cầu ý kiến trong kỳ",
         _with_share(coverage.get("respondents"), coverage.get("respondents_share"))),
    ]  # fmt: skip


def _count(value):
    """«1.234»: Vietnamese thousands."""
    return f"{int(value or 0):,}".replace(",", ".")


def _with_share(count, share):
    """«12 (30,0%)», or the count alone when there is nothing to divide by."""
    if share is None:
        return _count(count)
    return f"{_count(count)} ({f'{share:.1f}'.replace('.', ',')}%)"


def evaluation_title(report):
    """The evaluation's heading, numbered after the figures' sections (IV, or V with the coverage)."""
    return f"{ROMAN[len(report_sections(report))]}. Đánh giá của đơn vị"


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
    sheet.append(("Hạn gửi", _date(report.get("due_on"))))
    sheet.append(("Gửi lúc", local_time(report.get("submitted_at")) or ""))
    sheet.append(("Số liệu tổng hợp lúc", local_time(report.get("compiled_at"))))
    for title, rows in report_sections(report):
        sheet.append(())
        sheet.append((title,))
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for label, value in rows:
            sheet.append((label, value))
    sheet.append(())
    sheet.append((evaluation_title(report),))
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append((report.get("evaluation") or "(Chưa có đánh giá)",))
    sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    signer = " ".join(part for part in (report.get("signer_title"), report.get("signer_name")) if part)
    if signer:
        sheet.append(("Người ký (TM. Ban Thường vụ)", signer))
    for item in report.get("includes") or []:
        since = _date(item.get("starts") or item.get("from"))
        sheet.append((f"Gồm số liệu của {item.get('tenant_name')} từ ngày hợp nhất {since}.",))
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
