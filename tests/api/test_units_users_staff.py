"""A tenant administrator's own world: the unit tree, accounts and roles, personnel records.
Everything of another tenant is 404."""

import pytest


@pytest.fixture
def hanoi(api, login):
    return api.as_(login("hanoi.admin"))


@pytest.fixture
def danang(api, login):
    return api.as_(login("danang.admin"))


def test_units_form_a_tree_that_can_be_renamed_moved_and_listed_by_branch(hanoi):
    a = hanoi.post(
        "/api/v1/units",
        json={"name": "Công đoàn ngành Giáo dục quận Cầu Giấy", "kind": "upper_grassroots", "code": "GD-CG"},
    ).json
    b = hanoi.post("/api/v1/units", json={"name": "Công đoàn Trường THCS Dịch Vọng", "parent_id": a["id"]}).json
    c = hanoi.post(
        "/api/v1/units", json={"name": "Tổ công đoàn Toán", "kind": "trade_union_group", "parent_id": b["id"]}
    ).json
    assert (a["depth"], b["depth"], c["depth"]) == (0, 1, 2)
    branch = hanoi.get(f"/api/v1/units?root_id={a['id']}").json
    assert [u["id"] for u in branch["items"]] == [a["id"], b["id"], c["id"]]
    children = hanoi.get(f"/api/v1/units?parent_id={a['id']}").json
    assert [u["id"] for u in children["items"]] == [b["id"]]

    moved = hanoi.patch(f"/api/v1/units/{b['id']}", json={"parent_id": None, "name": "Công đoàn THCS Dịch Vọng"})
    assert moved.status_code == 200 and moved.json["depth"] == 0
    assert hanoi.get(f"/api/v1/units/{c['id']}").json["depth"] == 1  # the branch moved with it
    assert [u["id"] for u in hanoi.get(f"/api/v1/units?root_id={a['id']}").json["items"]] == [a["id"]]

    into_itself = hanoi.patch(f"/api/v1/units/{b['id']}", json={"parent_id": c["id"]})
    assert into_itself.status_code == 422 and "parent_id" in into_itself.json["errors"]
    same_code = hanoi.post("/api/v1/units", json={"name": "Trùng mã", "code": "GD-CG"})
    assert same_code.status_code == 409 and "code" in same_code.json["errors"]
    archived = hanoi.patch(f"/api/v1/units/{c['id']}", json={"status": "archived"})
    assert archived.json["status"] == "archived"
    assert hanoi.get(f"/api/v1/units?status=active&root_id={b['id']}").json["total"] == 1


def test_another_tenants_unit_user_and_staff_record_are_404(hanoi, danang):
    unit = danang.post("/api/v1/units", json={"name": "Công đoàn cơ sở Cảng Đà Nẵng"}).json
    user = danang.post(
        "/api/v1/users", json={"email": "x@danang.vn", "full_name": "Hồ Văn X", "roles": ["member"]}
    ).json["user"]
    staff = danang.post(
        "/api/v1/staff", json={"full_name": "Hồ Văn X", "position": "Chủ tịch", "term_start": "2023-05-01"}
    ).json
    for path in (f"/api/v1/units/{unit['id']}", f"/api/v1/users/{user['id']}", f"/api/v1/staff/{staff['id']}"):
        assert hanoi.get(path).status_code == 404, path
        assert (
            hanoi.patch(path, json={"full_name": "Đổi"} if "units" not in path else {"name": "Đổi"}).status_code == 404
        )
    assert hanoi.post(f"/api/v1/users/{user['id']}/activation-token").status_code == 404
    # and not by sneaking a foreign parent or unit into one's own records
    assert hanoi.post("/api/v1/units", json={"name": "Chen ngang", "parent_id": unit["id"]}).status_code == 404
    assert (
        hanoi.post(
            "/api/v1/users", json={"email": "y@hn.vn", "full_name": "Y Y", "roles": ["member"], "unit_id": unit["id"]}
        ).status_code
        == 404
    )
    assert (
        hanoi.post(
            "/api/v1/users",
            json={"email": "z@hn.vn", "full_name": "Z Z", "roles": ["member"], "tenant_id": unit["tenant_id"]},
        ).status_code
        == 404
    )
    assert hanoi.get(f"/api/v1/units?tenant_id={unit['tenant_id']}").status_code == 404
    listed = hanoi.get("/api/v1/users?per_page=100").json["items"]
    assert user["id"] not in [u["id"] for u in listed]
    malformed = hanoi.get("/api/v1/units/not-a-uuid")
    assert malformed.status_code == 404


def test_inviting_setting_roles_reissuing_and_deactivating(api, hanoi):
    invited = hanoi.post(
        "/api/v1/users",
        json={"email": "Thu.Trang@HaNoi.vn", "full_name": "Nguyễn Thu Trang", "roles": ["contributor", "responder"]},
    )
    assert invited.status_code == 201
    user = invited.json["user"]
    assert user["username"] == "thu.trang@hanoi.vn" and user["roles"] == ["contributor", "responder"]
    taken = hanoi.post("/api/v1/users", json={"email": "thu.trang@hanoi.vn", "full_name": "Trùng", "roles": ["member"]})
    assert taken.status_code == 409 and "username" in taken.json["errors"]

    reissued = hanoi.post(f"/api/v1/users/{user['id']}/activation-token")
    assert reissued.status_code == 201
    old = api.post(
        "/api/v1/auth/activate", json={"token": invited.json["activation_token"], "password": "Mat-khau-rat-kho-2026"}
    )
    assert old.status_code == 400 and old.json["code"] == "ACTIVATION_TOKEN_REVOKED"
    weak = api.post("/api/v1/auth/activate", json={"token": reissued.json["activation_token"], "password": "12345678"})
    assert weak.status_code == 422 and "password" in weak.json["errors"]
    ok = api.post(
        "/api/v1/auth/activate", json={"token": reissued.json["activation_token"], "password": "Mat-khau-rat-kho-2026"}
    )
    assert ok.status_code == 200
    assert hanoi.post(f"/api/v1/users/{user['id']}/activation-token").status_code == 409

    roles = hanoi.patch(f"/api/v1/users/{user['id']}", json={"roles": ["editor"]})
    assert roles.status_code == 200 and roles.json["roles"] == ["editor"]
    escalate = hanoi.patch(f"/api/v1/users/{user['id']}", json={"roles": ["platform_admin"]})
    assert escalate.status_code == 403
    off = hanoi.patch(f"/api/v1/users/{user['id']}", json={"status": "deactivated"})
    assert off.json["status"] == "deactivated"
    assert hanoi.get("/api/v1/users?status=deactivated").json["total"] == 1


def test_an_admin_cannot_lock_itself_out(hanoi):
    me = hanoi.get("/api/v1/me").json["user"]
    assert hanoi.patch(f"/api/v1/users/{me['id']}", json={"roles": ["member"]}).status_code == 409
    assert hanoi.patch(f"/api/v1/users/{me['id']}", json={"status": "deactivated"}).status_code == 409


def test_members_of_a_tenant_cannot_administer_it(api, login):
    member = api.as_(login("hanoi.member"))
    assert member.post("/api/v1/units", json={"name": "Không được phép"}).status_code == 403
    assert member.get("/api/v1/users").status_code == 403
    assert member.get("/api/v1/staff").status_code == 403
    assert member.get("/api/v1/units").status_code == 200  # the tree itself is no secret inside the tenant
    admin_id = api.as_(login("hanoi.admin")).get("/api/v1/me").json["user"]["id"]
    assert member.get(f"/api/v1/users/{admin_id}").status_code == 403


def test_staff_records_with_terms(hanoi):
    unit = hanoi.get("/api/v1/units?per_page=100").json["items"][0]
    current = hanoi.post(
        "/api/v1/staff",
        json={
            "full_name": "Nguyễn Thị Hà",
            "position": "Chủ tịch",
            "term_start": "2023-06-01",
            "unit_id": unit["id"],
            "gender": "female",
            "birth_date": "1975-03-08",
        },
    )
    assert current.status_code == 201, current.json
    assert current.json["in_office"] is True
    past = hanoi.post(
        "/api/v1/staff",
        json={"full_name": "Trần Văn Cũ", "position": "Chủ tịch", "term_start": "2018-06-01", "term_end": "2023-05-31"},
    ).json
    assert past["in_office"] is False
    listed = hanoi.get("/api/v1/staff?in_office=true").json
    assert [s["full_name"] for s in listed["items"]] == ["Nguyễn Thị Hà"]
    backwards = hanoi.post(
        "/api/v1/staff",
        json={
            "full_name": "Sai Ngày",
            "position": "Phó Chủ tịch",
            "term_start": "2024-01-01",
            "term_end": "2023-01-01",
        },
    )
    assert backwards.status_code == 422 and "term_end" in backwards.json["errors"]
    ended = hanoi.patch(f"/api/v1/staff/{current.json['id']}", json={"term_end": "2026-01-01"})
    assert ended.status_code == 200 and ended.json["in_office"] is False
    reversed_ = hanoi.patch(f"/api/v1/staff/{current.json['id']}", json={"term_end": "2020-01-01"})
    assert reversed_.status_code == 422


def test_the_platform_admin_sees_every_tenant_and_acts_in_one_by_id(api, login):
    office = api.as_(login("admin"))
    dn = api.as_(login("danang.admin")).get("/api/v1/me").json["tenant"]
    unit = office.post("/api/v1/units", json={"name": "Công đoàn Khu công nghệ cao Đà Nẵng", "tenant_id": dn["id"]})
    assert unit.status_code == 201 and unit.json["tenant_id"] == dn["id"]
    assert office.get(f"/api/v1/users?tenant_id={dn['id']}").json["total"] == 1
    assert office.get("/api/v1/users?per_page=100").json["total"] >= 10
