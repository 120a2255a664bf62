"""Questions, comments and members' opinions in Chromium: a guest asks a question through the real
form (refused once for missing diacritics, the message read beside the field), keeps the code
shown on the tracking page; a member comments under an article and sends an opinion; axe-core
finds no serious or critical WCAG 2.1 AA problem on these pages (360 and 1366 px screenshots kept)."""

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = pytest.mark.browser

BODY = "Công ty tôi đã chậm trả lương hai tháng liền, công đoàn có thể giúp gì cho người lao động?"
UNACCENTED = "Cong ty toi da cham tra luong hai thang lien, cong doan co the giup gi cho nguoi lao dong khong?"
NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công nhân may mặc được tăng lương từ tháng Giêng",
    "body": "<p>Doanh nghiệp cam kết tăng lương tối thiểu 7% cho người lao động.</p>",
}
COMMENT = "Tin rất vui cho anh chị em công nhân, mong các doanh nghiệp khác cũng làm như vậy."
OPINION = "Tôi đề nghị bổ sung quy định đối thoại định kỳ mỗi quý giữa công đoàn và người sử dụng lao động."


def published_question(portal):
    """A guest's question answered and published on the public Q&A (through the API)."""
    api = portal.api
    asked = (
        api.as_(None)
        .post(
            "/api/v1/questions",
            json={
                "category": "social_insurance",
                "tenant": "ha-noi",
                "title": "Chốt sổ bảo hiểm xã hội khi nghỉ việc",
                "body": "Công ty chưa chốt sổ bảo hiểm xã hội cho tôi sau khi nghỉ việc ba tháng, tôi phải làm gì?",
                "guest": {"name": "Trần Thị Hoa", "email": "hoa@example.vn"},
            },
        )
        .json
    )
    path = f"/api/v1/questions/{asked['id']}"
    responder, admin = api.as_(portal.login("hanoi.responder")), api.as_(portal.login("hanoi.admin"))
    answer = {"answer": "Công ty phải chốt sổ bảo hiểm xã hội trong bảy ngày làm việc kể từ ngày bạn nghỉ việc."}
    assert responder.post(f"{path}/answer", json=answer).status_code == 200
    assert admin.post(f"{path}/approve").status_code == 200
    assert admin.post(f"{path}/publish", json={}).status_code == 200
    return asked


def test_a_guest_asks_a_question_and_keeps_the_tracking_code(page, browse, portal):
    asked = published_question(portal)
    browse.open(portal, "/hoi-dap?q=bao+hiem")
    WebDriverWait(page, 10).until(lambda d: "Chốt sổ" in d.find_element(By.TAG_NAME, "main").text)
    browse.clean("hoidap-search")
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, f"main h2 a[href='/hoi-dap/{asked['id']}']"))
    assert "bảy ngày làm việc" in page.find_element(By.TAG_NAME, "main").text
    browse.clean("hoidap-question")
    browse.open(portal, "/hoi-dap")
    browse.clean("hoidap-index")
    browse.click_and_wait(page.find_element(By.LINK_TEXT, "Gửi câu hỏi cho công đoàn"))
    assert page.current_url.endswith("/hoi-dap/gui-cau-hoi")
    browse.clean("hoidap-ask")

    Select(page.find_element(By.ID, "hd-category")).select_by_visible_text("Tiền lương, tiền thưởng")
    Select(page.find_element(By.ID, "hd-tenant")).select_by_visible_text("Liên đoàn Lao động thành phố Hà Nội")
    page.find_element(By.ID, "hd-title").send_keys("Công ty trả lương chậm hai tháng")
    page.find_element(By.ID, "hd-body").send_keys(UNACCENTED)
    page.find_element(By.ID, "hd-guest_name").send_keys("Nguyễn Văn Khách")
    page.find_element(By.ID, "hd-guest_phone").send_keys("0912 345 678")
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))

    body = page.find_element(By.ID, "hd-body")
    assert body.get_attribute("aria-invalid") == "true" and body.get_attribute("value") == UNACCENTED
    error = page.find_element(By.ID, "loi-body")
    assert error.text == "Vui lòng sử dụng tiếng Việt có dấu" and "loi-body" in body.get_attribute("aria-describedby")
    focused = page.execute_script("return document.activeElement.className")
    assert focused == "error-summary"  # the summary of the problems is read out first
    browse.clean("hoidap-ask-refused")

    body.clear()
    body.send_keys(BODY)
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    code = page.find_element(By.CSS_SELECTOR, ".tracking-code").text
    assert re.fullmatch(r"HD-\d{8}-\d{6}-[0-9A-Z]{4}", code) and page.current_url.endswith(f"{code}?moi=1")
    assert "Mã tra cứu của bạn" in page.find_element(By.TAG_NAME, "main").text
    browse.clean("hoidap-tracking")

    browse.open(portal, "/hoi-dap/tra-cuu")
    page.find_element(By.ID, "hd-ma").send_keys(code.lower())
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert page.current_url.endswith(f"/hoi-dap/tra-cuu/{code}") and "Đã tiếp nhận" in page.page_source


def test_a_member_comments_under_an_article_and_sends_an_opinion(page, browse, portal):
    api = portal.api
    contributor, desk = api.as_(portal.login("hanoi.contributor")), api.as_(portal.login("laodong.editor"))
    article = contributor.post("/api/v1/articles", json=NEWS).json
    assert contributor.post(f"/api/v1/articles/{article['id']}/submit").status_code == 200
    for action in ("open", "approve", "publish"):
        assert desk.post(f"/api/v1/articles/{article['id']}/{action}").status_code == 200
    topic = (
        api.as_(portal.login("admin"))
        .post(
            "/api/v1/opinions/topics",
            json={
                "title": "Góp ý dự thảo quy chế dân chủ ở cơ sở",
                "description": "Tổng Liên đoàn lấy ý kiến đoàn viên về dự thảo quy chế dân chủ tại nơi làm việc.",
            },
        )
        .json
    )
    path = f"/bai-viet/{article['slug']}"

    browse.open(portal, path)
    assert page.find_element(By.LINK_TEXT, "Đăng nhập để bình luận")
    browse.accessible()

    browse.sign_in(portal, "hanoi.member", path)
    page.find_element(By.ID, "bl-body").send_keys(COMMENT)
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "form.comment-form button[type=submit]"))
    notice = page.find_element(By.CSS_SELECTOR, "#binh-luan .notice[role=status]").text
    assert "đang chờ duyệt" in notice
    browse.clean("article-comments")

    browse.open(portal, f"/y-kien-doan-vien/{topic['id']}")
    page.find_element(By.ID, "yk-body").send_keys(OPINION)
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "#gui-y-kien form button[type=submit]"))
    assert "Ý kiến đã được gửi và đang chờ duyệt" in page.find_element(By.ID, "gui-y-kien").text
    browse.clean("ykien-topic")
    browse.open(portal, "/y-kien-doan-vien")
    browse.clean("ykien-index")


def test_the_ask_form_is_used_with_the_keyboard_alone(page, browse, portal):
    """Tab reaches every field in reading order with a visible focus ring; selects change with the
    arrow keys; Enter sends; the refusal puts the focus on the summary; the tracking page follows."""
    from selenium.webdriver.common.keys import Keys

    browse.open(portal, "/hoi-dap/gui-cau-hoi")

    def focused():
        return page.switch_to.active_element

    def tab():
        focused().send_keys(Keys.TAB)
        element = focused()
        ring = page.execute_script(
            "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth, s.boxShadow]", element
        )
        return element, ring

    page.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)  # the first stop: the skip link
    assert focused().text == "Bỏ qua, đến nội dung chính"
    fields = ["hd-category", "hd-tenant", "hd-title", "hd-body", "hd-guest_name", "hd-guest_phone", "hd-guest_email"]
    reached, presses = [], 0
    while len(reached) < len(fields) or focused().tag_name != "button":
        element, (outline, width, shadow) = tab()
        presses += 1
        assert presses < 80, (
            f"the keyboard never reached {fields[len(reached)]}: stuck at {element.get_attribute('outerHTML')[:120]}"
        )
        ident = element.get_attribute("id")
        if ident in fields:
            reached.append(ident)
            assert outline != "none" and width != "0px" or shadow != "none", f"{ident} shows no focus"
            if ident == "hd-category":
                element.send_keys(Keys.ARROW_DOWN)
            elif ident == "hd-tenant":
                element.send_keys("L")  # type-ahead: the first unit whose name starts with «L»
            elif ident == "hd-title":
                element.send_keys("Công ty trả lương chậm hai tháng")
            elif ident == "hd-body":
                element.send_keys(UNACCENTED)
            elif ident == "hd-guest_name":
                element.send_keys("Nguyễn Văn Khách")
            elif ident == "hd-guest_phone":
                element.send_keys("0912 345 678")
    assert reached == fields  # in reading order
    assert focused().text == "Gửi câu hỏi"
    old = page.find_element(By.TAG_NAME, "html")
    focused().send_keys(Keys.ENTER)
    browse.next_page(old, timeout=15)
    assert focused().get_attribute("class") == "error-summary"  # refused: no diacritics
    summary_link = page.find_element(By.CSS_SELECTOR, ".error-summary a")
    summary_link.send_keys(Keys.ENTER)  # the summary's link leads to the field
    WebDriverWait(page, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "hd-body")
    body = focused()
    body.send_keys(Keys.CONTROL, "a")
    body.send_keys(BODY)
    page.find_element(By.ID, "hd-guest_email").send_keys(Keys.ENTER)  # Enter in a text field sends the form
    WebDriverWait(page, 15).until(lambda d: "/hoi-dap/tra-cuu/" in d.current_url)
    browse.loaded()
    assert "Mã tra cứu của bạn" in page.find_element(By.TAG_NAME, "main").text
    browse.accessible()
