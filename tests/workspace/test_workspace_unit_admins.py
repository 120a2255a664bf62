"""Grassroots unions administer themselves, in the workspace: Hà Nội's administrator imports its
grassroots unions' administrators from a file on /quan-tri/don-vi/quan-tri-co-so — checked first
(the problems by row and column, nothing created), applied with the activation links shown once —
and a unit administrator's pages (members, units, accounts, staff records) show its branch only.
Real accounts."""

import io
import re
from urllib.parse import unquote

import pytest
from openpyxl import Workbook

from tests.workspace.conftest import csrf_of

ADMINS = "/quan-tri/don-vi/quan-tri-co-so"
GOOD = (
    "Mã đơn vị,Họ và tên,E-mail,Số điện thoại,Vai trò\n"
    "KCN-TL,Phan Văn Khu,khu.pv@kcn-thanglong.vn,0912 777 001,\n"
    "CDCS-MAY10,Đinh Thị May,may.dt@may10.vn,,Đoàn viên\n"
)
BAD = GOOD + "CDCS-DAMAN,Lê Văn Đà,da.lv@example.vn,,\nCDCS-CANON,Vũ Thị Quyền,quyen.vt@example.vn,,platform_admin\n"
MEMBERS = (
    "Số thẻ đoàn viên,Họ và tên,Số điện thoại,Mã đơn vị\n"
    "HN-200001,Nguyễn Văn Canon,0912200001,CDCS-CANON\n"
    "HN-200002,Trần Thị May Mười,0912200002,CDCS-MAY10\n"
)


def text(response):
    return response.get_data(as_text=True)


def table(html, table_id):
    found = re.search(rf'<table id="{table_id}".*?</table>', html, re.S)
    return found.group(0) if found else ""


def rows_of(html, table_id):
    """The body rows of a table, each cell's words."""
    rows = [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table(html, table_id), re.S)
    ]
    return [row for row in rows if row]


def upload(client, content, name="quan-tri.csv", path=ADMINS):
    page = client.get(path)
    body = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(path, data={"csrf_token": csrf_of(page), "file": (io.BytesIO(body), name)})


def accounts(api, login):
    return api.as_(login("hanoi.admin")).get("/api/v1/users?per_page=1").json["total"]


@pytest.fixture
def hanoi(staff_as):
    return staff_as("hanoi.admin")


def test_the_import_page_checks_refuses_and_applies_with_the_links_shown_once(hanoi, api, login, staff_as):
    tree = text(hanoi.get("/quan-tri/don-vi"))
    assert f'href="{ADMINS}"' in tree  # the unit tree links to it
    page = hanoi.get(ADMINS)
    assert page.status_code == 200 and 'id="form-nhap-quan-tri"' in text(page)
    before = accounts(api, login)

    refused = upload(hanoi, BAD)
    html = text(refused)
    assert refused.status_code == 422 and "Chưa có tài khoản nào được tạo." in html
    problems = rows_of(html, "bang-loi-tep")
    assert [(row[0], row[1]) for row in problems] == [("4", "Mã đơn vị"), ("5", "Vai trò")]
    assert "Không có đơn vị mã «CDCS-DAMAN» trong Liên đoàn Lao động thành phố Hà Nội." in html
    assert "Đà Nẵng" not in html and "Quản trị hệ thống" in html
    assert accounts(api, login) == before

    checked = upload(hanoi, GOOD)
    html = text(checked)
    assert checked.status_code == 200 and "Tệp hợp lệ. Chưa có gì được tạo" in html
    planned = table(html, "bang-se-tao")
    assert "Phan Văn Khu" in planned and "Đinh Thị May" in planned and "Đoàn viên, Quản trị công đoàn cơ sở" in planned
    assert accounts(api, login) == before
    form = re.search(r'<form id="form-ap-dung".*?</form>', html, re.S).group(0)
    fields = dict(re.findall(r'name="(content_b64|filename)" value="([^"]*)"', form))
    assert hanoi.post(f"{ADMINS}/ap-dung", data=fields).status_code == 400  # no CSRF token: nothing done
    assert accounts(api, login) == before

    applied = hanoi.post(f"{ADMINS}/ap-dung", data={"csrf_token": csrf_of(checked), **fields})
    html = text(applied)
    assert applied.status_code == 200 and applied.headers["Cache-Control"] == "private, no-store"
    links = re.findall(r'<a class="admin-link" href="([^"]+/kich-hoat\?token=[^"]+)"', html)
    assert len(links) == 2 and accounts(api, login) == before + 2
    sheet = unquote(re.search(r'id="tai-bang-ma" href="data:text/csv;charset=utf-8,([^"]+)"', html).group(1))
    assert sheet.lstrip("\ufeff").startswith("unit_code,unit_name,full_name,username,activation_link,expires_at")
    assert all(link.replace("&amp;", "&") in sheet for link in links)
    token = unquote(links[0].split("token=")[1])
    assert (
        api.post("/api/v1/auth/activate", json={"token": token, "password": "Quan-tri-co-so-2026!"}).status_code == 200
    )
    again = hanoi.post(f"{ADMINS}/ap-dung", data={"csrf_token": csrf_of(checked), **fields})
    assert again.status_code == 422 and "đã được dùng cho một tài khoản khác" in text(
        again
    )  # the links are not shown again

    workbook = Workbook()
    workbook.active.append(["unit_code", "full_name", "email", "phone"])
    workbook.active.append(["CDCS-CANON", "Lý Văn Canon", "canon.lv@example.vn", 912345679])
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    from_excel = upload(hanoi, xlsx.getvalue(), name="quan-tri.xlsx")
    assert from_excel.status_code == 200 and "0912345679" in table(text(from_excel), "bang-se-tao")

    assert staff_as("hanoi.contributor").get(ADMINS).status_code == 403


def test_a_unit_admin_sees_its_union_and_nothing_beside_it(staff_as, api, login, demo):
    hanoi = api.as_(login("hanoi.admin"))
    assert (
        hanoi.post(
            "/api/v1/members/import",
            data={"file": (io.BytesIO(MEMBERS.encode()), "doan-vien.csv")},
            content_type="multipart/form-data",
        ).status_code
        == 200
    )
    units = {u["code"]: u["id"] for u in hanoi.get("/api/v1/units?per_page=100").json["items"]}
    canon = staff_as("canon.admin")

    members = text(canon.get("/quan-tri/doan-vien"))
    assert "Nguyễn Văn Canon" in members and "Trần Thị May Mười" not in members
    may10 = hanoi.get("/api/v1/members?q=HN-200002").json["items"][0]
    assert canon.get(f"/quan-tri/doan-vien/{may10['id']}").status_code == 404

    tree = text(canon.get("/quan-tri/don-vi"))
    assert f'id="don-vi-{units["CDCS-CANON"]}"' in tree
    assert f'id="don-vi-{units["CDCS-MAY10"]}"' not in tree and f'id="don-vi-{units["KCN-TL"]}"' not in tree
    assert canon.get(f"/quan-tri/don-vi/{units['CDCS-MAY10']}").status_code == 404
    own = text(canon.get(f"/quan-tri/don-vi/{units['CDCS-CANON']}"))
    assert 'name="parent_id"' not in own and 'id="form-trang-thai"' not in own  # its own place is the federation's
    page = canon.get(f"/quan-tri/don-vi/{units['CDCS-CANON']}")
    saved = canon.post(
        f"/quan-tri/don-vi/{units['CDCS-CANON']}",
        data={"csrf_token": csrf_of(page), "name": "CĐCS Canon Việt Nam", "code": "CDCS-CANON", "kind": "grassroots"},
    )
    assert saved.status_code == 303
    new = canon.get("/quan-tri/don-vi/moi")
    assert f'<option value="{units["CDCS-CANON"]}" selected>' in text(new) and "cấp cao nhất" not in text(new)

    users = text(canon.get("/quan-tri/tai-khoan"))
    assert "canon.admin" in users and "Nguyễn Văn Canon" in users and "Nguyễn Thị Hà" not in users  # not hanoi.admin
    invite = text(canon.get("/quan-tri/tai-khoan/moi"))
    assert 'id="vai-tro-member"' in invite and 'id="vai-tro-tenant_admin"' not in invite
    for name, unit in (("Lê Thị Chủ tịch Canon", "CDCS-CANON"), ("Phạm Văn Chủ tịch May", "CDCS-MAY10")):
        record = {"full_name": name, "position": "Chủ tịch CĐCS", "term_start": "2025-03-01", "unit_id": units[unit]}
        assert hanoi.post("/api/v1/staff", json=record).status_code == 201
    staff = text(canon.get("/quan-tri/can-bo"))
    assert "Lê Thị Chủ tịch Canon" in staff and "Phạm Văn Chủ tịch May" not in staff
    home = text(canon.get("/quan-tri/"))
    assert "đoàn viên trong sổ" in home  # its landing card counts its union's register
    assert canon.get("/quan-tri/don-vi-thanh-vien").status_code == 403
