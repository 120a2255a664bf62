"""The June/December report in the workspace (/quan-tri/bao-cao): a federation's administrator
reads the compiled figures, saves the evaluation (empty or too long: 422 beside the field, nothing
saved), confirms and submits (a second time: 409 as a message on the now read-only report) and
downloads the PDF (the administrative layout, read back with pdftotext) and the XLSX; periods polls
refuses, another federation's report (404), other editors (403) and a missing CSRF token (400);
the Propaganda Dept's overview, any tenant's report and the roll-up with its files; the landing
cards. Real polls, content, feedback and accounts behind the gateway."""

import io
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from platform_shared.clock import VN_TZ
from tests.workspace.conftest import csrf_of

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "polls" / "tests" / "unit"))
from test_render import pdftotext  # noqa: E402  (poppler's reader, as the render tests use it)

PATH = "/quan-tri/bao-cao"
EVALUATION = (
    "Liên đoàn Lao động thành phố đã hoàn thành tốt nhiệm vụ tuyên truyền trên Cổng.\n"
    "Việc trả lời câu hỏi của công nhân, người lao động cần nhanh hơn ở một số công đoàn cơ sở."
)


def text(response):
    return response.get_data(as_text=True)


def current():
    """``(period, its title, its last day dd/mm/yyyy, days left)`` of today in Vietnam."""
    today = datetime.now(UTC).astimezone(VN_TZ).date()
    half = 1 if today.month <= 6 else 2
    last = date(today.year, 6, 30) if half == 1 else date(today.year, 12, 31)
    title = f"6 tháng {'đầu' if half == 1 else 'cuối'} năm {today.year}"
    return f"{today.year}-H{half}", title, f"{last:%d/%m/%Y}", (last - today).days


@pytest.fixture
def reporting(content_service, feedback_service, polls_service):
    """Polls with every source of a report's figures running (accounts, media, content, feedback)."""


def report_id_of(page):
    found = re.search(r'action="/quan-tri/bao-cao/([0-9a-f-]{36})/danh-gia"', text(page))
    assert found, "the report page has no evaluation form"
    return found.group(1)


def post(client, path, form, *, page_path=PATH):
    token = csrf_of(client.get(page_path))
    return client.post(path, data={"csrf_token": token, **form})


def test_a_federation_saves_its_evaluation_and_bad_input_is_named_beside_the_field(staff_as, reporting, api, login):
    period, title, due, left = current()
    hanoi = staff_as("hanoi.admin")
    landing = text(hanoi.get("/quan-tri/"))
    assert f"báo cáo {title} chưa lập; hạn gửi {due} (còn {left} ngày)" in landing  # the card opens nothing

    shown = hanoi.get(PATH)
    page = text(shown)
    assert shown.status_code == 200
    assert f"Báo cáo {title}" in page and "Liên đoàn Lao động thành phố Hà Nội" in page
    assert 'id="trang-thai-bao-cao">Chưa gửi (bản nháp)' in page and f"{due} (còn {left} ngày)" in page
    for table in ("so-lieu-thong-tin", "so-lieu-hoi-dap", "so-lieu-trung-cau"):
        assert f'id="{table}"' in page, table
    assert f'<option value="{period}" selected>' in page and 'id="tai-pdf"' in page
    report_id = report_id_of(shown)
    url = f"{PATH}/{report_id}"
    assert f"báo cáo {title} đang soạn, chưa gửi" in text(hanoi.get("/quan-tri/"))

    too_long = post(hanoi, f"{url}/danh-gia", {"evaluation": "Đ" * 20001, "signer_name": "Lê Văn Hải"})
    assert too_long.status_code == 422
    assert 'id="loi-evaluation"' in text(too_long) and 'aria-invalid="true"' in text(too_long)
    assert 'value="Lê Văn Hải"' in text(too_long)  # what was typed is kept
    empty = post(hanoi, f"{url}/gui", {"evaluation": "  ", "signer_title": "", "signer_name": ""})
    assert empty.status_code == 422 and "Cần nhập đánh giá của đơn vị trước khi gửi báo cáo." in text(empty)
    assert 'id="loi-evaluation"' in text(empty)
    long_title = post(hanoi, f"{url}/danh-gia", {"evaluation": EVALUATION, "signer_title": "C" * 121})
    assert long_title.status_code == 422 and 'id="loi-signer_title"' in text(long_title)
    owner = api.as_(login("hanoi.admin"))
    stored = owner.get(f"/api/v1/reports/semiannual/{report_id}").json
    assert (stored["status"], stored["evaluation"], stored["signer_title"]) == ("draft", None, None)  # nothing saved

    missing_token = hanoi.post(f"{url}/danh-gia", data={"evaluation": EVALUATION})
    assert missing_token.status_code == 400
    assert owner.get(f"/api/v1/reports/semiannual/{report_id}").json["evaluation"] is None

    saved = post(hanoi, f"{url}/danh-gia", {"evaluation": EVALUATION, "signer_title": "Chủ tịch", "signer_name": ""})
    assert saved.status_code == 303 and saved.headers["Location"] == url
    again = text(hanoi.get(url))
    assert "Đã lưu bản nháp đánh giá" in again and "Báo cáo chưa được gửi" in again
    assert "Việc trả lời câu hỏi của công nhân" in again and 'value="Chủ tịch"' in again
    assert owner.get(f"/api/v1/reports/semiannual/{report_id}").json["status"] == "draft"


def test_a_federation_confirms_and_submits_once_and_downloads_its_files(staff_as, reporting, api, login):
    period, title, due, _ = current()
    hanoi = staff_as("hanoi.admin")
    report_id = report_id_of(hanoi.get(PATH))
    url = f"{PATH}/{report_id}"
    typed = {"evaluation": EVALUATION, "signer_title": "Chủ tịch", "signer_name": "Nguyễn Văn Hùng"}

    confirm = post(hanoi, f"{url}/gui", typed)
    assert confirm.status_code == 200
    page = text(confirm)
    assert 'id="xac-nhan-gui"' in page and "Xác nhận gửi báo cáo" in page and "Nguyễn Văn Hùng" in page
    owner = api.as_(login("hanoi.admin"))
    stored = owner.get(f"/api/v1/reports/semiannual/{report_id}").json
    assert (stored["status"], stored["signer_name"]) == ("draft", "Nguyễn Văn Hùng")  # kept, not sent yet

    sent = post(hanoi, f"{url}/gui", {**typed, "xac-nhan": "1"})
    assert sent.status_code == 303 and sent.headers["Location"] == url
    after = text(hanoi.get(url))
    assert f"Đã gửi báo cáo {title} lúc" in after and 'id="trang-thai-bao-cao">Đã gửi' in after
    assert 'id="gui-luc"' in after and 'id="da-chot"' in after
    assert 'id="danh-gia"' not in after and 'id="da-gui"' in after and "TM. Ban Thường vụ: Chủ tịch" in after
    assert f"báo cáo {title} đã gửi lúc" in text(hanoi.get("/quan-tri/"))

    twice = post(hanoi, f"{url}/gui", {**typed, "xac-nhan": "1"}, page_path=url)
    assert twice.status_code == 409
    assert "Báo cáo đã được gửi, không thể sửa hoặc gửi lại." in text(twice) and 'id="danh-gia"' not in text(twice)
    assert post(hanoi, f"{url}/danh-gia", typed, page_path=url).status_code == 409

    pdf = hanoi.get(f"{url}/tai?dinh-dang=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    disposition = pdf.headers["Content-Disposition"]
    assert (
        disposition.startswith(f'attachment; filename="bao-cao-{period}-LDLD-HN.pdf"')
        and "filename*=UTF-8''" in disposition
    )
    words = " ".join(pdftotext(pdf.data).split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        "Số: …/BC-LDLD-HN",
        "Hà Nội, ngày",
        "Nơi nhận:",
        "TM. BAN THƯỜNG VỤ",
        "Nguyễn Văn Hùng",
        "Liên đoàn Lao động thành phố Hà Nội báo cáo kết quả",
    ):
        assert expected in words, expected
    xlsx = hanoi.get(f"{url}/tai?dinh-dang=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:4] == b"PK\x03\x04"
    rows = {r[0]: r[1] for r in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True) if r[0]}
    assert EVALUATION in rows and rows["Hạn gửi"] == due and rows["Trạng thái"] == "Đã gửi"
    assert "Số câu hỏi của công nhân, người lao động đã nhận" in rows
    assert hanoi.get(f"{url}/tai?dinh-dang=docx").status_code == 404


def test_periods_polls_refuses_another_federation_and_other_roles(staff_as, reporting):
    period, _, _, _ = current()
    hanoi = staff_as("hanoi.admin")
    bad = hanoi.get(f"{PATH}?ky=2026-H3")
    assert bad.status_code == 422
    assert 'id="loi-ky"' in text(bad) and "Kỳ báo cáo không hợp lệ, dùng dạng 2026-H1" in text(bad)
    later = hanoi.get(f"{PATH}?ky=2099-H1")
    assert later.status_code == 422 and "Kỳ báo cáo này chưa bắt đầu." in text(later)
    report_id = report_id_of(hanoi.get(PATH))

    danang = staff_as("danang.admin")
    for path in (f"{PATH}/{report_id}", f"{PATH}/LDLD-HN?ky={period}", f"{PATH}/{report_id}/tai?dinh-dang=pdf"):
        assert danang.get(path).status_code == 404, path
    refused = post(danang, f"{PATH}/{report_id}/danh-gia", {"evaluation": "Không phải của tôi"})
    assert refused.status_code == 404
    assert danang.get(f"{PATH}/tong-hop").status_code == 403

    other_desk = staff_as("laodong.editor")
    overview = other_desk.get(PATH)
    assert overview.status_code == 403 and "Chỉ Ban Tuyên giáo" in text(overview)
    assert "Báo cáo 6 tháng" not in text(other_desk.get("/quan-tri/"))  # no card for them
    assert staff_as("hanoi.contributor").get(PATH).status_code == 403
    assert staff_as("tuyengiao.editor").get(f"{PATH}?trang-thai=khac").status_code == 404


def test_the_propaganda_dept_sees_who_submitted_opens_any_report_and_the_rollup(staff_as, reporting, api, login):
    period, title, due, _ = current()
    hanoi = api.as_(login("hanoi.admin"))
    report = hanoi.get("/api/v1/reports/semiannual").json
    done = hanoi.post(f"/api/v1/reports/semiannual/{report['id']}/submit", json={"evaluation": EVALUATION})
    assert done.status_code == 200, done.json

    desk = staff_as("tuyengiao.editor")
    landing = text(desk.get("/quan-tri/"))
    assert f"<strong>1</strong> trên 5 đơn vị đã gửi báo cáo {title}" in landing
    assert f"<strong>4</strong> đơn vị chưa gửi, hạn gửi {due}" in landing
    page = text(desk.get(PATH))
    assert 'id="so-da-gui">1/5' in page and 'id="so-chua-gui">4' in page
    row = re.search(r'<tr id="dv-LDLD-HN">(.*?)</tr>', page, re.S).group(1)
    assert "Đã gửi" in row and f"/quan-tri/bao-cao/{report['id']}" in row
    assert "Chưa lập báo cáo" in re.search(r'<tr id="dv-LDLD-DN">(.*?)</tr>', page, re.S).group(1)
    missing = text(desk.get(f"{PATH}?trang-thai=not_submitted&ky={period}"))
    assert 'id="dv-LDLD-DN"' in missing and 'id="dv-LDLD-HN"' not in missing

    opened = text(desk.get(f"{PATH}/{report['id']}"))
    assert "Liên đoàn Lao động thành phố Hà Nội" in opened and 'id="da-gui"' in opened and 'id="danh-gia"' not in opened
    unopened = text(desk.get(f"{PATH}/LDLD-DN?ky={period}"))
    assert "Chưa lập báo cáo" in unopened and 'id="tai-pdf"' not in unopened
    assert 'id="dv-LDLD-DN"' in text(desk.get(f"{PATH}?trang-thai=not_started"))  # looking opened nothing

    rollup = desk.get(f"{PATH}/tong-hop?ky={period}")
    assert rollup.status_code == 200
    page = text(rollup)
    assert f"Tổng hợp báo cáo {title}" in page and 'id="tong-hop-don-vi"' in page
    assert "Chưa có số liệu (chưa gửi báo cáo)" in page
    pdf = desk.get(f"{PATH}/tong-hop/tai?dinh-dang=pdf&ky={period}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert f'filename="tong-hop-bao-cao-{period}.pdf"' in pdf.headers["Content-Disposition"]
    words = " ".join(pdftotext(pdf.data).split())
    assert "BÁO CÁO TỔNG HỢP" in words and "1/5 đơn vị đã gửi báo cáo" in words
    xlsx = desk.get(f"{PATH}/tong-hop/tai?dinh-dang=xlsx&ky={period}")
    assert xlsx.status_code == 200 and xlsx.data[:4] == b"PK\x03\x04"
    bad = desk.get(f"{PATH}/tong-hop?ky=2026-H3")
    assert bad.status_code == 422 and 'id="loi-ky"' in text(bad)

    office = staff_as("admin")
    assert 'id="so-da-gui">1/5' in text(office.get(PATH))
    assert office.get(f"{PATH}/tong-hop").status_code == 200
