"""The member organisations in the workspace (the VGCL Office's pages): the list and its filters,
creating and editing one, suspending it, importing registrations from a CSV file checked first
(the file's problems by row and column, nothing created) and applied with the administrators'
activation links shown once, and a merge confirmed on a page that names what moves. Real accounts."""

import io
import re
import uuid
from html import unescape as html_unescape
from urllib.parse import unquote

import pytest

from tests.workspace.conftest import csrf_of

TENANTS = "/quan-tri/don-vi-thanh-vien"
HEADER = "code,name,kind,parent_code,admin_name,admin_email\n"
GOOD = (
    HEADER
    + "LDLD-HP,Liên đoàn Lao động thành phố Hải Phòng,provincial_federation,TLD,Phạm Thị Hoa,hoa.hp@example.vn\n"
    + "CD-DK,Công đoàn Dầu khí Việt Nam,sectoral_union,TLD,Trịnh Minh Đức,duc.dk@example.vn\n"
)
BAD = GOOD + "LDLD-XX,Liên đoàn X,galaxy_union,TLD,Ai Đó,ai@example.vn\n"


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def office(staff_as):
    return staff_as("admin")


@pytest.fixture
def tenant_ids(api, login):
    items = api.as_(login("admin")).get("/api/v1/tenants?per_page=100").json["items"]
    return {t["code"]: t["id"] for t in items}


def table(html, table_id="bang-don-vi-thanh-vien"):
    found = re.search(rf'<table id="{table_id}".*?</table>', html, re.S)
    return found.group(0) if found else ""


def total(office, login):
    """The number of tenants, read through the API of the gateway the pages write through: it drops
    its cached lists at once on a write it made (another gateway process would wait for the fact)."""
    token = login("admin")["access_token"]
    return office.get("/api/v1/tenants?per_page=1", headers={"Authorization": f"Bearer {token}"}).json["total"]


def post_form(client, path, form_path=None, **data):
    page = client.get(form_path or path)
    assert page.status_code == 200, text(page)[:300]
    return client.post(path, data={"csrf_token": csrf_of(page), **data})


def upload(client, body, name="dang-ky.csv", encoding="utf-8"):
    page = client.get(f"{TENANTS}/nhap")
    return client.post(
        f"{TENANTS}/nhap",
        data={"csrf_token": csrf_of(page), "file": (io.BytesIO(body.encode(encoding)), name)},
        content_type="multipart/form-data",
    )


def test_the_office_lists_filters_and_creates_a_member_organisation(office, tenant_ids):
    listed = text(office.get(TENANTS))
    assert 'id="bang-don-vi-thanh-vien"' in listed and "Liên đoàn Lao động thành phố Đà Nẵng" in listed
    assert f'href="/quan-tri/don-vi?don-vi-thanh-vien={tenant_ids["LDLD-DN"]}"' in listed  # «Quản lý»
    provinces = table(text(office.get(f"{TENANTS}?loai=provincial_federation&q=n%E1%BA%B5ng")))
    assert "Đà Nẵng" in provinces and "Hà Nội" not in provinces and "Báo Lao Động" not in provinces
    children = table(text(office.get(f"{TENANTS}?cap-tren={tenant_ids['TLD']}&trang-thai=active")))
    assert "Ban Tuyên giáo" in children and "<code>TLD</code>" not in children
    assert office.get(f"{TENANTS}?loai=galaxy").status_code == 422

    done = post_form(
        office,
        f"{TENANTS}/moi",
        code="LDLD-QN",
        name="Liên đoàn Lao động tỉnh Quảng Ninh",
        short_name="LĐLĐ Quảng Ninh",
        kind="provincial_federation",
        parent_id=tenant_ids["TLD"],
        slug="",
    )
    assert done.status_code == 303
    shown = text(office.get(done.headers["Location"]))
    assert "Đã tạo đơn vị «Liên đoàn Lao động tỉnh Quảng Ninh» (LDLD-QN)" in shown
    assert "/don-vi/ldld-qn" in shown and "vai-tro=tenant_admin" in shown  # invite its administrator next


def test_bad_input_is_shown_beside_each_field_and_nothing_is_created(office, tenant_ids, api, login):
    before = total(office, login)
    bad = post_form(
        office,
        f"{TENANTS}/moi",
        code="x!",
        name="Q",
        short_name="",
        kind="provincial_federation",
        parent_id="",
        slug="",
    )
    html = text(bad)
    assert bad.status_code == 422 and bad.headers["Cache-Control"] == "private, no-store"
    for field in ("code", "name"):
        assert f'id="loi-{field}"' in html, field
    assert 'value="x!"' in html  # what was typed is kept
    orphan = post_form(
        office, f"{TENANTS}/moi", code="LDLD-QN", name="Quảng Ninh", kind="provincial_federation", parent_id=""
    )
    assert orphan.status_code == 422 and 'id="loi-parent_id"' in text(orphan)
    taken = post_form(
        office,
        f"{TENANTS}/moi",
        code="LDLD-HN",
        name="Hà Nội mới",
        kind="provincial_federation",
        parent_id=tenant_ids["TLD"],
    )
    assert taken.status_code == 409 and 'id="loi-code"' in text(taken) and "đã được dùng" in text(taken)
    assert total(office, login) == before


def test_renaming_reparenting_and_suspending_an_organisation(office, tenant_ids, api, login):
    path = f"{TENANTS}/{tenant_ids['CD-EVN']}"
    saved = post_form(
        office,
        path,
        name="Công đoàn Điện lực Việt Nam",
        short_name="CĐ EVN",
        parent_id=tenant_ids["CD-GTVT"],
        slug="dien-luc",
    )
    assert saved.status_code == 303
    shown = text(office.get(path))
    assert "Đã lưu «Công đoàn Điện lực Việt Nam»" in shown
    evn = api.as_(login("admin")).get(f"/api/v1/tenants/{tenant_ids['CD-EVN']}").json
    assert (evn["short_name"], evn["parent_id"]) == ("CĐ EVN", tenant_ids["CD-GTVT"])

    bad = post_form(
        office,
        path,
        name="Công đoàn Điện lực Việt Nam",
        short_name="",
        parent_id=tenant_ids["CD-GTVT"],
        slug="Điện Lực",
    )
    assert bad.status_code == 422 and 'id="loi-slug"' in text(bad) and 'value="Điện Lực"' in text(bad)
    itself = post_form(
        office, path, name="Công đoàn Điện lực Việt Nam", parent_id=tenant_ids["CD-EVN"], slug="dien-luc"
    )
    assert itself.status_code == 422 and 'id="loi-parent_id"' in text(itself)

    suspended = post_form(office, f"{path}/trang-thai", path, status="suspended")
    assert suspended.status_code == 303 and "Đã tạm dừng" in text(office.get(path))
    assert "Công đoàn Điện lực Việt Nam" in table(text(office.get(f"{TENANTS}?trang-thai=suspended")))
    assert post_form(office, f"{path}/trang-thai", path, status="active").status_code == 303
    assert api.as_(login("admin")).get(f"/api/v1/tenants/{tenant_ids['CD-EVN']}").json["status"] == "active"


def test_an_import_is_checked_first_then_applied_and_its_links_shown_once(office, api, login):
    before = total(office, login)
    form = text(office.get(f"{TENANTS}/nhap"))
    assert "code,name,kind,parent_code,admin_name,admin_email" in form and 'id="form-nhap"' in form
    sample = office.get(f"{TENANTS}/nhap/mau.csv")
    assert sample.mimetype == "text/csv" and "LDLD-HP,Liên đoàn Lao động thành phố Hải Phòng" in text(sample)

    refused = upload(office, BAD)
    html = text(refused)
    assert refused.status_code == 422 and 'id="bang-loi-tep"' in html and "Chưa có đơn vị nào được tạo" in html
    assert re.search(r"<tr><td>4</td><td><code>kind</code></td><td>Loại «galaxy_union» không hợp lệ", html)
    assert total(office, login) == before

    checked = upload(office, GOOD)
    html = text(checked)
    assert checked.status_code == 200 and checked.headers["Cache-Control"] == "private, no-store"
    assert 'id="bang-se-tao"' in html and "Sẽ tạo 2 đơn vị mới" in html and "hoa.hp@example.vn" in html
    assert "Nhập 2 đơn vị" in html
    assert total(office, login) == before  # a check creates nothing

    carried = re.search(r'name="csv_text" value="([^"]*)"', html).group(1)
    applied = office.post(
        f"{TENANTS}/nhap/ap-dung",
        data={"csrf_token": csrf_of(checked), "csv_text": html_unescape(carried), "filename": "dang-ky.csv"},
        content_type="multipart/form-data",
    )
    html = text(applied)
    assert applied.status_code == 200 and applied.headers["Cache-Control"] == "private, no-store"
    assert "Đã tạo <strong>2</strong> đơn vị mới" in html and 'id="bang-ma-kich-hoat"' in html
    links = re.findall(r'href="(http://[^"]+/kich-hoat\?token=[^"]+)"', html)
    assert len(links) == 2
    sheet = unquote(re.search(r'href="data:text/csv;charset=utf-8,([^"]+)"', html).group(1))
    assert sheet.startswith("\ufefftenant_code,username,activation_token,activation_link,expires_at")
    assert "hoa.hp@example.vn" in sheet and 'download="dang-ky-ma-kich-hoat.csv"' in html
    assert total(office, login) == before + 2

    token = links[0].split("token=")[1]
    activated = api.post("/api/v1/auth/activate", json={"token": unquote(token), "password": "Hai-Phong-2026-an-toan"})
    assert activated.status_code == 200
    again = upload(office, GOOD)  # the same file again: nothing new, no new links
    assert "Tệp không có đơn vị mới nào để tạo" in text(again) and "2 đơn vị đã có" in text(again)


def test_a_file_that_cannot_be_read_is_named_beside_the_file(office):
    page = office.get(f"{TENANTS}/nhap")
    none = office.post(f"{TENANTS}/nhap", data={"csrf_token": csrf_of(page)}, content_type="multipart/form-data")
    assert none.status_code == 422 and 'id="loi-file"' in text(none) and "Chọn tệp CSV" in text(none)
    latin = upload(office, "code,tên\n", encoding="latin-1")
    assert latin.status_code == 422 and "UTF-8" in text(latin)
    empty = upload(office, "")
    assert empty.status_code == 422 and "Tệp rỗng" in text(empty)


def test_a_merge_names_what_moves_before_it_is_done(office, tenant_ids, api, login):
    danang, hanoi = tenant_ids["LDLD-DN"], tenant_ids["LDLD-HN"]
    path = f"{TENANTS}/{danang}/hop-nhat"
    choice = text(office.get(path))
    assert (
        'id="form-chon-hop-nhat"' in choice
        and f'value="{hanoi}"' in choice
        and f'<option value="{danang}"' not in choice
    )
    assert office.get(f"{path}?vao=").status_code == 422
    itself = office.get(f"{path}?vao={danang}")
    assert itself.status_code == 422 and 'id="loi-vao"' in text(itself) and "chính nó" in text(itself)

    confirm = office.get(f"{path}?vao={hanoi}")
    html = text(confirm)
    assert confirm.status_code == 200 and 'id="danh-sach-se-chuyen"' in html
    assert "Hợp nhất <strong>Liên đoàn Lao động thành phố Đà Nẵng (LDLD-DN)</strong> vào" in html
    assert "<strong>1</strong> tài khoản" in html and "<strong>1</strong> đơn vị trong cây đơn vị" in html
    assert api.as_(login("admin")).get(f"/api/v1/tenants/{danang}").json["status"] == "active"  # nothing yet

    done = office.post(path, data={"csrf_token": csrf_of(confirm), "into": hanoi})
    assert done.status_code == 303 and done.headers["Location"] == f"{TENANTS}/{hanoi}"
    assert "Đã hợp nhất «Liên đoàn Lao động thành phố Đà Nẵng»" in text(office.get(done.headers["Location"]))
    merged = text(office.get(f"{TENANTS}/{danang}"))
    assert "Đã hợp nhất" in merged and "không sửa được nữa" in merged and 'id="form-don-vi-thanh-vien"' not in merged
    twice = office.post(path, data={"csrf_token": csrf_of(confirm), "into": hanoi})
    assert twice.status_code == 409 and "đã được hợp nhất" in text(twice)


def test_only_platform_administrators_and_only_with_the_form_token(staff_as, office, tenant_ids):
    assert staff_as("hanoi.admin").get(TENANTS).status_code == 403
    assert staff_as("hanoi.contributor").get(f"{TENANTS}/nhap").status_code == 403
    assert office.get(f"{TENANTS}/{uuid.uuid4()}").status_code == 404
    assert office.get(f"{TENANTS}/khong-phai-ma").status_code == 404
    forged = office.post(f"{TENANTS}/{tenant_ids['LDLD-DN']}/trang-thai", data={"status": "suspended"})
    assert forged.status_code == 400 and "mã bảo vệ" in text(forged)
