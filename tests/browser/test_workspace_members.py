"""The member register in Chromium, as Hà Nội's administrator uses it (issue 15): a 5,000-row
member file with two bad rows is refused with both rows named and nothing applied; the fixed file
is applied in the background while the progress bar (the page's script asking every second)
reaches the end; the credentials sheet's PDF is downloaded, rendered with pdftoppm and its text
(pdftotext) names a member with her diacritics; then the register is searched, a member edited
and her account locked after the confirmation page. axe-core finds no serious or critical problem
on any page type; screenshots at 360 and 1366 px are kept.

Only accounts and the gateway run (the pages call nothing else): the platform's ``portal`` fixture
would start every service for pages that do not use them."""

import base64
import re
import subprocess
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "artifacts" / "screenshots"

HEADER = "Số thẻ đoàn viên,Họ và tên,Ngày sinh,Giới tính,Số điện thoại,E-mail,Mã đơn vị,Ngày vào Công đoàn\n"
FIRST = "Phạm Thị Ngọc Ánh"
UNITS = ("CDCS-CANON", "CDCS-MAY10")


def member_file(bad=False):
    lines = []
    for i in range(1, 5001):
        name = FIRST if i == 1 else f"Đặng Quốc Hưng {i}"
        birth = "31/02/1990" if bad and i == 1234 else "12/04/1991"
        phone = "09-12" if bad and i == 4321 else f"09{i:08d}"
        lines.append(f"HN-{i:06d},{name},{birth},Nữ,{phone},,{UNITS[i % 2]},01/06/2015\n")
    return HEADER + "".join(lines)


@pytest.fixture
def site(demo, make_gateway, serve):
    """accounts with the demo tree and a gateway served over HTTP on a free loopback port."""
    return serve(make_gateway())


def test_a_federation_imports_5000_members_and_prints_their_activation_slips(page, browse, site, tmp_path):
    browse.sign_in(site, "hanoi.admin", then="/quan-tri/doan-vien")
    assert "Sổ đoàn viên còn trống" in page.find_element(By.ID, "noi-dung").text
    browse.clean("ws-members-empty")

    # -- a 5,000-row file with two bad rows: refused, both rows named, nothing applied ----------------
    browse.click_and_wait(page.find_element(By.LINK_TEXT, "Nhập từ tệp CSV, Excel"))
    browse.clean("ws-members-import")
    bad = tmp_path / "doan-vien-ha-noi.csv"
    bad.write_text(member_file(bad=True), encoding="utf-8")
    page.find_element(By.ID, "file").send_keys(str(bad))
    browse.click_and_wait(browse.button("Kiểm tra và nhập"), timeout=60)
    assert "Tệp có 2 lỗi, chưa có đoàn viên nào được nhập" in page.find_element(By.ID, "tom-tat-loi").text
    rows = [
        [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        for row in page.find_elements(By.CSS_SELECTOR, "#bang-loi-nhap tbody tr")
    ]
    assert [(r[0], r[1]) for r in rows] == [("1235", "Ngày sinh"), ("4322", "Số điện thoại")], rows
    browse.clean("ws-members-import-refused")

    # -- fixed, applied in the background: the progress bar reaches the end -----------------------------
    good = tmp_path / "doan-vien-ha-noi-da-sua.csv"
    good.write_text(member_file(), encoding="utf-8")
    page.find_element(By.ID, "file").send_keys(str(good))
    browse.click_and_wait(browse.button("Kiểm tra và nhập"), timeout=60)
    assert "/quan-tri/doan-vien/nhap/" in page.current_url
    job_url = page.current_url
    bar = page.find_element(By.ID, "tien-do-nhap")
    assert bar.get_attribute("max") == "5000"
    browse.clean("ws-members-job-running")

    def the_end(driver):
        # The script fills the bar, then loads the page again with the result.
        found = driver.find_elements(By.ID, "bang-ma")
        return found and driver.find_element(By.ID, "tien-do-nhap").get_attribute("value") == "5000"

    WebDriverWait(page, 180, poll_frequency=0.25, ignored_exceptions=(StaleElementReferenceException,)).until(the_end)
    browse.loaded()
    assert page.find_element(By.ID, "tien-do-chu").text == "Đã xử lý 5.000/5.000 dòng (100%)"
    assert "5.000 đoàn viên mới" in page.find_element(By.ID, "ket-qua").find_element(By.XPATH, "..").text
    browse.clean("ws-members-job-done")

    # -- the credentials sheet: a printable PDF, one slip per member ------------------------------------
    href = page.find_element(By.ID, "tai-ma-kich-hoat-pdf").get_attribute("href")
    download = page.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(async (r) => {
          const bytes = new Uint8Array(await r.arrayBuffer());
          let text = "";
          for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          done({status: r.status, type: r.headers.get("content-type"), body: btoa(text)});
        }).catch((e) => done({error: String(e)}));
        """,
        href,
    )
    assert download.get("status") == 200, download.get("error")
    assert download["type"] == "application/pdf"
    pdf = tmp_path / "ma-kich-hoat.pdf"
    pdf.write_bytes(base64.b64decode(download["body"]))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "phieu")], check=True
    )
    rendered = sorted(tmp_path.glob("phieu*.png"))
    assert rendered and rendered[0].stat().st_size > 10_000
    (SCREENSHOTS / "ws-members-slips-page1.png").write_bytes(rendered[0].read_bytes())
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert FIRST in first_page and "PHIẾU KÍCH HOẠT TÀI KHOẢN ĐOÀN VIÊN" in first_page
    assert "hn-000001@ha-noi" in first_page and "Công đoàn cơ sở" in first_page
    pages = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+834$", pages, re.M), pages  # 5,000 slips, six to a page

    # -- the register: search, edit, lock after asking --------------------------------------------------
    browse.open(site, "/quan-tri/doan-vien")
    search = page.find_element(By.ID, "q")
    search.send_keys("Ngọc Ánh")
    browse.click_and_wait(browse.button("Tìm"))
    table = page.find_element(By.ID, "bang-doan-vien").text
    assert FIRST in table and "Chờ kích hoạt" in table
    browse.clean("ws-members-register")
    browse.click_and_wait(page.find_element(By.LINK_TEXT, FIRST))
    browse.clean("ws-members-edit")
    phone = page.find_element(By.ID, "phone")
    phone.clear()
    phone.send_keys("12")
    browse.click_and_wait(browse.button("Lưu thông tin"))
    assert "Số điện thoại không hợp lệ" in page.find_element(By.ID, "loi-phone").text
    browse.clean("ws-members-edit-refused")
    phone = page.find_element(By.ID, "phone")
    phone.clear()
    phone.send_keys("0987 654 321")
    browse.click_and_wait(browse.button("Lưu thông tin"))
    assert "Đã lưu thông tin đoàn viên" in browse.flash()
    assert page.find_element(By.ID, "phone").get_attribute("value") == "0987654321"
    browse.click_and_wait(page.find_element(By.PARTIAL_LINK_TEXT, "Khóa tài khoản"))
    browse.clean("ws-members-deactivate")
    browse.click_and_wait(browse.button("Khóa tài khoản"))
    assert "Đã khóa tài khoản của đoàn viên" in browse.flash()
    page.get(f"{job_url}")
    browse.loaded()
    assert page.find_element(By.ID, "tai-ma-kich-hoat-csv")
