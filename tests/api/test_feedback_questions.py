"""Workers' questions through the gateway: routing, the workflow, the tracking page that
leaks nothing private, the public Q&A and its search, tenant isolation, bad input."""

import pytest

QUESTION = {
    "category": "wages_bonuses",
    "title": "Công ty trả lương chậm hai tháng",
    "body": "Công ty tôi đã chậm trả lương hai tháng liền, công đoàn có thể giúp gì cho người lao động?",
}
GUEST = {"name": "Nguyễn Văn Khách", "phone": "0912 345 678", "email": "khach@example.vn"}
ANSWER = {
    "answer": "Theo Bộ luật Lao động, người sử dụng lao động phải trả lương đúng hạn; nếu chậm phải trả thêm tiền lãi."
}


@pytest.fixture
def tenants(api, login, feedback_service):
    admin = api.as_(login("admin"))
    return {t["code"]: t for t in admin.get("/api/v1/tenants", query_string={"per_page": 100}).json["items"]}


@pytest.fixture
def responder(api, login, feedback_service):
    return api.as_(login("hanoi.responder"))


@pytest.fixture
def hanoi_admin(api, login, feedback_service):
    return api.as_(login("hanoi.admin"))


def ask_as_guest(api, tenant_id, **changes):
    response = api.as_(None).post(
        "/api/v1/questions", json={**QUESTION, "tenant_id": tenant_id, "guest": GUEST, **changes}
    )
    assert response.status_code == 201, response.json
    return response.json


def published(api, responder, hanoi_admin, tenant_id, **changes):
    asked = ask_as_guest(api, tenant_id, **changes)
    path = f"/api/v1/questions/{asked['id']}"
    assert responder.post(f"{path}/assign").status_code == 200
    assert responder.post(f"{path}/answer", json=ANSWER).status_code == 200
    assert hanoi_admin.post(f"{path}/approve").status_code == 200
    response = hanoi_admin.post(f"{path}/publish", json={})
    assert response.status_code == 200, response.json
    return asked


def test_a_members_question_goes_to_the_members_own_federation(api, login, responder, tenants):
    member = api.as_(login("hanoi.member"))
    asked = member.post("/api/v1/questions", json=QUESTION)
    assert asked.status_code == 201, asked.json
    assert asked.json["tenant"]["id"] == tenants["LDLD-HN"]["id"]
    assert asked.json["tracking_code"].startswith("HD-")
    listed = responder.get("/api/v1/questions").json
    assert [q["id"] for q in listed["items"]] == [asked.json["id"]]
    assert listed["items"][0]["status"] == "received"


def test_a_guest_chooses_the_federation_and_another_federation_cannot_see_it(api, login, responder, tenants):
    asked = ask_as_guest(api, tenants["LDLD-HN"]["id"])
    danang = api.as_(login("danang.admin"))
    assert danang.get(f"/api/v1/questions/{asked['id']}").status_code == 404
    assert danang.post(f"/api/v1/questions/{asked['id']}/assign").status_code == 404
    assert danang.get("/api/v1/questions").json["total"] == 0
    mine = responder.get(f"/api/v1/questions/{asked['id']}").json
    assert mine["asker"]["guest_phone"] == "0912345678"  # the responders may call back


def test_the_tracking_page_shows_status_and_the_published_answer_and_nothing_private(
    api, responder, hanoi_admin, tenants
):
    asked = published(api, responder, hanoi_admin, tenants["LDLD-HN"]["id"])
    page = api.as_(None).get(f"/api/v1/questions/track/{asked['tracking_code'].lower()}")
    assert page.status_code == 200
    assert page.json["status"] == "published" and page.json["answer"] == ANSWER["answer"]
    text = page.get_data(as_text=True)
    for private in ("Nguyễn Văn Khách", "0912", "khach@example.vn", QUESTION["body"], "asker", 'id"'):
        assert private not in text


def test_the_tracking_page_does_not_show_a_draft_answer(api, responder, tenants):
    asked = ask_as_guest(api, tenants["LDLD-HN"]["id"])
    path = f"/api/v1/questions/{asked['id']}"
    responder.post(f"{path}/answer", json=ANSWER)
    page = api.get(f"/api/v1/questions/track/{asked['tracking_code']}").json
    assert page["status"] == "assigned" and page["answer"] is None


@pytest.mark.parametrize("code", ["HD-20261126-000001-ABCD", "HD-20261126-000001", "khong-co", "%27"])
def test_an_unknown_or_malformed_tracking_code_is_404(api, feedback_service, code):
    assert api.get(f"/api/v1/questions/track/{code}").status_code == 404


def test_answers_are_approved_and_published_by_the_tenant_admin_only(api, responder, hanoi_admin, tenants):
    asked = ask_as_guest(api, tenants["LDLD-HN"]["id"])
    path = f"/api/v1/questions/{asked['id']}"
    responder.post(f"{path}/answer", json=ANSWER)
    refused = responder.post(f"{path}/approve")
    assert refused.status_code == 403
    early = hanoi_admin.post(f"{path}/publish", json={})
    assert early.status_code == 409 and early.json["code"] == "TRANSITION_NOT_ALLOWED"
    assert hanoi_admin.post(f"{path}/approve").status_code == 200
    done = hanoi_admin.post(f"{path}/publish", json={"public": True})
    assert done.json["status"] == "published"
    history = hanoi_admin.get(path).json["activity"]
    assert [a["action"] for a in history] == ["receive", "answer", "approve", "publish"]


def test_the_public_qa_finds_answers_without_diacritics_and_ranks_exact_matches_first(
    api, responder, hanoi_admin, tenants
):
    hn = tenants["LDLD-HN"]["id"]
    near = published(
        api,
        responder,
        hanoi_admin,
        hn,
        category="other",
        title="Hỏi về lường trước rủi ro",
        body="Người lao động cần lường trước những rủi ro gì khi ký hợp đồng thời vụ với công ty?",
    )
    exact = published(api, responder, hanoi_admin, hn)
    ask_as_guest(api, hn, title="Câu hỏi về lương chưa trả lời")  # not published: never listed
    folded = api.get("/api/v1/public/questions", query_string={"q": "luong"}).json
    assert {q["id"] for q in folded["items"]} == {near["id"], exact["id"]}
    ranked = api.get("/api/v1/public/questions", query_string={"q": "lương"}).json
    assert [q["id"] for q in ranked["items"]] == [exact["id"], near["id"]]
    by_category = api.get("/api/v1/public/questions", query_string={"category": "wages_bonuses"}).json
    assert [q["id"] for q in by_category["items"]] == [exact["id"]]
    item = by_category["items"][0]
    assert item["answer"] == ANSWER["answer"] and "tracking_code" not in item and "asker" not in item


def test_an_answer_published_privately_reaches_the_asker_but_not_the_public_list(api, responder, hanoi_admin, tenants):
    asked = ask_as_guest(api, tenants["LDLD-HN"]["id"])
    path = f"/api/v1/questions/{asked['id']}"
    responder.post(f"{path}/answer", json=ANSWER)
    hanoi_admin.post(f"{path}/approve")
    hanoi_admin.post(f"{path}/publish", json={"public": False})
    assert api.get(f"/api/v1/questions/track/{asked['tracking_code']}").json["answer"] == ANSWER["answer"]
    assert api.get("/api/v1/public/questions").json["total"] == 0


def test_a_transfer_moves_the_question_with_its_history(api, login, responder, tenants):
    asked = ask_as_guest(api, tenants["LDLD-HN"]["id"])
    path = f"/api/v1/questions/{asked['id']}"
    moved = responder.post(
        f"{path}/transfer", json={"tenant_id": tenants["LDLD-DN"]["id"], "note": "Công ty ở Đà Nẵng"}
    )
    assert moved.status_code == 200 and moved.json["status"] == "transferred"
    assert responder.get(path).status_code == 404
    danang = api.as_(login("danang.admin"))
    seen = danang.get(path).json
    assert [a["action"] for a in seen["activity"]] == ["receive", "transfer"]
    assert seen["activity"][0]["tenant_id"] == tenants["LDLD-HN"]["id"]
    assert danang.post(f"{path}/assign").json["status"] == "assigned"


def test_a_rejected_question_tells_the_asker_why(api, responder, tenants):
    asked = ask_as_guest(api, tenants["LDLD-HN"]["id"])
    missing = responder.post(f"/api/v1/questions/{asked['id']}/reject", json={})
    assert missing.status_code == 422 and "reason" in missing.json["errors"]
    responder.post(f"/api/v1/questions/{asked['id']}/reject", json={"reason": "Nội dung ngoài phạm vi tư vấn."})
    page = api.get(f"/api/v1/questions/track/{asked['tracking_code']}").json
    assert page["status"] == "rejected" and page["reject_reason"] == "Nội dung ngoài phạm vi tư vấn."


def test_members_and_guests_cannot_read_the_staff_list(api, login, feedback_service):
    assert api.get("/api/v1/questions").status_code == 401
    assert api.as_(login("hanoi.member")).get("/api/v1/questions").status_code == 403


@pytest.mark.parametrize(
    "change, field",
    [
        ({"category": None}, "category"),
        ({"category": "weather"}, "category"),
        ({"title": "Hỏi"}, "title"),
        ({"body": "Quá ngắn"}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"guest": None}, "guest"),
        ({"guest": {"name": "Khách"}}, "guest"),
        ({"guest": {"name": "Khách", "phone": "12345"}}, "guest"),
        ({"guest": {"name": "Khách", "email": "không-phải-email"}}, "guest"),
        ({"tenant_id": "not-a-uuid"}, "tenant_id"),
        ({"tenant_id": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c"}, "tenant_id"),
        ({"unexpected": 1}, "unexpected"),
        ({"body": "Công ty <b>trả lương chậm</b> hai tháng liền, tôi phải làm gì bây giờ?"}, "body"),
        ({"body": "cong ty toi cham tra luong hai thang lien, cong doan co the giup gi cho nguoi lao dong"}, "body"),
    ],
)
def test_bad_questions_are_refused_naming_the_field_and_nothing_is_stored(api, responder, tenants, change, field):
    body = {**QUESTION, "tenant_id": tenants["LDLD-HN"]["id"], "guest": GUEST, **change}
    response = api.as_(None).post("/api/v1/questions", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert responder.get("/api/v1/questions").json["total"] == 0


def test_text_without_diacritics_gets_the_vietnamese_message(api, tenants, feedback_service):
    body = {
        **QUESTION,
        "body": "cong ty toi cham tra luong hai thang lien, cong doan giup gi duoc khong",
        "guest": GUEST,
    }
    response = api.post("/api/v1/questions", json={**body, "tenant_id": tenants["LDLD-HN"]["id"]})
    assert response.status_code == 422
    assert response.json["code"] == "DIACRITICS_REQUIRED"
    assert response.json["message"] == "Vui lòng sử dụng tiếng Việt có dấu"


def test_text_is_stored_nfc_normalised(api, responder, tenants):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", QUESTION["body"])
    asked = ask_as_guest(api, tenants["LDLD-HN"]["id"], body=decomposed)
    stored = responder.get(f"/api/v1/questions/{asked['id']}").json["body"]
    assert stored == unicodedata.normalize("NFC", QUESTION["body"])


@pytest.mark.parametrize(
    "action, body, field",
    [
        ("answer", {}, "answer"),
        ("answer", {"answer": "Ngắn quá"}, "answer"),
        ("assign", {"responder_id": "khong"}, "responder_id"),
        ("transfer", {}, "tenant_id"),
        ("transfer", {"tenant_id": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c"}, "tenant_id"),
        ("reject", {"reason": "x"}, "reason"),
        ("publish", {"public": "có"}, "public"),
        ("approve", {"extra": 1}, "extra"),
    ],
)
def test_bad_input_to_an_action_names_the_field_and_changes_nothing(
    api, responder, hanoi_admin, tenants, action, body, field
):
    asked = ask_as_guest(api, tenants["LDLD-HN"]["id"])
    response = hanoi_admin.post(f"/api/v1/questions/{asked['id']}/{action}", json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert responder.get(f"/api/v1/questions/{asked['id']}").json["status"] == "received"


@pytest.mark.parametrize(
    "args, field",
    [({"status": "lost"}, "status"), ({"per_page": 0}, "per_page"), ({"overdue": "maybe"}, "overdue"), ({"x": 1}, "x")],
)
def test_bad_list_arguments_name_the_field(responder, args, field):
    response = responder.get("/api/v1/questions", query_string=args)
    assert response.status_code == 422 and field in response.json["errors"]


@pytest.mark.parametrize(
    "args, field", [({"category": "x"}, "category"), ({"q": "x" * 201}, "q"), ({"page": -1}, "page")]
)
def test_bad_public_arguments_name_the_field(api, feedback_service, args, field):
    response = api.get("/api/v1/public/questions", query_string=args)
    assert response.status_code == 422 and field in response.json["errors"]


def test_an_unknown_question_id_is_404(responder):
    assert responder.get("/api/v1/questions/khong-co").status_code == 404
    assert responder.post("/api/v1/questions/6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c/assign").status_code == 404


def test_the_answer_deadline_is_a_tenant_setting(api, hanoi_admin, responder, tenants):
    assert hanoi_admin.get("/api/v1/questions/settings").json["answer_days"] == 5
    assert responder.patch("/api/v1/questions/settings", json={"answer_days": 3}).status_code == 403
    bad = hanoi_admin.patch("/api/v1/questions/settings", json={"answer_days": 0})
    assert bad.status_code == 422 and "answer_days" in bad.json["errors"]
    assert hanoi_admin.patch("/api/v1/questions/settings", json={"answer_days": 10}).json["answer_days"] == 10
    asked = ask_as_guest(api, tenants["LDLD-HN"]["id"])
    other = ask_as_guest(api, tenants["LDLD-DN"]["id"])
    assert asked["due_at"] > other["due_at"]


def test_holidays_are_listed_and_edited_by_platform_admins_only(api, login, feedback_service):
    admin = api.as_(login("admin"))
    days = admin.get("/api/v1/holidays", query_string={"year": 2026}).json
    assert {"day": "2026-02-17", "name": "Tết Nguyên đán (mùng 1)", "working_day": False} in days
    extra = {"day": "2026-11-24", "name": "Ngày Văn hóa Việt Nam"}
    assert api.as_(login("hanoi.admin")).post("/api/v1/holidays", json=extra).status_code == 403
    assert admin.post("/api/v1/holidays", json=extra).status_code == 200
    bad = admin.post("/api/v1/holidays", json={**extra, "working_day": True})
    assert bad.status_code == 422 and "working_day" in bad.json["errors"]
    assert admin.delete("/api/v1/holidays/2026-11-24").status_code == 200
    assert admin.delete("/api/v1/holidays/2026-11-24").status_code == 404
    assert admin.delete("/api/v1/holidays/hom-nay").status_code == 422


def test_staff_search_their_questions_with_or_without_diacritics(api, responder, tenants):
    asked = ask_as_guest(api, tenants["LDLD-HN"]["id"])
    ask_as_guest(
        api,
        tenants["LDLD-HN"]["id"],
        category="other",
        title="Hỏi về thủ tục kết nạp đoàn viên",
        body="Tôi muốn gia nhập công đoàn cơ sở thì cần chuẩn bị những giấy tờ gì ạ?",
    )
    for q in ("luong cham", "lương chậm"):
        found = responder.get("/api/v1/questions", query_string={"q": q}).json
        assert [item["id"] for item in found["items"]] == [asked["id"]]


def test_tracking_lookups_are_throttled_per_client_address(api, feedback_service):
    from_one = {"environ_base": {"REMOTE_ADDR": "198.51.100.20"}}
    codes = [f"HD-20261126-{n:06d}-ABCD" for n in range(60)]
    assert {api.get(f"/api/v1/questions/track/{code}", **from_one).status_code for code in codes} == {404}
    refused = api.get("/api/v1/questions/track/HD-20261126-000061-ABCD", **from_one)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    elsewhere = api.get(
        "/api/v1/questions/track/HD-20261126-000061-ABCD", environ_base={"REMOTE_ADDR": "198.51.100.21"}
    )
    assert elsewhere.status_code == 404


def test_a_question_is_assigned_only_to_a_responder_of_its_tenant(api, login, responder, hanoi_admin, tenants):
    asked = ask_as_guest(api, tenants["LDLD-HN"]["id"])
    path = f"/api/v1/questions/{asked['id']}/assign"
    users = {
        u["username"]: u["id"] for u in hanoi_admin.get("/api/v1/users", query_string={"per_page": 100}).json["items"]
    }
    danang_admin = api.as_(login("danang.admin")).get("/api/v1/me").json["user"]["id"]
    for someone in (users["hanoi.member"], danang_admin, "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c"):
        refused = hanoi_admin.post(path, json={"responder_id": someone})
        assert refused.status_code == 422 and refused.json["code"] == "NOT_A_RESPONDER", refused.json
        assert "responder_id" in refused.json["errors"]
    done = hanoi_admin.post(path, json={"responder_id": users["hanoi.responder"]})
    assert done.status_code == 200 and done.json["assigned_to"] == users["hanoi.responder"]
    assert [q["id"] for q in responder.get("/api/v1/questions", query_string={"mine": True}).json["items"]] == [
        asked["id"]
    ]


def test_a_guest_may_name_the_federation_by_its_slug(api, responder, feedback_service, tenants):
    asked = api.post("/api/v1/questions", json={**QUESTION, "tenant": "ha-noi", "guest": GUEST})
    assert asked.status_code == 201 and asked.json["tenant"]["id"] == tenants["LDLD-HN"]["id"]
    unknown = api.post("/api/v1/questions", json={**QUESTION, "tenant": "khong-co", "guest": GUEST})
    assert unknown.status_code == 422 and "tenant" in unknown.json["errors"]
