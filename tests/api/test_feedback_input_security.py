"""Hostile input on the feedback endpoints: a NUL character in any text (PostgreSQL refuses
it with an error, SQLite stores it) and dates no one means (year 0, year 9999) are refused
with 422 naming the field and nothing is stored; never a 500."""

import pytest

from platform_shared.actor import SYSTEM
from platform_shared.errors import InvalidInput

QUESTION = {
    "category": "wages_bonuses",
    "title": "Công ty trả lương chậm hai tháng",
    "body": "Công ty tôi đã chậm trả lương hai tháng liền, công đoàn có thể giúp gì cho người lao động?",
}
GUEST = {"name": "Nguyễn Văn Khách", "phone": "0912 345 678"}
TOPIC = {
    "title": "Góp ý dự thảo quy chế dân chủ ở cơ sở",
    "description": "Liên đoàn Lao động thành phố lấy ý kiến đoàn viên về dự thảo quy chế dân chủ tại nơi làm việc.",
}
OPINION = "Tôi đề nghị bổ sung quy định đối thoại định kỳ mỗi quý giữa công đoàn và người sử dụng lao động."
ANSWER = "Theo Bộ luật Lao động, người sử dụng lao động phải trả lương đúng hạn cho người lao động."


@pytest.fixture
def hanoi(api, login, feedback_service):
    tenants = api.as_(login("admin")).get("/api/v1/tenants", query_string={"per_page": 100}).json["items"]
    return next(t["id"] for t in tenants if t["code"] == "LDLD-HN")


def nul(text):
    return text[:8] + "\x00" + text[8:]


def refused(response, *path):
    assert response.status_code == 422, response.json
    errors = response.json["errors"]
    for key in path:
        errors = errors[key]
    assert errors, response.json


@pytest.mark.parametrize(
    "change, path",
    [
        ({"title": nul(QUESTION["title"])}, ("title",)),
        ({"body": nul(QUESTION["body"])}, ("body",)),
        ({"guest": {**GUEST, "name": nul(GUEST["name"])}}, ("guest", "name")),
        ({"guest": {**GUEST, "phone": "0912\x00345678"}}, ("guest", "phone")),
        ({"guest": {"name": GUEST["name"], "email": "khach\x00@example.vn"}}, ("guest", "email")),
        ({"tenant_id": None, "tenant": "ha-noi\x00"}, ("tenant",)),
    ],
)
def test_a_nul_in_a_question_names_the_field_and_stores_nothing(api, login, hanoi, change, path):
    refused(
        api.as_(None).post("/api/v1/questions", json={**QUESTION, "tenant_id": hanoi, "guest": GUEST, **change}), *path
    )
    assert api.as_(login("hanoi.responder")).get("/api/v1/questions").json["total"] == 0


def test_a_nul_in_staff_text_names_the_field(api, login, hanoi):
    asked = api.as_(None).post("/api/v1/questions", json={**QUESTION, "tenant_id": hanoi, "guest": GUEST}).json
    admin = api.as_(login("hanoi.admin"))
    path = f"/api/v1/questions/{asked['id']}"
    refused(admin.post(f"{path}/answer", json={"answer": nul(ANSWER)}), "answer")
    refused(admin.post(f"{path}/reject", json={"reason": nul("Câu hỏi trùng lặp")}), "reason")
    refused(admin.post(f"{path}/transfer", json={"tenant_id": hanoi, "note": nul("Chuyển đơn vị")}), "note")
    assert admin.get(path).json["status"] == "received"
    refused(api.get("/api/v1/public/questions", query_string={"q": "lương\x00"}), "q")
    refused(api.get("/api/v1/public/questions", query_string={"tenant": "ha-noi\x00"}), "tenant")
    settings = {"section": "news\x00", "premoderated": True, "guests_allowed": False}
    refused(api.as_(login("admin")).patch("/api/v1/comments/settings", json=settings), "section")


def test_a_nul_in_topics_and_opinions_names_the_field(api, login, feedback_service):
    admin, member = api.as_(login("hanoi.admin")), api.as_(login("hanoi.member"))
    refused(admin.post("/api/v1/opinions/topics", json={**TOPIC, "title": nul(TOPIC["title"])}), "title")
    refused(
        admin.post("/api/v1/opinions/topics", json={**TOPIC, "description": nul(TOPIC["description"])}), "description"
    )
    topic = admin.post("/api/v1/opinions/topics", json=TOPIC).json
    refused(member.post("/api/v1/opinions", json={"topic_id": topic["id"], "body": nul(OPINION)}), "body")
    given = member.post("/api/v1/opinions", json={"topic_id": topic["id"], "body": OPINION}).json
    refused(admin.post(f"/api/v1/opinions/{given['id']}/answer", json={"answer": nul(ANSWER)}), "answer")
    assert admin.get("/api/v1/opinions", query_string={"topic_id": topic["id"]}).json["total"] == 1


@pytest.mark.parametrize("day", ["0000-01-01", "0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_dates_out_of_range_name_the_field(api, login, feedback_service, day):
    admin = api.as_(login("admin"))
    refused(admin.post("/api/v1/holidays", json={"day": day, "name": "Ngày nghỉ"}), "day")
    response = admin.delete(f"/api/v1/holidays/{day}")
    assert response.status_code == 422 and "day" in response.json["errors"], response.json
    refused(admin.post("/api/v1/opinions/topics", json={**TOPIC, "closes_on": day}), "closes_on")
    assert admin.get("/api/v1/opinions/topics").json["total"] == 0


@pytest.mark.parametrize("year", [0, 1, 9999])
def test_a_holiday_year_out_of_range_names_the_field(api, login, feedback_service, year):
    refused(api.as_(login("admin")).get("/api/v1/holidays", query_string={"year": year}), "year")


@pytest.mark.parametrize(
    "start, end, field",
    [("0000-01-01", "2026-07-01", "start"), ("0001-01-01", "2026-07-01", "start"), ("2026-01-01", "9999-12-31", "end")],
)
def test_figures_of_an_impossible_period_name_the_field(hanoi, feedback_rpc, start, end, field):
    with pytest.raises(InvalidInput) as caught:
        feedback_rpc.question_figures(SYSTEM.dump(), hanoi, start, end)
    assert field in caught.value.details["errors"]
