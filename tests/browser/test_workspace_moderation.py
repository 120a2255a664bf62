"""Moderators' work in Chromium (issue 15): a member's comment on Hà Nội's published news item
waits in the queue (the news section pre-moderates) and appears under the article once the
moderator approves it with one click; three readers report it — one through the article's
report button, two as the portal does through the API — and it disappears from the public
page; the moderator finds it under «Bị báo cáo» with the three reports (reasons, times) and
under «Đã ẩn»; the platform admin changes the section's settings. Hà Nội's admin opens an
opinion topic (refused first for an empty title, the message beside the field), a member gives
an opinion, the moderator publishes and answers it, the admin closes the topic. axe-core finds
no serious or critical problem on any page type; screenshots at 360 and 1366 px are kept."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from platform_shared.testing.waiting import wait_for

pytestmark = pytest.mark.browser

NEWS_TITLE = "Công nhân may mặc được tăng lương từ tháng Giêng"
NEWS_BODY = "<p>Doanh nghiệp cam kết tăng lương tối thiểu 7% cho người lao động.</p>"
COMMENT = "Tin rất vui cho anh chị em công nhân, mong các doanh nghiệp khác cũng làm như vậy."
TOPIC_TITLE = "Góp ý dự thảo quy chế dân chủ ở cơ sở"
TOPIC_TEXT = "Liên đoàn Lao động thành phố lấy ý kiến đoàn viên về dự thảo quy chế dân chủ tại nơi làm việc."
OPINION = "Tôi đề nghị bổ sung quy định đối thoại định kỳ mỗi quý giữa công đoàn và người sử dụng lao động."
ANSWER = "Cảm ơn đồng chí, Liên đoàn sẽ đưa đề xuất đối thoại định kỳ vào dự thảo lần hai."


def main_text(driver):
    return driver.find_element(By.TAG_NAME, "main").text


def public_comments(browse, portal, path):
    """The article page's comment section as an anonymous reader sees it."""
    browse.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    browse.open(portal, path)
    return browse.driver.find_element(By.ID, "binh-luan").text


def test_a_reported_comment_leaves_the_article_and_waits_for_the_moderator(page, browse, portal):
    article = portal.news(NEWS_TITLE, NEWS_BODY)
    path = f"/bai-viet/{article['slug']}"

    # a member comments; the news section pre-moderates
    browse.sign_in(portal, "hanoi.member", path)
    page.find_element(By.ID, "bl-body").send_keys(COMMENT)
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "form.comment-form button[type=submit]"))
    assert "đang chờ duyệt" in page.find_element(By.CSS_SELECTOR, "#binh-luan .notice[role=status]").text

    # the moderator's landing card leads to the queue; one click approves (htmx, in place)
    browse.sign_in(portal, "hanoi.moderator")
    card = page.find_element(By.XPATH, "//section[h2[normalize-space()='Bình luận và ý kiến']]")
    assert "1 bình luận chờ duyệt" in card.text
    browse.clean("ws-moderation-home")
    browse.click_and_wait(card.find_element(By.CSS_SELECTOR, "a[href='/quan-tri/binh-luan']"))
    item = page.find_element(By.CSS_SELECTOR, ".mod-item")
    assert COMMENT in item.text and NEWS_TITLE in item.text and "Đỗ Thị Lan" in item.text
    assert item.find_element(By.LINK_TEXT, NEWS_TITLE).get_attribute("href").endswith(path)
    browse.clean("ws-moderation-pending")
    item.find_element(By.CSS_SELECTOR, "form[action$='/duyet'] button").click()
    WebDriverWait(page, 15).until(lambda d: "Đã duyệt bình luận của Đỗ Thị Lan" in browse.flash())
    assert "Không có bình luận nào chờ duyệt" in main_text(page)
    assert page.execute_script("return document.activeElement.classList.contains('flash')")
    wait_for(lambda: COMMENT in public_comments(browse, portal, path), timeout=30, message="the approved comment")

    # three readers report it: one with the article's button, two through the API as the portal does
    browse.sign_in(portal, "hanoi.member", path)
    report = page.find_element(By.CSS_SELECTOR, "details.comment-report")
    report.find_element(By.TAG_NAME, "summary").click()
    report.find_element(By.CSS_SELECTOR, "input[name=reason]").send_keys("Bình luận quảng cáo trá hình")
    browse.click_and_wait(report.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "Cảm ơn bạn đã báo cáo" in page.find_element(By.ID, "binh-luan").text
    queue = portal.api.as_(portal.login("hanoi.moderator")).get(
        "/api/v1/comments", query_string={"status": "published"}
    )
    comment_id = queue.json["items"][0]["id"]
    for who, reason in (("hanoi.contributor", "Nội dung sai sự thật"), ("hanoi.responder", None)):
        answer = portal.api.as_(portal.login(who)).post(
            f"/api/v1/comments/{comment_id}/report", json={"reason": reason} if reason else {}
        )
        assert answer.status_code == 200
    assert answer.json["hidden"] is True
    wait_for(lambda: COMMENT not in public_comments(browse, portal, path), timeout=30, message="the comment to go")
    assert "Chưa có bình luận nào" in page.find_element(By.ID, "binh-luan").text

    # the moderator finds it under «Bị báo cáo» with the reports, and under «Đã ẩn»
    browse.sign_in(portal, "hanoi.moderator")
    browse.open(portal, "/quan-tri/binh-luan")
    browse.click_and_wait(page.find_element(By.PARTIAL_LINK_TEXT, "Bị báo cáo"))
    item = page.find_element(By.CSS_SELECTOR, ".mod-item")
    reports = item.find_element(By.CSS_SELECTOR, "details.mod-reports")
    assert reports.get_attribute("open") is not None and "3 người báo cáo vi phạm" in reports.text
    assert "Bình luận quảng cáo trá hình" in reports.text and "Nội dung sai sự thật" in reports.text
    assert "không ghi lý do" in reports.text and "tự ẩn do nhiều người báo cáo" in item.text
    browse.clean("ws-moderation-reported")
    browse.click_and_wait(page.find_element(By.PARTIAL_LINK_TEXT, "Đã ẩn"))
    assert COMMENT in main_text(page)
    browse.clean("ws-moderation-hidden")
    # kept hidden for good: it leaves «Bị báo cáo»
    browse.open(portal, "/quan-tri/binh-luan?tab=bao-cao")
    page.find_element(By.CSS_SELECTOR, ".mod-item form[action$='/an'] button").click()
    WebDriverWait(page, 15).until(lambda d: "Đã ẩn bình luận của Đỗ Thị Lan" in browse.flash())
    assert "Không có bình luận bị báo cáo nào" in main_text(page)

    # the platform admin lets guests comment on the news section without waiting
    browse.sign_in(portal, "admin", "/quan-tri/binh-luan/cai-dat")
    browse.clean("ws-moderation-settings")
    row = page.find_element(By.ID, "muc-news")
    page.find_element(By.ID, "form-cai-dat-news-premoderated").click()
    page.find_element(By.ID, "form-cai-dat-news-guests_allowed").click()
    browse.click_and_wait(row.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "bình luận hiện ngay, khách được bình luận" in browse.flash()
    assert not page.find_element(By.ID, "form-cai-dat-news-premoderated").is_selected()


def test_an_opinion_topic_is_opened_its_opinion_published_and_answered_then_closed(page, browse, portal):
    browse.sign_in(portal, "hanoi.admin", "/quan-tri/y-kien")
    assert "chưa mở chủ đề lấy ý kiến nào" in main_text(page)
    browse.click_and_wait(page.find_element(By.LINK_TEXT, "Mở chủ đề mới"))
    page.find_element(By.ID, "description").send_keys(TOPIC_TEXT)
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "#form-chu-de button[type=submit]"))
    title = page.find_element(By.ID, "title")
    assert title.get_attribute("aria-invalid") == "true" and "loi-title" in title.get_attribute("aria-describedby")
    assert page.find_element(By.ID, "loi-title").text
    assert page.find_element(By.ID, "description").get_attribute("value") == TOPIC_TEXT
    browse.clean("ws-opinions-topic-refused")
    title.send_keys(TOPIC_TITLE)
    # a date field's typing order follows the browser's locale; the value is what the form sends
    page.execute_script("arguments[0].value = '2099-12-31'", page.find_element(By.ID, "closes_on"))
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "#form-chu-de button[type=submit]"))
    assert f"Đã mở chủ đề «{TOPIC_TITLE}»" in browse.flash(), main_text(page)
    assert "đến hết 31/12/2099" in main_text(page)
    topic_path = page.current_url.removeprefix(portal.base)

    member = portal.api.as_(portal.login("hanoi.member"))
    topic_id = topic_path.rsplit("/", 1)[1]
    assert member.post("/api/v1/opinions", json={"topic_id": topic_id, "body": OPINION}).status_code == 201

    browse.sign_in(portal, "hanoi.moderator")
    assert "1 ý kiến đoàn viên chờ xử lý" in main_text(page)
    browse.open(portal, "/quan-tri/y-kien")
    browse.clean("ws-opinions-topics")
    browse.click_and_wait(page.find_element(By.LINK_TEXT, TOPIC_TITLE))
    assert OPINION in main_text(page)
    browse.clean("ws-opinions-topic-pending")
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, ".mod-item form[action$='/dang'] button"))
    assert "Đã đăng ý kiến" in browse.flash()
    browse.click_and_wait(page.find_element(By.PARTIAL_LINK_TEXT, "Đã đăng"))
    item = page.find_element(By.CSS_SELECTOR, ".mod-item")
    item.find_element(By.CSS_SELECTOR, "details.mod-answer-form summary").click()
    item.find_element(By.CSS_SELECTOR, "textarea[name=answer]").send_keys(ANSWER)
    browse.click_and_wait(item.find_element(By.CSS_SELECTOR, "form[action$='/tra-loi'] button"))
    assert "Đã lưu câu trả lời" in browse.flash() and ANSWER in main_text(page)
    browse.clean("ws-opinions-topic-answered")
    published = member.get("/api/v1/opinions", query_string={"topic_id": topic_id}).json["items"]
    assert [(o["body"], o["answer"]) for o in published] == [(OPINION, ANSWER)]

    browse.sign_in(portal, "hanoi.admin", topic_path)
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "#form-dong-chu-de button"))
    assert "Đã đóng chủ đề" in browse.flash()
    assert page.find_element(By.ID, "form-mo-lai")
    browse.clean("ws-opinions-topic-closed")
