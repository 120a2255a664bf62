"""Polls through the gateway: the workflow, one response per member, receipts, malformed
answers, closed polls, eligibility, results with small groups suppressed."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from platform_shared.testing.samples import POLL_QUESTIONS, poll_window
from platform_shared.testing.waiting import wait_for

QUESTIONS = POLL_QUESTIONS
GOOD = {
    "q1": "o1",
    "q2": ["o1", "o2"],
    "q3": 4,
    "q4": "Cần thêm nhà trẻ cho con công nhân",
    "q5": {"r1": "o1", "r2": "o2"},
}


_window = poll_window


@pytest.fixture
def hanoi(polls_api, login, polls_service):
    return polls_api.as_(login("hanoi.admin"))


@pytest.fixture
def vgcl(polls_api, login, polls_service):
    return polls_api.as_(login("admin"))


def open_poll(client, **extra):
    created = client.post(
        "/api/v1/polls",
        json={"title": "Lấy ý kiến đoàn viên về bữa ăn ca", "questions": QUESTIONS, **_window(), **extra},
    )
    assert created.status_code == 201, created.json
    opened = client.post(f"/api/v1/polls/{created.json['id']}/open")
    assert opened.status_code == 200, opened.json
    return opened.json


def settled(client, receipt):
    def outcome():
        got = client.get(f"/api/v1/polls/receipts/{receipt}")
        assert got.status_code == 200, got.json
        return got.json if got.json["status"] != "accepted" else None

    return wait_for(outcome, message="the receipt to be processed")


def test_a_poll_is_drafted_opened_closed_and_its_results_published(hanoi, polls_api, member_token):
    created = hanoi.post(
        "/api/v1/polls", json={"title": "Khảo sát nhà ở công nhân", "questions": QUESTIONS, **_window()}
    )
    assert created.status_code == 201
    poll = created.json
    assert poll["status"] == "draft" and poll["scope"] == "tenant"
    assert [q["id"] for q in poll["questions"]] == ["q1", "q2", "q3", "q4", "q5"]
    assert [o["label"] for o in poll["questions"][2]["options"]] == ["1", "2", "3", "4", "5"]
    assert poll["opens_at"].endswith("+07:00")

    member = polls_api.as_(member_token("LDLD-HN"))
    assert member.get(f"/api/v1/polls/{poll['id']}").status_code == 404  # a draft is the managers' only
    assert member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD}).status_code == 404

    edited = hanoi.patch(f"/api/v1/polls/{poll['id']}", json={"title": "Khảo sát nhà ở và bữa ăn ca"})
    assert edited.status_code == 200 and edited.json["title"] == "Khảo sát nhà ở và bữa ăn ca"
    assert hanoi.post(f"/api/v1/polls/{poll['id']}/publish").status_code == 409
    assert hanoi.post(f"/api/v1/polls/{poll['id']}/open").json["status"] == "open"
    assert hanoi.patch(f"/api/v1/polls/{poll['id']}", json={"title": "Đổi tên"}).status_code == 422
    assert member.get(f"/api/v1/polls/{poll['id']}").json["status"] == "open"
    assert poll["id"] in [p["id"] for p in member.get("/api/v1/polls").json["items"]]
    assert member.get(f"/api/v1/polls/{poll['id']}/results").status_code == 403  # not published yet

    assert hanoi.post(f"/api/v1/polls/{poll['id']}/close").json["status"] == "closed"
    assert hanoi.post(f"/api/v1/polls/{poll['id']}/publish").json["status"] == "published"
    assert member.get(f"/api/v1/polls/{poll['id']}/results").status_code == 200


def test_one_response_per_member_a_second_one_is_a_duplicate_never_counted(hanoi, polls_api, member_token):
    poll = open_poll(hanoi)
    member = polls_api.as_(member_token("LDLD-HN"))
    first = member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD})
    assert first.status_code == 202 and first.json["status"] == "accepted"
    again = member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": {**GOOD, "q1": "o3"}})
    assert again.status_code == 202

    assert settled(member, first.json["receipt"])["status"] == "counted"
    assert settled(member, again.json["receipt"])["status"] == "duplicate"
    results = hanoi.get(f"/api/v1/polls/{poll['id']}/results").json
    assert results["respondents"] == 1
    assert results["questions"][0]["suppressed"] is True and results["questions"][0]["options"][0]["count"] is None


def test_malformed_answers_are_refused_naming_the_question(hanoi, polls_api, member_token):
    poll = open_poll(hanoi)
    member = polls_api.as_(member_token("LDLD-HN"))
    url = f"/api/v1/polls/{poll['id']}/responses"
    cases = [
        ({**GOOD, "q1": "o9"}, "answers.q1"),  # an option the question does not have
        ({**GOOD, "q2": ["o1", "o2", "o3"]}, "answers.q2"),  # more than max_choices
        ({k: v for k, v in GOOD.items() if k != "q3"}, "answers.q3"),  # a required answer left out
        ({**GOOD, "q3": 9}, "answers.q3"),  # off the scale
        ({**GOOD, "q5": {"r1": "o1"}}, "answers.q5"),  # a matrix row unanswered
        ({**GOOD, "q1": ""}, "answers.q1"),  # empty
        ({**GOOD, "q9": "o1"}, "answers.q9"),  # no such question
    ]
    for answers, field in cases:
        refused = member.post(url, json={"answers": answers})
        assert refused.status_code == 422, (answers, refused.json)
        assert list(refused.json["errors"]) == [field]
        assert field.split(".")[1] in refused.json["message"]
    assert member.post(url, json={"answer": GOOD}).status_code == 422
    optional_left_out = member.post(url, json={"answers": {k: v for k, v in GOOD.items() if k != "q4"}})
    assert optional_left_out.status_code == 202


def test_a_closed_poll_takes_no_more_answers(hanoi, polls_api, member_token):
    poll = open_poll(hanoi)
    member = polls_api.as_(member_token("LDLD-HN"))
    hanoi.post(f"/api/v1/polls/{poll['id']}/close")
    refused = member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD})
    assert refused.status_code == 409 and refused.json["code"] == "POLL_CLOSED"
    assert "đã đóng" in refused.json["message"]


def test_a_poll_not_yet_open_says_when_it_opens(hanoi, polls_api, member_token):
    created = hanoi.post(
        "/api/v1/polls", json={"title": "Phiếu tuần sau", "questions": QUESTIONS, **_window(hours_before=-24)}
    ).json
    hanoi.post(f"/api/v1/polls/{created['id']}/open")
    member = polls_api.as_(member_token("LDLD-HN"))
    refused = member.post(f"/api/v1/polls/{created['id']}/responses", json={"answers": GOOD})
    assert refused.status_code == 409 and refused.json["code"] == "POLL_NOT_OPEN"


def test_members_outside_the_audience_and_non_members_cannot_answer(hanoi, polls_api, member_token):
    poll = open_poll(hanoi)
    outsider = polls_api.as_(member_token("LDLD-DN"))
    refused = outsider.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD})
    assert refused.status_code == 404 and refused.json["code"] == "POLL_NOT_FOUND"
    assert outsider.get(f"/api/v1/polls/{poll['id']}").status_code == 404
    staff = polls_api.as_(member_token("LDLD-HN", roles=("contributor",)))
    assert staff.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD}).status_code == 403
    assert polls_api.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD}).status_code == 401


def test_a_tenant_admin_cannot_poll_outside_its_subtree_or_everyone(hanoi, member_token):
    danang = member_token.tenants["LDLD-DN"]
    body = {"title": "Phiếu vượt quyền", "questions": QUESTIONS, **_window()}
    outside = hanoi.post("/api/v1/polls", json={**body, "audience": {"tenant_ids": [danang]}})
    assert outside.status_code == 422 and "audience.tenant_ids" in outside.json["errors"]
    everyone = hanoi.post("/api/v1/polls", json={**body, "audience": {"all": True}})
    assert everyone.status_code == 422 and "audience.all" in everyone.json["errors"]


def test_receipts_are_readable_only_by_their_member_and_forged_ones_are_unknown(hanoi, polls_api, member_token):
    poll = open_poll(hanoi)
    member = polls_api.as_(member_token("LDLD-HN"))
    receipt = member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD}).json["receipt"]
    assert settled(member, receipt)["status"] == "counted"
    other = polls_api.as_(member_token("LDLD-HN"))
    assert other.get(f"/api/v1/polls/receipts/{receipt}").status_code == 404
    body, mac = receipt.split(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + mac
    assert member.get(f"/api/v1/polls/receipts/{forged}").status_code == 404
    assert member.get("/api/v1/polls/receipts/not-a-receipt").status_code == 404


def test_results_suppress_small_groups_and_break_down_by_tenant_for_the_vgcl(vgcl, polls_api, member_token):
    poll = open_poll(vgcl, audience={"all": True})
    assert poll["scope"] == "platform"
    receipts = []
    for code, n in (("LDLD-HN", 6), ("LDLD-DN", 2)):
        for i in range(n):
            member = polls_api.as_(member_token(code))
            answers = {**GOOD, "q1": "o1" if i % 2 == 0 else "o2", "q3": 5}
            sent = member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": answers})
            assert sent.status_code == 202
            receipts.append((member, sent.json["receipt"]))
    for member, receipt in receipts:
        assert settled(member, receipt)["status"] == "counted"

    results = vgcl.get(f"/api/v1/polls/{poll['id']}/results").json
    assert results["respondents"] == 8
    single = results["questions"][0]
    assert single["suppressed"] is False
    assert [(o["count"], o["percent"]) for o in single["options"]] == [(4, 50.0), (4, 50.0), (0, 0.0)]
    assert results["questions"][2]["mean"] == 5.0
    matrix = results["questions"][4]
    assert [o["count"] for o in matrix["rows"][1]["options"]] == [0, 8]
    by_tenant = {row["tenant_id"]: row for row in results["by_tenant"]}
    hanoi_row, danang_row = by_tenant[member_token.tenants["LDLD-HN"]], by_tenant[member_token.tenants["LDLD-DN"]]
    assert hanoi_row["suppressed"] is False and hanoi_row["respondents"] == 6
    assert danang_row["suppressed"] is True and danang_row["respondents"] is None

    one_tenant = vgcl.get(f"/api/v1/polls/{poll['id']}/results?tenant={member_token.tenants['LDLD-DN']}").json
    assert one_tenant["questions"][0]["suppressed"] is True
    assert all(o["count"] is None for o in one_tenant["questions"][0]["options"])


def test_free_text_answers_are_listed_once_a_moderator_approves_them(hanoi, polls_api, login, member_token):
    poll = open_poll(hanoi)
    member = polls_api.as_(member_token("LDLD-HN"))
    receipt = member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD}).json["receipt"]
    settled(member, receipt)
    moderator = polls_api.as_(login("hanoi.moderator"))
    pending = moderator.get(f"/api/v1/polls/{poll['id']}/text-answers?status=pending").json
    assert [a["text"] for a in pending["items"]] == [GOOD["q4"]]
    assert "member_id" not in pending["items"][0]
    answer_id = pending["items"][0]["id"]
    assert (
        member.post(
            f"/api/v1/polls/{poll['id']}/text-answers/{answer_id}/moderate", json={"status": "approved"}
        ).status_code
        == 403
    )

    hanoi.post(f"/api/v1/polls/{poll['id']}/close")
    hanoi.post(f"/api/v1/polls/{poll['id']}/publish")
    assert member.get(f"/api/v1/polls/{poll['id']}/text-answers").json["items"] == []
    approved = moderator.post(
        f"/api/v1/polls/{poll['id']}/text-answers/{answer_id}/moderate", json={"status": "approved"}
    )
    assert approved.status_code == 200
    assert [a["text"] for a in member.get(f"/api/v1/polls/{poll['id']}/text-answers").json["items"]] == [GOOD["q4"]]


def test_results_are_exported_as_csv_xlsx_and_a_chart_per_question(vgcl, polls_api, member_token):
    import io

    from openpyxl import load_workbook

    poll = open_poll(vgcl, audience={"all": True})
    sent = []
    for _ in range(5):
        member = polls_api.as_(member_token("LDLD-HN"))
        sent.append(
            (member, member.post(f"/api/v1/polls/{poll['id']}/responses", json={"answers": GOOD}).json["receipt"])
        )
    for member, receipt in sent:
        settled(member, receipt)

    csv = vgcl.get(f"/api/v1/polls/{poll['id']}/results/export?format=csv")
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    text = csv.data.decode("utf-8-sig")
    assert "Hài lòng" in text and "attachment" in csv.headers["Content-Disposition"]
    xlsx = vgcl.get(f"/api/v1/polls/{poll['id']}/results/export?format=xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any("Chăm lo đời sống" in c for c in cells)
    chart = vgcl.get(f"/api/v1/polls/{poll['id']}/questions/q1/chart.png")
    assert chart.status_code == 200 and chart.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert vgcl.get(f"/api/v1/polls/{poll['id']}/questions/q9/chart.png").status_code == 404
    assert vgcl.get(f"/api/v1/polls/{poll['id']}/results/export?format=pdf").status_code == 422
    outsider = polls_api.as_(member_token("LDLD-DN"))
    assert outsider.get(f"/api/v1/polls/{poll['id']}/results/export?format=csv").status_code == 403


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": None}, "title"),
        ({"title": 12345}, "title"),
        ({"questions": "not-a-list"}, "questions"),
        ({"questions": []}, "questions"),
        ({"opens_at": "hôm qua"}, "opens_at"),
        ({"audience": [1, 2]}, "audience"),
        ({"colour": "đỏ"}, "colour"),
    ],
)
def test_bad_poll_bodies_are_refused_naming_the_field_and_create_nothing(hanoi, change, field):
    before = hanoi.get("/api/v1/polls").json["total"]
    body = {"title": "Phiếu", "questions": QUESTIONS, **_window(), **change}
    refused = hanoi.post("/api/v1/polls", json=body)
    assert refused.status_code == 422 and field in refused.json["errors"], refused.json
    assert hanoi.get("/api/v1/polls").json["total"] == before


def test_a_response_body_that_is_not_an_answers_object_is_refused(hanoi, polls_api, member_token):
    poll = open_poll(hanoi)
    member = polls_api.as_(member_token("LDLD-HN"))
    url = f"/api/v1/polls/{poll['id']}/responses"
    for body in ([1, 2], {"answers": [1]}, {"answers": "o1"}):
        refused = member.post(url, json=body)
        assert refused.status_code == 422 and "answers" in refused.json["errors"], (body, refused.json)
    not_json = member.post(url, data="answers=o1", headers={"Content-Type": "text/plain"})
    assert not_json.status_code == 422
    assert member.post("/api/v1/polls/not-a-poll/responses", json={"answers": GOOD}).status_code == 404


def test_a_poll_closes_by_itself_when_its_time_is_up(hanoi, polls_api, member_token, databases):
    now = datetime.now(UTC)
    created = hanoi.post(
        "/api/v1/polls",
        json={
            "title": "Phiếu ngắn",
            "questions": QUESTIONS,
            "opens_at": (now - timedelta(minutes=1)).isoformat(),
            "closes_at": (now + timedelta(hours=1)).isoformat(),  # far enough ahead for any machine
        },
    ).json
    assert hanoi.post(f"/api/v1/polls/{created['id']}/open").json["status"] == "open"
    with databases.sessions("polls").transaction() as session:  # the hour comes, without waiting for it
        session.execute(
            sa.text("UPDATE poll SET closes_at = :now WHERE id = CAST(:id AS uuid)"),
            {"now": datetime.now(UTC), "id": created["id"]},
        )
    wait_for(lambda: hanoi.get(f"/api/v1/polls/{created['id']}").json["status"] == "closed", message="the timer")
    member = polls_api.as_(member_token("LDLD-HN"))
    refused = member.post(f"/api/v1/polls/{created['id']}/responses", json={"answers": GOOD})
    assert refused.status_code == 409 and refused.json["code"] == "POLL_CLOSED"


def test_an_administrator_lists_the_polls_it_manages_and_the_tenants_it_may_address(
    hanoi, vgcl, polls_api, login, member_token
):
    national = open_poll(vgcl, audience={"all": True})
    own = hanoi.post("/api/v1/polls", json={"title": "Khảo sát nhà ở", "questions": QUESTIONS, **_window()}).json
    managed = hanoi.get("/api/v1/polls?managed=true").json
    assert [p["id"] for p in managed["items"]] == [own["id"]] and managed["items"][0]["respondents"] == 0
    assert national["id"] in [p["id"] for p in hanoi.get("/api/v1/polls").json["items"]]  # eligible, not managed
    choices = hanoi.get("/api/v1/polls/audience-choices").json
    assert choices["all"] is False
    assert [(c["id"], c["depth"]) for c in choices["items"]] == [(member_token.tenants["LDLD-HN"], 0)]
    assert vgcl.get("/api/v1/polls/audience-choices").json["all"] is True
    contributor = polls_api.as_(login("hanoi.contributor"))
    assert contributor.get("/api/v1/polls/audience-choices").status_code == 403
    assert contributor.get("/api/v1/polls?managed=true").status_code == 403
