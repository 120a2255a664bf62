"""Grassroots unions administer themselves, in Chromium (issue 16): Hà Nội's administrator
uploads a registrations file naming a union of Đà Nẵng and a role it may not grant — the rows are
named and nothing is created —, fixes it and creates the administrators with their one-time links;
the demo administrator of CĐCS Canon then sees its own branch only on the unit tree and the member
register. axe-core: no serious or critical problem on any of these page types; screenshots at 360
and 1366 px."""

import pytest
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser

ADMINS = "/quan-tri/don-vi/quan-tri-co-so"
GOOD = (
    "Mã đơn vị,Họ và tên,E-mail,Số điện thoại,Vai trò\n"
    "KCN-TL,Phan Văn Khu,khu.pv@kcn-thanglong.vn,0912 777 001,\n"
    "CDCS-MAY10,Đinh Thị May,may.dt@may10.vn,,\n"
)
BAD = GOOD + "CDCS-DAMAN,Lê Văn Đà,da.lv@example.vn,,\nCDCS-CANON,Vũ Thị Quyền,quyen.vt@example.vn,,platform_admin\n"


def upload(page, browse, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    page.find_element(By.ID, "file").send_keys(str(path))
    browse.click_and_wait(browse.button("Kiểm tra tệp"))


def test_a_federation_appoints_its_grassroots_administrators_who_see_their_branch_only(page, browse, portal, tmp_path):
    hanoi = portal.api.as_(portal.login("hanoi.admin"))
    users_before = hanoi.get("/api/v1/users?per_page=1").json["total"]

    browse.sign_in(portal, "hanoi.admin")
    browse.open(portal, "/quan-tri/don-vi")
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, f'main a[href="{ADMINS}"]'))
    browse.clean("ws-unit-admins-form")

    upload(page, browse, tmp_path, "sai.csv", BAD)
    errors = page.find_element(By.ID, "bang-loi-tep").text
    lines = errors.splitlines()
    assert any(line.startswith("4 Mã đơn vị") and "CDCS-DAMAN" in line for line in lines), errors
    assert any(line.startswith("5 ") and "Quản trị hệ thống" in line for line in lines), errors  # not grantable
    assert "Đà Nẵng" not in errors  # another federation's union is only unknown here
    assert hanoi.get("/api/v1/users?per_page=1").json["total"] == users_before  # nothing created
    browse.clean("ws-unit-admins-refused")

    upload(page, browse, tmp_path, "dung.csv", GOOD)
    planned = page.find_element(By.ID, "bang-se-tao").text
    assert "Phan Văn Khu" in planned and "Đinh Thị May" in planned
    browse.clean("ws-unit-admins-checked")
    browse.click_and_wait(browse.button("Tạo 2 tài khoản"))
    links = page.find_element(By.ID, "bang-ma-kich-hoat").text
    assert links.count("/kich-hoat?token=") == 2, links
    assert hanoi.get("/api/v1/users?per_page=1").json["total"] == users_before + 2
    browse.clean("ws-unit-admins-created")

    # -- the administrator of CĐCS Canon: its own branch, nothing beside it -------------------------
    browse.sign_in(portal, "canon.admin")
    assert "Quản trị công đoàn cơ sở" in page.find_element(By.CSS_SELECTOR, "main").text
    browse.open(portal, "/quan-tri/don-vi")
    tree = page.find_element(By.CSS_SELECTOR, "main").text
    assert "Canon" in tree and "May 10" not in tree and "Thăng Long" not in tree
    browse.clean("ws-unit-admin-tree")
    browse.open(portal, "/quan-tri/doan-vien")
    browse.clean("ws-unit-admin-members")
    menu = page.find_element(By.CSS_SELECTOR, ".ws-nav").text
    assert "Đoàn viên" in menu and "Hỏi đáp" not in menu and "Đơn vị thành viên" not in menu
