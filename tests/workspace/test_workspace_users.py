"""A member organisation's accounts and roles in the workspace: the list and its filters, an
invitation with its one-time activation link, roles changed (only those the administrator may
grant), an account locked and unlocked, a new activation link; bad input beside the field with
nothing created; another organisation's account 404; who may. Real accounts."""

import re
import uuid
from urllib.parse import unquote

import pytest

from tests.workspace.conftest import csrf_of

ACCOUNTS = "/quan-tri/tai-khoan"


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def hanoi(staff_as):
    return staff_as("hanoi.admin")


@pytest.fixture
def people(api, login):
    """Hà Nội's and Đà Nẵng's demo accounts: ``{username: user}``."""
    found = {}
    for who in ("hanoi.admin", "danang.admin"):
        for user in api.as_(login(who)).get("/api/v1/users?per_page=100").json["items"]:
            found[user["username"]] = user
    return found


def post_form(client, path, form_path=None, **data):
    page = client.get(form_path or path)
    assert page.status_code == 200, text(page)[:300]
    return client.post(path, data={"csrf_token": csrf_of(page), **data})


def table(html):
    found = re.search(r'<table id="bang-tai-khoan".*?</table>', html, re.S)
    return found.group(0) if found else ""


def test_the_list_filters_and_an_invitation_shows_its_link_once(hanoi, api, login):
    listed = table(text(hanoi.get(ACCOUNTS)))
    assert "Trần Văn Bình" in listed and "Cộng tác viên" in listed and "Hoàng Văn Nam" not in listed
    responders = table(text(hanoi.get(f"{ACCOUNTS}?vai-tro=responder&q=thu")))
    assert "Lê Thị Thu" in responders and "Trần Văn Bình" not in responders
    assert hanoi.get(f"{ACCOUNTS}?vai-tro=sep").status_code == 422

    form = text(hanoi.get(f"{ACCOUNTS}/moi"))
    assert 'id="vai-tro-contributor"' in form and 'id="vai-tro-platform_admin"' not in form
    units = api.as_(login("hanoi.admin")).get("/api/v1/units?q=CANON").json["items"]
    done = post_form(
        hanoi,
        f"{ACCOUNTS}/moi",
        full_name="Phan Thị Ngọc",
        email="Ngoc.Phan@ldld-hanoi.vn",
        phone="0912 345 678",
        unit_id=units[0]["id"],
        roles=["contributor", "responder"],
    )
    html = text(done)
    assert done.status_code == 200 and done.headers["Cache-Control"] == "private, no-store"
    assert "Đã tạo tài khoản cho «Phan Thị Ngọc» (tên đăng nhập: ngoc.phan@ldld-hanoi.vn)" in html
    link = re.search(r'id="lien-ket-kich-hoat" type="text" readonly value="([^"]+)"', html).group(1)
    assert "/kich-hoat?token=" in link and "chỉ hiển thị <strong>một lần</strong>" in html
    invited = table(text(hanoi.get(f"{ACCOUNTS}?trang-thai=invited")))
    assert "Phan Thị Ngọc" in invited and "Chờ kích hoạt" in invited and "Công ty TNHH Canon" in invited
    token = unquote(link.split("token=")[1])
    landing = text(hanoi.get("/quan-tri/"))  # the landing's card: accounts waiting for their owner
    assert "<strong>1</strong> tài khoản chưa kích hoạt" in landing and f"{ACCOUNTS}?trang-thai=invited" in landing
    activated = api.post("/api/v1/auth/activate", json={"token": token, "password": "Ngoc-Phan-2026-an-toan"})
    assert activated.status_code == 200 and sorted(activated.json["roles"]) == ["contributor", "responder"]


def test_bad_input_is_beside_each_field_and_nothing_is_created(hanoi, api, login):
    before = api.as_(login("hanoi.admin")).get("/api/v1/users?per_page=1").json["total"]
    bad = post_form(hanoi, f"{ACCOUNTS}/moi", full_name="N", email="khong-phai-email", phone="abc", unit_id="")
    html = text(bad)
    assert bad.status_code == 422 and 'id="loi-roles"' in html and "Chọn ít nhất một vai trò" in html
    assert 'value="khong-phai-email"' in html
    fields = post_form(hanoi, f"{ACCOUNTS}/moi", full_name="N", email="khong-phai-email", phone="abc", roles=["editor"])
    for field in ("full_name", "email", "phone"):
        assert f'id="loi-{field}"' in text(fields), field
    assert 'id="vai-tro-editor" name="roles" type="checkbox" value="editor" checked' in text(fields)
    first = api.as_(login("hanoi.admin")).post(
        "/api/v1/users", json={"email": "trung@x.vn", "full_name": "Người Trước", "roles": ["member"]}
    )
    assert first.status_code == 201
    before += 1
    taken = post_form(hanoi, f"{ACCOUNTS}/moi", full_name="Trùng", email="Trung@x.vn", roles=["member"])
    assert taken.status_code == 409 and 'id="loi-email"' in text(taken)
    above = post_form(hanoi, f"{ACCOUNTS}/moi", full_name="Quá quyền", email="qua@x.vn", roles=["platform_admin"])
    assert above.status_code == 403 and 'id="loi-roles"' in text(above) and "quản trị hệ thống" in text(above)
    assert api.as_(login("hanoi.admin")).get("/api/v1/users?per_page=1").json["total"] == before


def test_roles_change_and_an_account_is_locked_unlocked_and_sent_a_new_link(hanoi, people, api, login):
    bình = people["hanoi.contributor"]["id"]
    path = f"{ACCOUNTS}/{bình}"
    page = text(hanoi.get(path))
    assert "Trần Văn Bình" in page and 'id="form-khoa"' in page and 'id="form-ma-kich-hoat"' not in page
    saved = post_form(hanoi, path, full_name="Trần Văn Bình", phone="", unit_id="", roles=["contributor", "editor"])
    assert saved.status_code == 303 and "Vai trò mới có hiệu lực ngay" in text(hanoi.get(path))
    admin = api.as_(login("admin"))
    assert sorted(admin.get(f"/api/v1/users/{bình}").json["roles"]) == ["contributor", "editor"]

    locked = post_form(hanoi, f"{path}/khoa", path)
    assert locked.status_code == 303 and "Đã khóa tài khoản «Trần Văn Bình»" in text(hanoi.get(path))
    assert admin.get(f"/api/v1/users/{bình}").json["status"] == "deactivated"
    assert 'id="form-mo-khoa"' in text(hanoi.get(path))
    assert post_form(hanoi, f"{path}/mo-khoa", path).status_code == 303
    assert admin.get(f"/api/v1/users/{bình}").json["status"] == "active"
    active = post_form(hanoi, f"{path}/ma-kich-hoat", path)
    assert active.status_code == 409 and "đã được kích hoạt" in text(active)

    invited = api.as_(login("hanoi.admin")).post(
        "/api/v1/users", json={"email": "moi@x.vn", "full_name": "Người Mới", "roles": ["member"]}
    )
    old = invited.json["activation_token"]
    again = post_form(
        hanoi, f"{ACCOUNTS}/{invited.json['user']['id']}/ma-kich-hoat", f"{ACCOUNTS}/{invited.json['user']['id']}"
    )
    assert again.status_code == 200 and "Đã cấp lại đường link kích hoạt cho «Người Mới»" in text(again)
    refused = api.post("/api/v1/auth/activate", json={"token": old, "password": "Nguoi-Moi-2026-an-toan"})
    assert refused.status_code == 400  # the earlier link stops working


def test_an_administrator_keeps_their_own_admin_role_and_cannot_lock_themselves(hanoi, people):
    me = f"{ACCOUNTS}/{people['hanoi.admin']['id']}"
    page = text(hanoi.get(me))
    assert "(tài khoản của bạn)" in page and 'id="form-khoa"' not in page
    dropped = post_form(hanoi, me, full_name="Nguyễn Thị Hà", roles=["contributor"])
    assert dropped.status_code == 409 and 'id="loi-roles"' in text(dropped) and "chính mình" in text(dropped)
    locked = post_form(hanoi, f"{me}/khoa", me)
    assert locked.status_code == 409 and "Không thể tự khóa" in text(locked)


def test_another_organisations_account_is_404_and_only_administrators_with_the_token(
    staff_as, hanoi, people, api, login
):
    nam = people["danang.admin"]["id"]
    assert hanoi.get(f"{ACCOUNTS}/{nam}").status_code == 404
    assert hanoi.get(f"{ACCOUNTS}/{uuid.uuid4()}").status_code == 404
    office = staff_as("admin")
    danang = people["danang.admin"]["tenant_id"]
    listed = text(office.get(f"{ACCOUNTS}?don-vi-thanh-vien={danang}"))
    assert "Hoàng Văn Nam" in table(listed) and f"{ACCOUNTS}/{nam}?don-vi-thanh-vien={danang}" in listed
    assert 'id="vai-tro-platform_admin"' in text(office.get(f"{ACCOUNTS}/moi?don-vi-thanh-vien={danang}"))
    assert staff_as("hanoi.contributor").get(ACCOUNTS).status_code == 403
    forged = hanoi.post(f"{ACCOUNTS}/{people['hanoi.responder']['id']}/khoa")
    assert forged.status_code == 400
    assert api.as_(login("admin")).get(f"/api/v1/users/{people['hanoi.responder']['id']}").json["status"] == "active"
