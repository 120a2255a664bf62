"""«Ý kiến đoàn viên» pages (``/y-kien-doan-vien``…) through the Flask test client with the real
services: anonymous visitors see the open national topics and a sign-in link, a signed-in
member sends an opinion that waits for moderation, refused text comes back with the message
beside the field, a closed topic says so, the CSRF token is required, unknown topics are 404."""

import uuid

import pytest

TOPIC = {
    "title": "Góp ý dự thảo quy chế dân chủ ở cơ sở",
    "description": "Tổng Liên đoàn lấy ý kiến đoàn viên về dự thảo quy chế dân chủ tại nơi làm việc.\nHạn góp ý: cuối tháng.",
}
LOCAL_TOPIC = {
    "title": "Góp ý chương trình chăm lo Tết của Thủ đô",
    "description": "Liên đoàn Lao động thành phố Hà Nội lấy ý kiến đoàn viên về chương trình chăm lo Tết cho công nhân.",
}
OPINION = "Tôi đề nghị bổ sung quy định đối thoại định kỳ mỗi quý giữa công đoàn và người sử dụng lao động."
UNACCENTED = "toi de nghi bo sung quy dinh doi thoai dinh ky moi quy giua cong doan va doanh nghiep"


@pytest.fixture
def site(gateway_app, feedback_service):
    return gateway_app.test_client()


@pytest.fixture
def national(api, login, feedback_service):
    created = api.as_(login("admin")).post("/api/v1/opinions/topics", json=TOPIC)
    assert created.status_code == 201 and created.json["national"] is True
    return created.json


@pytest.fixture
def local(api, login, feedback_service):
    created = api.as_(login("hanoi.admin")).post("/api/v1/opinions/topics", json=LOCAL_TOPIC)
    assert created.status_code == 201 and created.json["national"] is False
    return created.json


def text_of(response):
    return response.get_data(as_text=True)


def token_of(site):
    with site.session_transaction() as session:
        return session.setdefault("csrf", "jeton-de-test")


def sign_in(site, demo, username):
    response = site.post(
        "/dang-nhap",
        data={"username": username, "password": demo["demo"], "csrf_token": token_of(site), "tiep": "/"},
    )
    assert response.status_code == 303, text_of(response)


def opinions_of(api, login, topic):
    listed = api.as_(login("admin")).get("/api/v1/opinions", query_string={"topic_id": topic["id"]})
    return listed.json["items"]


def test_anonymous_visitors_see_the_open_national_topics_and_a_sign_in_link(site, api, login, national, local):
    index = site.get("/y-kien-doan-vien")
    html = text_of(index)
    assert index.status_code == 200 and f'href="/y-kien-doan-vien/{national["id"]}"' in html
    assert LOCAL_TOPIC["title"] not in html and "Đang lấy ý kiến" in html
    assert '<a href="/dang-nhap?tiep=/y-kien-doan-vien">Đăng nhập để gửi ý kiến</a>' in html

    topic = site.get(f"/y-kien-doan-vien/{national['id']}")
    html = text_of(topic)
    assert topic.status_code == 200 and f'<h1 id="tieu-de-chu-de" class="page-title">{TOPIC["title"]}</h1>' in html
    assert f'<a href="/dang-nhap?tiep=/y-kien-doan-vien/{national["id"]}">Đăng nhập để gửi ý kiến</a>' in html
    assert 'name="body"' not in html and "Tổng Liên đoàn lấy ý kiến đoàn viên" in html
    assert site.get(f"/y-kien-doan-vien/{local['id']}").status_code == 404  # not national: not for guests

    sent = site.post(f"/y-kien-doan-vien/{national['id']}", data={"body": OPINION, "csrf_token": token_of(site)})
    assert sent.status_code == 303 and sent.headers["Location"] == f"/dang-nhap?tiep=/y-kien-doan-vien/{national['id']}"
    assert opinions_of(api, login, national) == []


def test_a_member_sends_an_opinion_that_waits_for_moderation(site, demo, api, login, national, local):
    sign_in(site, demo, "hanoi.member")
    index = text_of(site.get("/y-kien-doan-vien"))
    assert TOPIC["title"] in index and LOCAL_TOPIC["title"] in index and "Đăng nhập để gửi ý kiến" not in index

    form = text_of(site.get(f"/y-kien-doan-vien/{national['id']}"))
    assert f'action="/y-kien-doan-vien/{national["id"]}" method="post"' in form
    assert "Viết bằng tiếng Việt có dấu." in form and "Ý kiến của bạn <strong>chờ duyệt</strong>" in form

    sent = site.post(f"/y-kien-doan-vien/{national['id']}", data={"body": OPINION, "csrf_token": token_of(site)})
    assert sent.status_code == 303 and sent.headers["Location"] == f"/y-kien-doan-vien/{national['id']}#gui-y-kien"
    after = text_of(site.get(f"/y-kien-doan-vien/{national['id']}"))
    assert "Ý kiến đã được gửi và đang chờ duyệt" in after and "Chưa có ý kiến nào được đăng." in after
    waiting = opinions_of(api, login, national)
    assert [(o["body"], o["status"]) for o in waiting] == [(OPINION, "pending")]

    assert api.as_(login("admin")).post(f"/api/v1/opinions/{waiting[0]['id']}/publish").status_code == 200
    shown = text_of(site.get(f"/y-kien-doan-vien/{national['id']}"))
    assert "Ý kiến đã đăng (1)" in shown and OPINION in shown and "Đỗ Thị Lan</" not in shown.split("Ý kiến đã đăng")[1]


def test_an_opinion_without_diacritics_comes_back_with_the_message_beside_the_field(site, demo, api, login, national):
    sign_in(site, demo, "hanoi.member")
    response = site.post(f"/y-kien-doan-vien/{national['id']}", data={"body": UNACCENTED, "csrf_token": token_of(site)})
    html = text_of(response)
    assert response.status_code == 422
    assert (
        'aria-describedby="goi-y-y-kien quy-tac-y-kien loi-body" aria-invalid="true">' + UNACCENTED + "</textarea>"
    ) in html
    assert '<p class="field-error" id="loi-body">Vui lòng sử dụng tiếng Việt có dấu</p>' in html
    assert 'href="#yk-body">Ý kiến của bạn: Vui lòng sử dụng tiếng Việt có dấu</a>' in html
    markup = site.post(
        f"/y-kien-doan-vien/{national['id']}", data={"body": "<b>Đậm</b> " + OPINION, "csrf_token": token_of(site)}
    )
    assert markup.status_code == 422 and "&lt;b&gt;Đậm&lt;/b&gt; " + OPINION + "</textarea>" in text_of(markup)
    assert opinions_of(api, login, national) == []


def test_an_opinion_without_the_csrf_token_is_refused(site, demo, api, login, national):
    sign_in(site, demo, "hanoi.member")
    response = site.post(f"/y-kien-doan-vien/{national['id']}", data={"body": OPINION})
    assert response.status_code == 400 and "Biểu mẫu đã hết hạn" in text_of(response)
    assert opinions_of(api, login, national) == []


def test_a_closed_topic_takes_no_more_opinions(site, demo, api, login, feedback_service):
    closed = api.as_(login("admin")).post("/api/v1/opinions/topics", json={**TOPIC, "closes_on": "2025-01-31"}).json
    sign_in(site, demo, "hanoi.member")
    assert "Đã kết thúc" in text_of(site.get("/y-kien-doan-vien"))
    page = text_of(site.get(f"/y-kien-doan-vien/{closed['id']}"))
    assert "Chủ đề này đã hết thời gian lấy ý kiến." in page and 'name="body"' not in page
    late = site.post(f"/y-kien-doan-vien/{closed['id']}", data={"body": OPINION, "csrf_token": token_of(site)})
    assert late.status_code == 409 and "Chủ đề này đã hết thời gian lấy ý kiến." in text_of(late)
    assert site.application.test_client().get(f"/y-kien-doan-vien/{closed['id']}").status_code == 404


def test_unknown_topics_are_404(site, demo, national):
    assert site.get(f"/y-kien-doan-vien/{uuid.uuid4()}").status_code == 404
    assert site.get("/y-kien-doan-vien/khong-phai-ma").status_code == 404
    assert site.get("/y-kien-doan-vien?trang=9").status_code == 404
    sign_in(site, demo, "hanoi.member")
    unknown = site.post(f"/y-kien-doan-vien/{uuid.uuid4()}", data={"body": OPINION, "csrf_token": token_of(site)})
    assert unknown.status_code == 404
    garbage = site.post("/y-kien-doan-vien/khong-phai-ma", data={"body": OPINION, "csrf_token": token_of(site)})
    assert garbage.status_code == 404
