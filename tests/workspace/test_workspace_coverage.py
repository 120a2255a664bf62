"""The grassroots coverage in the workspace (/quan-tri/pho-cap): a federation's administrator sees
its figures with bars (width classes, no inline style) and the period selector (a period polls
refuses is named beside it, 422), and the same figures as part IV of its June/December report;
another federation's page is 404, a contributor's 403. The Propaganda Dept's editors and the VGCL
see the national table, sorted by a column (aria-sort), with the totals and a CSV. Real polls,
content, feedback and accounts behind the gateway."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest

from platform_shared.clock import VN_TZ

PATH = "/quan-tri/pho-cap"


def text(response):
    return response.get_data(as_text=True)


def vn(share):
    """A share as the pages write it: «50», «37,5»."""
    return f"{share:g}".replace(".", ",")


def current():
    today = datetime.now(UTC).astimezone(VN_TZ).date()
    half = 1 if today.month <= 6 else 2
    return f"{today.year}-H{half}", f"6 tháng {'đầu' if half == 1 else 'cuối'} năm {today.year}"


@pytest.fixture
def tracking(content_service, feedback_service, polls_service):
    """Polls with every source of the coverage running (accounts, media, content, feedback)."""


def _admin_for_may10(api, login):
    """An activated administrator of CĐCS May 10 (one of Hà Nội's two grassroots unions)."""
    hanoi = api.as_(login("hanoi.admin"))
    units = {u["code"]: u["id"] for u in hanoi.get("/api/v1/units?per_page=100").json["items"] if u["code"]}
    invited = hanoi.post(
        "/api/v1/users",
        json={"full_name": "Phạm Thị Mai", "email": "may10.admin@example.vn", "roles": ["unit_admin"],
              "unit_id": units["CDCS-MAY10"]},
    )  # fmt: skip
    assert invited.status_code == 201, invited.json
    token = invited.json["activation_token"]
    assert (
        api.post("/api/v1/auth/activate", json={"token": token, "password": "Mat-khau-rat-kho-2026"}).status_code == 200
    )
    return hanoi.get("/api/v1/coverage").json


def test_a_federation_sees_its_figures_with_bars_and_the_same_in_its_report(staff_as, tracking, api, login):
    period, title = current()
    figures = _admin_for_may10(api, login)
    hanoi = staff_as("hanoi.admin")
    shown = hanoi.get(PATH)
    page = text(shown)
    assert shown.status_code == 200, page[:500]
    assert "Phổ cập Cổng đến công đoàn cơ sở" in page and "Liên đoàn Lao động thành phố Hà Nội" in page
    assert f'<option value="{period}" selected>' in page and f"{title}: từ" in page
    assert re.search(r'id="so-cdcs">2<', page)
    admins = re.search(r'<tr id="chi-so-quan-tri">(.*?)</tr>', page, re.S).group(1)
    share = figures["with_admin_share"]  # 50 % or 100 % (the demo may seed Canon's administrator)
    assert f'{figures["with_admin"]}<span class="cov-of"> / 2</span>' in admins
    assert f"{vn(share)}%" in admins and f'bar-fill w-{share:.0f}"' in admins and 'aria-hidden="true"' in admins
    answers = re.search(r'<tr id="chi-so-tra-loi">(.*?)</tr>', page, re.S).group(1)
    assert "chưa có" in answers and "bar-fill w-0" in answers  # no registered members: no share
    assert " style=" not in page and "<style" not in page
    assert 'href="/quan-tri/pho-cap?' not in page  # no national table for a federation

    refused = hanoi.get(f"{PATH}?ky=2026-H3")
    assert refused.status_code == 422
    assert 'id="loi-ky"' in text(refused) and "Kỳ báo cáo không hợp lệ" in text(refused)
    assert hanoi.get(f"{PATH}?ky=2099-H1").status_code == 422  # not begun

    report = text(hanoi.get("/quan-tri/bao-cao"))
    part = re.search(r'<table class="ws-table cov-table" id="so-lieu-pho-cap">(.*?)</table>', report, re.S).group(1)
    assert "IV. Phổ cập Cổng thông tin đến công đoàn cơ sở" in report and "V. Đánh giá của đơn vị" in report
    assert f"{vn(share)}%" in part and "CĐCS có tin, bài gửi lên Cổng trong kỳ" in part

    assert staff_as("danang.admin").get(f"{PATH}/LDLD-HN").status_code == 404
    own = staff_as("danang.admin").get(f"{PATH}/LDLD-DN")
    assert own.status_code == 200 and "Liên đoàn Lao động thành phố Đà Nẵng" in text(own)
    assert staff_as("hanoi.contributor").get(PATH).status_code == 403


def test_the_propaganda_dept_reads_the_national_table_sorted_with_totals_and_a_csv(staff_as, tracking, api, login):
    period, title = current()
    _admin_for_may10(api, login)
    desk = staff_as("tuyengiao.editor")
    shown = desk.get(PATH)
    page = text(shown)
    assert shown.status_code == 200, page[:500]
    table = re.search(r'<table class="ws-table cov-national" id="pho-cap-toan-quoc">(.*?)</table>', page, re.S).group(1)
    codes = re.findall(r'<tr id="dv-([A-Z-]+)">', table)
    assert {"LDLD-HN", "LDLD-DN", "LDLD-HCM"} <= set(codes) and "BTG" not in codes
    assert 'id="tong-cong"' in table and "<caption>" in table
    assert 'aria-sort="ascending"><a href="/quan-tri/pho-cap?ky=' in table  # by name, A–Z
    assert f'href="/quan-tri/pho-cap/LDLD-HN?ky={period}"' in table
    assert " style=" not in page

    by_admins = text(desk.get(f"{PATH}?ky={period}&sap-xep=quan-tri&thu-tu=giam"))
    table = re.search(r'id="pho-cap-toan-quoc">(.*?)</table>', by_admins, re.S).group(1)
    assert re.findall(r'<tr id="dv-([A-Z-]+)">', table)[0] == "LDLD-HN"  # the only one with an administrator
    assert 'aria-sort="descending"' in table
    assert desk.get(f"{PATH}?sap-xep=do-lon").status_code == 404
    refused = desk.get(f"{PATH}?ky=2026-H3")
    assert refused.status_code == 422 and 'id="loi-ky"' in text(refused)

    one = desk.get(f"{PATH}/LDLD-HN?ky={period}")
    assert (
        one.status_code == 200
        and 'id="ve-toan-quoc"' in text(one)
        and "Liên đoàn Lao động thành phố Hà Nội" in text(one)
    )

    sheet = desk.get(f"{PATH}/tai?ky={period}&sap-xep=quan-tri&thu-tu=giam")
    assert sheet.status_code == 200 and sheet.mimetype == "text/csv"
    assert f'filename="pho-cap-{period}.csv"' in sheet.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(sheet.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Mã đơn vị", "Đơn vị", "Số CĐCS"] and rows[1][:3] == [
        "LDLD-HN",
        "Liên đoàn Lao động thành phố Hà Nội",
        "2",
    ]
    assert rows[-1][1] == "Tổng cộng"

    office = staff_as("admin").get(PATH)
    assert office.status_code == 200 and 'id="pho-cap-toan-quoc"' in text(office)
    assert staff_as("laodong.editor").get(PATH).status_code == 403  # another desk's editors
