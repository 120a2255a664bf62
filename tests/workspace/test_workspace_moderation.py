"""Moderators' work in the workspace (HTML level, real services): opinion topics opened, closed
and opened again, with bad input beside the field and nothing changed; opinions published,
answered and hidden; the comment queue's tabs (waiting, reported with the reports, hidden) with
one-click approve and hide answered by a 303 to the same tab; the sections' comment settings;
the landing card. Another federation's topic or comment is 404, a contributor 403, a form
without its CSRF token 400."""

import re

import pytest

from tests.workspace.conftest import csrf_of

TOPICS = "/quan-tri/y-kien"
COMMENTS = "/quan-tri/binh-luan"
SETTINGS = "/quan-tri/binh-luan/cai-dat"
NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công nhân may mặc được tăng lương từ tháng Giêng",
    "body": "<p>Doanh nghiệp cam kết tăng lương tối thiểu 7% cho người lao động.</p>",
}
COMMENT = {"body": "Tin rất vui cho anh chị em công nhân, mong các doanh nghiệp khác cũng làm như vậy."}
TOPIC = {
    "title": "Góp ý dự thảo quy chế dân chủ ở cơ sở",
    "description": "Liên đoàn Lao động thành phố lấy ý kiến đoàn viên về dự thảo quy chế dân chủ tại nơi làm việc.",
    "opens_on": "",
    "closes_on": "",
}
OPINION = "Tôi đề nghị bổ sung quy định đối thoại định kỳ mỗi quý giữa công đoàn và người sử dụng lao động."
ANSWER = "Cảm ơn đồng chí, Liên đoàn sẽ đưa đề xuất đối thoại định kỳ vào dự thảo lần hai."


def text(response):
    return response.get_data(as_text=True)


def post(client, path, form_page, **data):
    """A POST of a page's form, with the token the page carried."""
    page = client.get(form_page)
    assert page.status_code == 200, text(page)[:300]
    return client.post(path, data={"csrf_token": csrf_of(page), **data})


@pytest.fixture
def media_backend(tmp_path):
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


@pytest.fixture
def article(api, login, content_service, feedback_service):
    """Hà Nội's published news item (its comments are Hà Nội's moderators')."""
    contributor, desk = api.as_(login("hanoi.contributor")), api.as_(login("laodong.editor"))
    created = contributor.post("/api/v1/articles", json=NEWS).json
    path = f"/api/v1/articles/{created['id']}"
    assert contributor.post(f"{path}/submit").status_code == 200
    for action in ("open", "approve", "publish"):
        assert desk.post(f"{path}/{action}").status_code == 200
    return created


def comment_on(api, login, article, who="hanoi.member"):
    posted = api.as_(login(who)).post(f"/api/v1/articles/{article['id']}/comments", json=COMMENT)
    assert posted.status_code == 201, posted.json
    return posted.json


def test_a_topic_is_opened_closed_and_opened_again_and_bad_dates_change_nothing(staff_as, feedback_service):
    admin = staff_as("hanoi.admin")
    empty = post(admin, f"{TOPICS}/moi", f"{TOPICS}/moi", **{**TOPIC, "title": ""})
    page = text(empty)
    assert empty.status_code == 422 and 'id="loi-title"' in page and TOPIC["description"] in page
    backwards = post(
        admin, f"{TOPICS}/moi", f"{TOPICS}/moi", **{**TOPIC, "opens_on": "2030-05-10", "closes_on": "2030-05-01"}
    )
    page = text(backwards)
    assert backwards.status_code == 422 and 'id="loi-closes_on"' in page and 'value="2030-05-10"' in page
    assert "trước ngày bắt đầu" in page
    assert "chưa mở chủ đề lấy ý kiến nào" in text(admin.get(TOPICS))

    done = post(admin, f"{TOPICS}/moi", f"{TOPICS}/moi", **TOPIC)
    assert done.status_code == 303
    path = done.headers["Location"]
    shown = text(admin.get(path))
    assert "Đã mở chủ đề «Góp ý dự thảo quy chế dân chủ ở cơ sở»" in shown and "Đang nhận ý kiến" in shown
    assert TOPIC["title"] in text(admin.get(TOPICS))

    closed = post(admin, f"{path}/dong", path)
    assert closed.status_code == 303 and "Đã đóng chủ đề" in text(admin.get(closed.headers["Location"]))
    past = post(admin, f"{path}/mo-lai", path, closes_on="2001-01-01")
    assert past.status_code == 422 and 'id="loi-closes_on"' in text(past) and "Đã đóng" in text(past)
    reopened = post(admin, f"{path}/mo-lai", path, closes_on="2099-12-31")
    assert reopened.status_code == 303
    assert "Đã mở lại chủ đề đến hết ngày 31/12/2099." in text(admin.get(path))

    # another federation's topic is 404; a contributor works no opinions (403); no token: 400
    danang = staff_as("danang.admin")
    assert danang.get(path).status_code == 404
    assert post(danang, f"{path}/dong", TOPICS).status_code == 404
    contributor = staff_as("hanoi.contributor")
    assert contributor.get(TOPICS).status_code == 403 and contributor.get(path).status_code == 403
    assert admin.post(f"{path}/dong", data={}).status_code == 400
    assert "Đang nhận ý kiến" in text(admin.get(path))


def test_opinions_are_published_answered_and_hidden_by_the_topics_staff(api, login, staff_as, feedback_service):
    topic = (
        api.as_(login("hanoi.admin"))
        .post("/api/v1/opinions/topics", json={**TOPIC, "opens_on": None, "closes_on": None})
        .json
    )
    given = (
        api.as_(login("hanoi.member")).post("/api/v1/opinions", json={"topic_id": topic["id"], "body": OPINION}).json
    )
    moderator = staff_as("hanoi.moderator")
    path = f"{TOPICS}/{topic['id']}"
    waiting = text(moderator.get(path))
    assert OPINION in waiting and 'aria-current="page">Chờ duyệt <span class="mod-count">1</span>' in waiting
    assert "form-dong-chu-de" not in waiting  # closing is the admin's

    published = post(moderator, f"{path}/y-kien/{given['id']}/dang", path, tab="cho-duyet")
    assert (published.status_code, published.headers["Location"]) == (303, path)
    assert "Không có ý kiến nào chờ duyệt" in text(moderator.get(path))
    short = post(
        moderator, f"{path}/y-kien/{given['id']}/tra-loi", f"{path}?tab=da-dang", tab="da-dang", answer="Cảm ơn."
    )
    page = text(short)
    assert short.status_code == 422 and f'id="loi-answer-{given["id"]}"' in page and "Cảm ơn." in page
    answered = post(
        moderator, f"{path}/y-kien/{given['id']}/tra-loi", f"{path}?tab=da-dang", tab="da-dang", answer=ANSWER
    )
    assert (answered.status_code, answered.headers["Location"]) == (303, f"{path}?tab=da-dang")
    shown = text(moderator.get(answered.headers["Location"]))
    assert "Đã lưu câu trả lời" in shown and ANSWER in shown
    public = api.as_(login("hanoi.member")).get("/api/v1/opinions", query_string={"topic_id": topic["id"]}).json
    assert public["items"][0]["answer"] == ANSWER

    hidden = post(moderator, f"{path}/y-kien/{given['id']}/an", path, tab="da-dang")
    assert hidden.status_code == 303 and OPINION in text(moderator.get(f"{path}?tab=da-an"))
    danang = staff_as("danang.admin")
    assert post(danang, f"{path}/y-kien/{given['id']}/dang", TOPICS).status_code == 404
    assert moderator.get(f"{path}?tab=khac").status_code == 404


def test_the_comment_queue_approves_and_hides_in_one_click_back_to_the_same_tab(api, login, staff_as, article):
    waiting = comment_on(api, login, article)
    moderator = staff_as("hanoi.moderator")
    queue = text(moderator.get(COMMENTS))
    assert COMMENT["body"] in queue and "Đỗ Thị Lan" in queue
    assert f'href="/bai-viet/{article["slug"]}">{NEWS["title"]}</a>' in queue

    approved = post(moderator, f"{COMMENTS}/{waiting['id']}/duyet", COMMENTS, tab="cho-duyet", trang="1")
    assert (approved.status_code, approved.headers["Location"]) == (303, COMMENTS)
    after = text(moderator.get(COMMENTS))
    assert "Đã duyệt bình luận của Đỗ Thị Lan" in after and "Không có bình luận nào chờ duyệt" in after
    shown = api.as_(None).get(f"/api/v1/articles/{article['id']}/comments").json
    assert [c["id"] for c in shown["items"]] == [waiting["id"]]

    # reported three times: hidden until a moderator decides, with its reports
    report = f"/api/v1/comments/{waiting['id']}/report"
    reasons = {
        "hanoi.contributor": "Nội dung sai sự thật",
        "hanoi.responder": None,
        "danang.admin": "Xúc phạm người khác",
    }
    for who, reason in reasons.items():
        assert api.as_(login(who)).post(report, json={"reason": reason} if reason else {}).status_code == 200
    reported = text(moderator.get(f"{COMMENTS}?tab=bao-cao"))
    assert "3 người báo cáo vi phạm" in reported and "Xúc phạm người khác" in reported
    assert "không ghi lý do" in reported and "tự ẩn do nhiều người báo cáo" in reported
    assert re.search(r'aria-current="page">Bị báo cáo <span class="mod-count">1</span>', reported)
    assert COMMENT["body"] in text(moderator.get(f"{COMMENTS}?tab=da-an"))

    hidden = post(moderator, f"{COMMENTS}/{waiting['id']}/an", f"{COMMENTS}?tab=bao-cao", tab="bao-cao", trang="1")
    assert (hidden.status_code, hidden.headers["Location"]) == (303, f"{COMMENTS}?tab=bao-cao")
    assert "Không có bình luận bị báo cáo nào" in text(moderator.get(hidden.headers["Location"]))

    # another federation's comment: 404, nothing changed; a contributor: 403; no token: 400
    other = comment_on(api, login, article, who="hanoi.contributor")
    danang = staff_as("danang.admin")
    assert "Không có bình luận nào chờ duyệt" in text(danang.get(COMMENTS))
    assert post(danang, f"{COMMENTS}/{other['id']}/duyet", COMMENTS).status_code == 404
    assert staff_as("hanoi.contributor").get(COMMENTS).status_code == 403
    assert moderator.post(f"{COMMENTS}/{other['id']}/duyet", data={"tab": "cho-duyet"}).status_code == 400
    assert moderator.get(f"{COMMENTS}?tab=moi").status_code == 404
    assert COMMENT["body"] in text(moderator.get(COMMENTS))  # still waiting


def test_section_settings_and_the_landing_card(api, login, staff_as, article):
    comment_on(api, login, article)
    moderator = staff_as("hanoi.moderator")
    landing = text(moderator.get("/quan-tri/"))
    assert "Bình luận và ý kiến" in landing
    assert '<a href="/quan-tri/binh-luan"><strong>1</strong> bình luận chờ duyệt</a>' in landing
    assert "bình luận bị báo cáo" in landing and "ý kiến đoàn viên chờ xử lý" in landing

    read_only = text(moderator.get(SETTINGS))
    assert "Tin tức – Đa phương tiện" in read_only and "form-cai-dat-news" not in read_only
    admin = staff_as("admin")
    saved = post(admin, SETTINGS, SETTINGS, section="news", guests_allowed="1")
    assert (saved.status_code, saved.headers["Location"]) == (303, f"{SETTINGS}#muc-news")
    page = text(admin.get(SETTINGS))
    assert "bình luận hiện ngay, khách được bình luận" in page
    rules = api.as_(None).get(f"/api/v1/articles/{article['id']}/comments/rules").json
    assert (rules["premoderated"], rules["guests_allowed"]) == (False, True)

    hanoi = staff_as("hanoi.admin")
    unknown = post(hanoi, SETTINGS, SETTINGS, section="khong-co", premoderated="1")
    assert unknown.status_code == 422 and 'id="loi-section"' in text(unknown) and "khong-co" in text(unknown)
    assert post(hanoi, SETTINGS, SETTINGS, section="news", premoderated="1").status_code == 403
    assert api.as_(None).get(f"/api/v1/articles/{article['id']}/comments/rules").json["premoderated"] is False
    assert staff_as("hanoi.contributor").get(SETTINGS).status_code == 403
