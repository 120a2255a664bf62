"""The grassroots coverage tracker through the gateway («100% CĐCS», issue 16): Hà Nội's figures
move when a grassroots union's administrator activates their account, when members are registered
(in a trade-union group under the union too), when one of its people submits an item and when a
member answers a poll; the same figures are part IV of the June/December report (page, PDF, XLSX)
and stay as they were once the report is sent; the national table for the VGCL and the
Propaganda Dept; another federation's figures are 404, a bad period 422.

Real accounts, content, feedback and polls (and media) behind the gateway; the unit administrator
is created as the workspace does it (``POST /users`` with the role ``unit_admin`` and its unit) and
activated with its one-time token."""

import csv
import io
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from platform_shared.clock import VN_TZ
from platform_shared.testing.waiting import wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "polls" / "tests" / "unit"))
from test_render import pdf_text  # noqa: E402  (the PDF text reader of the render tests)

COVERAGE = "/api/v1/coverage"
REPORTS = "/api/v1/reports/semiannual"
PART_IV = "IV. Phổ cập Cổng thông tin đến công đoàn cơ sở"
NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công đoàn cơ sở May 10 tổ chức Ngày hội công nhân",
    "body": "<p>Hơn 500 công nhân tham gia các hoạt động văn hóa, thể thao.</p>",
}
POLL_QUESTIONS = [
    {"text": "Anh/chị có hài lòng với bữa ăn ca?", "kind": "single", "options": [{"label": "Có"}, {"label": "Chưa"}]}
]
FIGURES = ("grassroots", "with_admin", "with_members", "contributing", "members", "respondents")


@pytest.fixture
def media_backend(tmp_path):
    """Coverage uses no media: the media service (content needs it) runs on the filesystem only."""
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


@pytest.fixture
def everything(content_service, feedback_service, polls_service):
    """Content, feedback, polls (and accounts, media) running with the demo tenants."""


def _period_now():
    today = datetime.now(UTC).astimezone(VN_TZ).date()
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def _window():
    now = datetime.now(UTC)
    return {
        "opens_at": (now - timedelta(hours=1)).astimezone(VN_TZ).replace(tzinfo=None).isoformat(),
        "closes_at": (now + timedelta(hours=48)).astimezone(VN_TZ).replace(tzinfo=None).isoformat(),
    }


def _counts(figures):
    return {key: figures[key] for key in FIGURES}


def _units(hanoi):
    return {u["code"]: u["id"] for u in hanoi.get("/api/v1/units?per_page=100").json["items"] if u["code"]}


def _members_file(*rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Số thẻ đoàn viên", "Họ và tên", "Số điện thoại", "Mã đơn vị"])
    writer.writerows((number, name, f"09120{number[-5:]}", unit) for number, name, unit in rows)
    return out.getvalue()


def test_the_coverage_moves_with_admins_members_items_and_answers_and_the_report_freezes_it(
    everything, polls_api, login, member_token
):
    api, period = polls_api, _period_now()
    hanoi = api.as_(login("hanoi.admin"))
    start = hanoi.get(COVERAGE)
    assert start.status_code == 200, start.json
    start = start.json
    assert (start["tenant_code"], start["period"], start["available"]) == ("LDLD-HN", period, True)
    assert start["grassroots"] == 2  # CĐCS Canon and CĐCS May 10 (the industrial zones' union is above them)
    assert (start["with_members"], start["contributing"], start["members"], start["respondents"]) == (0, 0, 0, 0)
    assert start["respondents_share"] is None  # no registered members: no share
    before = _counts(start)

    # A grassroots union's administrator is invited, then activates the account.
    units = _units(hanoi)
    invited = hanoi.post(
        "/api/v1/users",
        json={"full_name": "Phạm Thị Mai", "email": "may10.admin@example.vn", "roles": ["unit_admin"],
              "unit_id": units["CDCS-MAY10"]},
    )  # fmt: skip
    assert invited.status_code == 201, invited.json
    assert hanoi.get(COVERAGE).json["with_admin"] == before["with_admin"]  # invited is not activated
    activated = api.post(
        "/api/v1/auth/activate", json={"token": invited.json["activation_token"], "password": "Mat-khau-rat-kho-2026"}
    )
    assert activated.status_code == 200, activated.json
    now = hanoi.get(COVERAGE).json
    assert now["with_admin"] == before["with_admin"] + 1
    assert now["with_admin_share"] == round(100 * now["with_admin"] / 2, 1)

    # Members are registered: one in CĐCS Canon, one in a trade-union group under CĐCS May 10.
    group = hanoi.post(
        "/api/v1/units",
        json={"name": "Tổ công đoàn Phân xưởng 1", "kind": "trade_union_group", "code": "TO-MAY10-PX1",
              "parent_id": units["CDCS-MAY10"]},
    )  # fmt: skip
    assert group.status_code == 201, group.json
    imported = hanoi.post(
        "/api/v1/members/import",
        data={"file": (io.BytesIO(_members_file(("HN-900001", "Nguyễn Văn An", "CDCS-CANON"),
                                                ("HN-900002", "Lê Thị Bích", "TO-MAY10-PX1")).encode()), "dv.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert imported.status_code in (200, 201), imported.json
    now = hanoi.get(COVERAGE).json
    assert (now["with_members"], now["with_members_share"], now["members"]) == (2, 100.0, 2)

    # Hà Nội's contributor works in the trade-union group: their item counts for CĐCS May 10.
    contributor = api.as_(login("hanoi.contributor"))
    writer_id = contributor.get("/api/v1/me").json["user"]["id"]
    moved = hanoi.patch(f"/api/v1/users/{writer_id}", json={"unit_id": group.json["id"]})
    assert moved.status_code == 200, moved.json
    article = contributor.post("/api/v1/articles", json=NEWS).json
    assert hanoi.get(COVERAGE).json["contributing"] == 0  # a draft is not a contribution
    assert contributor.post(f"/api/v1/articles/{article['id']}/submit").status_code == 200
    now = hanoi.get(COVERAGE).json
    assert (now["contributing"], now["contributing_share"]) == (1, 50.0)

    # A registered member answers a poll (twice asked, once counted).
    poll = hanoi.post("/api/v1/polls", json={"title": "Ý kiến về bữa ăn ca", "questions": POLL_QUESTIONS, **_window()})
    assert poll.status_code == 201, poll.json
    assert hanoi.post(f"/api/v1/polls/{poll.json['id']}/open").status_code == 200
    member_id = hanoi.get("/api/v1/members", query_string={"q": "HN-900001"}).json["items"][0]["user_id"]
    member = api.as_(member_token("LDLD-HN", user_id=member_id))
    for _ in range(2):
        sent = member.post(f"/api/v1/polls/{poll.json['id']}/responses", json={"answers": {"q1": "o1"}})
        assert sent.status_code == 202, sent.json
        wait_for(
            lambda receipt=sent.json["receipt"]: (
                member.get(f"/api/v1/polls/receipts/{receipt}").json["status"] in ("counted", "duplicate")
            ),
            message="the poll response to be processed",
        )
    now = hanoi.get(COVERAGE).json
    assert (now["respondents"], now["respondents_share"]) == (1, 50.0)

    # The June/December report shows the same figures as its part IV…
    report = hanoi.get(REPORTS, query_string={"period": period}).json
    part = report["figures"]["coverage"]
    assert _counts(part) == _counts(now) and part["with_admin_share"] == now["with_admin_share"]
    url = f"{REPORTS}/{report['id']}"
    text = " ".join(pdf_text(hanoi.get(f"{url}/export", query_string={"format": "pdf"}).data).split())
    assert PART_IV in text and "V. Đánh giá của đơn vị" in text
    assert "Công đoàn cơ sở có tin, bài gửi lên Cổng trong kỳ 1 (50,0%)" in text
    sheet = load_workbook(io.BytesIO(hanoi.get(f"{url}/export", query_string={"format": "xlsx"}).data)).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r[0]}
    assert PART_IV in rows and rows["Đoàn viên đã trả lời trưng cầu ý kiến trong kỳ"] == "1 (50,0%)"

    # … and keeps them once sent, while the tracker moves on.
    sent = hanoi.post(f"{url}/submit", json={"evaluation": "Đã đưa Cổng đến mọi công đoàn cơ sở có đoàn viên."})
    assert sent.status_code == 200, sent.json
    more = _members_file(("HN-900003", "Trần Văn Cường", "CDCS-CANON"))
    hanoi.post("/api/v1/members/import", data={"file": (io.BytesIO(more.encode()), "dv2.csv")},
               content_type="multipart/form-data")  # fmt: skip
    assert hanoi.get(COVERAGE).json["members"] == 3
    frozen = hanoi.get(url).json["figures"]["coverage"]
    assert (frozen["members"], frozen["respondents_share"]) == (2, 50.0)

    # The Propaganda Dept reads every federation, one row each, with the national totals.
    desk = api.as_(login("tuyengiao.editor"))
    national = desk.get(f"{COVERAGE}/national", query_string={"sort": "contributing"})
    assert national.status_code == 200, national.json
    rows = {r["tenant_code"]: r for r in national.json["tenants"]}
    assert national.json["tenants"][0]["tenant_code"] == "LDLD-HN"  # the only one with a contribution
    assert {"LDLD-HN", "LDLD-DN", "LDLD-HCM"} <= set(rows) and "BTG" not in rows
    assert _counts(rows["LDLD-HN"]) == {**_counts(now), "members": 3}
    totals = national.json["totals"]
    assert totals["grassroots"] == sum(r["grassroots"] for r in national.json["tenants"])
    assert totals["contributing_share"] == round(100 * 1 / totals["grassroots"], 1)
    assert desk.get(COVERAGE, query_string={"tenant": "LDLD-HN"}).json["members"] == 3


def test_another_federation_is_404_a_bad_period_422_and_the_national_table_is_for_overseers(everything, api, login):
    danang, hanoi = api.as_(login("danang.admin")), api.as_(login("hanoi.admin"))
    assert danang.get(COVERAGE, query_string={"tenant": "LDLD-HN"}).status_code == 404
    hanoi_id = hanoi.get(COVERAGE).json["tenant_id"]
    assert danang.get(COVERAGE, query_string={"tenant": hanoi_id}).status_code == 404
    assert danang.get(COVERAGE).json["tenant_code"] == "LDLD-DN"
    for period in ("2026-H3", "H2-2026", "2099-H1"):  # malformed, or not begun
        bad = hanoi.get(COVERAGE, query_string={"period": period})
        assert bad.status_code == 422, bad.json
        assert list(bad.json["errors"]) == ["period"]
        assert api.as_(login("admin")).get(f"{COVERAGE}/national", query_string={"period": period}).status_code == 422
    assert hanoi.get(f"{COVERAGE}/national").status_code == 403
    assert api.as_(login("hanoi.contributor")).get(COVERAGE).status_code == 403
    assert api.as_(login("laodong.editor")).get(f"{COVERAGE}/national").status_code == 403  # another desk
    assert api.get(COVERAGE).status_code == 401
    unknown = api.as_(login("admin")).get(f"{COVERAGE}/national", query_string={"sort": "size"})
    assert unknown.status_code == 422 and "sort" in unknown.json["errors"]
    office = api.as_(login("admin")).get(f"{COVERAGE}/national")
    assert office.status_code == 200 and office.json["sort"] == "name"
