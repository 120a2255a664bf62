"""The files of polls and reports: charts, results CSV/XLSX, report PDF/XLSX with Vietnamese text."""

import csv
import io
import re
import unicodedata
import zlib

from fontTools.ttLib import TTFont
from openpyxl import load_workbook

from polls import render

RESULTS = {
    "poll": {
        "id": "p1",
        "title": "Ý kiến đoàn viên về tiền lương năm 2026",
        "status": "closed",
        "opens_at": "2026-06-01T01:00:00+00:00",
        "closes_at": "2026-06-15T10:00:00+00:00",
    },
    "respondents": 120,
    "eligible": 400,
    "generated_at": "2026-06-16T02:00:00+00:00",
    "questions": [
        {
            "id": "q1",
            "position": 1,
            "text": "Anh/chị có hài lòng với mức lương hiện nay?",
            "kind": "single",
            "respondents": 120,
            "suppressed": False,
            "options": [
                {"id": "o1", "label": "Rất hài lòng", "count": 30, "percent": 25.0},
                {"id": "o2", "label": "Chưa hài lòng", "count": 90, "percent": 75.0},
            ],
            "mean": None,
            "rows": [],
            "text_answers": 0,
        },
        {
            "id": "q2",
            "position": 2,
            "text": "Chấm điểm bữa ăn ca",
            "kind": "rating",
            "respondents": 100,
            "suppressed": False,
            "options": [
                {"id": str(i), "label": str(i), "count": c, "percent": c}
                for i, c in zip(range(1, 6), (10, 10, 20, 30, 30), strict=True)
            ],
            "mean": 3.6,
            "rows": [],
            "text_answers": 0,
        },
        {
            "id": "q3",
            "position": 3,
            "text": "Đánh giá các mặt công tác",
            "kind": "matrix",
            "respondents": 80,
            "suppressed": False,
            "options": [],
            "mean": None,
            "rows": [
                {
                    "id": "r1",
                    "label": "Chăm lo đời sống",
                    "options": [
                        {"id": "a", "label": "Tốt", "count": 50, "percent": 62.5},
                        {"id": "b", "label": "Chưa tốt", "count": 30, "percent": 37.5},
                    ],
                },
                {
                    "id": "r2",
                    "label": "Thương lượng tập thể",
                    "options": [
                        {"id": "a", "label": "Tốt", "count": 40, "percent": 50.0},
                        {"id": "b", "label": "Chưa tốt", "count": 40, "percent": 50.0},
                    ],
                },
            ],
            "text_answers": 0,
        },
        {
            "id": "q4",
            "position": 4,
            "text": "Kiến nghị khác",
            "kind": "text",
            "respondents": 3,
            "suppressed": True,
            "options": [],
            "mean": None,
            "rows": [],
            "text_answers": 3,
        },
    ],
    "by_tenant": [
        {
            "tenant_id": "t1",
            "tenant_name": "Liên đoàn Lao động thành phố Hà Nội",
            "respondents": 117,
            "suppressed": False,
        },
        {
            "tenant_id": "t2",
            "tenant_name": "Liên đoàn Lao động thành phố Đà Nẵng",
            "respondents": 3,
            "suppressed": True,
        },
    ],
}

EVALUATION = unicodedata.normalize(
    "NFC",
    "Đơn vị đã hoàn thành tốt nhiệm vụ; công tác tuyên truyền được đẩy mạnh, "
    "song việc trả lời câu hỏi của người lao động còn chậm ở một số công đoàn cơ sở.",
)

REPORT = {
    "id": "r1",
    "tenant_id": "t1",
    "tenant_name": "Liên đoàn Lao động thành phố Đà Nẵng",
    "period": "2026-H1",
    "period_label": "6 tháng đầu năm 2026",
    "starts": "2026-01-01",
    "ends": "2026-07-01",
    "status": "submitted",
    "evaluation": EVALUATION,
    "submitted_at": "2026-06-30T03:00:00+00:00",
    "compiled_at": "2026-06-30T03:00:00+00:00",
    "figures": {
        "content": {
            "available": True,
            "sections": [{"section": "news", "name": "Tin tức – Đa phương tiện", "submitted": 31, "used": 27}],
            "quota_weeks": {"total": 26, "met": 24},
        },
        "feedback": {"available": False, "note": "chưa có số liệu"},
        "polls": {
            "available": True,
            "held": 1,
            "respondents": 120,
            "eligible": 400,
            "participation": 30.0,
            "items": [{"title": "Ý kiến về tiền lương", "respondents": 120, "eligible": 400, "participation": 30.0}],
        },
    },
    "includes": [
        {
            "tenant_id": "t9",
            "tenant_name": "Liên đoàn Lao động tỉnh Quảng Nam",
            "starts": "2026-03-01",
            "ends": "2026-07-01",
        }
    ],
}


def _png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_a_chart_is_a_png_for_every_kind_of_question():
    for question in RESULTS["questions"]:
        width, height = _png_size(render.chart_png(question))
        assert width == 900 and height >= 300


def test_a_suppressed_question_draws_no_bars():
    question = dict(RESULTS["questions"][0], suppressed=True, respondents=4)
    question["options"] = [dict(o, count=None, percent=None) for o in question["options"]]
    suppressed = render.chart_png(question)
    assert suppressed != render.chart_png(RESULTS["questions"][0])
    assert _png_size(suppressed)[0] == 900


def test_results_csv_has_a_bom_vietnamese_headers_and_one_row_per_option():
    data = render.results_csv(RESULTS)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["STT", "Câu hỏi", "Loại câu hỏi"]
    single = [r for r in rows[1:] if r[0] == "1"]
    assert [(r[4], r[5], r[6]) for r in single] == [("Rất hài lòng", "30", "25.0"), ("Chưa hài lòng", "90", "75.0")]
    assert ["2", "Chấm điểm bữa ăn ca", "Thang điểm", "", "Điểm trung bình", "3.6", "", "100", ""] in rows
    matrix = [(r[3], r[4], r[5]) for r in rows if r[0] == "3"]
    assert ("Thương lượng tập thể", "Chưa tốt", "40") in matrix and len(matrix) == 4
    (text_row,) = [r for r in rows if r[0] == "4"]
    assert text_row[8] == render.SUPPRESSED


def test_results_xlsx_has_overview_results_and_tenant_breakdown():
    book = load_workbook(io.BytesIO(render.results_xlsx(RESULTS)))
    assert book.sheetnames == ["Tổng quan", "Kết quả", "Theo đơn vị"]
    overview = {row[0]: row[1] for row in book["Tổng quan"].iter_rows(values_only=True)}
    assert overview["Cuộc trưng cầu ý kiến"] == "Ý kiến đoàn viên về tiền lương năm 2026"
    assert overview["Mở lúc"] == "01/06/2026 08:00"  # shown in Vietnam time
    assert overview["Tỷ lệ tham gia (%)"] == 30.0
    tenants = list(book["Theo đơn vị"].iter_rows(values_only=True))
    assert tenants[2] == ("Liên đoàn Lao động thành phố Đà Nẵng", None, render.SUPPRESSED)


# -- PDF: the text must come back out with its diacritics ----------------------------------


def _objects(pdf):
    """Object number → (dictionary bytes, decoded stream or None) of an uncompressed-xref PDF."""
    objects = {}
    # The dictionary runs to the first ">>" followed by "stream" or "endobj" (dictionaries nest).
    # A stream is its dictionary's /Length bytes after "stream" and its end of line: read by the
    # delimiter instead, a compressed stream whose last byte is a carriage return lost it (1 in
    # 256 reports; seen in CI as "incomplete or truncated stream").
    for match in re.finditer(rb"(\d+) 0 obj\s*(<<.*?>>)\s*(stream\r?\n|endobj)", pdf, re.S):
        dictionary, stream = match.group(2), None
        if match.group(3).startswith(b"stream"):
            length = int(re.search(rb"/Length (\d+)(?!\d)(?! 0 R)", dictionary).group(1))
            stream = pdf[match.end() : match.end() + length]
            assert pdf[match.end() + length :].lstrip(b"\r\n").startswith(b"endstream"), "a stream's /Length is wrong"
            if b"/FlateDecode" in dictionary:
                stream = zlib.decompress(stream)
        objects[int(match.group(1))] = (dictionary, stream)
    return objects


def _unescape(literal):
    out, i = bytearray(), 0
    escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while i < len(literal):
        byte = literal[i]
        if byte == 0x5C:  # backslash
            nxt = literal[i + 1]
            if nxt in escapes:
                out.append(escapes[nxt])
                i += 2
            elif 0x30 <= nxt <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4]).group(0)
                out.append(int(digits, 8))
                i += 1 + len(digits)
            else:
                out.append(nxt)
                i += 2
        else:
            out.append(byte)
            i += 1
    return bytes(out)


def pdf_text(pdf):
    """Text drawn in a PDF written by fpdf2 (Type0 fonts, Identity-H), decoded through each
    font's own ToUnicode map, as a reader's copy and search would do."""
    objects = _objects(pdf)
    fonts = {}
    for dictionary, _ in objects.values():
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", dictionary):
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(ref)][0])
            cmap = objects[int(to_unicode.group(1))][1]
            fonts[name] = {
                int(src, 16): bytes.fromhex(dst.decode()).decode("utf-16-be")
                for src, dst in re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", cmap)
            }
    lines = []
    for dictionary, stream in objects.values():
        if stream is None or b"Length1" in dictionary or b"BT" not in stream:
            continue
        current = None
        shows = rb"/(F\d+) [0-9.]+ Tf|(\((?:\\.|[^\\)])*\))\s*Tj|\[((?:\\.|[^\\\]])*)\]\s*TJ"
        for font, single, array in re.findall(shows, stream, re.S):
            if font:
                current = fonts[font]
                continue
            line = ""
            for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)", single or array, re.S):
                raw = _unescape(literal)
                glyphs = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                line += "".join(current.get(g, "\ufffd") for g in glyphs)
            lines.append(line)
    return "\n".join(lines)


def pdf_glyphs(pdf):
    """Every character drawn, with the outline the embedded font subset draws for it:
    ``[(char, glyph name, number of contours)]`` (composite glyphs count -1)."""
    import io as _io

    objects = _objects(pdf)

    def ref(dictionary, key):
        return int(re.search(rb"/" + key + rb" (\d+) 0 R", dictionary).group(1))

    fonts = {}
    for dictionary, _ in objects.values():
        for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", dictionary):
            font = objects[int(number)][0]
            descendant = objects[int(re.search(rb"/DescendantFonts \[(\d+) 0 R\]", font).group(1))][0]
            cid_to_gid = objects[ref(descendant, b"CIDToGIDMap")][1]
            descriptor = objects[ref(descendant, b"FontDescriptor")][0]
            program = TTFont(_io.BytesIO(objects[ref(descriptor, b"FontFile2")][1]))
            cmap = objects[ref(font, b"ToUnicode")][1]
            fonts[name] = (
                {
                    int(a, 16): bytes.fromhex(b.decode()).decode("utf-16-be")
                    for a, b in re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", cmap)
                },  # fmt: skip
                cid_to_gid,
                program,
            )
    drawn = []
    for dictionary, stream in objects.values():
        if stream is None or b"Length1" in dictionary or b"BT" not in stream:
            continue
        current = None
        shows = rb"/(F\d+) [0-9.]+ Tf|(\((?:\\.|[^\\)])*\))\s*Tj|\[((?:\\.|[^\\\]])*)\]\s*TJ"
        for font, single, array in re.findall(shows, stream, re.S):
            if font:
                current = fonts[font]
                continue
            to_unicode, cid_to_gid, program = current
            order, glyf = program.getGlyphOrder(), program["glyf"]
            for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)", single or array, re.S):
                raw = _unescape(literal)
                for i in range(0, len(raw), 2):
                    cid = int.from_bytes(raw[i : i + 2], "big")
                    gid = int.from_bytes(cid_to_gid[2 * cid : 2 * cid + 2], "big")
                    name = order[gid]
                    drawn.append((to_unicode.get(cid, "\ufffd"), name, glyf[name].numberOfContours))
    return drawn


def test_the_report_pdf_embeds_a_font_with_vietnamese_glyphs_and_the_text_reads_back():
    pdf = render.report_pdf(REPORT)
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf and b"DejaVuSerif" in pdf  # the TrueType font itself is embedded
    text = " ".join(pdf_text(pdf).split())
    assert "BÁO CÁO" in text
    assert (
        "Kết quả công tác thông tin, tuyên truyền, hỏi – đáp và trưng cầu ý kiến đoàn viên 6 tháng đầu năm 2026" in text
    )
    assert "Liên đoàn Lao động thành phố Đà Nẵng" in text
    assert " ".join(EVALUATION.split()[:8]) in text  # the evaluation, line wrapping aside
    assert "công đoàn cơ sở." in text
    assert "Chuyên mục «Tin tức – Đa phương tiện»: số tin, bài đã gửi" in text
    assert "chưa có số liệu" in text  # feedback figures were unavailable
    assert "Gồm số liệu của Liên đoàn Lao động tỉnh Quảng Nam từ ngày hợp nhất 01/03/2026." in text
    assert "\ufffd" not in text
    # The embedded font really draws each Vietnamese letter: a glyph with an outline, not .notdef.
    letters = [(ch, name, contours) for ch, name, contours in pdf_glyphs(pdf) if not ch.isspace()]
    blank = [(ch, name) for ch, name, contours in letters if name == ".notdef" or contours == 0]
    assert blank == []
    written = {ch for ch in EVALUATION + REPORT["tenant_name"] if ord(ch) > 0x7F and not ch.isspace()}
    assert written <= {ch for ch, _, _ in letters} and len(written) >= 15


def test_every_vietnamese_letter_has_a_glyph_in_each_embedded_font():
    letters = "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
    for style in ("", "B", "I", "BI"):  # regular, bold, italic (place and date), bold italic («Nơi nhận:»)
        cmap = TTFont(render.font_path(style)).getBestCmap()
        missing = [ch for ch in letters + letters.upper() + "–«»…" if ord(ch) not in cmap]
        assert missing == [], style


def test_the_report_xlsx_holds_figures_and_evaluation():
    book = load_workbook(io.BytesIO(render.report_xlsx(dict(SIGNED, due_on="2026-06-30"))))
    values = {row[0]: row[1] if len(row) > 1 else None for row in book.active.iter_rows(values_only=True) if row}
    assert values["Đơn vị"] == "Liên đoàn Lao động thành phố Đà Nẵng"
    assert values["Số tuần đạt chỉ tiêu"] == 24
    assert values["Hỏi – đáp «Công nhân hỏi – Công đoàn trả lời»"] == "chưa có số liệu"
    assert EVALUATION in values
    assert (
        values["Hạn gửi"] == "30/06/2026"
        and values["Người ký (TM. Ban Thường vụ)"] == "Chủ tịch Nguyễn Thị Thanh Hương"
    )
    assert "Gồm số liệu của Liên đoàn Lao động tỉnh Quảng Nam từ ngày hợp nhất 01/03/2026." in values


def test_the_rollup_xlsx_lists_each_tenant_and_the_totals():
    rollup = {
        "period": "2026-H1",
        "period_label": "6 tháng đầu năm 2026",
        "counts": {"submitted": 1, "not_submitted": 1},
        "tenants": [
            {
                "tenant_name": "Liên đoàn Lao động thành phố Hà Nội",
                "tenant_code": "LDLD-HN",
                "status": "submitted",
                "submitted_at": "2026-06-30T03:00:00+00:00",
                "totals": {"items_submitted": 31, "polls_held": 1},
            },
            {
                "tenant_name": "Liên đoàn Lao động thành phố Đà Nẵng",
                "tenant_code": "LDLD-DN",
                "status": "not_started",
                "submitted_at": None,
                "totals": None,
            },
        ],  # fmt: skip
        "totals": {"items_submitted": 31, "polls_held": 1},
    }
    rows = list(load_workbook(io.BytesIO(render.rollup_xlsx(rollup))).active.iter_rows(values_only=True))
    assert rows[3][:5] == ("Đơn vị", "Mã", "Trạng thái", "Gửi lúc", "Tin, bài đã gửi")
    assert rows[4][:5] == ("Liên đoàn Lao động thành phố Hà Nội", "LDLD-HN", "Đã gửi", "30/06/2026 10:00", 31)
    assert rows[5][2] == "Chưa lập báo cáo"
    assert rows[6][0] == "Cộng (các báo cáo đã gửi)" and rows[6][4] == 31


def test_a_long_evaluation_flows_onto_further_pages_and_reads_back_whole():
    sentence = "Công đoàn cơ sở đã tổ chức đối thoại định kỳ với người sử dụng lao động về tiền lương, thưởng. "
    long = dict(REPORT, evaluation=sentence * 60)
    pdf = render.report_pdf(long)
    assert len(re.findall(rb"/Type /Page\b", pdf)) >= 2
    assert " ".join(pdf_text(pdf).split()).count("đối thoại định kỳ") == 60


# -- the administrative layout (Nghị định 30/2020/NĐ-CP), as a reader's tools see it -----------

SIGNED = dict(REPORT, tenant_code="LDLD-DN", signer_title="Chủ tịch", signer_name="Nguyễn Thị Thanh Hương")


def pdftotext(pdf, *options):
    """poppler's pdftotext of a PDF (``-layout`` keeps the columns side by side)."""
    import shutil
    import subprocess

    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: install poppler-utils (scripts/ensure-browser.sh does)"
    done = subprocess.run([tool, *options, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def test_the_report_pdf_has_the_national_heading_the_number_the_recipients_and_the_signature():
    pdf = render.report_pdf(SIGNED)
    text = " ".join(pdftotext(pdf).split())
    for words in (
        "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        "Số: …/BC-LDLD-DN",
        "Đà Nẵng, ngày 30 tháng 6 năm 2026",  # the submission day, in Vietnam time
        "BÁO CÁO",
        "Liên đoàn Lao động thành phố Đà Nẵng báo cáo kết quả công tác 6 tháng đầu năm 2026",
        "Nơi nhận: - Ban Tuyên giáo TLĐ; - Lưu: VT.",
        "TM. BAN THƯỜNG VỤ",
        "CHỦ TỊCH",
        "Nguyễn Thị Thanh Hương",
        "Đã gửi qua Cổng thông tin Công đoàn lúc 30/06/2026 10:00.",
    ):
        assert words in text, words
    assert "DỰ THẢO" not in text and "\ufffd" not in text
    # Two columns: the issuing body beside the national name, «Nơi nhận:» beside the signature block.
    lines = pdftotext(pdf, "-layout").splitlines()
    first = next(line for line in lines if "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line)
    assert first.index("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM") < first.index("CỘNG HÒA")
    assert any("LIÊN ĐOÀN LAO ĐỘNG" in line and "Độc lập – Tự do – Hạnh phúc" in line for line in lines)
    closing = next(line for line in lines if "Nơi nhận:" in line)
    assert closing.index("Nơi nhận:") < closing.index("TM. BAN THƯỜNG VỤ")


def test_a_draft_is_marked_and_leaves_the_date_to_be_written_in():
    draft = dict(SIGNED, status="draft", submitted_at=None, signer_name=None, signer_title=None)
    text = " ".join(pdftotext(render.report_pdf(draft)).split())
    assert "DỰ THẢO" in text and "Đà Nẵng, ngày … tháng … năm …" in text
    assert "Chưa gửi (bản nháp)." in text and "TM. BAN THƯỜNG VỤ" in text


def test_the_place_and_date_read_as_an_office_writes_them():
    assert render.place_of("Liên đoàn Lao động thành phố Hà Nội") == "Hà Nội"
    assert render.place_of("Liên đoàn Lao động Thành phố Hồ Chí Minh") == "Thành phố Hồ Chí Minh"
    assert render.place_of("Liên đoàn Lao động tỉnh Quảng Nam") == "Quảng Nam"
    assert render.place_of("Công đoàn Điện lực Việt Nam") == "Hà Nội"
    # A day below 10 and the months January and February take a leading zero; Vietnam's day.
    assert render.document_date("2027-01-04T18:30:00+00:00") == "ngày 05 tháng 01 năm 2027"
    assert render.document_date("2026-12-18T02:00:00+00:00") == "ngày 18 tháng 12 năm 2026"
    assert render.document_date(None) == "ngày … tháng … năm …"


ROLLUP = {
    "period": "2026-H1",
    "period_label": "6 tháng đầu năm 2026",
    "generated_at": "2026-07-02T03:00:00+00:00",
    "desk_name": "Ban Tuyên giáo Tổng Liên đoàn",
    "counts": {"expected": 2, "submitted": 1, "not_submitted": 1},
    "tenants": [
        {
            "tenant_name": "Liên đoàn Lao động thành phố Hà Nội",
            "tenant_code": "LDLD-HN",
            "status": "submitted",
            "submitted_at": "2026-06-30T03:00:00+00:00",
            "totals": {
                "items_submitted": 31,
                "items_used": 27,
                "quota_weeks_met": 24,
                "quota_weeks_total": 26,
                "questions_received": 5,
                "polls_held": 1,
                "poll_respondents": 120,
            },
        },
        {
            "tenant_name": "Liên đoàn Lao động thành phố Đà Nẵng",
            "tenant_code": "LDLD-DN",
            "status": "not_started",
            "submitted_at": None,
            "totals": None,
        },
    ],  # fmt: skip
    "totals": {"items_submitted": 31, "items_used": 27, "quota_weeks_met": 24, "quota_weeks_total": 26},
    "sections": [{"section": "news", "name": "Tin tức – Đa phương tiện", "submitted": 31, "used": 27}],
}


def test_the_rollup_pdf_lists_every_tenant_with_its_figures_on_a_landscape_page():
    pdf = render.rollup_pdf(ROLLUP)
    assert re.search(rb"/MediaBox \[0 0 841\.89 595\.28\]", pdf)  # A4 landscape
    text = " ".join(pdftotext(pdf).split())
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BAN TUYÊN GIÁO TỔNG LIÊN ĐOÀN",
        "BÁO CÁO TỔNG HỢP",
        "1/2 đơn vị đã gửi báo cáo, 1 đơn vị chưa gửi",
        "Chưa lập báo cáo",
        "Cộng (các báo cáo đã gửi)",
        "24/26",
        "Tin tức – Đa phương tiện",
        "Hà Nội, ngày 02 tháng 7 năm 2026",
    ):
        assert words in text, words
    assert "Liên đoàn Lao động thành phố Hà" in text and "\ufffd" not in text
