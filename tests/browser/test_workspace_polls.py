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
from selenium.webdriver.support.ui import Select, WebDriverWait

from platform_shared.clock import VN_TZ
from platform_shared.testing.samples import POLL_QUESTIONS, poll_window

pytestmark = pytest.mark.browser

TITLE = "Lấy ý kiến đoàn viên về điều kiện làm việc năm 2027"


def local(moment):
    return moment.astimezone(VN_TZ).strftime("%Y-%m-%dT%H:%M")


def test_a_poll_is_built_opened_answered_closed_and_its_results_published(page, browse, portal, member_token):
    browse.sign_in(portal, "hanoi.admin")
    browse.open(portal, "/quan-tri/trung-cau")
    assert "Chưa có phiếu nào" in page.find_element(By.TAG_NAME, "main").text
    browse.clean("workspace-polls-empty-list")
    browse.click_and_wait(page.find_element(By.LINK_TEXT, "Tạo phiếu mới"))

    # the builder: the script shows a question's settings for its kind only
    assert page.find_element(By.ID, "q1_options").is_displayed()
    assert not page.find_element(By.ID, "q1_rows").is_displayed()
    browse.fill("title", TITLE)
    browse.fill("description", "Công đoàn thành phố lấy ý kiến để kiến nghị với doanh nghiệp.")
    now = datetime.now(UTC)
    for field, moment in (("opens_at", now - timedelta(hours=1)), ("closes_at", now + timedelta(days=2))):
        page.execute_script("arguments[0].value = arguments[1]", page.find_element(By.ID, field), local(moment))
    browse.fill("q1_text", "Anh/chị có hài lòng với điều kiện làm việc?")
    browse.fill("q1_options", "Hài lòng\nBình thường\nChưa hài lòng")
    browse.fill("q2_text", "Đánh giá từng mặt")
    Select(page.find_element(By.ID, "q2_kind")).select_by_value("matrix")
    assert page.find_element(By.ID, "q2_rows").is_displayed()
    browse.fill("q2_options", "Tốt\nChưa tốt")  # the columns; the rows forgotten
    browse.click_and_wait(browse.button("Thêm câu hỏi"))
    assert page.switch_to.active_element.get_attribute("id") == "q3_text"  # the new slot has the focus
    assert page.find_element(By.ID, "q2_options").get_attribute("value") == "Tốt\nChưa tốt"  # kept
    browse.fill("q3_text", "Ý kiến khác của anh/chị")
    Select(page.find_element(By.ID, "q3_kind")).select_by_value("text")
    page.find_element(By.ID, "q3_required").click()  # optional
    browse.clean("workspace-polls-builder")

    browse.click_and_wait(browse.button("Lưu bản nháp", page.find_element(By.CSS_SELECTOR, ".ws-actions")))
    assert page.find_element(By.ID, "loi-q2_rows").text == "Câu hỏi ma trận cần ít nhất 1 dòng."
    assert page.find_element(By.ID, "q2_rows").get_attribute("aria-invalid") == "true"
    assert page.find_element(By.ID, "q1_options").get_attribute("value") == "Hài lòng\nBình thường\nChưa hài lòng"
    browse.clean("workspace-polls-builder-refused")
    browse.fill("q2_rows", "Tiền lương\nGiờ làm thêm")
    browse.click_and_wait(browse.button("Lưu bản nháp", page.find_element(By.CSS_SELECTOR, ".ws-actions")))
    assert "Đã lưu bản nháp" in browse.flash()
    poll_url = page.current_url
    poll_id = poll_url.rstrip("/").rsplit("/", 1)[1]
    browse.clean("workspace-polls-draft")

    browse.click_and_wait(page.find_element(By.LINK_TEXT, "Xem trước như đoàn viên"))
    assert all(not e.is_enabled() for e in page.find_elements(By.CSS_SELECTOR, ".poll-form input"))
    assert "Tiền lương" in page.find_element(By.CSS_SELECTOR, ".poll-form").text
    browse.clean("workspace-polls-preview")

    page.get(poll_url)
    browse.loaded()
    browse.click_and_wait(browse.button("Mở phiếu"), confirm=True)
    assert "Đã mở phiếu." in browse.flash() and "Đang mở" in page.find_element(By.TAG_NAME, "main").text
    browse.clean("workspace-polls-open")

    # hanoi.member answers on the portal
    browse.sign_in(portal, "hanoi.member", then=f"/trung-cau-y-kien/{poll_id}")

    def choose(name, value):
        page.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']").click()

    choose("c1", "o1")
    choose("c2-d1", "o1")
    choose("c2-d2", "o2")
    page.find_element(By.ID, "c3").send_keys("Cần thêm quạt mát trong xưởng")
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "form.poll-form button[type=submit]"))
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
    browse.sign_in(portal, "hanoi.admin")
    card = page.find_element(By.XPATH, "//section[h2[normalize-space()='Trưng cầu ý kiến']]").text
    assert "1 phiếu đang mở" in card and f"5 người đã trả lời «{TITLE}»" in card
    browse.clean("workspace-polls-landing")
    browse.open(portal, f"/quan-tri/trung-cau/{poll_id}/ket-qua")
    assert page.find_element(By.ID, "so-nguoi-tra-loi").text.startswith("5")
    first = page.find_element(By.ID, "ket-qua-cau-1").text
    assert "Hài lòng" in first and "60%" in first
    widths = page.execute_script(
        "return Array.from(document.querySelectorAll('.bar-fill')).map(e => e.getBoundingClientRect().width)"
    )
    assert max(widths) > 0  # CSS classes draw the bars (no inline style under the CSP)
    answers = page.find_element(By.ID, "y-kien")
    assert "Cần thêm quạt mát trong xưởng" in answers.text
    browse.clean("workspace-polls-results")
    own = answers.find_element(By.XPATH, ".//li[.//p[normalize-space()='Cần thêm quạt mát trong xưởng']]")
    browse.click_and_wait(browse.button("Ẩn ý kiến này", own))
    assert "Đã ẩn ý kiến khỏi kết quả." in browse.flash()

    browse.open(portal, "/quan-tri/trung-cau")
    row = page.find_element(By.ID, "bang-phieu").text
    assert TITLE in row and "Đang mở" in row and "Liên đoàn Lao động thành phố Hà Nội" in row
    browse.clean("workspace-polls-list")

    # closed, then the results published
    page.get(poll_url)
    browse.loaded()
    browse.click_and_wait(browse.button("Đóng phiếu"), confirm=True)
    assert "Đã đóng phiếu" in browse.flash() and "5 người đã trả lời" in browse.flash()
    browse.click_and_wait(browse.button("Công bố kết quả"), confirm=True)
    assert "Đã công bố kết quả." in browse.flash()
    browse.clean("workspace-polls-published")

    browse.sign_in(portal, "hanoi.member", then=f"/trung-cau-y-kien/{poll_id}/ket-qua")
    main = page.find_element(By.TAG_NAME, "main").text
    assert "Đã công bố kết quả" in main and "Hài lòng" in main and "Tiền lương" in main


def test_the_vgcl_builds_for_every_member_and_reads_the_results_per_federation(page, browse, portal, member_token):
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

    browse.sign_in(portal, "admin", then="/quan-tri/trung-cau/moi")
    assert page.find_element(By.ID, "doi-tuong-tat-ca").is_displayed()
    assert "Liên đoàn Lao động thành phố Đà Nẵng" in page.find_element(By.ID, "doi-tuong").text
    browse.clean("workspace-polls-builder-vgcl")

    browse.open(portal, f"/quan-tri/trung-cau/{poll_id}/ket-qua")
    table = page.find_element(By.ID, "bang-don-vi").text
    assert "Liên đoàn Lao động thành phố Hà Nội 5" in table and "dưới 5" in table
    Select(page.find_element(By.ID, "don-vi")).select_by_visible_text("Liên đoàn Lao động thành phố Đà Nẵng")
    browse.click_and_wait(browse.button("Xem"))
    assert "Ẩn số liệu: câu này có dưới 5 người trả lời." in page.find_element(By.ID, "ket-qua-cau-1").text
    assert page.find_element(By.ID, "so-nguoi-tra-loi").text.startswith("dưới 5")  # not Đà Nẵng's one
    browse.clean("workspace-polls-results-vgcl")
