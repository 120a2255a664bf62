"""The federation's questions in the workspace (/quan-tri/hoi-dap): the inbox with the overdue
questions first and marked in words, its filters; one question's actions (assign, answer,
approve, publish, reject, transfer) each 303 with a flash, a refusal re-rendered with the
message beside the field and nothing changed; another federation's question 404, a member or
contributor 403, a form without its CSRF token 400; the deadline settings and the holiday
calendar with bad dates; the landing card. Real accounts, feedback and content."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text as sql

from tests.workspace.conftest import csrf_of

INBOX = "/quan-tri/hoi-dap"
QUESTION = {
    "category": "wages_bonuses",
    "tenant": "ha-noi",
    "title": "Công ty trả lương chậm hai tháng",
    "body": "Công ty tôi đã chậm trả lương hai tháng liền, công đoàn có thể giúp gì cho người lao động?",
    "guest": {"name": "Nguyễn Văn Khách", "phone": "0912 345 678"},
}
ANSWER_HTML = (
    "<p>Theo <strong>Điều 97</strong> Bộ luật Lao động, công ty phải trả lương đúng hạn.</p>"
    '<p onclick="steal()">Chậm quá 15 ngày phải trả thêm tiền lãi.<script>alert(1)</script></p>'
)


def text(response):
    return response.get_data(as_text=True)


def ask(api, **changes):
    asked = api.as_(None).post("/api/v1/questions", json={**QUESTION, **changes})
    assert asked.status_code == 201, asked.json
    return asked.json


def past_due(databases, question_id, days, escalated_to=None):
    """The question as the escalation timer leaves it ``days`` after its deadline."""
    due = datetime.now(UTC) - timedelta(days=days)
    with databases.sessions("feedback").transaction() as session:
        session.execute(
            sql(
                "UPDATE question SET due_at = :due, overdue_at = CASE WHEN CAST(:to AS uuid) IS NULL THEN NULL "
                "ELSE :due END, escalated_to_id = CAST(:to AS uuid) WHERE id = CAST(:id AS uuid)"
            ),
            {"due": due, "to": escalated_to, "id": question_id},
        )


def act(client, question_id, suffix, **form):
    shown = client.get(f"{INBOX}/{question_id}")
    assert shown.status_code == 200, text(shown)[:300]
    return client.post(f"{INBOX}/{question_id}/{suffix}", data={"csrf_token": csrf_of(shown), **form})


def status_of(api, login, question_id):
    return api.as_(login("hanoi.admin")).get(f"/api/v1/questions/{question_id}").json["status"]


@pytest.fixture
def tenant_ids(api, login, feedback_service):
    return {
        who: api.as_(login(who)).get("/api/v1/me").json["user"]["tenant_id"] for who in ("hanoi.admin", "danang.admin")
    }


def test_the_inbox_puts_the_overdue_questions_first_marked_in_words_and_filters_them(
    staff_as, api, login, databases, feedback_service
):
    late = ask(api, title="Câu hỏi gửi sớm đã quá hạn trả lời")
    insurance = ask(api, title="Chốt sổ bảo hiểm xã hội khi nghỉ việc", category="social_insurance")
    newest = ask(api, title="Câu hỏi mới nhất vừa gửi sáng nay")
    past_due(databases, late["id"], 3)
    responder = staff_as("hanoi.responder")

    page = text(responder.get(INBOX))
    rows = re.findall(r'<tr class="([^"]*)">\s*<td data-label="Mã tra cứu"><span class="qa-code">([^<]+)<', page)
    assert [code for _, code in rows] == [late["tracking_code"], newest["tracking_code"], insurance["tracking_code"]]
    assert rows[0][0] == "is-late" and rows[1][0] == ""
    assert "Quá hạn 3 ngày" in page and "Còn 5 ngày làm việc" in page and "Nguyễn Văn Khách" in page
    assert "Mới, chưa giao" in page and "Chưa giao" in page and 'aria-current="page">Tất cả' in page

    overdue = text(responder.get(f"{INBOX}?xem=qua-han"))
    assert late["tracking_code"] in overdue and newest["tracking_code"] not in overdue
    by_category = text(responder.get(f"{INBOX}?linh-vuc=bao-hiem-xa-hoi"))
    assert insurance["tracking_code"] in by_category and late["tracking_code"] not in by_category
    found = text(responder.get(f"{INBOX}?q=moi+nhat"))  # without diacritics
    assert newest["tracking_code"] in found and "1 câu hỏi" in found

    # A responder may hand a question to the federation's administrator: accounts names them.
    assignable = text(responder.get(f"{INBOX}/{newest['id']}"))
    assert re.search(r'<option value="[^"]+">Nguyễn Thị Hà</option>', assignable)
    assert act(responder, newest["id"], "giao", responder_id="").status_code == 303  # to myself
    mine = text(responder.get(f"{INBOX}?xem=cua-toi"))
    assert newest["tracking_code"] in mine and "Tôi (Lê Thị Thu)" in mine and late["tracking_code"] not in mine
    unassigned = text(responder.get(f"{INBOX}?xem=chua-giao"))
    assert newest["tracking_code"] not in unassigned and late["tracking_code"] in unassigned
    assert insurance["tracking_code"] in text(responder.get(f"{INBOX}?trang-thai=received&linh-vuc=bao-hiem-xa-hoi"))
    for bad in ("xem=tat", "trang-thai=lost", "linh-vuc=khong-co", "trang=2", "trang=0"):
        assert responder.get(f"{INBOX}?{bad}").status_code == 404, bad


def test_an_escalated_question_names_the_federation_it_came_from(
    staff_as, api, login, databases, tenant_ids, content_service
):
    asked = ask(api)
    past_due(databases, asked["id"], 2, escalated_to=tenant_ids["danang.admin"])
    upper = staff_as("danang.admin")
    listed = text(upper.get(INBOX))
    assert asked["tracking_code"] in listed
    assert "Chuyển lên từ Liên đoàn Lao động thành phố Hà Nội (quá hạn)" in listed and "Quá hạn 2 ngày" in listed
    shown = text(upper.get(f"{INBOX}/{asked['id']}"))
    assert "Chuyển lên từ Liên đoàn Lao động thành phố Hà Nội" in shown and 'id="form-tra-loi"' in shown


def test_a_question_from_assignment_to_publication_each_step_with_its_flash_and_history(
    staff_as, api, login, feedback_service
):
    asked = ask(api)
    admin, responder = staff_as("hanoi.admin"), staff_as("hanoi.responder")

    form = text(admin.get(f"{INBOX}/{asked['id']}"))
    assert "Lê Thị Thu" in form and "0912345678" in form and 'id="form-duyet"' not in form
    responder_id = re.search(r'<option value="([^"]+)">Lê Thị Thu</option>', form).group(1)
    done = act(admin, asked["id"], "giao", responder_id=responder_id)
    assert done.status_code == 303 and done.headers["Location"].endswith(f"{INBOX}/{asked['id']}")
    assert "Đã giao câu hỏi cho Lê Thị Thu." in text(admin.get(done.headers["Location"]))

    page = text(responder.get(f"{INBOX}/{asked['id']}"))
    assert 'id="trinh-soan-thao"' in page and "pell.min.js" in page and 'id="form-duyet"' not in page
    assert act(responder, asked["id"], "tra-loi", answer=ANSWER_HTML).status_code == 303
    answered = text(responder.get(f"{INBOX}/{asked['id']}"))
    assert "Đã lưu câu trả lời" in answered and "<strong>Điều 97</strong>" in answered
    assert "alert(1)" not in answered and "steal()" not in answered and "Đã trả lời, chờ duyệt" in answered
    assert 'id="form-duyet"' not in answered  # approving is the administrator's

    assert act(admin, asked["id"], "duyet").status_code == 303
    published = act(
        admin,
        asked["id"],
        "dang",
        public="1",
        public_title="Công ty chậm trả lương",
        public_body=("Công ty chậm trả lương hai tháng liền, người lao động cần làm gì để được trả đủ?"),
    )
    assert published.status_code == 303
    page = text(admin.get(published.headers["Location"]))
    assert "Đã đăng câu trả lời: người hỏi đọc được bằng mã tra cứu và trên mục Hỏi – đáp" in page
    assert "Đã đăng câu trả lời" in page and 'id="form-go"' in page
    history = page[page.index('id="lich-su"') :]
    for line in ("Tiếp nhận câu hỏi", "Giao xử lý", "Trả lời", "Duyệt câu trả lời", "Đăng câu trả lời"):
        assert line in history, line
    assert "Lê Thị Thu" in history and "Nguyễn Thị Hà" in history

    tracked = text(admin.get(f"/hoi-dap/tra-cuu/{asked['tracking_code']}"))
    assert "<strong>Điều 97</strong>" in tracked and "alert(1)" not in tracked


def test_a_refused_action_is_shown_beside_its_field_and_changes_nothing(staff_as, api, login, feedback_service):
    asked = ask(api)
    responder = staff_as("hanoi.responder")
    empty = act(responder, asked["id"], "tra-loi", answer="<p><strong> </strong><br><br><br></p>")  # the editor's blank
    page = text(empty)
    assert empty.status_code == 422 and 'id="loi-answer"' in page and "ít nhất 20 ký tự nội dung" in page
    assert 'aria-invalid="true"' in page and "&lt;p&gt;&lt;strong&gt;" in page  # what was typed is kept

    no_reason = act(responder, asked["id"], "tu-choi", reason="   ")
    assert no_reason.status_code == 422 and 'id="loi-reason"' in text(no_reason)
    nowhere = act(responder, asked["id"], "chuyen", tenant_id="", note="Thử")
    assert nowhere.status_code == 422 and 'id="loi-tenant_id"' in text(nowhere)
    assert status_of(api, login, asked["id"]) == "received"

    admin = staff_as("hanoi.admin")
    wrong_state = act(admin, asked["id"], "duyet")  # nothing to approve yet
    assert wrong_state.status_code == 409 and "Trạng thái của câu hỏi vừa thay đổi" in text(wrong_state)
    assert act(admin, asked["id"], "khong-co").status_code == 404
    assert status_of(api, login, asked["id"]) == "received"


def test_a_transfer_sends_the_question_and_its_history_to_another_federation(
    staff_as, api, login, tenant_ids, content_service
):
    asked = ask(api)
    responder = staff_as("hanoi.responder")
    form = text(responder.get(f"{INBOX}/{asked['id']}"))
    assert f'<option value="{tenant_ids["danang.admin"]}">Liên đoàn Lao động thành phố Đà Nẵng</option>' in form
    assert f'<option value="{tenant_ids["hanoi.admin"]}">' not in form  # not to itself
    moved = act(responder, asked["id"], "chuyen", tenant_id=tenant_ids["danang.admin"], note="Công ty ở Đà Nẵng")
    assert moved.status_code == 303 and moved.headers["Location"].endswith(INBOX)
    assert "Đã chuyển câu hỏi sang Liên đoàn Lao động thành phố Đà Nẵng" in text(responder.get(INBOX))
    assert responder.get(f"{INBOX}/{asked['id']}").status_code == 404

    receiving = staff_as("danang.admin")
    page = text(receiving.get(f"{INBOX}/{asked['id']}"))
    assert "Chuyển đến, chưa giao" in page and "Công ty ở Đà Nẵng" in page
    assert "từ Liên đoàn Lao động thành phố Hà Nội sang Liên đoàn Lao động thành phố Đà Nẵng" in page
    assert "Cán bộ Liên đoàn Lao động thành phố Hà Nội" in page  # the sender, named by their federation


def test_who_may_open_the_questions(staff_as, api, login, feedback_service):
    asked = ask(api)
    other = staff_as("danang.admin")
    assert other.get(f"{INBOX}/{asked['id']}").status_code == 404
    assert asked["tracking_code"] not in text(other.get(INBOX))
    shown = other.get(INBOX)
    assert (
        other.post(
            f"{INBOX}/{asked['id']}/tra-loi", data={"csrf_token": csrf_of(shown), "answer": "x" * 30}
        ).status_code
        == 404
    )
    assert staff_as("hanoi.member").get(INBOX).status_code == 403
    contributor = staff_as("hanoi.contributor")
    assert contributor.get(INBOX).status_code == 403 and contributor.get(f"{INBOX}/{asked['id']}").status_code == 403
    responder = staff_as("hanoi.responder")
    assert responder.get(f"{INBOX}/khong-phai-ma").status_code == 404
    missing = responder.post(
        f"{INBOX}/{asked['id']}/tra-loi", data={"answer": "Công ty phải trả lương đúng hạn theo luật."}
    )
    assert missing.status_code == 400
    assert status_of(api, login, asked["id"]) == "received"


def test_the_deadline_settings(staff_as, api, login, feedback_service):
    responder = staff_as("hanoi.responder")
    seen = text(responder.get(f"{INBOX}/cai-dat"))
    assert "5 ngày làm việc" in seen and 'id="form-cai-dat"' not in seen
    admin = staff_as("hanoi.admin")
    form = admin.get(f"{INBOX}/cai-dat")
    for bad in ("0", "abc", "61", ""):
        refused = admin.post(f"{INBOX}/cai-dat", data={"csrf_token": csrf_of(form), "answer_days": bad})
        assert refused.status_code == 422 and 'id="loi-answer_days"' in text(refused), bad
        assert f'value="{bad}"' in text(refused)
    saved = admin.post(f"{INBOX}/cai-dat", data={"csrf_token": csrf_of(form), "answer_days": "7"})
    assert saved.status_code == 303
    assert "Đã lưu: câu hỏi mới được trả lời trong 7 ngày làm việc" in text(admin.get(saved.headers["Location"]))
    assert "Còn 7 ngày làm việc" in text(responder.get(f"{INBOX}/{ask(api)['id']}"))
    refused = responder.post(f"{INBOX}/cai-dat", data={"csrf_token": csrf_of(responder.get(INBOX)), "answer_days": "3"})
    assert refused.status_code == 403
    assert "7 ngày làm việc" in text(admin.get(f"{INBOX}/cai-dat"))


def test_the_holiday_calendar(staff_as, api, login, feedback_service):
    admin = staff_as("admin")
    page = text(admin.get("/quan-tri/ngay-nghi?nam=2026"))
    assert "Giỗ Tổ Hùng Vương" in page or "Nghỉ bù Giỗ Tổ Hùng Vương" in page
    assert "Thứ Năm, 30/04/2026" in page and "Ngày làm bù" in page
    form = admin.get("/quan-tri/ngay-nghi")
    for day, field in (("2026-02-30", "day"), ("9999-01-01", "day"), ("", "day")):
        refused = admin.post("/quan-tri/ngay-nghi", data={"csrf_token": csrf_of(form), "day": day, "name": "Nghỉ thử"})
        assert refused.status_code == 422 and f'id="loi-{field}"' in text(refused), day
    weekday = admin.post(
        "/quan-tri/ngay-nghi",
        data={"csrf_token": csrf_of(form), "day": "2027-06-02", "name": "Làm bù thử", "working_day": "1"},
    )
    assert weekday.status_code == 422 and 'id="loi-working_day"' in text(weekday)
    assert "Làm bù thử" not in text(admin.get("/quan-tri/ngay-nghi?nam=2027"))

    added = admin.post(
        "/quan-tri/ngay-nghi", data={"csrf_token": csrf_of(form), "day": "2027-11-20", "name": "Nghỉ Ngày Nhà giáo"}
    )
    assert added.status_code == 303 and added.headers["Location"].endswith("/quan-tri/ngay-nghi?nam=2027")
    listed = text(admin.get(added.headers["Location"]))
    assert "Đã lưu ngày nghỉ 20/11/2027: Nghỉ Ngày Nhà giáo" in listed and "Thứ Bảy, 20/11/2027" in listed
    removed = admin.post("/quan-tri/ngay-nghi/2027-11-20/xoa", data={"csrf_token": csrf_of(form)})
    assert removed.status_code == 303
    after = text(admin.get(removed.headers["Location"]))
    assert "Đã xóa ngày 20/11/2027" in after and "Nghỉ Ngày Nhà giáo" not in after
    assert admin.post("/quan-tri/ngay-nghi/2027-11-20/xoa", data={"csrf_token": csrf_of(form)}).status_code == 404
    assert admin.get("/quan-tri/ngay-nghi?nam=abc").status_code == 404

    tenant_admin = staff_as("hanoi.admin")
    shown = tenant_admin.get("/quan-tri/ngay-nghi?nam=2026")
    assert shown.status_code == 200 and 'id="form-ngay-nghi"' not in text(shown)
    forbidden = tenant_admin.post(
        "/quan-tri/ngay-nghi", data={"csrf_token": csrf_of(shown), "day": "2027-11-20", "name": "Nghỉ Ngày Nhà giáo"}
    )
    assert forbidden.status_code == 403


def test_the_landing_card_counts_what_waits(staff_as, api, login, databases, feedback_service):
    first, second = ask(api), ask(api, title="Câu hỏi thứ hai về tiền lương tháng")
    ask(api, title="Câu hỏi thứ ba về hợp đồng lao động")
    past_due(databases, first["id"], 1)
    responder = staff_as("hanoi.responder")
    assert act(responder, second["id"], "giao", responder_id="").status_code == 303
    card = text(responder.get("/quan-tri/"))
    card = card[card.index(">Hỏi đáp</h2>") :]
    assert re.search(r'href="/quan-tri/hoi-dap\?xem=chua-giao"><strong>2</strong> câu hỏi mới chưa giao', card)
    assert re.search(r"<strong>1</strong> câu hỏi giao cho tôi chưa trả lời", card)
    assert re.search(r'href="/quan-tri/hoi-dap\?xem=qua-han"><strong>1</strong> câu hỏi quá hạn', card)
    assert "chờ duyệt" not in card
    admin_card = text(staff_as("hanoi.admin").get("/quan-tri/"))
    assert "câu trả lời chờ duyệt" in admin_card[admin_card.index(">Hỏi đáp</h2>") :]
