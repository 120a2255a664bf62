"""The administrators' pages in Chromium (issue 15), as their people use them: the VGCL Office
imports a CSV of registrations with a mistake — the check lists it by row and column and creates
nothing —, fixes the file, applies it and sees each new administrator's activation link; it then
merges one member organisation into another after a confirmation page that names what moves.
Hà Nội's administrator adds a unit to the tree and invites a user with a role (the activation
link shown once). axe-core finds no serious or critical problem on any page type; screenshots at
360 and 1366 px are kept under var/artifacts/screenshots/ws-admin-*."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

pytestmark = pytest.mark.browser

TENANTS = "/quan-tri/don-vi-thanh-vien"
HEADER = "code,name,kind,parent_code,admin_name,admin_email\n"
ROWS = (
    "LDLD-HP,Liên đoàn Lao động thành phố Hải Phòng,provincial_federation,TLD,Phạm Thị Hoa,hoa.hp@example.vn\n"
    "CD-DK,Công đoàn Dầu khí Việt Nam,{kind},TLD,Trịnh Minh Đức,duc.dk@example.vn\n"
)


def link(driver, label):
    return driver.find_element(By.XPATH, f"//main//a[normalize-space()='{label}']")


def tenant_count(portal):
    return portal.api.as_(portal.login("admin")).get("/api/v1/tenants?per_page=1").json["total"]


def test_the_office_imports_and_merges_and_a_federation_builds_its_tree_and_invites(page, browse, portal, tmp_path):
    # -- the VGCL Office: the list, then a file with a mistake --------------------------------
    browse.sign_in(portal, "admin")
    browse.open(portal, TENANTS)
    assert "Liên đoàn Lao động thành phố Hà Nội" in page.find_element(By.ID, "bang-don-vi-thanh-vien").text
    browse.clean("ws-admin-tenants")
    before = tenant_count(portal)

    browse.click_and_wait(link(page, "Nhập từ tệp CSV"))
    browse.clean("ws-admin-import-form")
    wrong = tmp_path / "dang-ky.csv"
    wrong.write_text(HEADER + ROWS.format(kind="nganh_trung_uong"), encoding="utf-8")
    page.find_element(By.ID, "file").send_keys(str(wrong))
    browse.click_and_wait(browse.button("Kiểm tra tệp"))
    rows = page.find_elements(By.CSS_SELECTOR, "#bang-loi-tep tbody tr")
    cells = [[td.text for td in row.find_elements(By.TAG_NAME, "td")] for row in rows]
    assert [c[:2] for c in cells] == [["3", "kind"]] and "nganh_trung_uong" in cells[0][2], cells
    assert "Chưa có đơn vị nào được tạo" in page.find_element(By.ID, "thong-bao-loi").text
    assert tenant_count(portal) == before
    browse.clean("ws-admin-import-errors")

    # -- fixed, checked, applied: the links shown once -----------------------------------------
    fixed = tmp_path / "dang-ky-da-sua.csv"
    fixed.write_text(HEADER + ROWS.format(kind="sectoral_union"), encoding="utf-8")
    page.find_element(By.ID, "file").send_keys(str(fixed))
    browse.click_and_wait(browse.button("Kiểm tra tệp"))
    planned = page.find_element(By.ID, "bang-se-tao").text
    assert "LDLD-HP" in planned and "CD-DK" in planned and "hoa.hp@example.vn" in planned
    assert tenant_count(portal) == before  # still nothing
    browse.clean("ws-admin-import-check")
    browse.click_and_wait(browse.button("Nhập 2 đơn vị"))
    sheet = page.find_element(By.ID, "bang-ma-kich-hoat")
    links = [a.get_attribute("href") for a in sheet.find_elements(By.CSS_SELECTOR, "a")]
    assert len(links) == 2 and all("/kich-hoat?token=" in href for href in links), links
    assert "hoa.hp@example.vn" in sheet.text and "một lần" in page.find_element(By.TAG_NAME, "main").text
    assert page.find_element(By.ID, "tai-bang-ma").get_attribute("href").startswith("data:text/csv")
    assert tenant_count(portal) == before + 2
    browse.clean("ws-admin-import-done")

    # -- a merge, confirmed on a page that names what moves -------------------------------------
    browse.open(portal, f"{TENANTS}?q=D%E1%BA%A7u+kh%C3%AD")
    browse.click_and_wait(page.find_element(By.LINK_TEXT, "Công đoàn Dầu khí Việt Nam"))
    browse.clean("ws-admin-tenant")
    browse.click_and_wait(link(page, "Hợp nhất vào đơn vị khác…"))
    Select(page.find_element(By.ID, "vao")).select_by_visible_text("Công đoàn Giao thông Vận tải Việt Nam (CD-GTVT)")
    browse.clean("ws-admin-merge-choice")
    browse.click_and_wait(browse.button("Xem những gì sẽ chuyển"))
    moves = page.find_element(By.ID, "danh-sach-se-chuyen").text
    assert "1 tài khoản" in moves and "0 đơn vị trong cây đơn vị" in moves, moves
    assert "Công đoàn Dầu khí Việt Nam (CD-DK)" in page.find_element(By.CLASS_NAME, "lead").text
    browse.clean("ws-admin-merge-confirm")
    browse.click_and_wait(
        browse.button("Hợp nhất «Công đoàn Dầu khí Việt Nam» vào «Công đoàn Giao thông Vận tải Việt Nam»")
    )
    assert "Đã hợp nhất «Công đoàn Dầu khí Việt Nam»" in browse.flash(), browse.flash()
    assert page.find_element(By.TAG_NAME, "h1").text == "Công đoàn Giao thông Vận tải Việt Nam"

    browse.open(portal, f"{TENANTS}/moi")
    browse.button("Tạo đơn vị").click()  # the browser's own check: the required code is empty
    page.find_element(By.ID, "code").send_keys("X!")
    page.find_element(By.ID, "name").send_keys("Công đoàn thử")
    browse.click_and_wait(browse.button("Tạo đơn vị"))
    assert "Mã gồm 2–32 ký tự" in page.find_element(By.ID, "loi-code").text
    assert page.find_element(By.ID, "code").get_attribute("value") == "X!"  # what was typed is kept
    browse.clean("ws-admin-tenant-form-errors")

    # -- Hà Nội's administrator: a unit in the tree, then a user invited with a role ------------
    browse.sign_in(portal, "hanoi.admin")
    browse.open(portal, "/quan-tri/don-vi")
    tree = page.find_element(By.ID, "cay-don-vi")
    assert "Công đoàn các Khu công nghiệp Thăng Long" in tree.text
    browse.clean("ws-admin-unit-tree")
    browse.click_and_wait(page.find_element(By.PARTIAL_LINK_TEXT, "Thêm cấp dưới"))  # under the industrial zones
    page.find_element(By.ID, "name").send_keys("Công đoàn cơ sở Công ty TNHH Hoya Glass Disk Việt Nam")
    page.find_element(By.ID, "code").send_keys("CDCS-HOYA")
    assert Select(page.find_element(By.ID, "kind")).first_selected_option.get_attribute("value") == "grassroots"
    browse.clean("ws-admin-unit-form")
    browse.click_and_wait(browse.button("Thêm đơn vị"))
    assert "Đã thêm «Công đoàn cơ sở Công ty TNHH Hoya Glass Disk Việt Nam»" in browse.flash()
    zones = page.find_element(
        By.XPATH, "//ul[@id='cay-don-vi']/li[.//span[text()='Công đoàn các Khu công nghiệp Thăng Long']]"
    )
    assert "CDCS-HOYA" in zones.text  # inside the branch it was added to
    browse.open(portal, "/quan-tri/don-vi?q=hoya")
    assert "CDCS-HOYA" in page.find_element(By.ID, "bang-tim-don-vi").text
    browse.clean("ws-admin-unit-search")
    browse.open(portal, "/quan-tri/don-vi#cay-don-vi")
    zones = page.find_element(
        By.XPATH, "//ul[@id='cay-don-vi']/li[.//span[text()='Công đoàn các Khu công nghiệp Thăng Long']]"
    )
    hoya = zones.find_element(By.XPATH, ".//li[.//code[text()='CDCS-HOYA']]")
    browse.click_and_wait(hoya.find_element(By.CSS_SELECTOR, ".unit-actions a"))
    assert page.find_element(By.ID, "code").get_attribute("value") == "CDCS-HOYA"
    browse.clean("ws-admin-unit-edit")

    browse.open(portal, "/quan-tri/tai-khoan")
    assert "Trần Văn Bình" in page.find_element(By.ID, "bang-tai-khoan").text
    browse.clean("ws-admin-users")
    browse.click_and_wait(link(page, "Mời người dùng"))
    page.find_element(By.ID, "full_name").send_keys("Phan Thị Ngọc")
    page.find_element(By.ID, "email").send_keys("ngoc.phan@ldld-hanoi.vn")
    page.find_element(By.XPATH, "//select[@id='unit_id']/option[contains(., 'CDCS-HOYA')]").click()
    page.find_element(By.ID, "vai-tro-contributor").click()
    browse.clean("ws-admin-user-invite")
    browse.click_and_wait(browse.button("Mời và tạo đường link kích hoạt"))
    shown = page.find_element(By.ID, "lien-ket-kich-hoat").get_attribute("value")
    assert "/kich-hoat?token=" in shown and "Phan Thị Ngọc" in page.find_element(By.TAG_NAME, "main").text
    copy = page.find_element(By.CSS_SELECTOR, "button[data-copy]")
    assert copy.is_displayed()  # the script's «Sao chép»
    browse.clean("ws-admin-user-activation")
    browse.click_and_wait(link(page, "Xem tài khoản"))
    assert "Chờ kích hoạt" in page.find_element(By.CLASS_NAME, "admin-facts").text
    assert page.find_element(By.ID, "vai-tro-contributor").is_selected()
    browse.clean("ws-admin-user")
