"""The document library in the workspace: issuing a document to tenants chosen over the tenant
tree, bad input beside the field with nothing issued, the number taken, who may issue, and the
read receipts the issuer sees once a recipient opens it. Real content and accounts."""

import pytest

from tests.workspace.conftest import csrf_of

LIBRARY = "/quan-tri/van-ban"


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def hanoi_id(api, login, content_service):
    return api.as_(login("hanoi.admin")).get("/api/v1/me").json["user"]["tenant_id"]


def issue(client, **form):
    page = client.get(f"{LIBRARY}/moi")
    assert page.status_code == 200
    return client.post(f"{LIBRARY}/moi", data={"csrf_token": csrf_of(page), **form})


GOOD = {
    "number": "15/HD-TG",
    "doc_type": "guidance",
    "issuer": "",
    "abstract": "Hướng dẫn tuyên truyền Tháng Công nhân năm 2027",
    "issued_on": "2026-11-20",
    "effective_on": "",
}


def test_issuing_a_document_to_a_federation_and_reading_its_receipts(staff_as, hanoi_id):
    desk = staff_as("tuyengiao.editor")
    form = text(desk.get(f"{LIBRARY}/moi"))
    assert f'id="nhan-{hanoi_id}"' in form and "Liên đoàn Lao động thành phố Hà Nội" in form

    done = issue(desk, **GOOD, recipients=[hanoi_id])
    assert done.status_code == 303
    path = done.headers["Location"]
    shown = text(desk.get(path))
    assert "Đã ban hành văn bản 15/HD-TG" in shown and "Ban Tuyên giáo Tổng Liên đoàn" in shown
    assert "0/1 đơn vị đã đọc" in shown and "Chưa đọc" in shown

    listed = text(desk.get(LIBRARY))
    assert "15/HD-TG" in listed and "Hướng dẫn tuyên truyền Tháng Công nhân năm 2027" in listed

    reader = staff_as("hanoi.admin")
    assert "15/HD-TG" in text(reader.get(LIBRARY))
    seen = text(reader.get(path))
    assert "Hướng dẫn" in seen and "Chỉ đơn vị ban hành xem được" in seen  # no receipts for a recipient
    after = text(desk.get(path))
    assert "1/1 đơn vị đã đọc" in after and "Chưa đọc" not in after


def test_bad_input_is_shown_beside_each_field_and_nothing_is_issued(staff_as, content_service):
    desk = staff_as("tuyengiao.editor")
    bad = issue(desk, **{**GOOD, "number": "", "abstract": "Ngắn", "effective_on": "2026-11-01"})
    page = text(bad)
    assert bad.status_code == 422
    for field in ("number", "abstract"):
        assert f'id="loi-{field}"' in page, field
    assert 'value="2026-11-01"' in page  # what was typed is kept
    nobody = issue(desk, **GOOD)
    assert nobody.status_code == 422 and 'id="loi-recipients"' in text(nobody)
    early = issue(desk, **{**GOOD, "effective_on": "2026-11-01"}, all_tenants="1")
    assert early.status_code == 422 and 'id="loi-effective_on"' in text(early)
    assert "Chưa có văn bản nào" in text(desk.get(LIBRARY))


def test_a_number_already_used_is_refused_beside_the_number(staff_as, hanoi_id):
    desk = staff_as("tuyengiao.editor")
    assert issue(desk, **GOOD, recipients=[hanoi_id]).status_code == 303
    again = issue(desk, **GOOD, all_tenants="1")
    assert again.status_code == 409 and 'id="loi-number"' in text(again)


def test_a_unit_that_does_not_issue_directives_is_told_so(staff_as, hanoi_id):
    refused = issue(staff_as("laodong.editor"), **GOOD, recipients=[hanoi_id])
    assert refused.status_code == 403 and "Tổng Liên đoàn và các ban" in text(refused)


def test_another_units_document_is_the_404_page(staff_as, hanoi_id):
    desk = staff_as("tuyengiao.editor")
    path = issue(desk, **GOOD, recipients=[hanoi_id]).headers["Location"]
    assert staff_as("danang.admin").get(path).status_code == 404
