"""Member organisations: create, read, update, import from registrations, merge."""

import csv
import io

from sqlalchemy import select

from platform_shared.contracts import accounts as contracts
from platform_shared.tables import outbox

REGISTRATIONS = (
    "code,name,kind,parent_code,admin_name,admin_email\n"
    "LDLD-HP,Liên đoàn Lao động thành phố Hải Phòng,provincial_federation,TLD,Phạm Thị Hoa,hoa.hp@example.vn\n"
    "LDLD-CT,Liên đoàn Lao động thành phố Cần Thơ,provincial_federation,TLD,Võ Văn Tâm,tam.ct@example.vn\n"
    "CD-DK,Công đoàn Dầu khí Việt Nam,sectoral_union,TLD,Trịnh Minh Đức,duc.dk@example.vn\n"
)


def events_of(databases, event_type):
    with databases.sessions("accounts").transaction() as session:
        return (
            session.execute(select(outbox.c.payload).where(outbox.c.event_type == event_type).order_by(outbox.c.id))
            .scalars()
            .all()
        )


def upload(client, text, **kwargs):
    return client.post(
        "/api/v1/tenants/import",
        data={"file": (io.BytesIO(text.encode("utf-8")), "dk.csv")},
        content_type="multipart/form-data",
        **kwargs,
    )


def test_the_office_imports_registrations_and_each_admin_activates_and_builds_a_tree(api, login, databases):
    office = api.as_(login("admin"))
    result = upload(office, REGISTRATIONS)
    assert result.status_code == 200, result.json
    assert [t["code"] for t in result.json["created"]] == ["LDLD-HP", "LDLD-CT", "CD-DK"]
    assert result.json["unchanged"] == []
    sheet = {c["tenant_code"]: c for c in result.json["credentials"]}
    assert sheet["LDLD-HP"]["username"] == "hoa.hp@example.vn"

    # the Hải Phòng administrator activates with the one-time token and signs in
    activated = api.post(
        "/api/v1/auth/activate",
        json={"token": sheet["LDLD-HP"]["activation_token"], "password": "Hai-Phong-2026-an-toan"},
    )
    assert activated.status_code == 200 and activated.json["status"] == "active"
    again = api.post(
        "/api/v1/auth/activate",
        json={"token": sheet["LDLD-HP"]["activation_token"], "password": "Hai-Phong-2026-an-toan"},
    )
    assert again.status_code == 400 and again.json["code"] == "ACTIVATION_TOKEN_USED"
    hp = api.as_(api.login("hoa.hp@example.vn", "Hai-Phong-2026-an-toan"))
    assert hp.get("/api/v1/me").json["tenant"]["code"] == "LDLD-HP"

    # builds its unit tree and invites its staff
    upper = hp.post("/api/v1/units", json={"name": "Công đoàn Khu kinh tế Hải Phòng", "kind": "upper_grassroots"})
    assert upper.status_code == 201, upper.json
    cdcs = hp.post(
        "/api/v1/units",
        json={"name": "Công đoàn cơ sở Công ty LG Display", "code": "CDCS-LGD", "parent_id": upper.json["id"]},
    )
    assert cdcs.status_code == 201 and cdcs.json["depth"] == 1
    invited = hp.post(
        "/api/v1/users",
        json={
            "email": "bientap.hp@example.vn",
            "full_name": "Lưu Thị Ngọc",
            "roles": ["contributor"],
            "unit_id": cdcs.json["id"],
        },
    )
    assert invited.status_code == 201, invited.json
    assert invited.json["user"]["status"] == "invited" and invited.json["activation_token"]
    tree = hp.get("/api/v1/units").json
    assert [u["name"] for u in tree["items"]] == [
        "Công đoàn Khu kinh tế Hải Phòng",
        "Công đoàn cơ sở Công ty LG Display",
    ]

    # facts went to the outbox with the change
    created = [e for e in events_of(databases, contracts.TENANT_CREATED) if e["code"] in sheet]
    assert len(created) == 3
    for payload in created:
        contracts.TenantCreated().load(payload)


def test_reimporting_the_same_file_creates_nothing_new(api, login, databases):
    office = api.as_(login("admin"))
    assert upload(office, REGISTRATIONS).status_code == 200
    before = len(events_of(databases, contracts.USER_CREATED))
    again = upload(office, REGISTRATIONS)
    assert again.status_code == 200
    assert again.json["created"] == [] and again.json["credentials"] == []
    assert sorted(t["code"] for t in again.json["unchanged"]) == ["CD-DK", "LDLD-CT", "LDLD-HP"]
    assert len(events_of(databases, contracts.USER_CREATED)) == before


def test_the_credentials_sheet_comes_as_csv_when_asked(api, login):
    office = api.as_(login("admin"))
    response = upload(office, REGISTRATIONS, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["tenant_code"] for r in rows] == ["LDLD-HP", "LDLD-CT", "CD-DK"]
    assert all(len(r["activation_token"]) >= 40 for r in rows)


def test_a_raw_text_csv_body_is_accepted(api, login):
    response = api.as_(login("admin")).post(
        "/api/v1/tenants/import", data=REGISTRATIONS.encode(), content_type="text/csv"
    )
    assert response.status_code == 200 and len(response.json["created"]) == 3


def test_a_malformed_row_names_row_and_column_and_nothing_is_applied(api, login, databases):
    office = api.as_(login("admin"))
    before = office.get("/api/v1/tenants?per_page=100").json["total"]
    bad = REGISTRATIONS + "LDLD-XX,Tên,galaxy_union,TLD,Ai Đó,ai@example.vn\n"
    response = upload(office, bad)
    assert response.status_code == 422
    assert response.json["code"] == "IMPORT_INVALID"
    assert {k: response.json["errors"][0][k] for k in ("row", "column")} == {"row": 5, "column": "kind"}
    assert "dòng 5, cột kind" in response.json["message"]
    assert office.get("/api/v1/tenants?per_page=100").json["total"] == before


def test_import_refuses_bad_files(api, login):
    office = api.as_(login("admin"))
    latin1 = office.post(
        "/api/v1/tenants/import",
        data={"file": (io.BytesIO("code,tên".encode("latin-1")), "x.csv")},
        content_type="multipart/form-data",
    )
    assert latin1.status_code == 422 and "file" in latin1.json["errors"]
    nothing = office.post("/api/v1/tenants/import", json={"csv": "x"})
    assert nothing.status_code == 422 and "file" in nothing.json["errors"]
    empty = upload(office, "")
    assert empty.status_code == 422 and empty.json["code"] == "IMPORT_INVALID"
    duplicate_code = upload(office, REGISTRATIONS + "LDLD-HP,Lặp,provincial_federation,TLD,Ai Đó,khac@example.vn\n")
    assert duplicate_code.status_code == 422
    assert {"row": 5, "column": "code"} in [
        {"row": e["row"], "column": e["column"]} for e in duplicate_code.json["errors"]
    ]


def test_only_the_platform_admin_imports_and_creates(api, login):
    hanoi = api.as_(login("hanoi.admin"))
    assert upload(hanoi, REGISTRATIONS).status_code == 403
    created = hanoi.post(
        "/api/v1/tenants", json={"code": "NEW", "name": "Mới", "kind": "corporate_union", "parent_id": None}
    )
    assert created.status_code == 403


def test_create_read_update_a_tenant(api, login):
    office = api.as_(login("admin"))
    tld = office.get("/api/v1/tenants?kind=confederation").json["items"][0]
    created = office.post(
        "/api/v1/tenants",
        json={
            "code": "CD-VNA",
            "name": "Công đoàn Tổng công ty Hàng không",
            "kind": "corporate_union",
            "parent_id": tld["id"],
        },
    )
    assert created.status_code == 201, created.json
    assert created.json["slug"] == "cd-vna" and created.json["kind_label"] == "Công đoàn Tổng công ty"
    duplicate = office.post(
        "/api/v1/tenants",
        json={"code": "cd-vna", "name": "Trùng mã", "kind": "corporate_union", "parent_id": tld["id"]},
    )
    assert duplicate.status_code == 409 and "code" in duplicate.json["errors"]
    renamed = office.patch(f"/api/v1/tenants/{created.json['id']}", json={"name": "Công đoàn Vietnam Airlines"})
    assert renamed.status_code == 200 and renamed.json["name"] == "Công đoàn Vietnam Airlines"
    cycle = office.patch(f"/api/v1/tenants/{tld['id']}", json={"parent_id": created.json["id"]})
    assert cycle.status_code == 422


def test_a_tenant_admin_reads_and_renames_its_own_tenant_only(api, login):
    hanoi = api.as_(login("hanoi.admin"))
    own = hanoi.get("/api/v1/me").json["tenant"]
    assert hanoi.get(f"/api/v1/tenants/{own['id']}").status_code == 200
    listed = hanoi.get("/api/v1/tenants").json
    assert [t["id"] for t in listed["items"]] == [own["id"]]
    danang_id = api.as_(login("danang.admin")).get("/api/v1/me").json["tenant"]["id"]
    assert hanoi.get(f"/api/v1/tenants/{danang_id}").status_code == 404
    assert hanoi.patch(f"/api/v1/tenants/{danang_id}", json={"name": "Chiếm quyền"}).status_code == 404
    assert hanoi.patch(f"/api/v1/tenants/{own['id']}", json={"short_name": "LĐLĐ Hà Nội"}).status_code == 200
    assert hanoi.patch(f"/api/v1/tenants/{own['id']}", json={"status": "suspended"}).status_code == 403


def test_merge_moves_people_and_units_and_keeps_the_id(api, login, databases, demo):
    office = api.as_(login("admin"))
    hn = api.as_(login("hanoi.admin")).get("/api/v1/me").json["tenant"]
    dn_admin = login("danang.admin")
    dn = api.as_(dn_admin).get("/api/v1/me").json["tenant"]
    merged = office.post(f"/api/v1/tenants/{dn['id']}/merge", json={"into": hn["id"]})
    assert merged.status_code == 200, merged.json
    assert merged.json["id"] == dn["id"]
    assert merged.json["status"] == "merged" and merged.json["merged_into_id"] == hn["id"]

    # the Đà Nẵng admin now belongs to Hà Nội and must sign in again
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": dn_admin["refresh_token"]}).status_code == 401
    again = api.login("danang.admin", demo["demo"])
    assert api.as_(again).get("/api/v1/me").json["tenant"]["id"] == hn["id"]
    units = api.as_(login("hanoi.admin")).get("/api/v1/units?per_page=100").json["items"]
    assert "Công đoàn cơ sở Công ty Cổ phần Dệt may 29/3" in [u["name"] for u in units]

    (event,) = events_of(databases, contracts.TENANT_MERGED)
    contracts.TenantMerged().load(event)
    assert (event["tenant_id"], event["into_tenant_id"]) == (dn["id"], hn["id"])

    twice = office.post(f"/api/v1/tenants/{dn['id']}/merge", json={"into": hn["id"]})
    assert twice.status_code == 409
    into_itself = office.post(f"/api/v1/tenants/{hn['id']}/merge", json={"into": hn["id"]})
    assert into_itself.status_code == 422 and "into" in into_itself.json["errors"]
    unknown = office.post(f"/api/v1/tenants/{hn['id']}/merge", json={"into": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c"})
    assert unknown.status_code == 422 and "into" in unknown.json["errors"]
