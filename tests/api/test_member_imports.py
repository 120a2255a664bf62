"""Member import jobs over the API (``/api/v1/members/imports``) and a member's record
(``/api/v1/members/{member_id}``, ``/members/summary``), through the gateway to the real accounts
service: a file checked without applying anything, refused with every bad row and column named
(CSV and XLSX), started as a job that the service's timer runs to the end, its credentials sheet
for its importer only (CSV, XLSX, PDF), the Idempotency-Key answering the same job, another
tenant's objects 404, a contributor 403, bad input 4xx naming the field."""

import csv
import io
import uuid

from openpyxl import Workbook, load_workbook

from platform_shared.testing.waiting import wait_for

IMPORTS = "/api/v1/members/imports"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = "Số thẻ đoàn viên,Họ và tên,Ngày sinh,Giới tính,Số điện thoại,E-mail,Mã đơn vị,Ngày vào Công đoàn\n"
MEMBERS = (
    HEADER + "HN-000001,Nguyễn Thị Hoa,12/04/1991,Nữ,0912000001,hoa.nt@example.vn,CDCS-CANON,01/06/2015\n"
    "HN-000002,Trần Văn Nam,1988-09-30,Nam,0912000002,,CDCS-CANON,\n"
    "HN-000003,Lê Thị Thu Trang,,,,trang.ltt@example.vn,CDCS-MAY10,\n"
)


def many(count, *, start=1):
    return HEADER + "".join(
        f"HN-{i:06d},Phạm Thị Ngọc Ánh {i},,Nữ,09{i:08d},,CDCS-MAY10,\n" for i in range(start, start + count)
    )


def send(client, path, content, *, filename="doan-vien.csv", query="", headers=None):
    content = content.encode() if isinstance(content, str) else content
    return client.post(
        f"{path}{query}",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        headers=headers,
    )


def finished(client, location):
    """The job once the service's timer has applied every row."""
    return wait_for(
        lambda: (lambda job: job if job["state"] in ("done", "failed") else None)(client.get(location).json),
        timeout=90,
        interval=0.25,
        message="the import to finish",
    )


def register_total(client):
    return client.get("/api/v1/members").json["total"]


def test_a_job_started_over_the_api_runs_to_done_and_its_importer_downloads_the_sheet(api, login):
    hanoi = api.as_(login("hanoi.admin"))
    checked = send(hanoi, f"{IMPORTS}/check", MEMBERS)
    assert checked.status_code == 200, checked.json
    assert (checked.json["rows"], checked.json["create"], checked.json["format"]) == (3, 3, "csv")
    assert register_total(hanoi) == 0 and hanoi.get(IMPORTS).json["total"] == 0  # a check applies nothing

    key = str(uuid.uuid4())
    started = send(hanoi, IMPORTS, MEMBERS, headers={"Idempotency-Key": key})
    assert started.status_code == 202, started.json
    job = started.json
    assert started.headers["Location"] == f"{IMPORTS}/{job['id']}"
    assert (job["state"], job["total_rows"], job["done_rows"], job["mine"]) == ("pending", 3, 0, True)
    # The same request with the same key answers the same job; another file under it is refused.
    again = send(hanoi, IMPORTS, MEMBERS, headers={"Idempotency-Key": key})
    assert (again.status_code, again.json["id"], again.headers["Location"]) == (
        202,
        job["id"],
        started.headers["Location"],
    )
    reused = send(hanoi, IMPORTS, many(1, start=500), headers={"Idempotency-Key": key})
    assert reused.status_code == 422 and reused.json["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert [j["id"] for j in hanoi.get(IMPORTS).json["items"]] == [job["id"]]

    done = finished(hanoi, started.headers["Location"])
    assert (done["state"], done["done_rows"], done["percent"], done["created"]) == ("done", 3, 100, 3)
    assert done["sheet_available"] is True and register_total(hanoi) == 3
    assert hanoi.get(IMPORTS, query_string={"state": "done"}).json["items"][0]["id"] == job["id"]
    assert hanoi.get(IMPORTS, query_string={"state": "open"}).json["total"] == 0

    sheet = hanoi.get(f"{IMPORTS}/{job['id']}/sheet?format=csv")
    assert sheet.status_code == 200 and sheet.mimetype == "text/csv"
    assert sheet.headers["Content-Disposition"].startswith('attachment; filename="ma-kich-hoat-doan-vien-')
    assert sheet.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.DictReader(io.StringIO(sheet.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["Họ và tên"] for r in rows] == ["Nguyễn Thị Hoa", "Trần Văn Nam", "Lê Thị Thu Trang"]
    assert rows[0]["Đường dẫn kích hoạt"].endswith("/kich-hoat?token=" + rows[0]["Mã kích hoạt"])
    activated = api.post(
        "/api/v1/auth/activate", json={"token": rows[1]["Mã kích hoạt"], "password": "Doan-vien-2026-an-toan"}
    )
    assert activated.status_code == 200 and activated.json["username"] == "hn-000002@ha-noi"

    workbook = hanoi.get(f"{IMPORTS}/{job['id']}/sheet?format=xlsx")
    assert workbook.status_code == 200 and workbook.mimetype == XLSX
    assert workbook.headers["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(workbook.data), read_only=True)
    assert next(book.worksheets[0].iter_rows(min_row=2, values_only=True))[1] == "Nguyễn Thị Hoa"
    pdf = hanoi.get(f"{IMPORTS}/{job['id']}/sheet?format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")

    # The platform administrator follows the job; only its importer gets the codes.
    office = api.as_(login("admin"))
    assert office.get(f"{IMPORTS}/{job['id']}").json["mine"] is False
    refused = office.get(f"{IMPORTS}/{job['id']}/sheet?format=csv")
    assert refused.status_code == 403 and refused.json["code"] == "SHEET_OWNER_ONLY"

    summary = hanoi.get("/api/v1/members/summary").json
    assert (summary["registered"], summary["invited"], summary["activated"], summary["open_imports"]) == (3, 2, 1, 0)


def test_the_template_as_xlsx_and_a_csv_body_import_into_a_named_tenant(api, login):
    hanoi = api.as_(login("hanoi.admin"))
    template = hanoi.get(f"{IMPORTS}/template?format=xlsx")
    assert template.status_code == 200 and template.mimetype == XLSX and template.data.startswith(b"PK")
    assert hanoi.get(f"{IMPORTS}/template").get_data(as_text=True).lstrip("\ufeff").startswith("Số thẻ đoàn viên,")
    raw = hanoi.post(f"{IMPORTS}/check", data=template.data, content_type=XLSX)
    assert raw.status_code == 200 and (raw.json["format"], raw.json["create"]) == ("xlsx", 2)
    started = send(hanoi, IMPORTS, template.data, filename="mau.xlsx")
    assert started.status_code == 202, started.json
    assert started.json["format"] == "xlsx" and finished(hanoi, started.headers["Location"])["created"] == 2

    # The platform administrator imports a CSV body into Đà Nẵng, which it names.
    danang = api.as_(login("danang.admin"))
    danang_id = danang.get("/api/v1/me").json["tenant"]["id"]
    office = api.as_(login("admin"))
    body = "member_number,full_name,phone\nDN-1,Phan Văn Đức,0905000001\n"
    job = office.post(f"{IMPORTS}?tenant_id={danang_id}", data=body.encode(), content_type="text/csv")
    assert job.status_code == 202 and job.json["tenant_id"] == danang_id
    assert finished(office, job.headers["Location"])["created"] == 1
    assert [m["member_number"] for m in danang.get("/api/v1/members").json["items"]] == ["DN-1"]
    assert danang.get(IMPORTS).json["items"][0]["id"] == job.json["id"]
    assert office.get(f"/api/v1/members/summary?tenant_id={danang_id}").json["registered"] == 1


def test_a_file_with_two_bad_rows_is_refused_naming_both_and_nothing_is_applied(api, login):
    hanoi = api.as_(login("hanoi.admin"))
    bad = many(300)
    bad = bad.replace("HN-000123,Phạm Thị Ngọc Ánh 123,,Nữ,0900000123", "HN-000123,Phạm Thị Ngọc Ánh 123,,Nữ,09-12")
    bad = bad.replace("HN-000234,Phạm Thị Ngọc Ánh 234,,Nữ", "HN-000234,Phạm Thị Ngọc Ánh 234,31/02/1990,Nữ")
    book = Workbook()
    for line in bad.splitlines():
        book.active.append(line.split(","))
    xlsx = io.BytesIO()
    book.save(xlsx)
    for path in (f"{IMPORTS}/check", IMPORTS):
        for content, filename in ((bad, "doan-vien.csv"), (xlsx.getvalue(), "doan-vien.xlsx")):
            refused = send(hanoi, path, content, filename=filename)
            assert refused.status_code == 422, (path, filename, refused.json)
            assert refused.json["code"] == "IMPORT_INVALID" and refused.json["message"].startswith("Tệp có 2 lỗi")
            assert [(e["row"], e["column"]) for e in refused.json["errors"]] == [
                (124, "Số điện thoại"),
                (235, "Ngày sinh"),
            ], (path, filename)
    # A file that is no table, no file at all, an empty one: each named; nothing was applied.
    picture = send(hanoi, IMPORTS, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", filename="anh.png")
    assert picture.status_code == 422 and "file" in picture.json["errors"]
    no_file = hanoi.post(IMPORTS, json={"file": "x"})
    assert no_file.status_code == 422 and "file" in no_file.json["errors"]
    empty = send(hanoi, f"{IMPORTS}/check", b"")
    assert empty.status_code == 422 and empty.json["errors"][0]["row"] == 1
    assert hanoi.get(IMPORTS).json["total"] == 0 and register_total(hanoi) == 0


def test_a_member_is_read_and_edited_with_the_account_following_and_bad_input_changes_nothing(api, login):
    hanoi = api.as_(login("hanoi.admin"))
    legacy = send(hanoi, "/api/v1/members/import", MEMBERS)
    assert legacy.status_code == 200, legacy.json
    listed = {m["member_number"]: m for m in hanoi.get("/api/v1/members").json["items"]}
    hoa = listed["HN-000001"]
    assert hanoi.get(f"/api/v1/members/{hoa['id']}").json == hoa

    units = {u["code"]: u["id"] for u in hanoi.get("/api/v1/units?per_page=100").json["items"]}
    edited = hanoi.patch(
        f"/api/v1/members/{hoa['id']}",
        json={"full_name": "Nguyễn Thị Hoa Mai", "unit_id": units["CDCS-MAY10"], "phone": "0912 000 111"},
    )
    assert edited.status_code == 200, edited.json
    assert (edited.json["full_name"], edited.json["unit_id"]) == ("Nguyễn Thị Hoa Mai", units["CDCS-MAY10"])
    account = hanoi.get(f"/api/v1/users/{hoa['user_id']}").json
    assert (account["full_name"], account["unit_id"]) == ("Nguyễn Thị Hoa Mai", units["CDCS-MAY10"])

    for body, field in (
        ({"email": "hoa@"}, "email"),
        ({"gender": "unknown"}, "gender"),
        ({"member_number": "HN-9"}, "member_number"),
        ({"unit_id": str(uuid.uuid4())}, "unit_id"),
        ({"full_name": "N"}, "full_name"),
    ):
        refused = hanoi.patch(f"/api/v1/members/{hoa['id']}", json=body)
        assert refused.status_code == 422 and field in refused.json["errors"], (body, refused.json)
    assert hanoi.get(f"/api/v1/members/{hoa['id']}").json == edited.json


def test_another_tenant_gets_404_a_contributor_or_member_403_a_stranger_401(api, login):
    hanoi = api.as_(login("hanoi.admin"))
    send(hanoi, "/api/v1/members/import", MEMBERS)
    member_id = hanoi.get("/api/v1/members?q=HN-000001").json["items"][0]["id"]
    started = send(hanoi, IMPORTS, many(2, start=900))
    assert started.status_code == 202, started.json
    job = started.headers["Location"]
    hanoi_id = hanoi.get("/api/v1/me").json["tenant"]["id"]
    reads = (f"/api/v1/members/{member_id}", job, f"{job}/sheet?format=csv")

    danang = api.as_(login("danang.admin"))
    for path in reads:
        answer = danang.get(path)
        assert answer.status_code == 404 and answer.json["code"].endswith("NOT_FOUND"), path
    assert danang.patch(f"/api/v1/members/{member_id}", json={"full_name": "Tên Đã Bị Sửa"}).status_code == 404
    assert danang.get(f"{IMPORTS}?tenant_id={hanoi_id}").status_code == 404
    assert danang.get(f"/api/v1/members/summary?tenant_id={hanoi_id}").status_code == 404
    assert send(danang, IMPORTS, MEMBERS, query=f"?tenant_id={hanoi_id}").status_code == 404
    assert danang.get(IMPORTS).json["total"] == 0

    for who in ("hanoi.contributor", "hanoi.member"):
        other = api.as_(login(who))
        for path in (*reads, IMPORTS, "/api/v1/members/summary"):
            answer = other.get(path)
            assert answer.status_code == 403 and answer.json["code"] == "TENANT_ADMIN_REQUIRED", (who, path)
        assert other.patch(f"/api/v1/members/{member_id}", json={"full_name": "Tên Đã Bị Sửa"}).status_code == 403
        for path in (IMPORTS, f"{IMPORTS}/check"):
            assert send(other, path, MEMBERS).status_code == 403, (who, path)
    for path in (*reads, IMPORTS, f"{IMPORTS}/template"):
        assert api.get(path).status_code == 401, path
    assert send(api, f"{IMPORTS}/check", MEMBERS).status_code == 401

    assert hanoi.get(f"/api/v1/members/{member_id}").json["full_name"] == "Nguyễn Thị Hoa"
    finished(hanoi, job)
    assert register_total(hanoi) == 5  # the 3 of the old import and the 2 of the job only
    for path in (f"{IMPORTS}/{uuid.uuid4()}", f"{IMPORTS}/not-an-id", f"/api/v1/members/{uuid.uuid4()}"):
        assert hanoi.get(path).status_code == 404, path


def test_bad_arguments_are_4xx_naming_the_field_and_a_file_over_the_cap_413(api, login, gateway_app):
    hanoi = api.as_(login("hanoi.admin"))
    started = send(hanoi, IMPORTS, many(1, start=700))
    job = started.headers["Location"]
    cases = {
        f"{job}/sheet?format=doc": "format",
        f"{job}/sheet": "format",
        f"{job}/sheet?format=csv&extra=1": "extra",
        f"{IMPORTS}?state=stuck": "state",
        f"{IMPORTS}?per_page=0": "per_page",
        f"{IMPORTS}?sort=new": "sort",
        f"{IMPORTS}/template?format=pdf": "format",
        "/api/v1/members/summary?tenant_id=HN": "tenant_id",
        "/api/v1/members/summary?unit=1": "unit",
    }
    for path, field in cases.items():
        answer = hanoi.get(path)
        assert answer.status_code == 422, (path, answer.json)
        assert field in answer.json["errors"] and answer.json["code"] == "VALIDATION_ERROR", (path, answer.json)
        assert field in answer.json["message"], (path, answer.json)
    for query, field in (("?reissue=maybe", "reissue"), ("?request_key=abcdefgh12", "request_key")):
        answer = send(hanoi, IMPORTS, MEMBERS, query=query)
        assert answer.status_code == 422 and field in answer.json["errors"], (query, answer.json)
    malformed = send(hanoi, IMPORTS, MEMBERS, headers={"Idempotency-Key": "không hợp lệ"})
    assert malformed.status_code == 400 and malformed.json["code"] == "IDEMPOTENCY_KEY_INVALID"
    finished(hanoi, job)

    gateway_app.config["MEMBER_IMPORT_MAX_BYTES"] = 200
    for path in (IMPORTS, f"{IMPORTS}/check"):
        too_big = send(hanoi, path, MEMBERS)
        assert too_big.status_code == 413 and too_big.json["code"] == "PAYLOAD_TOO_LARGE", path
        assert "200" in too_big.json["message"]
    assert hanoi.get(IMPORTS).json["total"] == 1 and register_total(hanoi) == 1

    document = api.get("/api/v1/openapi.json").json["paths"]

    def takes_key(path):
        return any(p.get("name") == "Idempotency-Key" for p in document[path]["post"].get("parameters", []))

    assert takes_key(IMPORTS) and not takes_key(f"{IMPORTS}/check")
