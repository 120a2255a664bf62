"""Semiannual reports through the gateway: compiled from content, feedback and polls, evaluated,
submitted and frozen, exported; the Propaganda Dept's overview and roll-up; tenant boundaries;
a missing source; merges."""

import io
import sys
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from platform_shared.clock import VN_TZ
from platform_shared.contracts import reports as contracts
from platform_shared.tables import outbox
from platform_shared.testing.waiting import wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "polls" / "tests" / "unit"))
from test_render import pdf_text  # noqa: E402  (the PDF text reader of the render tests)

REPORTS = "/api/v1/reports/semiannual"
NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công đoàn Thủ đô tổ chức Tháng Công nhân",
    "body": "<p>Hàng nghìn đoàn viên được thăm hỏi, tặng quà trong Tháng Công nhân.</p>",
}
QUESTION = {
    "category": "wages_bonuses",
    "title": "Công ty trả lương chậm hai tháng",
    "body": "Công ty tôi đã chậm trả lương hai tháng liền, công đoàn có thể giúp gì cho người lao động?",
    "guest": {"name": "Nguyễn Văn Khách", "phone": "0912 345 678", "email": "khach@example.vn"},
}
POLL_QUESTIONS = [
    {"text": "Anh/chị có hài lòng với bữa ăn ca?", "kind": "single", "options": [{"label": "Có"}, {"label": "Chưa"}]}
]
EVALUATION_NFD = unicodedata.normalize(
    "NFD", "Đơn vị hoàn thành tốt nhiệm vụ tuyên truyền; việc trả lời câu hỏi của người lao động cần nhanh hơn."
)


@pytest.fixture
def media_backend(tmp_path):
    """Reports use no media: the media service (content needs it) runs on the filesystem only."""
    return {
        "MEDIA_STORAGE": "filesystem",
        "MEDIA_FS_ROOT": str(tmp_path / "media"),
        "MEDIA_URL_SIGNING_KEY": "test-signing-key-" + uuid.uuid4().hex,
    }


def _period_now():
    today = datetime.now(UTC).astimezone(VN_TZ).date()
    return f"{today.year}-H{1 if today.month <= 6 else 2}"


def _window():
    now = datetime.now(UTC)
    return {
        "opens_at": (now - timedelta(hours=1)).astimezone(VN_TZ).replace(tzinfo=None).isoformat(),
        "closes_at": (now + timedelta(hours=48)).astimezone(VN_TZ).replace(tzinfo=None).isoformat(),
    }


@pytest.fixture
def everything(content_service, feedback_service, polls_service):
    """Content, feedback, polls (and accounts, media) running with the demo tenants."""


@pytest.fixture
def ids(polls_api, login, demo):
    office = polls_api.as_(login("admin"))
    return {t["code"]: t["id"] for t in office.get("/api/v1/tenants?per_page=100").json["items"]}


def _activity_in_hanoi(client, login, member_token):
    """One news item submitted, one question asked, one poll opened and answered by one member."""
    contributor = client.as_(login("hanoi.contributor"))
    article = contributor.post("/api/v1/articles", json=NEWS).json
    assert contributor.post(f"/api/v1/articles/{article['id']}/submit").status_code == 200
    hanoi_id = member_token.tenants["LDLD-HN"]
    asked = client.as_(None).post("/api/v1/questions", json={**QUESTION, "tenant_id": hanoi_id})
    assert asked.status_code == 201, asked.json
    admin = client.as_(login("hanoi.admin"))
    poll = admin.post("/api/v1/polls", json={"title": "Ý kiến về bữa ăn ca", "questions": POLL_QUESTIONS, **_window()})
    assert poll.status_code == 201, poll.json
    assert admin.post(f"/api/v1/polls/{poll.json['id']}/open").status_code == 200
    member = client.as_(member_token("LDLD-HN"))
    sent = member.post(f"/api/v1/polls/{poll.json['id']}/responses", json={"answers": {"q1": "o1"}})
    assert sent.status_code == 202, sent.json
    wait_for(
        lambda: member.get(f"/api/v1/polls/receipts/{sent.json['receipt']}").json["status"] == "counted",
        message="the poll response to be counted",
    )
    return poll.json["id"]


def test_a_federation_compiles_evaluates_submits_and_its_report_is_frozen(
    everything, polls_api, login, member_token, databases
):
    period = _period_now()
    poll_id = _activity_in_hanoi(polls_api, login, member_token)
    hanoi = polls_api.as_(login("hanoi.admin"))

    draft = hanoi.get(REPORTS, query_string={"period": period})
    assert draft.status_code == 200, draft.json
    report = draft.json
    assert (report["status"], report["frozen"], report["period"]) == ("draft", False, period)
    assert report["tenant_name"] == "Liên đoàn Lao động thành phố Hà Nội"
    assert report["allowed_actions"] == ["evaluate", "submit"]
    figures = report["figures"]
    news = {s["section"]: s for s in figures["content"]["sections"]}["news"]
    assert (news["name"], news["submitted"], news["used"]) == ("Tin tức – Đa phương tiện", 1, 0)
    assert figures["feedback"] == {
        "available": True,
        "received": 1,
        "answered": 0,
        "answered_on_time": 0,
        "overdue_open": 0,
    }
    polls = figures["polls"]
    assert (polls["held"], polls["respondents"]) == (1, 1)
    assert polls["eligible"] == 1 and polls["participation"] == 100.0  # the demo tree has one registered member
    assert [p["id"] for p in polls["items"]] == [poll_id]
    assert hanoi.get(REPORTS).json["id"] == report["id"]  # own tenant, current period by default

    url = f"{REPORTS}/{report['id']}"
    empty = hanoi.post(f"{url}/submit", json={})
    assert empty.status_code == 422 and list(empty.json["errors"]) == ["evaluation"]
    blank = hanoi.post(f"{url}/submit", json={"evaluation": "   "})
    assert blank.status_code == 422 and "evaluation" in blank.json["errors"]
    assert hanoi.get(url).json["status"] == "draft"  # nothing changed

    saved = hanoi.patch(url, json={"evaluation": EVALUATION_NFD})
    assert saved.status_code == 200, saved.json
    assert saved.json["evaluation"] == unicodedata.normalize("NFC", EVALUATION_NFD)
    submitted = hanoi.post(f"{url}/submit", json={})
    assert submitted.status_code == 200, submitted.json
    assert (submitted.json["status"], submitted.json["frozen"], submitted.json["allowed_actions"]) == (
        "submitted",
        True,
        [],
    )
    again = hanoi.post(f"{url}/submit", json={"evaluation": "Gửi lại"})
    assert again.status_code == 409 and again.json["code"] == "REPORT_ALREADY_SUBMITTED"
    assert hanoi.patch(url, json={"evaluation": "Sửa sau khi gửi"}).status_code == 409

    # New activity after submission does not change the submitted report.
    contributor = polls_api.as_(login("hanoi.contributor"))
    later = contributor.post("/api/v1/articles", json={**NEWS, "title": "Tin gửi sau khi đã báo cáo"}).json
    assert contributor.post(f"/api/v1/articles/{later['id']}/submit").status_code == 200
    frozen = hanoi.get(url).json
    assert frozen["figures"] == submitted.json["figures"] and frozen["compiled_at"] == submitted.json["compiled_at"]
    assert {s["section"]: s for s in frozen["figures"]["content"]["sections"]}["news"]["submitted"] == 1

    pdf = hanoi.get(f"{url}/export", query_string={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == f'attachment; filename="bao-cao-{period}-LDLD-HN.pdf"'
    assert b"/FontFile2" in pdf.data
    text = " ".join(pdf_text(pdf.data).split())
    assert "Liên đoàn Lao động thành phố Hà Nội" in text and "Đã gửi" in text
    assert "việc trả lời câu hỏi của người lao động cần nhanh hơn." in text
    xlsx = hanoi.get(f"{url}/export", query_string={"format": "xlsx"})
    assert xlsx.status_code == 200
    rows = {r[0]: r[1] for r in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True) if r[0]}
    assert rows["Số câu hỏi của công nhân, người lao động đã nhận"] == 1
    assert hanoi.get(f"{url}/export", query_string={"format": "docx"}).status_code == 422

    with databases.sessions("polls").read() as session:
        facts = session.execute(
            select(outbox.c.payload).where(outbox.c.event_type == contracts.REPORT_SUBMITTED)
        ).scalars()
        (fact,) = list(facts)
    event = contracts.ReportSubmitted().load(fact)
    assert (event["report_id"], event["tenant_id"], event["period"]) == (report["id"], report["tenant_id"], period)

    # The Propaganda Dept sees who has and has not submitted, and the roll-up of what was submitted.
    desk = polls_api.as_(login("tuyengiao.editor"))
    overview = desk.get(f"{REPORTS}/overview", query_string={"period": period})
    assert overview.status_code == 200, overview.json
    assert overview.json["counts"] == {"expected": 5, "submitted": 1, "not_submitted": 4, "merged": 0}
    assert {i["tenant_code"] for i in overview.json["not_submitted"]} == {"LDLD-HCM", "LDLD-DN", "CD-GTVT", "CD-EVN"}
    statuses = {i["tenant_code"]: i["status"] for i in overview.json["items"]}
    assert statuses["LDLD-HN"] == "submitted" and statuses["LDLD-DN"] == "not_started"
    only_missing = desk.get(f"{REPORTS}/overview", query_string={"period": period, "status": "not_submitted"}).json
    assert only_missing["total"] == 4
    rollup = desk.get(f"{REPORTS}/rollup", query_string={"period": period}).json
    assert rollup["counts"] == {"expected": 5, "submitted": 1, "not_submitted": 4}
    totals = rollup["totals"]
    assert (totals["items_submitted"], totals["questions_received"], totals["polls_held"]) == (1, 1, 1)
    assert {t["tenant_code"]: t["totals"] for t in rollup["tenants"]}["LDLD-DN"] is None
    sheet = desk.get(f"{REPORTS}/rollup/export", query_string={"period": period})
    assert sheet.status_code == 200
    assert sheet.headers["Content-Disposition"] == f'attachment; filename="tong-hop-bao-cao-{period}.xlsx"'
    names = [r[0] for r in load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True)]
    assert "Liên đoàn Lao động thành phố Hà Nội" in names and "Cộng (các báo cáo đã gửi)" in names
    # ... and any tenant's report, without being able to submit it.
    assert desk.get(url).status_code == 200
    unopened = desk.get(REPORTS, query_string={"tenant": "LDLD-DN", "period": period}).json
    assert unopened["status"] == "not_started" and unopened["figures"]["content"]["available"] is True
    assert desk.get(f"{REPORTS}/overview", query_string={"period": period}).json["counts"]["submitted"] == 1
    assert {i["tenant_code"]: i["status"] for i in desk.get(f"{REPORTS}/overview").json["items"]}["LDLD-DN"] == (
        "not_started"  # looking at it did not open it
    )


def test_tenant_boundaries_and_bad_input(everything, polls_api, login, ids):
    period = _period_now()
    hanoi = polls_api.as_(login("hanoi.admin"))
    danang = polls_api.as_(login("danang.admin"))
    report = hanoi.get(REPORTS, query_string={"period": period}).json
    url = f"{REPORTS}/{report['id']}"

    # Another tenant's report does not exist for a tenant admin.
    assert danang.get(REPORTS, query_string={"tenant": ids["LDLD-HN"], "period": period}).status_code == 404
    assert danang.get(url).status_code == 404
    assert danang.post(f"{url}/submit", json={"evaluation": "Không phải của tôi"}).status_code == 404
    assert danang.patch(url, json={"evaluation": "Không phải của tôi"}).status_code == 404
    assert danang.get(f"{url}/export", query_string={"format": "pdf"}).status_code == 404
    # Others in the tenant, other editors: no.
    assert polls_api.as_(login("hanoi.contributor")).get(REPORTS).status_code == 403
    assert polls_api.as_(login("laodong.editor")).get(f"{REPORTS}/overview").status_code == 403
    assert hanoi.get(f"{REPORTS}/overview").status_code == 403
    office = polls_api.as_(login("admin"))
    assert office.get(f"{REPORTS}/overview", query_string={"period": period}).json["counts"]["expected"] == 5
    assert office.get(url).status_code == 200 and office.get(url).json["allowed_actions"] == []
    assert hanoi.get(f"{REPORTS}/rollup").status_code == 403
    desk = polls_api.as_(login("tuyengiao.editor"))
    refused = desk.post(f"{url}/submit", json={"evaluation": "Ban Tuyên giáo gửi hộ"})
    assert refused.status_code == 403
    assert polls_api.as_(None).get(REPORTS).status_code == 401

    bad_period = hanoi.get(REPORTS, query_string={"period": "2026-H3"})
    assert bad_period.status_code == 422 and list(bad_period.json["errors"]) == ["period"]
    assert hanoi.get(REPORTS, query_string={"period": "2099-H1"}).json["errors"]["period"]  # not begun
    assert desk.get(f"{REPORTS}/overview", query_string={"period": "H2-2026"}).status_code == 422
    unknown = desk.get(REPORTS, query_string={"tenant": str(uuid.uuid4()), "period": period})
    assert unknown.status_code == 404
    assert desk.get(REPORTS, query_string={"tenant": "KHONG-CO", "period": period}).status_code == 404
    assert desk.get(REPORTS, query_string={"tenant": "BTG", "period": period}).status_code == 404  # no report
    assert hanoi.get(f"{REPORTS}/{uuid.uuid4()}").status_code == 404
    assert hanoi.get(f"{REPORTS}/khong-phai-uuid").status_code == 404
    assert hanoi.get(REPORTS, query_string={"period": period, "nam": "2026"}).status_code == 422
    assert hanoi.patch(url, json={"danh_gia": "x"}).status_code == 422
    no_format = hanoi.get(f"{url}/export")
    assert no_format.status_code == 422 and list(no_format.json["errors"]) == ["format"]
    assert hanoi.get(url).json["status"] == "draft" and hanoi.get(url).json["evaluation"] is None


def test_a_missing_source_shows_as_no_figures_and_blocks_submission(polls_service, content_service, polls_api, login):
    """The feedback service is not running: its part reads 'chưa có số liệu'; nothing is frozen."""
    hanoi = polls_api.as_(login("hanoi.admin"))
    report = hanoi.get(REPORTS, query_string={"period": _period_now()})
    assert report.status_code == 200, report.json
    assert report.json["figures"]["feedback"] == {"available": False, "note": "chưa có số liệu"}
    assert report.json["figures"]["content"]["available"] is True
    pdf = hanoi.get(f"{REPORTS}/{report.json['id']}/export", query_string={"format": "pdf"})
    assert "chưa có số liệu" in pdf_text(pdf.data)
    refused = hanoi.post(f"{REPORTS}/{report.json['id']}/submit", json={"evaluation": "Hoàn thành nhiệm vụ."})
    assert refused.status_code == 503 and refused.json["code"] == "REPORT_FIGURES_UNAVAILABLE"
    assert "«Công nhân hỏi – Công đoàn trả lời»" in refused.json["message"]
    assert hanoi.get(f"{REPORTS}/{report.json['id']}").json["status"] == "draft"


def test_after_a_merge_the_survivors_report_takes_the_merged_tenants_figures(
    everything, polls_api, login, ids, relay, databases
):
    period = _period_now()
    desk = polls_api.as_(login("tuyengiao.editor"))
    danang_report = polls_api.as_(login("danang.admin")).get(REPORTS, query_string={"period": period}).json
    assert danang_report["status"] == "draft"
    asked = polls_api.as_(None).post("/api/v1/questions", json={**QUESTION, "tenant_id": ids["LDLD-DN"]})
    assert asked.status_code == 201, asked.json

    office = polls_api.as_(login("admin"))
    merged = office.post(f"/api/v1/tenants/{ids['LDLD-DN']}/merge", json={"into": ids["LDLD-HN"]})
    assert merged.status_code == 200, merged.json
    relay("accounts")

    def merged_status():
        items = desk.get(f"{REPORTS}/overview", query_string={"period": period}).json["items"]
        status = {i["tenant_code"]: i for i in items}.get("LDLD-DN", {})
        return status.get("status") == "merged" and status

    danang = wait_for(merged_status, message="the merge to reach the reports")
    assert danang["merged_into_id"] == ids["LDLD-HN"]
    counts = desk.get(f"{REPORTS}/overview", query_string={"period": period}).json["counts"]
    assert counts == {"expected": 4, "submitted": 0, "not_submitted": 4, "merged": 1}

    today = datetime.now(UTC).astimezone(VN_TZ).date().isoformat()
    hanoi_report = desk.get(REPORTS, query_string={"tenant": "LDLD-HN", "period": period}).json
    assert hanoi_report["includes"] == [
        {
            "tenant_id": ids["LDLD-DN"],
            "tenant_name": "Liên đoàn Lao động thành phố Đà Nẵng",
            "starts": today,
            "ends": hanoi_report["ends"],
        }
    ]
    # Đà Nẵng's question of today counts once: in Hà Nội's report (from the merge day on).
    assert hanoi_report["figures"]["feedback"]["received"] == 1
    assert desk.get(f"{REPORTS}/{danang_report['id']}").json["figures"]["feedback"]["received"] == 0
    closed = desk.get(f"{REPORTS}/{danang_report['id']}").json
    assert closed["status"] == "merged" and closed["allowed_actions"] == []
    with databases.sessions("polls").read() as session:
        assert session.execute(select(outbox.c.event_type)).scalars().all() == []  # no reminder outside the window
