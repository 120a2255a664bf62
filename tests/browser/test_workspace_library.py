"""Hà Nội's administrator keeps the federation's records in Chromium (issue 15): adds a staff record
(a bad one first, refused beside its fields), uploads a photo with its caption and credit through
the page's script and finds it in the library's grid, sees a file media refuses named beside the
file field, edits the photo's caption; adds two sections to the sub-site's menu, moves one up and
finds that order on the portal's sub-site page. axe-core finds no serious or critical problem on
any page type it visits (each list, form, form with errors, the file's page); screenshots at 360
and 1366 px are kept under var/artifacts/screenshots/library-*."""

import re
import sys
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def samples():
    sys.path.insert(0, str(ROOT / "services" / "media" / "tests"))
    import samples as module

    return module


def test_an_administrator_keeps_staff_records_the_library_and_the_sub_sites_menu(
    page, browse, portal, screenshots, tmp_path
):
    browse.sign_in(portal, "hanoi.admin")

    # -- staff records -------------------------------------------------------------------------
    browse.open(portal, "/quan-tri/can-bo")
    browse.clean("library-staff-list-empty")
    browse.click_and_wait(page.find_element(By.ID, "them-can-bo"))
    browse.clean("library-staff-form")
    browse.fill("position", "Chủ tịch Công đoàn cơ sở")
    browse.fill("phone", "gọi sau")
    browse.click_and_wait(browse.button("Thêm hồ sơ"))
    assert "Trường này không được để trống." in page.find_element(By.ID, "loi-full_name").text
    assert "Số điện thoại không hợp lệ." in page.find_element(By.ID, "loi-phone").text
    assert page.find_element(By.ID, "position").get_attribute("value") == "Chủ tịch Công đoàn cơ sở"
    browse.clean("library-staff-form-refused")
    browse.fill("full_name", "Phạm Thị Hồng")
    browse.fill("phone", "0912 345 678")
    page.execute_script("document.getElementById('term_start').value = '2024-01-15'")
    units = Select(page.find_element(By.ID, "unit_id"))
    units.select_by_value(next(o.get_attribute("value") for o in units.options if "Canon Việt Nam" in o.text))
    browse.click_and_wait(browse.button("Thêm hồ sơ"))
    assert "Đã thêm hồ sơ «Phạm Thị Hồng» — Chủ tịch Công đoàn cơ sở." in browse.flash()
    browse.open(portal, "/quan-tri/can-bo")
    row = page.find_element(By.CSS_SELECTOR, "#bang-can-bo tbody tr")
    assert "Phạm Thị Hồng" in row.text and "Canon" in row.text and "Đương nhiệm" in row.text
    browse.clean("library-staff-list")

    # -- the media library ---------------------------------------------------------------------
    photo = tmp_path / "le-ky-thoa-uoc.jpg"
    photo.write_bytes(samples().jpeg_with_gps(900, 600, seed=7))
    browse.open(portal, "/quan-tri/thu-vien")
    browse.clean("library-media-grid-empty")
    browse.click_and_wait(page.find_element(By.ID, "tai-tep-len"))
    browse.clean("library-media-upload")
    page.find_element(By.ID, "file").send_keys(str(photo))
    WebDriverWait(page, 10).until(lambda d: d.find_element(By.ID, "xem-truoc-tep").is_displayed())
    browse.fill("caption", "Lễ ký thỏa ước lao động tập thể")
    browse.fill("alt_text", "Đại diện công đoàn và doanh nghiệp ký thỏa ước")
    browse.fill("credit_name", "Minh Hà")
    browse.fill("rights", "© Công đoàn Hà Nội")
    page.find_element(By.ID, "nut-tai-len").click()  # the script sends it; the server says where next
    WebDriverWait(page, 60).until(lambda d: d.current_url.endswith("/quan-tri/thu-vien"))
    browse.loaded()
    assert "Đã tải lên «le-ky-thoa-uoc.jpg»" in browse.flash()
    card = page.find_element(By.CSS_SELECTOR, "#luoi-tep .media-card")
    assert "Lễ ký thỏa ước lao động tập thể" in card.text and "Tác giả: Minh Hà" in card.text
    thumb = card.find_element(By.TAG_NAME, "img")
    browse.images_loaded([thumb], timeout=15)
    browse.clean("library-media-grid")

    fake = tmp_path / "anh-gia.jpg"
    fake.write_bytes(samples().jpeg_header_then_html())
    browse.click_and_wait(page.find_element(By.ID, "tai-tep-len"))
    page.find_element(By.ID, "file").send_keys(str(fake))
    browse.fill("caption", "Ảnh không hợp lệ")
    page.find_element(By.ID, "nut-tai-len").click()
    message = WebDriverWait(page, 30).until(lambda d: d.find_elements(By.ID, "loi-file") or None)[0]
    assert message.text and page.find_element(By.ID, "file").get_attribute("aria-invalid") == "true"
    assert page.find_element(By.ID, "caption").get_attribute("value") == "Ảnh không hợp lệ"
    assert page.current_url.endswith("/quan-tri/thu-vien/tai-len")
    browse.clean("library-media-upload-refused")

    browse.open(portal, "/quan-tri/thu-vien")
    assert len(page.find_elements(By.CSS_SELECTOR, "#luoi-tep .media-card")) == 1  # nothing else stored
    browse.click_and_wait(page.find_element(By.PARTIAL_LINK_TEXT, "Sửa thông tin"))
    browse.clean("library-media-asset")
    browse.fill("caption", "Lễ ký thỏa ước lao động tập thể năm 2027")
    browse.click_and_wait(browse.button("Lưu thay đổi"))
    assert "Đã lưu thông tin của «le-ky-thoa-uoc.jpg»." in browse.flash()
    browse.open(portal, "/quan-tri/thu-vien")
    assert "Lễ ký thỏa ước lao động tập thể năm 2027" in page.find_element(By.ID, "luoi-tep").text

    # -- the sub-site's menu -------------------------------------------------------------------
    browse.open(portal, "/don-vi/ha-noi")  # the portal's page, read once before the menu changes
    assert not page.find_elements(By.CSS_SELECTOR, ".site-menu")
    browse.open(portal, "/quan-tri/trang-thanh-phan")
    browse.clean("library-site-empty")
    for name, key in (("Tin cơ sở", "tin-co-so"), ("Pháp luật lao động", "phap-luat")):
        browse.click_and_wait(page.find_element(By.ID, "them-chuyen-muc"))
        browse.fill("name", name)
        browse.fill("key", key)
        browse.click_and_wait(browse.button("Thêm chuyên mục"))
        assert f"Đã thêm chuyên mục «{name}»" in browse.flash()
    browse.click_and_wait(page.find_element(By.ID, "them-chuyen-muc"))
    browse.fill("name", "Văn hóa")
    browse.fill("key", "Văn Hóa")
    browse.click_and_wait(browse.button("Thêm chuyên mục"))
    assert "chữ thường không dấu" in page.find_element(By.ID, "loi-key").text
    browse.clean("library-site-form-refused")

    browse.open(portal, "/quan-tri/trang-thanh-phan")
    rows = lambda: [r.get_attribute("id") for r in page.find_elements(By.CSS_SELECTOR, "#bang-chuyen-muc tbody tr")]  # noqa: E731
    assert rows() == ["chuyen-muc-phap-luat", "chuyen-muc-tin-co-so"]
    browse.click_and_wait(
        page.find_element(By.XPATH, "//tr[@id='chuyen-muc-tin-co-so']//button[starts-with(normalize-space(), 'Lên')]"),
    )
    assert "Đã đưa «Tin cơ sở» lên trên." in browse.flash()
    assert rows() == ["chuyen-muc-tin-co-so", "chuyen-muc-phap-luat"]
    browse.clean("library-site")

    def portal_menu(driver):
        browse.open(portal, "/don-vi/ha-noi")
        links = driver.find_elements(By.CSS_SELECTOR, ".site-menu a")
        return [re.sub(r".*/don-vi/ha-noi/?", "", a.get_attribute("href")) for a in links] or None

    WebDriverWait(page, 30, poll_frequency=0.5).until(lambda d: portal_menu(d) == ["", "tin-co-so", "phap-luat"])
    assert page.find_element(By.CSS_SELECTOR, ".site-menu").text.split("\n") == [
        "Tất cả",
        "Tin cơ sở",
        "Pháp luật lao động",
    ]
    screenshots(page, "library-portal-sub-site")
