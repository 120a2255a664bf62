"""The member register: CSV import into one's own tenant, re-import, bad files, activation, counts."""

import csv
import io

import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import func, select

from accounts.models import Member
from platform_shared.actor import SYSTEM
from platform_shared.contracts import accounts as contracts
from platform_shared.errors import InvalidInput, NotFound
from platform_shared.tables import outbox

MEMBERS = (
    "Số thẻ đoàn viên,Họ và tên,Ngày sinh,Giới tính,Số điện thoại,E-mail,Mã đơn vị,Ngày vào Công đoàn\n"
    "HN-000001,Nguyễn Thị Hoa,12/04/1991,Nữ,0912000001,hoa.nt@example.vn,CDCS-CANON,01/06/2015\n"
    "HN-000002,Trần Văn Nam,1988-09-30,Nam,0912000002,,CDCS-CANON,\n"
    "HN-000003,Lê Thị Thu Trang,,,,trang.ltt@example.vn,CDCS-MAY10,\n"
)


def upload(client, text, query="", **kwargs):
    return client.post(
        f"/api/v1/members/import{query}",
        data={"file": (io.BytesIO(text.encode("utf-8")), "doan-vien.csv")},
        content_type="multipart/form-data",
        **kwargs,
    )


def imported_events(databases):
    with databases.sessions("accounts").transaction() as session:
        return (
            session.execute(
                select(outbox.c.payload).where(outbox.c.event_type == contracts.MEMBERS_IMPORTED).order_by(outbox.c.id)
            )
            .scalars()
            .all()
        )


def member_rows(databases):
    with databases.sessions("accounts").transaction() as session:
        return session.execute(select(func.count()).select_from(Member)).scalar()


def test_a_tenant_admin_imports_members_who_activate_and_sign_in(api, login, databases):
    hanoi = api.as_(login("hanoi.admin"))
    result = upload(hanoi, MEMBERS)
    assert result.status_code == 200, result.json
    assert (result.json["created"], result.json["updated"], result.json["unchanged"]) == (3, 0, 0)
    sheet = {c["member_number"]: c for c in result.json["credentials"]}
    assert sheet["HN-000001"]["username"] == "hn-000001@ha-noi"
    assert sheet["HN-000001"]["full_name"] == "Nguyễn Thị Hoa"

    # the member activates with the one-time token and signs in like any user
    activated = api.post(
        "/api/v1/auth/activate",
        json={"token": sheet["HN-000002"]["activation_token"], "password": "Doan-vien-2026-an-toan"},
    )
    assert activated.status_code == 200 and activated.json["status"] == "active"
    assert activated.json["roles"] == ["member"]
    member = api.as_(api.login("hn-000002@ha-noi", "Doan-vien-2026-an-toan"))
    me = member.get("/api/v1/me").json
    assert me["tenant"]["code"] == "LDLD-HN" and me["user"]["full_name"] == "Trần Văn Nam"

    listed = hanoi.get("/api/v1/members?q=thu trang").json
    assert [m["member_number"] for m in listed["items"]] == ["HN-000003"]
    (trang,) = listed["items"]
    assert trang["email"] == "trang.ltt@example.vn" and trang["status"] == "invited" and trang["unit_id"]
    assert hanoi.get("/api/v1/members?q=HN-00000").json["total"] == 3

    (event,) = imported_events(databases)
    contracts.MembersImported().load(event)
    assert (event["created"], event["updated"], event["unchanged"]) == (3, 0, 0)


def test_reimporting_the_same_file_changes_nothing_and_issues_no_token(api, login, databases):
    hanoi = api.as_(login("hanoi.admin"))
    first = upload(hanoi, MEMBERS).json
    again = upload(hanoi, MEMBERS)
    assert again.status_code == 200
    assert (again.json["created"], again.json["updated"], again.json["unchanged"]) == (0, 0, 3)
    assert again.json["credentials"] == []
    # the first tokens still work
    token = first["credentials"][0]["activation_token"]
    assert (
        api.post("/api/v1/auth/activate", json={"token": token, "password": "Mot-mat-khau-dai-2026"}).status_code == 200
    )
    assert hanoi.get("/api/v1/members").json["total"] == 3


def test_a_changed_row_updates_the_member_and_reissue_is_on_request(api, login):
    hanoi = api.as_(login("hanoi.admin"))
    old = {c["member_number"]: c for c in upload(hanoi, MEMBERS).json["credentials"]}
    changed = MEMBERS.replace(
        "Trần Văn Nam,1988-09-30,Nam,0912000002,,CDCS-CANON", "Trần Văn Nam Anh,1988-09-30,Nam,0912000002,,CDCS-MAY10"
    )
    result = upload(hanoi, changed)
    assert (result.json["created"], result.json["updated"], result.json["unchanged"]) == (0, 1, 2)
    (nam,) = hanoi.get("/api/v1/members?q=HN-000002").json["items"]
    units = {u["code"]: u["id"] for u in hanoi.get("/api/v1/units?per_page=100").json["items"]}
    assert nam["full_name"] == "Trần Văn Nam Anh" and nam["unit_id"] == units["CDCS-MAY10"]
    assert hanoi.get(f"/api/v1/users/{nam['user_id']}").json["full_name"] == "Trần Văn Nam Anh"

    reissued = upload(hanoi, changed, "?reissue=true")
    assert reissued.json["reissued"] == 3 and len(reissued.json["credentials"]) == 3
    spent = api.post(
        "/api/v1/auth/activate", json={"token": old["HN-000001"]["activation_token"], "password": "Mat-khau-moi-2026"}
    )
    assert spent.status_code == 400 and spent.json["code"] == "ACTIVATION_TOKEN_REVOKED"


def test_the_credentials_sheet_comes_as_csv_when_asked(api, login):
    response = upload(api.as_(login("hanoi.admin")), MEMBERS, headers={"Accept": "text/csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8").lstrip("\ufeff"))))
    assert [r["member_number"] for r in rows] == ["HN-000001", "HN-000002", "HN-000003"]
    assert all(len(r["activation_token"]) >= 40 for r in rows)


def test_bad_files_name_row_and_column_and_change_nothing(api, login, databases):
    hanoi = api.as_(login("hanoi.admin"))
    cases = {
        "wrong header": ("mã,tên\n1,An\n", (1, "mã")),
        "duplicate number": (MEMBERS + "HN-000001,Người Khác,,,0912000009,,,\n", (5, "Số thẻ đoàn viên")),
        "unknown unit": (MEMBERS.replace("CDCS-MAY10", "CDCS-KHONG-CO"), (4, "Mã đơn vị")),
        "bad e-mail": (MEMBERS.replace("trang.ltt@example.vn", "trang.ltt@"), (4, "E-mail")),
        "bad phone": (MEMBERS.replace("0912000002", "12-34"), (3, "Số điện thoại")),
        "empty": ("", (1, None)),
        "no data rows": (MEMBERS.splitlines()[0] + "\n", (2, None)),
    }
    for name, (text, where) in cases.items():
        response = upload(hanoi, text)
        assert response.status_code == 422, name
        assert response.json["code"] == "IMPORT_INVALID", name
        first = response.json["errors"][0]
        assert (first["row"], first["column"]) == where, name
        if where[1]:
            assert f"dòng {where[0]}, cột {where[1]}" in response.json["message"], name
    for raw in (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\xd7\x9c", "Số thẻ,Họ tên".encode("cp1258", "replace") + b"\xff"):
        not_csv = hanoi.post(
            "/api/v1/members/import",
            data={"file": (io.BytesIO(raw), "doan-vien.xlsx")},
            content_type="multipart/form-data",
        )
        assert not_csv.status_code == 422 and "file" in not_csv.json["errors"]
    no_file = hanoi.post("/api/v1/members/import", json={"csv": "x"})
    assert no_file.status_code == 422 and "file" in no_file.json["errors"]
    assert member_rows(databases) == 0 and imported_events(databases) == []


def test_a_file_over_the_cap_is_413_and_changes_nothing(api, login, gateway_app, databases):
    gateway_app.config["MEMBER_IMPORT_MAX_BYTES"] = 200
    response = upload(api.as_(login("hanoi.admin")), MEMBERS)
    assert response.status_code == 413 and response.json["code"] == "PAYLOAD_TOO_LARGE"
    assert "200" in response.json["message"]
    assert member_rows(databases) == 0


def test_a_member_file_may_exceed_the_general_upload_limit(api, login, gateway_app):
    general = gateway_app.config["MAX_CONTENT_LENGTH"]
    padded = MEMBERS.splitlines()[0] + "\n" + "\n" * (general + 1000)  # blank lines are skipped
    response = upload(api.as_(login("hanoi.admin")), padded)
    assert response.status_code == 422 and response.json["errors"][0]["row"] == 2


def test_another_tenants_admin_cannot_import_into_or_see_this_register(api, login):
    hanoi = api.as_(login("hanoi.admin"))
    upload(hanoi, MEMBERS)
    hanoi_id = hanoi.get("/api/v1/me").json["tenant"]["id"]
    danang = api.as_(login("danang.admin"))
    assert upload(danang, MEMBERS, f"?tenant_id={hanoi_id}").status_code == 404
    assert danang.get(f"/api/v1/members?tenant_id={hanoi_id}").status_code == 404
    assert danang.get("/api/v1/members").json["total"] == 0
    # Đà Nẵng has no unit CDCS-CANON: its own import names the unit
    own = upload(danang, MEMBERS)
    assert own.status_code == 422 and own.json["errors"][0]["column"] == "Mã đơn vị"
    # a member of Hà Nội is no administrator
    assert upload(api.as_(login("hanoi.member")), MEMBERS).status_code == 403


def test_the_platform_admin_imports_into_a_named_tenant(api, login):
    office = api.as_(login("admin"))
    danang_id = api.as_(login("danang.admin")).get("/api/v1/me").json["tenant"]["id"]
    text = "member_number,full_name,phone\nDN-1,Phan Văn Đức,0905000001\n"
    result = upload(office, text, f"?tenant_id={danang_id}")
    assert result.status_code == 200 and result.json["tenant_id"] == danang_id
    assert result.json["credentials"][0]["username"] == "dn-1@da-nang"


def test_count_members_for_polls(api, login, accounts_service):
    hanoi = api.as_(login("hanoi.admin"))
    upload(hanoi, MEMBERS)
    hanoi_id = hanoi.get("/api/v1/me").json["tenant"]["id"]
    danang_id = api.as_(login("danang.admin")).get("/api/v1/me").json["tenant"]["id"]
    with ServiceRpcProxy("accounts", {"AMQP_URI": accounts_service.config["AMQP_URI"]}, timeout=10) as rpc:
        # the demo's hanoi.member plus the three imported
        assert rpc.count_members(SYSTEM.dump(), [hanoi_id, danang_id]) == {hanoi_id: 4, danang_id: 0}
        admin = {"user_id": "x", "tenant_id": danang_id, "roles": ["tenant_admin"]}
        assert rpc.count_members(admin, [danang_id]) == {danang_id: 0}
        with pytest.raises(NotFound):
            rpc.count_members(admin, [hanoi_id])
        with pytest.raises(InvalidInput):
            rpc.count_members(SYSTEM.dump(), ["not-an-id"])


def test_a_merge_moves_members_and_refuses_clashing_member_numbers(api, login):
    office = api.as_(login("admin"))
    hanoi = api.as_(login("hanoi.admin"))
    danang = api.as_(login("danang.admin"))
    hn_id = hanoi.get("/api/v1/me").json["tenant"]["id"]
    dn_id = danang.get("/api/v1/me").json["tenant"]["id"]
    upload(hanoi, MEMBERS)
    assert upload(danang, "member_number,full_name,phone\nHN-000001,Trùng Số Thẻ,0905000001\n").status_code == 200
    clash = office.post(f"/api/v1/tenants/{dn_id}/merge", json={"into": hn_id})
    assert clash.status_code == 409 and clash.json["code"] == "MEMBER_NUMBER_CLASH"
    assert "HN-000001" in clash.json["message"]
    assert office.get(f"/api/v1/tenants/{dn_id}").json["status"] == "active"


def test_a_merge_brings_the_merged_tenants_members_along(api, login):
    office = api.as_(login("admin"))
    hanoi = api.as_(login("hanoi.admin"))
    hn_id = hanoi.get("/api/v1/me").json["tenant"]["id"]
    dn_id = api.as_(login("danang.admin")).get("/api/v1/me").json["tenant"]["id"]
    upload(hanoi, MEMBERS)
    upload(api.as_(login("danang.admin")), "member_number,full_name,phone\nDN-1,Phan Văn Đức,0905000001\n")
    assert office.post(f"/api/v1/tenants/{dn_id}/merge", json={"into": hn_id}).status_code == 200
    assert hanoi.get("/api/v1/members?q=DN-1").json["items"][0]["full_name"] == "Phan Văn Đức"
    assert hanoi.get("/api/v1/members").json["total"] == 4


def test_the_demo_member_file_imports_into_the_demo_federation(api, login):
    from pathlib import Path

    demo_file = Path(__file__).parents[2] / "services/accounts/demo/members-ha-noi.csv"
    result = upload(api.as_(login("hanoi.admin")), demo_file.read_text(encoding="utf-8"))
    assert result.status_code == 200, result.json
    assert result.json["created"] == 5
