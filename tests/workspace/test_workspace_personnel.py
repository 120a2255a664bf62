"""Staff records in the workspace (``/quan-tri/can-bo``): an administrator adds, finds, edits and
archives a record; bad input is shown beside each field with nothing written; another tenant's
record is 404, a contributor and a member are refused, a form without its token does nothing; a
platform administrator keeps another tenant's records. Real accounts service."""

import re

from tests.workspace.conftest import csrf_of

HOME = "/quan-tri/can-bo"
GOOD = {
    "full_name": "Phạm Thị Hồng",
    "position": "Chủ tịch Công đoàn cơ sở",
    "term_start": "2024-01-15",
    "term_end": "",
    "unit_id": "",
    "user_id": "",
    "gender": "female",
    "birth_date": "1980-05-02",
    "phone": "0912 345 678",
    "email": "hong.pham@congdoan-hanoi.vn",
}


def text(response):
    return response.get_data(as_text=True)


def add(client, path=f"{HOME}/moi", **form):
    page = client.get(path)
    assert page.status_code == 200, text(page)[:300]
    return client.post(path, data={"csrf_token": csrf_of(page), **form})


def unit_of(html, name):
    found = re.search(r'<option value="([0-9a-f-]{36})"[^>]*>(?:— )*' + re.escape(name) + "</option>", html)
    assert found, name
    return found.group(1)


def test_an_administrator_adds_finds_edits_and_archives_a_record(staff_as):
    admin = staff_as("hanoi.admin")
    empty = text(admin.get(HOME))
    assert "Chưa có cán bộ nào đang trong nhiệm kỳ." in empty and 'id="them-can-bo"' in empty
    form = text(admin.get(f"{HOME}/moi"))
    canon = unit_of(form, "Công đoàn cơ sở Công ty TNHH Canon Việt Nam")
    assert "Trần Văn Bình (hanoi.contributor)" in form  # the accounts a record may be linked to

    done = add(admin, **{**GOOD, "unit_id": canon})
    assert done.status_code == 303
    record = done.headers["Location"]
    shown = text(admin.get(record))
    assert "Đã thêm hồ sơ «Phạm Thị Hồng» — Chủ tịch Công đoàn cơ sở." in shown
    assert 'value="2024-01-15"' in shown and 'value="0912 345 678"' in shown
    assert re.search(r'<option value="female" selected>Nữ</option>', shown)

    listed = text(admin.get(HOME))
    assert "Phạm Thị Hồng" in listed and "Công đoàn cơ sở Công ty TNHH Canon Việt Nam" in listed
    assert "15/01/2024 – nay" in listed and "Đương nhiệm" in listed
    assert "Phạm Thị Hồng" in text(admin.get(HOME, query_string={"q": "chủ tịch"}))
    assert "Phạm Thị Hồng" not in text(admin.get(HOME, query_string={"q": "Phó Chủ tịch"}))
    other = unit_of(form, "Công đoàn cơ sở Tổng công ty May 10")
    assert "Phạm Thị Hồng" not in text(admin.get(HOME, query_string={"don-vi": other}))
    assert "Phạm Thị Hồng" in text(admin.get(HOME, query_string={"don-vi": canon}))

    page = admin.get(record)
    changed = {**GOOD, "unit_id": canon, "position": "Phó Chủ tịch Công đoàn cơ sở", "status": "archived"}
    saved = admin.post(record, data={"csrf_token": csrf_of(page), **changed})
    assert saved.status_code == 303 and saved.headers["Location"] == record
    after = text(admin.get(record))
    assert "Đã lưu hồ sơ «Phạm Thị Hồng»." in after and "Phó Chủ tịch Công đoàn cơ sở" in after
    assert "Phạm Thị Hồng" not in text(admin.get(HOME))  # archived: out of the records in use
    archived = text(admin.get(HOME, query_string={"tinh-trang": "luu-tru"}))
    assert "Phạm Thị Hồng" in archived and "Đã lưu trữ" in archived
    assert admin.get(HOME, query_string={"tinh-trang": "bi-mat"}).status_code == 404


def test_bad_input_is_shown_beside_each_field_and_nothing_is_written(staff_as):
    admin = staff_as("hanoi.admin")
    bad = {**GOOD, "full_name": "", "term_start": "", "phone": "gọi tôi", "email": "hong@", "gender": "x"}
    refused = add(admin, **bad)
    page = text(refused)
    assert refused.status_code == 422
    for field in ("full_name", "term_start", "phone", "email", "gender"):
        assert f'id="loi-{field}"' in page, field
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page), field
    assert "Số điện thoại không hợp lệ." in page
    assert 'value="gọi tôi"' in page and 'value="Chủ tịch Công đoàn cơ sở"' in page  # typed values kept
    backwards = add(admin, **{**GOOD, "term_start": "2026-06-01", "term_end": "2025-01-01"})
    assert backwards.status_code == 422 and "Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu." in text(backwards)
    assert "Chưa có hồ sơ cán bộ nào" in text(admin.get(HOME, query_string={"tinh-trang": "tat-ca"}))

    record = add(admin, **GOOD).headers["Location"]
    page = admin.get(record)
    edit = admin.post(record, data={"csrf_token": csrf_of(page), **GOOD, "position": "", "status": "active"})
    assert edit.status_code == 422 and 'id="loi-position"' in text(edit)
    assert "Chủ tịch Công đoàn cơ sở" in text(admin.get(HOME))  # unchanged


def test_another_tenants_record_is_404_and_only_administrators_keep_records(staff_as):
    admin = staff_as("hanoi.admin")
    record = add(admin, **GOOD).headers["Location"]

    danang = staff_as("danang.admin")
    assert danang.get(record).status_code == 404
    token = csrf_of(danang.get(HOME))
    assert danang.post(record, data={"csrf_token": token, **GOOD, "full_name": "Đổi tên"}).status_code == 404
    assert "Phạm Thị Hồng" not in text(danang.get(HOME, query_string={"tinh-trang": "tat-ca"}))

    contributor = staff_as("hanoi.contributor")
    refused = contributor.get(HOME)
    assert refused.status_code == 403 and "quản trị viên" in text(refused)
    assert contributor.get(f"{HOME}/moi").status_code == 403
    assert contributor.get(record).status_code == 403
    assert staff_as("hanoi.member").get(HOME).status_code == 403

    forged = admin.post(f"{HOME}/moi", data={**GOOD, "full_name": "Không có mã"})
    assert forged.status_code == 400
    assert "Không có mã" not in text(admin.get(HOME, query_string={"tinh-trang": "tat-ca"}))


def test_a_platform_administrator_keeps_another_tenants_records(staff_as):
    office = staff_as("admin")
    own = text(office.get(HOME))
    assert "Văn phòng Tổng Liên đoàn" in own
    hanoi = re.search(r'<option value="([0-9a-f-]{36})">Liên đoàn Lao động thành phố Hà Nội</option>', own).group(1)
    listed = text(office.get(HOME, query_string={"to-chuc": hanoi}))
    assert f'href="{HOME}/moi?to-chuc={hanoi}"' in listed
    done = add(office, path=f"{HOME}/moi?to-chuc={hanoi}", **GOOD)
    assert done.status_code == 303
    assert "Liên đoàn Lao động thành phố Hà Nội" in text(office.get(done.headers["Location"]))
    assert "Phạm Thị Hồng" in text(staff_as("hanoi.admin").get(HOME))
    assert "Phạm Thị Hồng" not in text(office.get(HOME))  # the office's own records
