"""«Công nhân hỏi – Công đoàn trả lời» pages (``/hoi-dap``…) through the Flask test client
with the real services: a guest asks and tracks the question by its code, a member asks with
their account, a refused question comes back with its text and the message beside the field,
a form without its CSRF token changes nothing, the published answers can be filtered,
searched without diacritics and read one by one, unknown codes and ids are 404."""

import re
import uuid

import pytest

QUESTION = {
    "category": "wages_bonuses",
    "tenant": "ha-noi",
    "title": "Công ty trả lương chậm hai tháng",
    "body": "Công ty tôi đã chậm trả lương hai tháng liền, công đoàn có thể giúp gì cho người lao động?",
}
GUEST = {"guest_name": "Nguyễn Văn Khách", "guest_phone": "0912 345 678", "guest_email": ""}
ANSWER = {
    "answer": "Theo Bộ luật Lao động, người sử dụng lao động phải trả lương đúng hạn; nếu chậm phải trả thêm tiền lãi."
}
UNACCENTED = "Cong ty toi da cham tra luong hai thang lien, cong doan co the giup gi cho nguoi lao dong khong?"


@pytest.fixture
def feedback_settings():
    return {"FEEDBACK_QUESTION_LIMIT_ADDRESS": 4}


@pytest.fixture
def site(gateway_app, content_service, feedback_service):
    """A visitor's browser: the page client of the gateway, with the services running."""
    return gateway_app.test_client()


@pytest.fixture
def responder(api, login, feedback_service):
    return api.as_(login("hanoi.responder"))


def csrf_from(html):
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def text_of(response):
    return response.get_data(as_text=True)


def ask(site, **fields):
    """The ask form opened and sent as a guest; the POST's response."""
    token = csrf_from(text_of(site.get("/hoi-dap/gui-cau-hoi")))
    return site.post("/hoi-dap/gui-cau-hoi", data={**QUESTION, **GUEST, **fields, "csrf_token": token})


def sign_in(site, demo, username):
    """Through the real sign-in form (its CSRF token from the session, as the form would carry it)."""
    with site.session_transaction() as session:
        token = session.setdefault("csrf", "jeton-de-test")
    response = site.post(
        "/dang-nhap", data={"username": username, "password": demo["demo"], "csrf_token": token, "tiep": "/"}
    )
    assert response.status_code == 303, text_of(response)


def test_the_ask_form_lists_the_federations_by_kind_and_explains_the_diacritics_rule(site):
    response = site.get("/hoi-dap/gui-cau-hoi")
    html = text_of(response)
    assert response.status_code == 200
    assert '<optgroup label="Liên đoàn Lao động tỉnh, thành phố">' in html
    assert '<optgroup label="Công đoàn ngành Trung ương">' in html
    assert '<option value="ha-noi">Liên đoàn Lao động thành phố Hà Nội</option>' in html
    assert "Viết bằng tiếng Việt có dấu." in html and "«cong ty cham tra luong»" in html
    assert html.index("Viết bằng tiếng Việt có dấu.") < html.index(">Gửi câu hỏi</button>")
    for name in ("guest_name", "guest_phone", "guest_email"):
        assert f'name="{name}"' in html
    assert '<option value="wages_bonuses">Tiền lương, tiền thưởng</option>' in html


def test_a_guest_asks_and_the_tracking_page_shows_the_code_and_the_status(site, responder):
    response = ask(site)
    assert response.status_code == 303
    location = response.headers["Location"]
    code = re.fullmatch(r"/hoi-dap/tra-cuu/(HD-\d{8}-\d{6}-[0-9A-Z]{4})\?moi=1", location).group(1)

    tracking = site.get(location)
    html = text_of(tracking)
    assert tracking.status_code == 200 and tracking.headers["Cache-Control"] == "private, no-store"
    assert f'Mã tra cứu của bạn: <strong class="tracking-code">{code}</strong>' in html
    assert "Hãy ghi lại hoặc chụp màn hình mã này" in html
    assert "Đã tiếp nhận" in html and "Liên đoàn Lao động thành phố Hà Nội" in html
    assert "Hạn trả lời" in html and "Ngày tiếp nhận" in html
    for private in ("Nguyễn Văn Khách", "0912", QUESTION["body"]):
        assert private not in html

    again = text_of(site.get(f"/hoi-dap/tra-cuu/{code}"))
    assert "Mã tra cứu của bạn" not in again and code in again
    listed = responder.get("/api/v1/questions").json["items"]
    assert [(q["tracking_code"], q["title"], q["asker"]["guest_phone"]) for q in listed] == [
        (code, QUESTION["title"], "0912345678")
    ]


def test_a_refused_question_comes_back_with_the_text_kept_and_the_message_beside_the_field(site, responder):
    response = ask(site, body=UNACCENTED)
    html = text_of(response)
    assert response.status_code == 422 and response.headers["Cache-Control"] == "private, no-store"
    assert (
        '<textarea id="hd-body" name="body" rows="9" maxlength="5000" required '
        'aria-describedby="goi-y-noi-dung quy-tac-tieng-viet loi-body" aria-invalid="true">'
        + UNACCENTED
        + "</textarea>"
    ) in html
    assert '<p class="field-error" id="loi-body">Vui lòng sử dụng tiếng Việt có dấu</p>' in html
    assert f'value="{QUESTION["title"]}"' in html and 'value="Nguyễn Văn Khách"' in html
    assert 'href="#hd-body">Nội dung câu hỏi: Vui lòng sử dụng tiếng Việt có dấu</a>' in html
    assert '<option value="ha-noi" selected>' in html and '<option value="wages_bonuses" selected>' in html
    assert responder.get("/api/v1/questions").json["total"] == 0


def test_a_guest_without_a_phone_or_an_e_mail_is_told_beside_the_contact_fields(site, responder):
    response = ask(site, guest_phone="", guest_email="")
    html = text_of(response)
    assert response.status_code == 422
    assert 'aria-describedby="loi-guest_phone" aria-invalid="true"' in html
    assert '<p class="field-error" id="loi-guest_phone">Cần số điện thoại hoặc e-mail để liên hệ.</p>' in html
    no_tenant = text_of(ask(site, tenant=""))
    assert '<p class="field-error" id="loi-tenant">Vui lòng chọn liên đoàn lao động nhận câu hỏi.</p>' in no_tenant
    assert responder.get("/api/v1/questions").json["total"] == 0


def test_a_question_without_the_csrf_token_is_refused_and_nothing_is_created(site, responder):
    site.get("/hoi-dap/gui-cau-hoi")  # the session and its token exist; the form is sent without it
    response = site.post("/hoi-dap/gui-cau-hoi", data={**QUESTION, **GUEST})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn hoặc không hợp lệ" in text_of(response)
    forged = site.post("/hoi-dap/gui-cau-hoi", data={**QUESTION, **GUEST, "csrf_token": "gia-mao"})
    assert forged.status_code == 400
    assert responder.get("/api/v1/questions").json["total"] == 0


def test_markup_typed_in_the_title_is_shown_escaped(site, responder):
    title = '<script>alert("x")</script> Lương tháng Tết <b>đậm</b>'
    response = ask(site, title=title)
    html = text_of(response)
    assert response.status_code == 422
    assert "<script>alert" not in html and "<b>đậm</b>" not in html
    assert 'value="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Lương tháng Tết &lt;b&gt;đậm&lt;/b&gt;"' in html
    assert '<p class="field-error" id="loi-title">Chỉ nhận văn bản thuần, không chứa thẻ HTML.</p>' in html
    assert responder.get("/api/v1/questions").json["total"] == 0


def test_too_many_questions_from_one_address_keep_the_text_and_say_when_to_retry(site):
    for n in range(4):
        assert ask(site, guest_email=f"khach{n}@example.vn", guest_phone="").status_code == 303
    response = ask(site, guest_email="khach9@example.vn", guest_phone="")
    html = text_of(response)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert '<p class="notice error" role="alert">' in html and QUESTION["body"] + "</textarea>" in html


def test_a_signed_in_member_asks_with_their_account(site, demo, responder):
    sign_in(site, demo, "hanoi.member")
    form = text_of(site.get("/hoi-dap/gui-cau-hoi"))
    assert "Bạn gửi câu hỏi với tài khoản <strong>Đỗ Thị Lan</strong>" in form
    assert 'name="guest_name"' not in form and "Đơn vị của tôi (Liên đoàn Lao động thành phố Hà Nội)" in form
    fields = {key: value for key, value in QUESTION.items() if key != "tenant"}
    response = site.post("/hoi-dap/gui-cau-hoi", data={**fields, "tenant": "", "csrf_token": csrf_from(form)})
    assert response.status_code == 303 and response.headers["Location"].startswith("/hoi-dap/tra-cuu/HD-")
    asked = responder.get("/api/v1/questions").json["items"]
    assert len(asked) == 1 and asked[0]["asker"]["user_id"] and asked[0]["asker"]["guest_name"] is None


def test_the_lookup_form_redirects_a_code_and_refuses_what_is_not_one(site):
    assert site.get("/hoi-dap/tra-cuu").status_code == 200
    code = re.search(r"HD-\d{8}-\d{6}-[0-9A-Z]{4}", ask(site).headers["Location"]).group(0)
    typed = site.get("/hoi-dap/tra-cuu", query_string={"ma": f"  {code.lower()} "})
    assert typed.status_code == 303 and typed.headers["Location"] == f"/hoi-dap/tra-cuu/{code}"
    malformed = site.get("/hoi-dap/tra-cuu", query_string={"ma": "abc<b>"})
    html = text_of(malformed)
    assert malformed.status_code == 422 and 'id="loi-ma"' in html and "Mã tra cứu không đúng dạng" in html
    assert 'value="ABC&lt;B&gt;"' in html and 'aria-describedby="goi-y-ma loi-ma" aria-invalid="true"' in html
    empty = site.get("/hoi-dap/tra-cuu", query_string={"ma": ""})
    assert empty.status_code == 422 and "Vui lòng nhập mã tra cứu." in text_of(empty)


def test_an_unknown_tracking_code_is_404_with_the_lookup_form(site):
    response = site.get("/hoi-dap/tra-cuu/HD-20260115-000123-AB12")
    html = text_of(response)
    assert response.status_code == 404 and "Không tìm thấy câu hỏi có mã này" in html
    assert 'value="HD-20260115-000123-AB12"' in html and 'action="/hoi-dap/tra-cuu"' in html
    assert site.get("/hoi-dap/tra-cuu/khong-co-ma-nay").status_code == 404


def published(api, login, **changes):
    """A guest's question answered, approved and published on the public Q&A (through the API)."""
    data = {**QUESTION, "guest": {"name": "Khách", "email": "khach@example.vn"}, **changes}
    asked = api.as_(None).post("/api/v1/questions", json=data)
    assert asked.status_code == 201, asked.json
    path = f"/api/v1/questions/{asked.json['id']}"
    responder, admin = api.as_(login("hanoi.responder")), api.as_(login("hanoi.admin"))
    assert responder.post(f"{path}/assign").status_code == 200
    assert responder.post(f"{path}/answer", json=ANSWER).status_code == 200
    assert admin.post(f"{path}/approve").status_code == 200
    assert admin.post(f"{path}/publish", json={}).status_code == 200
    return asked.json


def test_the_published_answers_are_filtered_searched_and_read_one_by_one(site, api, login):
    wages = published(api, login)
    insurance = published(
        api,
        login,
        category="social_insurance",
        title="Chốt sổ bảo hiểm xã hội khi nghỉ việc",
        body="Công ty chưa chốt sổ bảo hiểm xã hội cho tôi sau khi nghỉ việc ba tháng, tôi phải làm gì?",
    )
    listing = text_of(site.get("/hoi-dap"))
    assert f'href="/hoi-dap/{wages["id"]}"' in listing and f'href="/hoi-dap/{insurance["id"]}"' in listing
    assert 'href="/hoi-dap/gui-cau-hoi"' in listing and 'href="/hoi-dap/tra-cuu"' in listing

    filtered = text_of(site.get("/hoi-dap?linh-vuc=bao-hiem-xa-hoi"))
    assert f'/hoi-dap/{insurance["id"]}"' in filtered and f'/hoi-dap/{wages["id"]}"' not in filtered
    assert '<option value="bao-hiem-xa-hoi" selected>Bảo hiểm xã hội</option>' in filtered

    found = text_of(site.get("/hoi-dap", query_string={"q": "luong hai thang"}))
    assert f'/hoi-dap/{wages["id"]}"' in found and f'/hoi-dap/{insurance["id"]}"' not in found
    assert "<mark>lương</mark> <mark>hai</mark> <mark>tháng</mark>" in found

    one = site.get(f"/hoi-dap/{wages['id']}")
    html = text_of(one)
    assert one.status_code == 200 and f'<h1 id="tieu-de-cau-hoi">{QUESTION["title"]}</h1>' in html
    assert ANSWER["answer"] in html and "Trả lời của Liên đoàn Lao động thành phố Hà Nội" in html
    assert "khach@example.vn" not in html


def test_unknown_or_unpublished_questions_and_unknown_filters_are_404(site, api):
    asked = api.as_(None).post(
        "/api/v1/questions", json={**QUESTION, "guest": {"name": "Khách", "email": "khach@example.vn"}}
    )
    assert site.get(f"/hoi-dap/{asked.json['id']}").status_code == 404  # asked, not published
    assert site.get(f"/hoi-dap/{uuid.uuid4()}").status_code == 404
    assert site.get("/hoi-dap/khong-phai-ma").status_code == 404
    assert site.get("/hoi-dap?linh-vuc=khong-co").status_code == 404
    assert site.get("/hoi-dap?trang=0").status_code == 404
    long = site.get("/hoi-dap", query_string={"q": "x" * 201})
    assert long.status_code == 200 and 'id="loi-q"' in text_of(long)
