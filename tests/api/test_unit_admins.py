"""Grassroots unions administer themselves (issue 16), over the API: Hà Nội's administrator
appoints its grassroots unions' administrators from a file — a refused file first (a unit of Đà
Nẵng, a role it may not grant: the rows named, nothing created) —, one of them activates and runs
its own corner (members, sub-units, staff, accounts) and finds a sibling unit's member and the
federation's other data as if they did not exist."""

import base64
import io
import json
import uuid

import pytest

IMPORT = "/api/v1/units/admins/import"
ADMINS = (
    "Mã đơn vị,Họ và tên,E-mail,Số điện thoại,Vai trò\n"
    "KCN-TL,Phan Văn Khu,khu.pv@kcn-thanglong.vn,0912 777 001,\n"
    "CDCS-MAY10,Đinh Thị May,may.dt@may10.vn,,Đoàn viên\n"
)
MEMBERS = (
    "Số thẻ đoàn viên,Họ và tên,Số điện thoại,Mã đơn vị\n"
    "HN-100001,Nguyễn Văn Canon,0912100001,CDCS-CANON\n"
    "HN-100002,Trần Thị May Mười,0912100002,CDCS-MAY10\n"
)
PASSWORD = "Quan-tri-co-so-2026!"


def send(client, path, text, name="danh-sach.csv", **kwargs):
    return client.post(
        path, data={"file": (io.BytesIO(text.encode("utf-8")), name)}, content_type="multipart/form-data", **kwargs
    )


def claims_of(access_token):
    payload = access_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture
def hanoi(api, login):
    return api.as_(login("hanoi.admin"))


@pytest.fixture
def units(hanoi):
    return {u["code"]: u for u in hanoi.get("/api/v1/units?per_page=100").json["items"]}


def accounts_of(client):
    return client.get("/api/v1/users?per_page=100").json["total"]


def test_hanoi_appoints_its_grassroots_administrators_from_a_file_checked_first(api, login, hanoi, units):
    before = accounts_of(hanoi)
    refused_file = (
        ADMINS
        + "CDCS-DAMAN,Lê Văn Đà,da.lv@example.vn,,\nCDCS-CANON,Vũ Thị Quyền,quyen.vt@example.vn,,Quản trị đơn vị\n"
    )
    for query in ("?dry_run=true", ""):
        refused = send(hanoi, IMPORT + query, refused_file)
        assert refused.status_code == 422 and refused.json["code"] == "IMPORT_INVALID"
        assert [(e["row"], e["column"]) for e in refused.json["errors"]] == [(4, "Mã đơn vị"), (5, "Vai trò")]
        daman, role = (e["message"] for e in refused.json["errors"])
        assert daman == "Không có đơn vị mã «CDCS-DAMAN» trong Liên đoàn Lao động thành phố Hà Nội."
        assert "Quản trị đơn vị" in role and "chưa có tài khoản nào được tạo" in refused.json["message"]
    assert accounts_of(hanoi) == before

    checked = send(hanoi, IMPORT + "?dry_run=true", ADMINS)
    assert checked.status_code == 200 and checked.json["dry_run"] is True and checked.json["credentials"] == []
    assert [(p["unit_code"], p["email"], p["roles"]) for p in checked.json["planned"]] == [
        ("KCN-TL", "khu.pv@kcn-thanglong.vn", ["unit_admin"]),
        ("CDCS-MAY10", "may.dt@may10.vn", ["member", "unit_admin"]),
    ]
    assert accounts_of(hanoi) == before

    key = {"Idempotency-Key": str(uuid.uuid4())}
    applied = send(hanoi, IMPORT, ADMINS, headers=key)
    assert applied.status_code == 200 and applied.json["created"] == 2, applied.json
    again = send(hanoi, IMPORT, ADMINS, headers=key)
    assert again.json == applied.json and accounts_of(hanoi) == before + 2  # the same answer, nothing twice
    taken = send(hanoi, IMPORT + "?dry_run=true", ADMINS)
    assert [(e["row"], e["column"]) for e in taken.json["errors"]] == [(2, "E-mail"), (3, "E-mail")]

    sheet = send(
        hanoi,
        IMPORT,
        "unit_code,full_name,email\nCDCS-CANON,Lý Văn Canon,canon.lv@example.vn\n",
        headers={"Accept": "text/csv"},
    )
    assert sheet.status_code == 200 and sheet.mimetype == "text/csv"
    assert sheet.get_data(as_text=True).lstrip("\ufeff").startswith("row,unit_code,unit_name,full_name,username,")
    admins = hanoi.get("/api/v1/users?role=unit_admin&per_page=100").json["items"]
    bound = {u["username"]: u["admin_unit_id"] for u in admins}
    assert bound["khu.pv@kcn-thanglong.vn"] == units["KCN-TL"]["id"]
    assert bound["may.dt@may10.vn"] == units["CDCS-MAY10"]["id"]

    danang = api.as_(login("danang.admin"))
    assert send(danang, IMPORT + "?dry_run=true", ADMINS).json["errors"][0]["message"] == (
        "Không có đơn vị mã «KCN-TL» trong Liên đoàn Lao động thành phố Đà Nẵng."
    )
    member = api.as_(login("hanoi.member"))
    assert send(member, IMPORT + "?dry_run=true", ADMINS).status_code == 403


def test_a_grassroots_administrator_runs_its_own_corner_and_sees_nothing_beside_it(api, login, hanoi, units):
    applied = send(hanoi, IMPORT, ADMINS).json
    token = next(c for c in applied["credentials"] if c["unit_code"] == "KCN-TL")["activation_token"]
    activated = api.post("/api/v1/auth/activate", json={"token": token, "password": PASSWORD})
    assert activated.status_code == 200 and activated.json["roles"] == ["unit_admin"]
    pair = api.login("khu.pv@kcn-thanglong.vn", PASSWORD)
    assert claims_of(pair["access_token"])["unit"] == units["KCN-TL"]["id"]
    kcn = api.as_(pair)
    assert kcn.get("/api/v1/me").json["user"]["admin_unit_id"] == units["KCN-TL"]["id"]
    assert send(hanoi, "/api/v1/members/import", MEMBERS).status_code == 200

    # Its members: the Canon union's (below it), not May 10's (beside it).
    listed = kcn.get("/api/v1/members").json
    assert [m["member_number"] for m in listed["items"]] == ["HN-100001"] and listed["total"] == 1
    may10 = hanoi.get("/api/v1/members?q=HN-100002").json["items"][0]
    assert kcn.get(f"/api/v1/members/{may10['id']}").status_code == 404
    assert kcn.patch(f"/api/v1/members/{may10['id']}", json={"full_name": "Đổi"}).status_code == 404
    canon = listed["items"][0]
    assert kcn.patch(f"/api/v1/members/{canon['id']}", json={"phone": "0988000111"}).json["phone"] == "0988000111"
    outside = send(
        kcn,
        "/api/v1/members/import",
        "Số thẻ đoàn viên,Họ và tên,Số điện thoại,Mã đơn vị\nHN-100003,Ai Đó,0912100003,CDCS-MAY10\n",
    )
    assert outside.status_code == 422 and outside.json["errors"][0]["row"] == 2
    assert kcn.get("/api/v1/members/summary").json["registered"] == 1

    # Its sub-units: added, renamed, moved inside its branch; its own place in the tree is not its.
    group = kcn.post(
        "/api/v1/units",
        json={"name": "Tổ công đoàn Ca 1", "kind": "trade_union_group", "parent_id": units["CDCS-CANON"]["id"]},
    )
    assert group.status_code == 201 and group.json["depth"] == 2
    assert kcn.patch(f"/api/v1/units/{group.json['id']}", json={"name": "Tổ công đoàn Ca sáng"}).status_code == 200
    assert kcn.post("/api/v1/units", json={"name": "Đơn vị cấp cao nhất"}).status_code == 422
    assert kcn.get(f"/api/v1/units/{units['CDCS-MAY10']['id']}").status_code == 404
    assert (
        kcn.patch(f"/api/v1/units/{units['KCN-TL']['id']}", json={"parent_id": units["CDCS-MAY10"]["id"]}).status_code
        == 403
    )
    assert {u["code"] for u in kcn.get("/api/v1/units?per_page=100").json["items"]} == {"KCN-TL", "CDCS-CANON", None}

    # Its staff records and accounts.
    record = kcn.post(
        "/api/v1/staff",
        json={
            "full_name": "Lê Thị Chủ tịch",
            "position": "Chủ tịch CĐCS",
            "term_start": "2025-03-01",
            "unit_id": units["CDCS-CANON"]["id"],
        },
    )
    assert record.status_code == 201
    theirs = hanoi.post(
        "/api/v1/staff",
        json={
            "full_name": "Phạm Văn Khác",
            "position": "Chủ tịch CĐCS",
            "term_start": "2025-03-01",
            "unit_id": units["CDCS-MAY10"]["id"],
        },
    ).json
    assert kcn.get(f"/api/v1/staff/{theirs['id']}").status_code == 404
    assert [s["id"] for s in kcn.get("/api/v1/staff").json["items"]] == [record.json["id"]]
    invited = kcn.post(
        "/api/v1/users",
        json={
            "email": "ca1@canon.vn",
            "full_name": "Tổ trưởng Ca 1",
            "roles": ["contributor"],
            "unit_id": group.json["id"],
        },
    )
    assert invited.status_code == 201
    above = kcn.post(
        "/api/v1/users",
        json={
            "email": "boss@canon.vn",
            "full_name": "Quản trị",
            "roles": ["tenant_admin"],
            "unit_id": group.json["id"],
        },
    )
    assert above.status_code == 403 and above.json["code"] == "ROLE_NOT_GRANTABLE"
    hanoi_admin = hanoi.get("/api/v1/me").json["user"]
    assert kcn.get(f"/api/v1/users/{hanoi_admin['id']}").status_code == 404

    # The federation's other data: another federation 404, its own federation's business 403.
    (danang,) = api.as_(login("admin")).get("/api/v1/tenants?q=LDLD-DN").json["items"]
    assert kcn.get(f"/api/v1/tenants/{danang['id']}").status_code == 404
    own = kcn.get("/api/v1/me").json["tenant"]
    assert kcn.patch(f"/api/v1/tenants/{own['id']}", json={"name": "Đổi tên"}).status_code == 403
    assert send(kcn, "/api/v1/tenants/import", "code,name\n").status_code == 403


def test_the_demo_grassroots_administrator_sees_its_union_only(api, login, units):
    canon = api.as_(login("canon.admin"))
    assert claims_of(login("canon.admin")["access_token"])["unit"] == units["CDCS-CANON"]["id"]
    assert [u["code"] for u in canon.get("/api/v1/units").json["items"]] == ["CDCS-CANON"]
    assert canon.get(f"/api/v1/units/{units['KCN-TL']['id']}").status_code == 404  # its parent: above it
