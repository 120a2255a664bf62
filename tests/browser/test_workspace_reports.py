"""The June/December report in Chromium (issue 15): Hà Nội's administrator opens the current
half-year's report from the menu, reads the compiled figures, writes the evaluation in paragraphs
and the signer, saves the draft, sends it through the confirmation page, and opens its PDF (fetched
through the page's link with the browser's session cookie, read back with pdftotext and rendered
to PNG with pdftoppm for a person to look at); the Propaganda Dept's editor then sees Hà Nội as
submitted on the landing card and the overview, opens the report and the roll-up (and its PDF).
A period polls refuses is named beside the selector. axe-core finds no serious or critical
problem on any of these page types; screenshots at 360 and 1366 px are kept."""

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By

from platform_shared.clock import VN_TZ

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "artifacts" / "screenshots"
EVALUATION = (
    "Sáu tháng cuối năm, Liên đoàn Lao động thành phố đẩy mạnh tuyên truyền trên Cổng.",
    "Việc trả lời câu hỏi của công nhân, người lao động còn chậm ở một số công đoàn cơ sở; kỳ tới "
    "sẽ phân công cán bộ trả lời trong 5 ngày làm việc.",
)


def card(page, title):
    return page.find_element(By.XPATH, f"//section[contains(@class,'ws-card')][h2[normalize-space()='{title}']]")


def download(page, link_id, tmp_path):
    """The file behind the page's link, fetched with the browser's own session cookie."""
    href = page.find_element(By.ID, link_id).get_attribute("href")
    cookies = {c["name"]: c["value"] for c in page.get_cookies()}
    answer = requests.get(href, cookies=cookies, timeout=60)
    assert answer.status_code == 200, answer.text[:300]
    name = re.search(r'filename="([^"]+)"', answer.headers["Content-Disposition"]).group(1)
    path = tmp_path / name
    path.write_bytes(answer.content)
    return answer, path


def read_pdf(path, png_name):
    """pdftotext's words of a PDF, and its first page rendered by pdftoppm as a PNG under
    var/artifacts/screenshots/ (for a person to look at)."""
    for tool in ("pdftotext", "pdftoppm"):
        assert shutil.which(tool), f"{tool} missing: scripts/ensure-browser.sh installs poppler-utils"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = str(SCREENSHOTS / png_name)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(path), target], check=True)
    return " ".join(text.decode("utf-8").split())


def test_a_federation_sends_its_half_year_report_and_the_propaganda_dept_rolls_it_up(page, browse, portal, tmp_path):
    today = datetime.now(UTC).astimezone(VN_TZ).date()
    period = f"{today.year}-H{1 if today.month <= 6 else 2}"
    title = f"6 tháng {'đầu' if today.month <= 6 else 'cuối'} năm {today.year}"
    portal.news(  # something to count: Hà Nội's contributor sends a news item to the Portal's desk
        "Công đoàn Thủ đô tổ chức Tháng Công nhân",
        "<p>Hàng nghìn đoàn viên được thăm hỏi, tặng quà trong Tháng Công nhân.</p>",
        publish=False,
    )

    # -- Hà Nội's administrator compiles, evaluates and sends ---------------------------------
    browse.sign_in(portal, "hanoi.admin")
    assert "chưa lập" in card(page, "Báo cáo 6 tháng").text
    browse.clean("ws-reports-home-admin")
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "nav.ws-nav a[href='/quan-tri/bao-cao']"))
    assert page.find_element(By.TAG_NAME, "h1").text == f"Báo cáo {title}"
    assert page.find_element(By.ID, "trang-thai-bao-cao").text == "Chưa gửi (bản nháp)"
    news = page.find_element(By.ID, "so-lieu-thong-tin").text
    assert "Tin tức – Đa phương tiện" in news and "1" in news
    page.find_element(By.ID, "evaluation").send_keys("\n".join(EVALUATION))
    assert "Đã nhập" in page.find_element(By.ID, "dem-ky-tu").text  # the script counts as one types
    page.find_element(By.ID, "signer_title").send_keys("Chủ tịch")
    page.find_element(By.ID, "signer_name").send_keys("Nguyễn Văn Hùng")
    browse.clean("ws-report-draft")
    browse.click_and_wait(browse.button("Lưu bản nháp"))
    assert "Đã lưu bản nháp đánh giá" in browse.flash()
    assert page.find_element(By.ID, "evaluation").get_property("value") == "\n".join(EVALUATION)  # paragraphs kept

    browse.click_and_wait(browse.button("Gửi báo cáo…"))
    assert page.find_element(By.TAG_NAME, "h1").text == "Xác nhận gửi báo cáo"
    assert EVALUATION[1][:40] in page.find_element(By.ID, "tieu-de-se-gui").find_element(By.XPATH, "..").text
    browse.clean("ws-report-confirm")
    browse.click_and_wait(browse.button("Xác nhận gửi báo cáo"))
    assert f"Đã gửi báo cáo {title}" in browse.flash()
    assert page.find_element(By.ID, "trang-thai-bao-cao").text == "Đã gửi"
    assert page.find_element(By.ID, "gui-luc").text and not page.find_elements(By.ID, "danh-gia")
    assert EVALUATION[0] in page.find_element(By.ID, "da-gui").text
    browse.clean("ws-report-submitted")

    answer, pdf = download(page, "tai-pdf", tmp_path)
    assert answer.headers["Content-Type"] == "application/pdf" and pdf.name == f"bao-cao-{period}-LDLD-HN.pdf"
    words = read_pdf(pdf, "report-pdf")
    for expected in (
        "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập – Tự do – Hạnh phúc",
        "Số: …/BC-LDLD-HN",
        f"Hà Nội, ngày {today.day:02d} tháng",
        "BÁO CÁO",
        "Liên đoàn Lao động thành phố Hà Nội báo cáo kết quả công tác",
        "Nơi nhận:",
        "- Ban Tuyên giáo TLĐ;",
        "TM. BAN THƯỜNG VỤ",
        "CHỦ TỊCH",
        "Nguyễn Văn Hùng",
        "công đoàn cơ sở",
    ):
        assert expected in words, expected
    assert "DỰ THẢO" not in words
    answer, xlsx = download(page, "tai-xlsx", tmp_path)
    assert xlsx.read_bytes()[:4] == b"PK\x03\x04" and "filename*=UTF-8''" in answer.headers["Content-Disposition"]

    browse.open(portal, "/quan-tri/bao-cao?ky=2026-H3")
    assert "Kỳ báo cáo không hợp lệ" in page.find_element(By.ID, "loi-ky").text
    browse.clean("ws-report-bad-period")

    # -- the Propaganda Dept sees it submitted and opens the roll-up ---------------------------
    browse.sign_in(portal, "tuyengiao.editor")
    assert "1 trên 5 đơn vị đã gửi báo cáo" in card(page, "Báo cáo 6 tháng").text
    browse.click_and_wait(page.find_element(By.PARTIAL_LINK_TEXT, "đơn vị đã gửi báo cáo"))
    assert "Đã gửi" in page.find_element(By.ID, "dv-LDLD-HN").text
    browse.open(portal, "/quan-tri/bao-cao")
    assert page.find_element(By.ID, "so-da-gui").text == "1/5"
    assert "Chưa lập báo cáo" in page.find_element(By.ID, "dv-LDLD-DN").text
    browse.clean("ws-reports-overview")
    browse.click_and_wait(page.find_element(By.LINK_TEXT, "Liên đoàn Lao động thành phố Hà Nội"))
    assert page.find_element(By.ID, "trang-thai-bao-cao").text == "Đã gửi"
    assert EVALUATION[0] in page.find_element(By.ID, "da-gui").text and not page.find_elements(By.ID, "danh-gia")
    browse.clean("ws-report-overseer")
    browse.open(portal, "/quan-tri/bao-cao")
    browse.click_and_wait(page.find_element(By.ID, "xem-tong-hop"))
    hanoi = page.find_element(By.ID, "th-LDLD-HN").text
    assert "Đã gửi" in hanoi and "Chưa có số liệu" in page.find_element(By.ID, "th-LDLD-DN").text
    browse.clean("ws-reports-rollup")
    answer, rollup = download(page, "tai-pdf", tmp_path)
    assert rollup.name == f"tong-hop-bao-cao-{period}.pdf"
    words = read_pdf(rollup, "rollup-pdf")
    assert "BÁO CÁO TỔNG HỢP" in words and "1/5 đơn vị đã gửi báo cáo" in words and "Đã gửi" in words
    _, sheet = download(page, "tai-xlsx", tmp_path)
    assert sheet.read_bytes()[:4] == b"PK\x03\x04"
