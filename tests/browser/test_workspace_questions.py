"""A worker's question answered through the workspace, in Chromium (issue 15): a guest asks on the
portal's public form, addressed to Hà Nội; the question reaches Hà Nội's inbox (the landing card
counts it); Hà Nội's responder takes it, is refused an empty answer (the message beside the
editor), then answers in the rich-text editor with a bold legal reference; Hà Nội's administrator
approves and publishes it; the guest's tracking page shows the answer with its formatting. The
federation's deadline settings and the platform administrator's holiday calendar are visited
too. axe-core finds no serious or critical WCAG 2.1 AA problem on any page type; screenshots at
360 and 1366 px are kept."""

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

pytestmark = pytest.mark.browser

TITLE = "Công ty trả lương chậm hai tháng liền"
BODY = "Công ty tôi đã chậm trả lương hai tháng liền, công đoàn có thể giúp gì cho người lao động?"
LEGAL = "Điều 97 Bộ luật Lao động"
ANSWER = " quy định người sử dụng lao động phải trả lương đúng hạn; chậm từ 15 ngày phải trả thêm tiền lãi."


def test_a_guests_question_is_answered_in_the_workspace_and_read_on_the_tracking_page(page, browse, portal):
    # -- a guest asks Hà Nội on the portal's form ---------------------------------------------
    browse.open(portal, "/hoi-dap/gui-cau-hoi")
    Select(page.find_element(By.ID, "hd-category")).select_by_visible_text("Tiền lương, tiền thưởng")
    Select(page.find_element(By.ID, "hd-tenant")).select_by_visible_text("Liên đoàn Lao động thành phố Hà Nội")
    page.find_element(By.ID, "hd-title").send_keys(TITLE)
    page.find_element(By.ID, "hd-body").send_keys(BODY)
    page.find_element(By.ID, "hd-guest_name").send_keys("Nguyễn Văn Khách")
    page.find_element(By.ID, "hd-guest_phone").send_keys("0912 345 678")
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    code = page.find_element(By.CSS_SELECTOR, ".tracking-code").text
    assert re.fullmatch(r"HD-\d{8}-\d{6}-[0-9A-Z]{4}", code)
    tracking = page.current_url.split("?")[0]

    # -- it reaches Hà Nội's inbox --------------------------------------------------------------
    browse.sign_in(portal, "hanoi.responder")
    card = page.find_element(By.XPATH, "//section[h2[normalize-space()='Hỏi đáp']]")
    assert "1 câu hỏi mới chưa giao" in card.text, card.text
    browse.clean("ws-questions-home-responder")
    browse.click_and_wait(card.find_element(By.PARTIAL_LINK_TEXT, "câu hỏi mới chưa giao"))
    table = page.find_element(By.ID, "bang-cau-hoi")
    assert code in table.text and "Nguyễn Văn Khách" in table.text and "Còn 5 ngày làm việc" in table.text
    browse.clean("ws-questions-inbox")

    browse.click_and_wait(page.find_element(By.LINK_TEXT, TITLE))
    assert "0912345678" in page.find_element(By.TAG_NAME, "main").text
    browse.clean("ws-questions-question")
    browse.click_and_wait(browse.button("Giao câu hỏi"))
    assert "Đã giao câu hỏi cho Tôi (Lê Thị Thu)." in browse.flash(), browse.flash()

    # -- the responder answers in the editor: refused empty, then saved -------------------------
    editor = page.find_element(By.CSS_SELECTOR, "#trinh-soan-thao .editor-content")
    assert editor.is_displayed() and not page.find_element(By.ID, "answer").is_displayed()
    browse.click_and_wait(browse.button("Lưu câu trả lời"))
    error = page.find_element(By.ID, "loi-answer")
    editor = page.find_element(By.CSS_SELECTOR, "#trinh-soan-thao .editor-content")
    assert "20" in error.text and "loi-answer" in editor.get_attribute("aria-describedby")
    assert editor.get_attribute("aria-invalid") == "true"
    browse.clean("ws-questions-answer-refused")

    editor.click()
    page.find_element(By.CSS_SELECTOR, "#trinh-soan-thao button[title='Chữ đậm']").click()
    editor.send_keys(LEGAL)
    page.find_element(By.CSS_SELECTOR, "#trinh-soan-thao button[title='Chữ đậm']").click()
    editor.send_keys(ANSWER + Keys.END)
    browse.click_and_wait(browse.button("Lưu câu trả lời"))
    assert "Đã lưu câu trả lời" in browse.flash(), browse.flash()
    shown = page.find_element(By.CSS_SELECTOR, ".qa-answer-text")
    assert shown.find_element(By.TAG_NAME, "b" if shown.find_elements(By.TAG_NAME, "b") else "strong").text == LEGAL
    assert "Đã trả lời, chờ duyệt" in page.find_element(By.CSS_SELECTOR, ".qa-facts").text
    assert not page.find_elements(By.ID, "form-duyet")  # approving is the administrator's

    # -- the administrator approves and publishes -----------------------------------------------
    browse.sign_in(portal, "hanoi.admin")
    card = page.find_element(By.XPATH, "//section[h2[normalize-space()='Hỏi đáp']]")
    assert "1 câu trả lời chờ duyệt" in card.text, card.text
    browse.click_and_wait(card.find_element(By.PARTIAL_LINK_TEXT, "câu trả lời chờ duyệt"))
    browse.click_and_wait(page.find_element(By.LINK_TEXT, TITLE))
    browse.click_and_wait(browse.button("Duyệt câu trả lời"))
    assert "Đã duyệt câu trả lời" in browse.flash()
    public_body = page.find_element(By.ID, "public_body")
    public_body.clear()
    public_body.send_keys("Công ty chậm trả lương hai tháng liền, người lao động cần làm gì để được trả đủ?")
    browse.clean("ws-questions-publish")
    browse.click_and_wait(browse.button("Đăng câu trả lời"))
    assert "Đã đăng câu trả lời" in browse.flash(), browse.flash()
    history = page.find_element(By.ID, "lich-su").text
    for line in ("Tiếp nhận câu hỏi", "Giao xử lý", "Trả lời", "Duyệt câu trả lời", "Đăng câu trả lời"):
        assert line in history, line
    assert "Lê Thị Thu" in history and "Nguyễn Thị Hà" in history

    browse.open(portal, "/quan-tri/hoi-dap/cai-dat")
    assert page.find_element(By.ID, "answer_days").get_attribute("value") == "5"
    browse.clean("ws-questions-settings")

    # -- the platform administrator's holiday calendar ------------------------------------------
    browse.sign_in(portal, "admin")
    browse.open(portal, "/quan-tri/ngay-nghi?nam=2027")
    assert "Giỗ Tổ Hùng Vương" in page.find_element(By.ID, "bang-ngay-nghi").text
    # the date picker's typing order follows the browser's locale: the value is set as a picker sets it
    page.execute_script("arguments[0].value = '2027-11-20'", page.find_element(By.ID, "day"))
    page.find_element(By.ID, "name").send_keys("Nghỉ thử ngày Nhà giáo")
    browse.click_and_wait(browse.button("Lưu ngày"))
    assert "Đã lưu ngày nghỉ 20/11/2027" in browse.flash(), browse.flash()
    browse.clean("ws-holidays")

    # -- on a phone the menu starts folded and opens with one tap ---------------------------------
    page.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True}
    )
    browse.open(portal, "/quan-tri/ngay-nghi?nam=2027")
    menu = page.find_element(By.CSS_SELECTOR, ".ws-nav-toggle")
    entry = menu.find_element(By.CSS_SELECTOR, 'a[href="/quan-tri/ngay-nghi"]')
    assert menu.get_attribute("open") is None and not entry.is_displayed()
    menu.find_element(By.TAG_NAME, "summary").click()
    assert entry.is_displayed() and entry.text == "Lịch ngày nghỉ"
    page.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # -- the guest reads the answer --------------------------------------------------------------
    page.execute_cdp_cmd("Network.clearBrowserCookies", {})
    page.get(tracking)
    browse.loaded()
    answer = page.find_element(By.CSS_SELECTOR, ".qa-answer-text")
    assert LEGAL in answer.text and "trả thêm tiền lãi" in answer.text
    assert answer.find_elements(By.TAG_NAME, "b") or answer.find_elements(By.TAG_NAME, "strong")
    assert "Đã trả lời" in page.find_element(By.CSS_SELECTOR, ".tracking-facts").text
    browse.clean("hoidap-tracking-answered")
