"""The sub-site's menu in the workspace (``/quan-tri/trang-thanh-phan``): Hà Nội's administrator
adds sections, moves one up, hides and shows it, renames and describes it — and the portal's
cached sub-site page shows each change at once (content's ``site_updated`` clears the gateway's
cache). Bad input beside the field with nothing added, an address already taken, another
tenant's section 404, a member refused, a form without its token. Real accounts and content."""

import re

import pytest

from platform_shared.testing.waiting import wait_for
from tests.workspace.conftest import csrf_of

HOME = "/quan-tri/trang-thanh-phan"


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def admin(staff_as, content_service):
    return staff_as("hanoi.admin")


def add(client, **form):
    page = client.get(f"{HOME}/moi")
    assert page.status_code == 200, text(page)[:300]
    return client.post(f"{HOME}/moi", data={"csrf_token": csrf_of(page), **form})


def ids_in_order(html):
    return re.findall(r'<tr id="chuyen-muc-([a-z0-9-]+)">', html)


def section_id(html, key):
    row = html.split(f'<tr id="chuyen-muc-{key}">')[1].split("</tr>")[0]
    return re.search(rf"{HOME}/([0-9a-f-]{{36}})/di-chuyen", row).group(1)


def post(client, path, **form):
    return client.post(path, data={"csrf_token": csrf_of(client.get(HOME)), **form})


def menu_of(html):
    nav = html.split('class="site-menu"')[1].split("</nav>")[0] if 'class="site-menu"' in html else ""
    return re.findall(r'href="/don-vi/ha-noi/([a-z0-9-]+)"', nav)


def test_the_menu_built_in_the_workspace_shows_on_the_cached_portal_at_once(admin, make_gateway, client_of, relay):
    relay("content")
    public_app = make_gateway(public_cache_ttl=300)
    portal, cache = client_of(public_app), public_app.extensions["public_cache"]
    portal.get("/don-vi/ha-noi")  # the cache's listener starts with the first public request
    wait_for(lambda: cache.connected, message="the public cache to listen to content's facts")

    page = text(admin.get(HOME))
    assert "Chưa có chuyên mục nào." in page and 'href="/don-vi/ha-noi"' in page
    for key, name in (("tin-co-so", "Tin cơ sở"), ("phap-luat", "Pháp luật lao động")):
        done = add(admin, name=name, key=key, description="")
        assert done.status_code == 303 and done.headers["Location"] == HOME
    listed = text(admin.get(HOME))
    assert "Đã thêm chuyên mục «Pháp luật lao động» vào cuối menu" in listed
    assert ids_in_order(listed) == ["phap-luat", "tin-co-so"]  # by name until one is moved
    assert 'href="/don-vi/ha-noi/tin-co-so"' in listed

    def cached_menu(expected):
        """The sub-site's menu as ``expected``, then a repeat answered from the cache."""
        wait_for(lambda: menu_of(text(portal.get("/don-vi/ha-noi"))) == expected, message=f"the menu {expected}")
        hits = cache.page_hits
        return wait_for(
            lambda: menu_of(text(portal.get("/don-vi/ha-noi"))) == expected and cache.page_hits > hits,
            message="a repeat from the cache",
        )

    cached_menu(["phap-luat", "tin-co-so"])
    moved = post(admin, f"{HOME}/{section_id(listed, 'tin-co-so')}/di-chuyen", huong="len")
    assert moved.status_code == 303
    after = text(admin.get(HOME))
    assert "Đã đưa «Tin cơ sở» lên trên." in after and ids_in_order(after) == ["tin-co-so", "phap-luat"]
    cached_menu(["tin-co-so", "phap-luat"])

    law = section_id(after, "phap-luat")
    assert post(admin, f"{HOME}/{law}/trang-thai", trang_thai="archived").status_code == 303
    hidden = text(admin.get(HOME))
    assert "Đã ẩn «Pháp luật lao động»" in hidden and "Đang ẩn" in hidden
    cached_menu(["tin-co-so"])
    assert post(admin, f"{HOME}/{law}/trang-thai", trang_thai="active").status_code == 303
    cached_menu(["tin-co-so", "phap-luat"])

    form = admin.get(f"{HOME}/{law}")
    assert 'value="/don-vi/ha-noi/phap-luat" readonly' in text(form)
    description = "Văn bản pháp luật lao động, hỏi đáp chính sách cho đoàn viên."
    renamed = admin.post(
        f"{HOME}/{law}",
        data={"csrf_token": csrf_of(form), "name": "Pháp luật – Chính sách", "description": description},
    )
    assert renamed.status_code == 303
    assert "Đã lưu chuyên mục «Pháp luật – Chính sách»." in text(admin.get(HOME))
    wait_for(
        lambda: (
            "Pháp luật – Chính sách" in (page := text(portal.get("/don-vi/ha-noi/phap-luat"))) and description in page
        ),
        message="the renamed section on the portal",
    )


def test_bad_input_is_shown_beside_each_field_and_nothing_is_added(admin):
    refused = add(admin, name="A", key="Tin Cơ Sở", description="")
    page = text(refused)
    assert refused.status_code == 422
    assert 'id="loi-name"' in page and 'id="loi-key"' in page and "chữ thường không dấu" in page
    assert 'value="Tin Cơ Sở"' in page and re.search(r'id="key"[^>]*aria-invalid="true"', page)
    assert add(admin, name="Tin cơ sở", key="tin-co-so", description="").status_code == 303
    taken = add(admin, name="Tin cơ sở 2", key="tin-co-so", description="Trùng địa chỉ")
    assert taken.status_code == 409 and 'id="loi-key"' in text(taken) and "Trùng địa chỉ" in text(taken)
    central = add(admin, name="Tin tức", key="news", description="")
    assert central.status_code == 409 and 'id="loi-key"' in text(central)
    listed = text(admin.get(HOME))
    assert ids_in_order(listed) == ["tin-co-so"]

    path = f"{HOME}/{section_id(listed, 'tin-co-so')}"
    form = admin.get(path)
    blank = admin.post(path, data={"csrf_token": csrf_of(form), "name": "", "description": "Mô tả mới"})
    assert blank.status_code == 422 and 'id="loi-name"' in text(blank) and "Mô tả mới" in text(blank)
    assert "Tin cơ sở" in text(admin.get(path)) and "Mô tả mới" not in text(admin.get(path))


def test_another_tenants_section_is_404_and_the_wrong_people_are_refused(admin, staff_as):
    assert add(admin, name="Tin cơ sở", key="tin-co-so", description="").status_code == 303
    assert add(admin, name="Văn hóa", key="van-hoa", description="").status_code == 303
    listed = text(admin.get(HOME))
    section = section_id(listed, "van-hoa")

    danang = staff_as("danang.admin")
    assert danang.get(f"{HOME}/{section}").status_code == 404
    assert post(danang, f"{HOME}/{section}", name="Chiếm", description="").status_code == 404
    assert post(danang, f"{HOME}/{section}/di-chuyen", huong="xuong").status_code == 404
    assert post(danang, f"{HOME}/{section}/trang-thai", trang_thai="archived").status_code == 404
    assert "van-hoa" not in text(danang.get(HOME))

    assert staff_as("hanoi.member").get(HOME).status_code == 403
    contributor = staff_as("hanoi.contributor")
    refused = post(contributor, f"{HOME}/moi", name="Góc cộng tác viên", key="goc-ctv", description="")
    assert refused.status_code == 403 and "biên tập viên" in text(refused)

    no_token = admin.post(f"{HOME}/{section}/di-chuyen", data={"huong": "len"})
    assert no_token.status_code == 400
    assert post(admin, f"{HOME}/{section}/di-chuyen", huong="ngang").status_code == 400
    assert ids_in_order(text(admin.get(HOME))) == ["tin-co-so", "van-hoa"]

    office = text(staff_as("admin").get(HOME))
    assert "Văn phòng Tổng Liên đoàn không có trang thành phần" in office
