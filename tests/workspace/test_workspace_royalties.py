"""The royalty officer's pages (/quan-tri/nhuan-but): items waiting for a score with their legal
range and unit value, scoring within range (and refused above it with the limit named), batch
scoring, a month's statement drafted, approved and paid, its CSV and XLSX, the overdue list and
the reconciliation. Publications reach royalties as content's facts: through the content relay
from a real publication, or put on the broker as the relay would (a chosen publication day)."""

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from platform_shared.clock import VN_TZ
from platform_shared.testing.facts import article_published
from platform_shared.testing.waiting import wait_for

NOW = datetime.now(UTC)


def csrf_of(response):
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def text(response):
    return response.get_data(as_text=True)


def month_of(moment):
    local = moment.astimezone(VN_TZ)
    return f"{local.year:04d}-{local.month:02d}"


@pytest.fixture
def desk(api, login, royalties_service):
    """The paying desk through the API (to read what the pages did), and the contributor who is paid."""
    officer = api.as_(login("laodong.royalty"))
    me = api.as_(login("hanoi.contributor")).get("/api/v1/me").json["user"]
    return {"officer": officer, "me": me}


def items(officer, count, **query):
    return wait_for(
        lambda: (
            (r := officer.get("/api/v1/royalties/items", query_string={"per_page": 100, **query}).json)["total"]
            == count
            and r["items"]
        ),
        message=f"{count} royalty items",
    )


def item_status(officer, item_id):
    return officer.get(f"/api/v1/royalties/items/{item_id}").json["status"]


def post_scores(client, fields, *, path="/quan-tri/nhuan-but"):
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_of(page), **fields})


def test_a_real_publication_waits_for_a_score_with_its_range_and_unit_value(staff_as, newsroom, relay, desk):
    relay("content")  # royalties hears of publications through content's relay, as in production
    newsroom.publish("Công đoàn Khu công nghiệp Quang Minh ký thỏa ước lao động tập thể")
    (item,) = items(desk["officer"], 1, status="pending_score")
    html = text(staff_as("laodong.royalty").get("/quan-tri/nhuan-but"))
    row = re.search(rf'<section class="roy-item" id="dong-{item["id"]}".*?</section>', html, re.S).group(0)
    assert "Công đoàn Khu công nghiệp Quang Minh ký thỏa ước lao động tập thể" in row
    assert "tối đa <strong>10</strong>" in row and "234.000 đ" in row  # news: 10; the unit value since 07/2024
    assert 'data-unit-value="234000"' in row and 'data-share="100"' in row and 'data-site-share="100"' in row
    assert "từ 40% đến 65%" in row and "từ 10% đến 20%" in row  # translation; children or minorities
    assert f'name="coefficient-{item["id"]}"' in row and f'aria-describedby="gioi-han-{item["id"]}"' in row
    assert 'src="/static/workspace/royalties.js"' in html and "Lưu điểm" in row


def test_a_score_within_range_is_saved_and_above_it_refused_with_the_limit(staff_as, content_event, desk):
    content_event(article_published(desk["me"], at=NOW - timedelta(days=3)))
    (item,) = items(desk["officer"], 1)
    officer = staff_as("laodong.royalty")

    refused = post_scores(officer, {"item": item["id"], f"coefficient-{item['id']}": "10,5", "luu": item["id"]})
    assert refused.status_code == 422
    html = text(refused)
    message = re.search(rf'id="loi-coefficient-{item["id"]}">([^<]+)<', html).group(1)
    assert "vượt mức tối đa 10" in message and "«Tin»" in message
    assert 'value="10,5"' in html and 'aria-invalid="true"' in html  # the typed text kept
    assert item_status(desk["officer"], item["id"]) == "pending_score"  # nothing changed

    saved = post_scores(officer, {"item": item["id"], f"coefficient-{item['id']}": "7,5", "luu": item["id"]})
    assert saved.status_code == 303
    flash = text(officer.get(saved.headers["Location"]))
    assert "Đã lưu điểm 1 khoản" in flash and "1.755.000 đ" in flash  # 7.5 × 234,000
    assert item_status(desk["officer"], item["id"]) == "scored"


def test_an_adjustment_out_of_its_range_is_named_beside_its_field(staff_as, content_event, desk):
    content_event(article_published(desk["me"], at=NOW - timedelta(days=3)))
    (item,) = items(desk["officer"], 1)
    answer = post_scores(
        staff_as("laodong.royalty"),
        {"item": item["id"], f"coefficient-{item['id']}": "5", f"translation-{item['id']}": "80", "luu": "tat-ca"},
    )
    assert answer.status_code == 422
    assert "từ 40% đến 65%" in re.search(rf'id="loi-translation-{item["id"]}">([^<]+)<', text(answer)).group(1)
    assert item_status(desk["officer"], item["id"]) == "pending_score"


def test_batch_scoring_saves_the_valid_rows_and_keeps_each_error_beside_its_row(staff_as, content_event, desk):
    content_event(article_published(desk["me"], at=NOW - timedelta(days=4), photos=[str(uuid.uuid4())]))
    content_event(article_published(desk["me"], at=NOW - timedelta(days=2)))
    found = items(desk["officer"], 3)
    photo = next(i for i in found if i["kind"] == "photo")
    first, second = [i for i in found if i["kind"] == "author"]
    fields = {
        "item": [photo["id"], first["id"], second["id"]],
        f"coefficient-{photo['id']}": "12",  # a photo: at most 10
        f"coefficient-{first['id']}": "6",
        f"children_or_minorities-{first['id']}": "15",
        f"coefficient-{second['id']}": "",  # left blank: not scored, no error
        "luu": "tat-ca",
    }
    answer = post_scores(staff_as("laodong.royalty"), fields)
    assert answer.status_code == 422
    html = text(answer)
    saved = re.search(r'id="da-luu">(.*?)</div>', html, re.S).group(1)
    assert "Đã lưu điểm 1 khoản" in saved and "1.614.600 đ" in saved  # 6 × 234,000 × 1.15
    assert "tối đa 10" in re.search(rf'id="loi-coefficient-{photo["id"]}">([^<]+)<', html).group(1)
    assert f'id="loi-coefficient-{second["id"]}"' not in html
    assert "1 khoản chưa lưu được" in html
    officer = desk["officer"]
    assert [item_status(officer, i["id"]) for i in (photo, first, second)] == [
        "pending_score",
        "scored",
        "pending_score",
    ]


def test_a_month_is_drafted_approved_and_paid_through_the_pages(staff_as, content_event, desk):
    at = NOW - timedelta(days=20)
    content_event(article_published(desk["me"], at=at, photos=[str(uuid.uuid4())]))
    found = items(desk["officer"], 2)
    for item in found:
        coefficient = "7.5" if item["kind"] == "author" else "2"
        assert desk["officer"].post(f"/api/v1/royalties/items/{item['id']}/score", json={"coefficient": coefficient})
    officer = staff_as("laodong.royalty")
    period = month_of(at)

    listing = officer.get("/quan-tri/nhuan-but/bang-ke")
    assert "Lập bảng kê" in text(listing)
    bad = officer.post("/quan-tri/nhuan-but/bang-ke", data={"csrf_token": csrf_of(listing), "period": "2026-13"})
    assert bad.status_code == 422 and 'id="loi-period"' in text(bad) and 'value="2026-13"' in text(bad)
    drafted = officer.post("/quan-tri/nhuan-but/bang-ke", data={"csrf_token": csrf_of(listing), "period": period})
    assert drafted.status_code == 303, text(drafted)[:800]
    path = drafted.headers["Location"]
    html = text(officer.get(path))
    assert f"Đã lập bảng kê nháp tháng {period}" in html and "2.223.000 đ" in html and "Duyệt bảng kê" in html
    again = officer.post("/quan-tri/nhuan-but/bang-ke", data={"csrf_token": csrf_of(listing), "period": period})
    assert again.status_code == 409 and f"Đã có bảng kê tháng {period}" in text(again)

    approved = officer.post(f"{path}/duyet", data={"csrf_token": csrf_of(listing)})
    assert approved.status_code == 303
    html = text(officer.get(path))
    assert "Đã duyệt bảng kê" in html
    line = re.search(r'<table class="ws-table" id="nguoi-nhan".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    assert re.findall(r'<span class="money">([^<]+)</span>', line) == ["2.223.000 đ", "222.300 đ", "2.000.700 đ"]
    assert "Đã chi trả" in html and 'name="paid_on"' in html

    tomorrow = (datetime.now(VN_TZ).date() + timedelta(days=1)).isoformat()
    future = officer.post(
        f"{path}/chi-tra", data={"csrf_token": csrf_of(listing), "paid_on": tomorrow, "reference": "UNC-1"}
    )
    assert future.status_code == 422
    assert "tương lai" in re.search(r'id="loi-paid_on">([^<]+)<', text(future)).group(1)
    assert 'value="UNC-1"' in text(future)
    today = datetime.now(VN_TZ).date().isoformat()
    paid = officer.post(
        f"{path}/chi-tra", data={"csrf_token": csrf_of(listing), "paid_on": today, "reference": "UNC-2026/118"}
    )
    assert paid.status_code == 303
    html = text(officer.get(path))
    assert "Đã ghi nhận chi trả" in html and "UNC-2026/118" in html and 'id="chi-tra"' not in html
    twice = officer.post(f"{path}/duyet", data={"csrf_token": csrf_of(listing)})
    assert twice.status_code == 409 and "không thể thực hiện" in text(twice)
    assert [i["status"] for i in desk["officer"].get("/api/v1/royalties/items").json["items"]] == ["paid", "paid"]


def test_a_statement_exports_as_csv_and_xlsx_with_a_vietnamese_file_name(staff_as, content_event, desk):
    at = NOW - timedelta(days=15)
    content_event(article_published(desk["me"], at=at))
    (item,) = items(desk["officer"], 1)
    desk["officer"].post(f"/api/v1/royalties/items/{item['id']}/score", json={"coefficient": 4})
    statement = desk["officer"].post("/api/v1/royalties/statements", json={"period": month_of(at)}).json
    officer = staff_as("laodong.royalty")
    path = f"/quan-tri/nhuan-but/bang-ke/{statement['id']}"
    assert 'id="tai-xlsx"' in text(officer.get(path)) and "Tải XLSX" in text(officer.get(path))

    got = officer.get(f"{path}/tai?dinh-dang=csv")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    disposition = got.headers["Content-Disposition"]
    assert "filename*=UTF-8''" + quote(f"Bảng kê nhuận bút tháng {month_of(at)}.csv", safe="") in disposition
    assert got.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(got.data.decode("utf-8-sig"))))
    assert any("936000" in cell or "936.000" in cell for r in rows for cell in r)  # 4 × 234,000

    got = officer.get(f"{path}/tai?dinh-dang=xlsx")
    assert got.status_code == 200
    assert got.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert quote(f"tháng {month_of(at)}.xlsx", safe="") in got.headers["Content-Disposition"]
    try:
        from openpyxl import load_workbook
    except ImportError:  # no openpyxl here: the file is a zip holding a worksheet
        import zipfile

        assert got.data[:4] == b"PK\x03\x04"
        assert "xl/worksheets/sheet1.xml" in zipfile.ZipFile(io.BytesIO(got.data)).namelist()
    else:
        values = [c for r in load_workbook(io.BytesIO(got.data)).active.iter_rows(values_only=True) for c in r]
        assert 936_000 in values or "936000" in values
    assert officer.get(f"{path}/tai?dinh-dang=pdf").status_code == 404
    assert officer.get(f"/quan-tri/nhuan-but/bang-ke/{uuid.uuid4()}").status_code == 404


def test_the_overdue_list_and_the_reconciliation_of_a_month(staff_as, content_event, desk):
    at = NOW - timedelta(days=75)
    content_event(article_published(desk["me"], at=at))
    (item,) = items(desk["officer"], 1)
    officer = staff_as("laodong.royalty")
    html = text(officer.get("/quan-tri/nhuan-but/qua-han"))
    overdue = re.search(r'<table class="ws-table" id="qua-han">.*?</table>', html, re.S).group(0)
    assert item["title"] in overdue and "Chờ chấm điểm" in overdue
    bad = officer.get("/quan-tri/nhuan-but/qua-han?ngay=2026-13-01")
    assert bad.status_code == 422 and 'id="loi-ngay"' in text(bad)

    html = text(officer.get(f"/quan-tri/nhuan-but/doi-soat?ky={month_of(at)}"))
    table = re.search(r'<table class="ws-table" id="chenh-lech".*?</table>', html, re.S).group(0)
    assert "Chưa chấm điểm" in table and "NOT_SCORED" in table and "Quá hạn chi trả" in table
    bad = officer.get("/quan-tri/nhuan-but/doi-soat?ky=hôm-nay")
    assert bad.status_code == 422 and 'id="loi-ky"' in text(bad)


def test_a_form_without_its_token_changes_nothing(staff_as, content_event, desk):
    content_event(article_published(desk["me"], at=NOW - timedelta(days=1)))
    (item,) = items(desk["officer"], 1)
    officer = staff_as("laodong.royalty")
    answer = officer.post("/quan-tri/nhuan-but", data={"item": item["id"], f"coefficient-{item['id']}": "5"})
    assert answer.status_code == 400 and item_status(desk["officer"], item["id"]) == "pending_score"
