"""A poll's life in Chromium (issue 15): Hà Nội's administrator builds a poll in the workspace — a
single-choice question, a matrix (rows × columns) and a free-text one added with «Thêm câu hỏi»
(the page's script shows each question's settings for its kind), is told beside the matrix that it
needs rows, saves, previews it as a member will see it and opens it (confirming); hanoi.member
answers it on the portal; four more members answer through the API; once the consumer has
counted the five, the live results show tables with bars, a free-text answer is hidden, the poll
is closed and its results published, and the member reads them on the portal. axe-core finds no
serious or critical WCAG 2.1 AA problem on any poll page of the workspace; screenshots at 360
and 1366 px are kept."""

from datetime import UTC, datetime, timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from platform_shared.clock import VN_TZ
from platform_shared.testing.samples import POLL_QUESTIONS, poll_window

pytestmark = pytest.mark.browser

TITLE = "Lấy ý kiến đoàn viên về điều kiện làm việc năm 2027"


def loaded(driver):
    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")


def click_and_wait(driver, element, confirm=False):
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    if confirm:  # the life-cycle forms ask once more (polls.js)
        WebDriverWait(driver, 5).until(expected_conditions.alert_is_present())
        driver.switch_to.alert.accept()
    WebDriverWait(driver, 20).until(expected_conditions.staleness_of(old))
    loaded(driver)


def button(driver, label, scope=None):
    return (scope or driver).find_element(By.XPATH, f".//button[normalize-space()='{label}']")


def flash(driver):
    return " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, ".notice.flash"))


def sign_in(page, portal, username, then="/quan-tri/"):
    page.execute_cdp_cmd("Network.clearBrowserCookies", {})
    page.get(portal.url(f"/dang-nhap?tiep={then}"))
    loaded(page)
    page.find_element(By.ID, "username").send_keys(username)
    page.find_element(By.ID, "password").send_keys(portal._passwords["admin" if username == "admin" else "demo"])
    click_and_wait(page, button(page, "Đăng nhập"))
    assert page.current_url.endswith(then), page.current_url


def clean(page, axe_violations, screenshots, name):
    """axe-core: no serious or critical WCAG 2.1 AA violation; the page photographed."""
    found = axe_violations(page)
    assert not found, found.report()
    screenshots(page, name)


def local(moment):
    return moment.astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M")


def type_into(page, field_id, value):
    field = page.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(value)


def test_a_poll_is_built_opened_answered_closed_and_its_results_published(
    page, portal, axe_violations, screenshots, member_token
):
    sign_in(page, portal, "hanoi.admin")
    page.get(portal.url("/quan-tri/trung-cau"))
    loaded(page)
    assert "Chưa có phiếu nào" in page.find_element(By.TAG_NAME, "main").text
    clean(page, axe_violations, screenshots, "workspace-polls-empty-list")
    click_and_wait(page, page.find_element(By.LINK_TEXT, "Tạo phiếu mới"))

    # the builder: the script shows a question's settings for its kind only
    assert page.find_element(By.ID, "q1_options").is_displayed()
    assert not page.find_element(By.ID, "q1_rows").is_displayed()
    type_into(page, "title", TITLE)
    type_into(page, "description", "Công đoàn thành phố lấy ý kiến để kiến nghị với doanh nghiệp.")
    now = datetime.now(UTC)
    for field, moment in (("opens_at", now - timedelta(hours=1)), ("closes_at", now + timedelta(days=2))):
        page.execute_script("arguments[0].value = arguments[1]", page.find_element(By.ID, field), local(moment))
    type_into(page, "q1_text", "Anh/chị có hài lòng với điều kiện làm việc?")
    type_into(page, "q1_options", "Hài lòng\nBình thường\nChưa hài lòng")
    type_into(page, "q2_text", "Đánh giá từng mặt")
    Select(page.find_element(By.ID, "q2_kind")).select_by_value("matrix")
    assert page.find_element(By.ID, "q2_rows").is_displayed()
    type_into(page, "q2_options", "Tốt\nChưa tốt")  # the columns; the rows forgotten
    click_and_wait(page, button(page, "Thêm câu hỏi"))
    assert page.switch_to.active_element.get_attribute("id") == "q3_text"  # the new slot has the focus
    assert page.find_element(By.ID, "q2_options").get_attribute("value") == "Tốt\nChưa tốt"  # kept
    type_into(page, "q3_text", "Ý kiến khác của anh/chị")
    Select(page.find_element(By.ID, "q3_kind")).select_by_value("text")
    page.find_element(By.ID, "q3_required").click()  # optional
    clean(page, axe_violations, screenshots, "workspace-polls-builder")

    click_and_wait(page, button(page, "Lưu bản nháp", page.find_element(By.CSS_SELECTOR, ".ws-actions")))
    assert page.find_element(By.ID, "loi-q2_rows").text == "Câu hỏi ma trận cần ít nhất 1 dòng."
    assert page.find_element(By.ID, "q2_rows").get_attribute("aria-invalid") == "true"
    assert page.find_element(By.ID, "q1_options").get_attribute("value") == "Hài lòng\nBình thường\nChưa hài lòng"
    clean(page, axe_violations, screenshots, "workspace-polls-builder-refused")
    type_into(page, "q2_rows", "Tiền lương\nGiờ làm thêm")
    click_and_wait(page, button(page, "Lưu bản nháp", page.find_element(By.CSS_SELECTOR, ".ws-actions")))
    assert "Đã lưu bản nháp" in flash(page)
    poll_url = page.current_url
    poll_id = poll_url.rstrip("/").rsplit("/", 1)[1]
    clean(page, axe_violations, screenshots, "workspace-polls-draft")

    click_and_wait(page, page.find_element(By.LINK_TEXT, "Xem trước như đoàn viên"))
    assert all(not e.is_enabled() for e in page.find_elements(By.CSS_SELECTOR, ".poll-form input"))
    assert "Tiền lương" in page.find_element(By.CSS_SELECTOR, ".poll-form").text
    clean(page, axe_violations, screenshots, "workspace-polls-preview")

    page.get(poll_url)
    loaded(page)
    click_and_wait(page, button(page, "Mở phiếu"), confirm=True)
    assert "Đã mở phiếu." in flash(page) and "Đang mở" in page.find_element(By.TAG_NAME, "main").text
    clean(page, axe_violations, screenshots, "workspace-polls-open")

    # hanoi.member answers on the portal
    sign_in(page, portal, "hanoi.member", then=f"/trung-cau-y-kien/{poll_id}")

    def choose(name, value):
        page.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']").click()

    choose("c1", "o1")
    choose("c2-d1", "o1")
    choose("c2-d2", "o2")
    page.find_element(By.ID, "c3").send_keys("Cần thêm quạt mát trong xưởng")
    click_and_wait(page, page.find_element(By.CSS_SELECTOR, "form.poll-form button[type=submit]"))
    assert "/bien-nhan/" in page.current_url

    for choice in ("o1", "o2", "o1", "o3"):
        sent = portal.api.as_(member_token("LDLD-HN")).post(
            f"/api/v1/polls/{poll_id}/responses",
            json={"answers": {"q1": choice, "q2": {"r1": "o1", "r2": "o1"}, "q3": "Tăng phụ cấp ca đêm"}},
        )
        assert sent.status_code == 202, sent.json
    hanoi = portal.api.as_(portal.login("hanoi.admin"))
    WebDriverWait(page, 30, poll_frequency=0.5).until(
        lambda _d: hanoi.get(f"/api/v1/polls/{poll_id}/results").json["respondents"] == 5
    )

    # the live results, the landing card, a free-text answer hidden
    sign_in(page, portal, "hanoi.admin")
    card = page.find_element(By.XPATH, "//section[h2[normalize-space()='Trưng cầu ý kiến']]").text
    assert "1 phiếu đang mở" in card and f"5 người đã trả lời «{TITLE}»" in card
    clean(page, axe_violations, screenshots, "workspace-polls-landing")
    page.get(portal.url(f"/quan-tri/trung-cau/{poll_id}/ket-qua"))
    loaded(page)
    assert page.find_element(By.ID, "so-nguoi-tra-loi").text.startswith("5")
    first = page.find_element(By.ID, "ket-qua-cau-1").text
    assert "Hài lòng" in first and "60%" in first
    widths = page.execute_script(
        "return Array.from(document.querySelectorAll('.bar-fill')).map(e => e.getBoundingClientRect().width)"
    )
    assert max(widths) > 0  # CSS classes draw the bars (no inline style under the CSP)
    answers = page.find_element(By.ID, "y-kien")
    assert "Cần thêm quạt mát trong xưởng" in answers.text
    clean(page, axe_violations, screenshots, "workspace-polls-results")
    own = answers.find_element(By.XPATH, ".//li[.//p[normalize-space()='Cần thêm quạt mát trong xưởng']]")
    click_and_wait(page, button(page, "Ẩn ý kiến này", own))
    assert "Đã ẩn ý kiến khỏi kết quả." in flash(page)

    page.get(portal.url("/quan-tri/trung-cau"))
    loaded(page)
    row = page.find_element(By.ID, "bang-phieu").text
    assert TITLE in row and "Đang mở" in row and "Liên đoàn Lao động thành phố Hà Nội" in row
    clean(page, axe_violations, screenshots, "workspace-polls-list")

    # closed, then the results published
    page.get(poll_url)
    loaded(page)
    click_and_wait(page, button(page, "Đóng phiếu"), confirm=True)
    assert "Đã đóng phiếu" in flash(page) and "5 người đã trả lời" in flash(page)
    click_and_wait(page, button(page, "Công bố kết quả"), confirm=True)
    assert "Đã công bố kết quả." in flash(page)
    clean(page, axe_violations, screenshots, "workspace-polls-published")

    sign_in(page, portal, "hanoi.member", then=f"/trung-cau-y-kien/{poll_id}/ket-qua")
    main = page.find_element(By.TAG_NAME, "main").text
    assert "Đã công bố kết quả" in main and "Hài lòng" in main and "Tiền lương" in main


def test_the_vgcl_builds_for_every_member_and_reads_the_results_per_federation(
    page, portal, axe_violations, screenshots, member_token
):
    vgcl = portal.api.as_(portal.login("admin"))
    created = vgcl.post(
        "/api/v1/polls",
        json={
            "title": "Trưng cầu ý kiến về tiền lương tối thiểu",
            "questions": POLL_QUESTIONS,
            "audience": {"all": True},
            **poll_window(),
        },
    )
    poll_id = created.json["id"]
    assert vgcl.post(f"/api/v1/polls/{poll_id}/open").status_code == 200
    for code in ("LDLD-HN",) * 5 + ("LDLD-DN",):
        answers = {"q1": "o1", "q2": ["o1"], "q3": 5, "q5": {"r1": "o1", "r2": "o2"}}
        sent = portal.api.as_(member_token(code)).post(f"/api/v1/polls/{poll_id}/responses", json={"answers": answers})
        assert sent.status_code == 202, sent.json
    WebDriverWait(page, 30, poll_frequency=0.5).until(
        lambda _d: vgcl.get(f"/api/v1/polls/{poll_id}/results").json["respondents"] == 6
    )

    sign_in(page, portal, "admin", then="/quan-tri/trung-cau/moi")
    assert page.find_element(By.ID, "doi-tuong-tat-ca").is_displayed()
    assert "Liên đoàn Lao động thành phố Đà Nẵng" in page.find_element(By.ID, "doi-tuong").text
    clean(page, axe_violations, screenshots, "workspace-polls-builder-vgcl")

    page.get(portal.url(f"/quan-tri/trung-cau/{poll_id}/ket-qua"))
    loaded(page)
    table = page.find_element(By.ID, "bang-don-vi").text
    assert "Liên đoàn Lao động thành phố Hà Nội 5" in table and "dưới 5" in table
    Select(page.find_element(By.ID, "don-vi")).select_by_visible_text("Liên đoàn Lao động thành phố Đà Nẵng")
    click_and_wait(page, button(page, "Xem"))
    assert "Ẩn số liệu: câu này có dưới 5 người trả lời." in page.find_element(By.ID, "ket-qua-cau-1").text
    assert page.find_element(By.ID, "so-nguoi-tra-loi").text.startswith("dưới 5")  # not Đà Nẵng's one
    clean(page, axe_violations, screenshots, "workspace-polls-results-vgcl")
