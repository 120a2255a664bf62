"""The member register in the workspace (/quan-tri/doan-vien): searching and filtering, editing a
member (bad input beside the field, nothing changed), deactivating after a confirmation page,
and the import — a file checked without applying anything, refused with every bad row and column
named (an empty file, a file that is not CSV/XLSX, a 5,000-row file with two bad rows, a unit of
another federation, a member twice), started as a background job whose progress reaches the end,
the credentials sheet (CSV, XLSX, PDF) for its importer only. Another federation's member is
404, a contributor 403, a form without its CSRF token 400. Real accounts behind the gateway."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from platform_shared.testing.waiting import wait_for
from tests.workspace.conftest import csrf_of

REGISTER = "/quan-tri/doan-vien"
IMPORTS = f"{REGISTER}/nhap"
HEADER = "Số thẻ đoàn viên,Họ và tên,Ngày sinh,Giới tính,Số điện thoại,E-mail,Mã đơn vị,Ngày vào Công đoàn\n"
MEMBERS = (
    HEADER + "HN-000001,Nguyễn Thị Hoa,12/04/1991,Nữ,0912000001,hoa.nt@example.vn,CDCS-CANON,01/06/2015\n"
    "HN-000002,Trần Văn Nam,1988-09-30,Nam,0912000002,,CDCS-CANON,\n"
    "HN-000003,Lê Thị Thu Trang,,,,trang.ltt@example.vn,CDCS-MAY10,\n"
)


def text(response):
    return response.get_data(as_text=True)


def many(count, *, start=1):
    return HEADER + "".join(
        f"HN-{i:06d},Phạm Thị Ngọc Ánh {i},,Nữ,09{i:08d},,CDCS-MAY10,\n" for i in range(start, start + count)
    )


def post_file(client, content, *, action="start", filename="doan-vien.csv", **extra):
    form = client.get(IMPORTS)
    data = {"csrf_token": csrf_of(form), "action": action, "request_key": _key(form), **extra}
    if content is not None:
        data["file"] = (io.BytesIO(content if isinstance(content, bytes) else content.encode()), filename)
    return client.post(IMPORTS, data=data, content_type="multipart/form-data")


def _key(form):
    return re.search(r'name="request_key" value="([^"]+)"', text(form)).group(1)


def finished(client, path):
    """The job's page once its progress reached the end (the service's timer applies it)."""
    wait_for(lambda: client.get(f"{path}/tien-do").json["finished"], timeout=90, message="the import to finish")
    return client.get(path)


def register_total(api, login):
    return api.as_(login("hanoi.admin")).get("/api/v1/members").json["total"]


@pytest.fixture
def imported(api, login, demo):
    """Three Hà Nội members imported through the API; their register rows by number."""
    hanoi = api.as_(login("hanoi.admin"))
    done = hanoi.post(
        "/api/v1/members/import",
        data={"file": (io.BytesIO(MEMBERS.encode()), "doan-vien.csv")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 200, done.json
    return {m["member_number"]: m for m in hanoi.get("/api/v1/members").json["items"]}


def test_the_register_searches_by_name_phone_email_and_number_and_filters_by_unit(staff_as, imported, api, login):
    admin = staff_as("hanoi.admin")
    page = admin.get(REGISTER)
    shown = text(page)
    assert page.status_code == 200 and 'id="bang-doan-vien"' in shown
    for name in ("Nguyễn Thị Hoa", "Trần Văn Nam", "Lê Thị Thu Trang"):
        assert name in shown
    assert "Công đoàn cơ sở Công ty TNHH Canon Việt Nam" in shown and "Chờ kích hoạt" in shown
    for query, expected in (
        ("thu trang", "Lê Thị Thu Trang"),
        ("0912000002", "Trần Văn Nam"),
        ("hoa.nt@", "Nguyễn Thị Hoa"),
        ("HN-000003", "Lê Thị Thu Trang"),
    ):
        found = text(admin.get(REGISTER, query_string={"q": query}))
        assert expected in found and found.count('<td><a href="/quan-tri/doan-vien/') == 1, query
    units = {u["code"]: u["id"] for u in api.as_(login("hanoi.admin")).get("/api/v1/units?per_page=100").json["items"]}
    may10 = text(admin.get(REGISTER, query_string={"don-vi": units["CDCS-MAY10"]}))
    assert "Lê Thị Thu Trang" in may10 and "Nguyễn Thị Hoa" not in may10
    assert "Không có đoàn viên nào khớp" in text(admin.get(REGISTER, query_string={"trang-thai": "active"}))
    assert admin.get(REGISTER, query_string={"trang-thai": "bogus"}).status_code == 404
    # The landing card: members registered, activated, imports running.
    landing = text(admin.get("/quan-tri/"))
    card = landing[landing.index(">Đoàn viên</h2>") :]
    assert "<strong>3</strong> đoàn viên trong sổ" in card and "<strong>0</strong> đã kích hoạt tài khoản" in card


def test_editing_a_member_saves_the_register_and_the_account_and_bad_input_changes_nothing(
    staff_as, imported, api, login
):
    admin = staff_as("hanoi.admin")
    nam = imported["HN-000002"]
    path = f"{REGISTER}/{nam['id']}"
    form = admin.get(path)
    assert form.status_code == 200 and 'value="Trần Văn Nam"' in text(form) and "hn-000002@ha-noi" in text(form)
    good = {
        "csrf_token": csrf_of(form),
        "full_name": "Trần Văn Nam Anh",
        "birth_date": "1988-09-30",
        "gender": "male",
        "phone": "0912 000 222",
        "email": "Nam.TV@Example.vn",
        "unit_id": nam["unit_id"],
        "joined_on": "2010-03-15",
    }
    bad = admin.post(path, data={**good, "phone": "12-34", "email": "", "joined_on": "1980-01-01"})
    page = text(bad)
    assert bad.status_code == 422
    assert 'id="loi-phone"' in page and 'id="loi-joined_on"' in page and 'aria-invalid="true"' in page
    assert 'value="12-34"' in page and 'value="Trần Văn Nam Anh"' in page  # what was typed is kept
    hanoi = api.as_(login("hanoi.admin"))
    assert hanoi.get(f"/api/v1/users/{nam['user_id']}").json["full_name"] == "Trần Văn Nam"

    saved = admin.post(path, data=good)
    assert saved.status_code == 303 and saved.headers["Location"].endswith(path)
    assert "Đã lưu thông tin đoàn viên Trần Văn Nam Anh" in text(admin.get(path))
    (row,) = hanoi.get("/api/v1/members?q=HN-000002").json["items"]
    assert (row["full_name"], row["phone"], row["email"], row["joined_on"]) == (
        "Trần Văn Nam Anh",
        "0912000222",
        "nam.tv@example.vn",
        "2010-03-15",
    )
    account = hanoi.get(f"/api/v1/users/{nam['user_id']}").json
    assert (account["full_name"], account["phone"], account["email"]) == (
        "Trần Văn Nam Anh",
        "0912000222",
        "nam.tv@example.vn",
    )


def test_deactivating_a_member_asks_first_then_locks_the_account(staff_as, imported, api, login):
    admin = staff_as("hanoi.admin")
    hoa = imported["HN-000001"]
    path = f"{REGISTER}/{hoa['id']}"
    ask = admin.get(f"{path}/khoa")
    assert ask.status_code == 200 and "Khóa tài khoản của Nguyễn Thị Hoa?" in text(ask)
    unconfirmed = admin.post(f"{path}/khoa", data={"csrf_token": csrf_of(ask)})
    assert unconfirmed.status_code == 200 and 'id="form-khoa-doan-vien"' in text(unconfirmed)
    hanoi = api.as_(login("hanoi.admin"))
    assert hanoi.get(f"/api/v1/users/{hoa['user_id']}").json["status"] == "invited"

    done = admin.post(f"{path}/khoa", data={"csrf_token": csrf_of(ask), "confirm": "1"})
    assert done.status_code == 303 and done.headers["Location"].endswith(REGISTER)
    assert "Đã khóa tài khoản của đoàn viên Nguyễn Thị Hoa" in text(admin.get(REGISTER))
    assert hanoi.get(f"/api/v1/users/{hoa['user_id']}").json["status"] == "deactivated"
    assert "Nguyễn Thị Hoa" in text(admin.get(REGISTER, query_string={"trang-thai": "deactivated"}))
    page = admin.get(path)
    assert "Tài khoản đang bị khóa" in text(page)
    assert admin.post(f"{path}/mo-khoa", data={"csrf_token": csrf_of(page)}).status_code == 303
    assert hanoi.get(f"/api/v1/users/{hoa['user_id']}").json["status"] == "invited"


def test_a_file_is_checked_then_applied_in_the_background_and_its_importer_gets_the_sheet(staff_as, demo, api, login):
    admin = staff_as("hanoi.admin")
    checked = post_file(admin, MEMBERS, action="check")
    assert checked.status_code == 200, text(checked)[:2000]
    assert "hợp lệ: 3 dòng" in text(checked) and "thêm 3 đoàn viên mới" in text(checked)
    assert register_total(api, login) == 0  # nothing applied by a check

    form = admin.get(IMPORTS)
    key, token = _key(form), csrf_of(form)

    def start():
        return admin.post(
            IMPORTS,
            data={
                "csrf_token": token,
                "action": "start",
                "request_key": key,
                "file": (io.BytesIO(MEMBERS.encode()), "dv.csv"),
            },
            content_type="multipart/form-data",
        )

    started = start()
    assert started.status_code == 303
    path = started.headers["Location"]
    assert start().headers["Location"] == path  # the same form sent twice: the same job

    page = finished(admin, path)
    shown = text(page)
    assert 'id="tien-do-nhap"' in shown and 'value="3"' in shown and "Đã xử lý 3/3 dòng (100%)" in shown
    assert "Đã xong" in shown and "<strong>3</strong> đoàn viên mới" in shown
    assert register_total(api, login) == 3

    sheet = admin.get(f"{path}/ma-kich-hoat.csv")
    assert sheet.status_code == 200 and sheet.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.DictReader(io.StringIO(sheet.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["Họ và tên"] for r in rows] == ["Nguyễn Thị Hoa", "Trần Văn Nam", "Lê Thị Thu Trang"]
    assert rows[0]["Đơn vị"] == "Công đoàn cơ sở Công ty TNHH Canon Việt Nam"
    assert rows[0]["Đường dẫn kích hoạt"].endswith("/kich-hoat?token=" + rows[0]["Mã kích hoạt"])
    activated = api.post(
        "/api/v1/auth/activate", json={"token": rows[1]["Mã kích hoạt"], "password": "Doan-vien-2026-an-toan"}
    )
    assert activated.status_code == 200 and activated.json["username"] == "hn-000002@ha-noi"
    book = load_workbook(io.BytesIO(admin.get(f"{path}/ma-kich-hoat.xlsx").data), read_only=True)
    assert [c for c in next(book.worksheets[0].iter_rows(min_row=2, values_only=True))][1] == "Nguyễn Thị Hoa"
    pdf = admin.get(f"{path}/ma-kich-hoat.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")

    # The platform administrator sees the job, but only its importer gets the codes.
    other = staff_as("admin")
    tenant = f"?don-vi-thanh-vien={api.as_(login('hanoi.admin')).get('/api/v1/me').json['tenant']['id']}"
    assert other.get(f"{path}{tenant}").status_code == 200
    assert other.get(f"{path}/ma-kich-hoat.csv{tenant}").status_code == 403


def test_bad_files_are_refused_naming_every_row_and_column_and_nothing_is_applied(staff_as, demo, api, login):
    admin = staff_as("hanoi.admin")

    def refused(content, filename="doan-vien.csv", action="start"):
        answer = post_file(admin, content, filename=filename, action=action)
        assert answer.status_code == 422, (filename, text(answer)[:1500])
        return text(answer)

    empty = refused(b"")
    assert '<td class="number">1</td>' in empty and "Tệp rỗng" in empty
    picture = refused(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", filename="anh.png")
    assert 'id="loi-file"' in picture and "Tệp không phải CSV" in picture
    assert 'id="loi-file"' in refused(None)  # no file chosen

    big = many(5000)
    big = big.replace("HN-001234,Phạm Thị Ngọc Ánh 1234,,Nữ,0900001234", "HN-001234,Phạm Thị Ngọc Ánh 1234,,Nữ,09-12")
    big = big.replace("HN-004321,Phạm Thị Ngọc Ánh 4321,,Nữ", "HN-004321,Phạm Thị Ngọc Ánh 4321,31/02/1990,Nữ")
    for action in ("check", "start"):
        page = refused(big, action=action)
        assert "Tệp có 2 lỗi" in page and 'id="bang-loi-nhap"' in page
        assert re.search(r'<td class="number">1235</td><td>Số điện thoại</td>', page)
        assert re.search(r'<td class="number">4322</td><td>Ngày sinh</td>', page)

    other_federation = refused(MEMBERS.replace("CDCS-MAY10", "CDCS-DAMAN"))
    assert re.search(r'<td class="number">4</td><td>Mã đơn vị</td><td>Đơn vị mã «CDCS-DAMAN»', other_federation)
    twice = refused(MEMBERS + "HN-000001,Người Khác,,,0912000009,,,\n")
    assert re.search(
        r'<td class="number">5</td><td>Số thẻ đoàn viên</td><td>Số thẻ «HN-000001» trùng với dòng 2', twice
    )

    assert register_total(api, login) == 0
    assert api.as_(login("hanoi.admin")).get("/api/v1/members").json["items"] == []
    assert "Các lần nhập gần đây" not in text(admin.get(IMPORTS))  # no job was started


def test_the_templates_download_and_an_xlsx_file_imports(staff_as, demo, api, login):
    admin = staff_as("hanoi.admin")
    template = admin.get(f"{IMPORTS}/mau.csv")
    assert template.status_code == 200 and template.get_data(as_text=True).lstrip("\ufeff").startswith(
        "Số thẻ đoàn viên,"
    )
    workbook = admin.get(f"{IMPORTS}/mau.xlsx")
    assert workbook.status_code == 200 and workbook.data.startswith(b"PK")
    started = post_file(admin, workbook.data, filename="mau.xlsx")
    assert started.status_code == 303, text(started)[:1500]
    shown = text(finished(admin, started.headers["Location"]))
    assert "<strong>2</strong> đoàn viên mới" in shown
    names = {m["full_name"] for m in api.as_(login("hanoi.admin")).get("/api/v1/members").json["items"]}
    assert names == {"Nguyễn Thị Hoa", "Trần Văn Nam"}


def test_another_federation_gets_404_a_contributor_403_and_a_form_without_its_token_400(staff_as, imported, api, login):
    admin = staff_as("hanoi.admin")
    started = post_file(admin, many(2, start=900))
    job = started.headers["Location"]
    member = f"{REGISTER}/{imported['HN-000001']['id']}"
    danang = staff_as("danang.admin")
    for path in (member, f"{member}/khoa", job, f"{job}/tien-do", f"{job}/ma-kich-hoat.csv"):
        assert danang.get(path).status_code == 404, path
    assert "Nguyễn Thị Hoa" not in text(danang.get(REGISTER))
    contributor = staff_as("hanoi.contributor")
    for path in (REGISTER, IMPORTS, member, job):
        assert contributor.get(path).status_code == 403, path

    assert admin.post(member, data={"full_name": "Không Có Mã"}).status_code == 400
    assert admin.post(f"{member}/khoa", data={"confirm": "1"}).status_code == 400
    no_token = admin.post(
        IMPORTS,
        data={"action": "start", "file": (io.BytesIO(MEMBERS.encode()), "dv.csv")},
        content_type="multipart/form-data",
    )
    assert no_token.status_code == 400
    hanoi = api.as_(login("hanoi.admin"))
    assert hanoi.get(f"/api/v1/users/{imported['HN-000001']['user_id']}").json["full_name"] == "Nguyễn Thị Hoa"
    assert hanoi.get(f"/api/v1/users/{imported['HN-000001']['user_id']}").json["status"] == "invited"
    finished(admin, job)
    assert hanoi.get("/api/v1/members").json["total"] == 5  # the 3 imported and the 2 of the job only
    # A job the service cannot find: the 404 page, not a 500.
    assert admin.get(f"{IMPORTS}/00000000-0000-0000-0000-000000000000").status_code == 404
    assert admin.get(f"{IMPORTS}/not-an-id").status_code == 404


def test_a_member_file_may_exceed_the_general_upload_limit_but_not_its_own(make_gateway, demo):
    """The page takes files up to ``MEMBER_IMPORT_MAX_BYTES`` (as the API's import), above the
    gateway's general upload limit; a file over its own cap is the 413 page, nothing started."""
    app = make_gateway(max_upload_bytes=2000)
    client = app.test_client()
    form = client.get("/dang-nhap")
    signed = client.post(
        "/dang-nhap", data={"csrf_token": csrf_of(form), "username": "hanoi.admin", "password": demo["demo"]}
    )
    assert signed.status_code == 303
    content = many(60, start=700)  # ~4 KB: over the general limit
    assert len(content.encode()) > 2000
    checked = post_file(client, content, action="check")
    assert checked.status_code == 200 and "hợp lệ: 60 dòng" in text(checked)
    app.config["MEMBER_IMPORT_MAX_BYTES"] = 3000
    refused = post_file(client, content)
    assert refused.status_code == 413 and "quá lớn" in text(refused)
    assert "Các lần nhập gần đây" not in text(client.get(IMPORTS))
