"""The administrators' pages in Chromium (issue 15), as their people use them: the VGCL Office
imports a CSV of registrations with a mistake — the check lists it by row and column and creates
nothing —, fixes the file, applies it and sees each new administrator's activation link; it then
merges one member organisation into another after a confirmation page that names what moves.
Hà Nội's administrator adds a unit to the tree and invites a user with a role (the activation
link shown once). axe-core finds no serious or critical problem on any page type; screenshots at
360 and 1366 px are kept under var/artifacts/screenshots/ws-admin-*."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = pytest.mark.browser

TENANTS = "/quan-tri/don-vi-thanh-vien"
HEADER = "code,name,kind,parent_code,admin_name,admin_email\n"
ROWS = (
    "LDLD-HP,Liên đoàn Lao động thành phố Hải Phòng,provincial_federation,TLD,Phạm Thị Hoa,hoa.hp@example.vn\n"
    "CD-DK,Công đoàn Dầu khí Việt Nam,{kind},TLD,Trịnh Minh Đức,duc.dk@example.vn\n"
)


def loaded(driver):
    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")


def click_and_wait(driver, element):
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 20).until(expected_conditions.staleness_of(old))
    loaded(driver)


def button(driver, label):
    return driver.find_element(By.XPATH, f"//main//button[normalize-space()='{label}']")


def link(driver, label):
    return driver.find_element(By.XPATH, f"//main//a[normalize-space()='{label}']")


def flash(driver):
    return " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, ".notice.flash"))


def open_page(driver, portal, path):
    driver.get(portal.url(path))
    loaded(driver)


def sign_in(page, portal, username):
    page.execute_cdp_cmd("Network.clearBrowserCookies", {})
    open_page(page, portal, "/dang-nhap?tiep=/quan-tri/")
    password = portal._passwords["admin"] if username == "admin" else portal._passwords["demo"]
    page.find_element(By.ID, "username").send_keys(username)
    page.find_element(By.ID, "password").send_keys(password)
    click_and_wait(page, button(page, "Đăng nhập"))
    assert page.current_url.endswith("/quan-tri/"), page.current_url


def clean(page, axe_violations, screenshots, name):
    """axe-core: no serious or critical WCAG 2.1 AA violation; the page photographed."""
    found = axe_violations(page)
    assert not found, found.report()
    screenshots(page, f"ws-admin-{name}")


def tenant_count(portal):
    return portal.api.as_(portal.login("admin")).get("/api/v1/tenants?per_page=1").json["total"]


def test_the_office_imports_and_merges_and_a_federation_builds_its_tree_and_invites(
    page, portal, axe_violations, screenshots, tmp_path
):
    # -- the VGCL Office: the list, then a file with a mistake --------------------------------
    sign_in(page, portal, "admin")
    open_page(page, portal, TENANTS)
    assert "Liên đoàn Lao động thành phố Hà Nội" in page.find_element(By.ID, "bang-don-vi-thanh-vien").text
    clean(page, axe_violations, screenshots, "tenants")
    before = tenant_count(portal)

    click_and_wait(page, link(page, "Nhập từ tệp CSV"))
    clean(page, axe_violations, screenshots, "import-form")
    wrong = tmp_path / "dang-ky.csv"
    wrong.write_text(HEADER + ROWS.format(kind="nganh_trung_uong"), encoding="utf-8")
    page.find_element(By.ID, "file").send_keys(str(wrong))
    click_and_wait(page, button(page, "Kiểm tra tệp"))
    rows = page.find_elements(By.CSS_SELECTOR, "#bang-loi-tep tbody tr")
    cells = [[td.text for td in row.find_elements(By.TAG_NAME, "td")] for row in rows]
    assert [c[:2] for c in cells] == [["3", "kind"]] and "nganh_trung_uong" in cells[0][2], cells
    assert "Chưa có đơn vị nào được tạo" in page.find_element(By.ID, "thong-bao-loi").text
    assert tenant_count(portal) == before
    clean(page, axe_violations, screenshots, "import-errors")

    # -- fixed, checked, applied: the links shown once -----------------------------------------
    fixed = tmp_path / "dang-ky-da-sua.csv"
    fixed.write_text(HEADER + ROWS.format(kind="sectoral_union"), encoding="utf-8")
    page.find_element(By.ID, "file").send_keys(str(fixed))
    click_and_wait(page, button(page, "Kiểm tra tệp"))
    planned = page.find_element(By.ID, "bang-se-tao").text
    assert "LDLD-HP" in planned and "CD-DK" in planned and "hoa.hp@example.vn" in planned
    assert tenant_count(portal) == before  # still nothing
    clean(page, axe_violations, screenshots, "import-check")
    click_and_wait(page, button(page, "Nhập 2 đơn vị"))
    sheet = page.find_element(By.ID, "bang-ma-kich-hoat")
    links = [a.get_attribute("href") for a in sheet.find_elements(By.CSS_SELECTOR, "a")]
    assert len(links) == 2 and all("/kich-hoat?token=" in href for href in links), links
    assert "hoa.hp@example.vn" in sheet.text and "một lần" in page.find_element(By.TAG_NAME, "main").text
    assert page.find_element(By.ID, "tai-bang-ma").get_attribute("href").startswith("data:text/csv")
    assert tenant_count(portal) == before + 2
    clean(page, axe_violations, screenshots, "import-done")

    # -- a merge, confirmed on a page that names what moves -------------------------------------
    open_page(page, portal, f"{TENANTS}?q=D%E1%BA%A7u+kh%C3%AD")
    click_and_wait(page, page.find_element(By.LINK_TEXT, "Công đoàn Dầu khí Việt Nam"))
    clean(page, axe_violations, screenshots, "tenant")
    click_and_wait(page, link(page, "Hợp nhất vào đơn vị khác…"))
    Select(page.find_element(By.ID, "vao")).select_by_visible_text("Công đoàn Giao thông Vận tải Việt Nam (CD-GTVT)")
    clean(page, axe_violations, screenshots, "merge-choice")
    click_and_wait(page, button(page, "Xem những gì sẽ chuyển"))
    moves = page.find_element(By.ID, "danh-sach-se-chuyen").text
    assert "1 tài khoản" in moves and "0 đơn vị trong cây đơn vị" in moves, moves
    assert "Công đoàn Dầu khí Việt Nam (CD-DK)" in page.find_element(By.CLASS_NAME, "lead").text
    clean(page, axe_violations, screenshots, "merge-confirm")
    click_and_wait(
        page, button(page, "Hợp nhất «Công đoàn Dầu khí Việt Nam» vào «Công đoàn Giao thông Vận tải Việt Nam»")
    )
    assert "Đã hợp nhất «Công đoàn Dầu khí Việt Nam»" in flash(page), flash(page)
    assert page.find_element(By.TAG_NAME, "h1").text == "Công đoàn Giao thông Vận tải Việt Nam"

    open_page(page, portal, f"{TENANTS}/moi")
    button(page, "Tạo đơn vị").click()  # the browser's own check: the required code is empty
    page.find_element(By.ID, "code").send_keys("X!")
    page.find_element(By.ID, "name").send_keys("Công đoàn thử")
    click_and_wait(page, button(page, "Tạo đơn vị"))
    assert "Mã gồm 2–32 ký tự" in page.find_element(By.ID, "loi-code").text
    assert page.find_element(By.ID, "code").get_attribute("value") == "X!"  # what was typed is kept
    clean(page, axe_violations, screenshots, "tenant-form-errors")

    # -- Hà Nội's administrator: a unit in the tree, then a user invited with a role ------------
    sign_in(page, portal, "hanoi.admin")
    open_page(page, portal, "/quan-tri/don-vi")
    tree = page.find_element(By.ID, "cay-don-vi")
    assert "Công đoàn các Khu công nghiệp Thăng Long" in tree.text
    clean(page, axe_violations, screenshots, "unit-tree")
    click_and_wait(page, page.find_element(By.PARTIAL_LINK_TEXT, "Thêm cấp dưới"))  # under the industrial zones
    page.find_element(By.ID, "name").send_keys("Công đoàn cơ sở Công ty TNHH Hoya Glass Disk Việt Nam")
    page.find_element(By.ID, "code").send_keys("CDCS-HOYA")
    assert Select(page.find_element(By.ID, "kind")).first_selected_option.get_attribute("value") == "grassroots"
    clean(page, axe_violations, screenshots, "unit-form")
    click_and_wait(page, button(page, "Thêm đơn vị"))
    assert "Đã thêm «Công đoàn cơ sở Công ty TNHH Hoya Glass Disk Việt Nam»" in flash(page)
    zones = page.find_element(
        By.XPATH, "//ul[@id='cay-don-vi']/li[.//span[text()='Công đoàn các Khu công nghiệp Thăng Long']]"
    )
    assert "CDCS-HOYA" in zones.text  # inside the branch it was added to
    open_page(page, portal, "/quan-tri/don-vi?q=hoya")
    assert "CDCS-HOYA" in page.find_element(By.ID, "bang-tim-don-vi").text
    clean(page, axe_violations, screenshots, "unit-search")
    open_page(page, portal, "/quan-tri/don-vi#cay-don-vi")
    zones = page.find_element(
        By.XPATH, "//ul[@id='cay-don-vi']/li[.//span[text()='Công đoàn các Khu công nghiệp Thăng Long']]"
    )
    hoya = zones.find_element(By.XPATH, ".//li[.//code[text()='CDCS-HOYA']]")
    click_and_wait(page, hoya.find_element(By.CSS_SELECTOR, ".unit-actions a"))
    assert page.find_element(By.ID, "code").get_attribute("value") == "CDCS-HOYA"
    clean(page, axe_violations, screenshots, "unit-edit")

    open_page(page, portal, "/quan-tri/tai-khoan")
    assert "Trần Văn Bình" in page.find_element(By.ID, "bang-tai-khoan").text
    clean(page, axe_violations, screenshots, "users")
    click_and_wait(page, link(page, "Mời người dùng"))
    page.find_element(By.ID, "full_name").send_keys("Phan Thị Ngọc")
    page.find_element(By.ID, "email").send_keys("ngoc.phan@ldld-hanoi.vn")
    page.find_element(By.XPATH, "//select[@id='unit_id']/option[contains(., 'CDCS-HOYA')]").click()
    page.find_element(By.ID, "vai-tro-contributor").click()
    clean(page, axe_violations, screenshots, "user-invite")
    click_and_wait(page, button(page, "Mời và tạo đường link kích hoạt"))
    shown = page.find_element(By.ID, "lien-ket-kich-hoat").get_attribute("value")
    assert "/kich-hoat?token=" in shown and "Phan Thị Ngọc" in page.find_element(By.TAG_NAME, "main").text
    copy = page.find_element(By.CSS_SELECTOR, "button[data-copy]")
    assert copy.is_displayed()  # the script's «Sao chép»
    clean(page, axe_violations, screenshots, "user-activation")
    click_and_wait(page, link(page, "Xem tài khoản"))
    assert "Chờ kích hoạt" in page.find_element(By.CLASS_NAME, "admin-facts").text
    assert page.find_element(By.ID, "vai-tro-contributor").is_selected()
    clean(page, axe_violations, screenshots, "user")
