"""Signing in and answering a poll in Chromium: the forms work as a person uses them, the receipt
turns «counted» by itself (htmx, under the portal's CSP), and axe-core finds no serious or
critical WCAG 2.1 AA problem on the account and poll pages (360 and 1366 px screenshots kept)."""

from datetime import UTC, datetime, timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from platform_shared.clock import VN_TZ
from platform_shared.testing.samples import POLL_QUESTIONS

pytestmark = pytest.mark.browser

QUESTIONS = POLL_QUESTIONS
GOOD = {"q1": "o1", "q2": ["o1", "o2"], "q3": 4, "q5": {"r1": "o1", "r2": "o2"}}


def open_poll(api):
    now = datetime.now(UTC)
    created = api.post(
        "/api/v1/polls",
        json={
            "title": "Lấy ý kiến đoàn viên về bữa ăn ca",
            "description": "Công đoàn thành phố lấy ý kiến để cải thiện bữa ăn giữa ca cho công nhân.",
            "questions": QUESTIONS,
            "opens_at": (now - timedelta(hours=1)).astimezone(VN_TZ).replace(tzinfo=None).isoformat(),
            "closes_at": (now + timedelta(hours=48)).astimezone(VN_TZ).replace(tzinfo=None).isoformat(),
        },
    )
    assert created.status_code == 201, created.json
    assert api.post(f"/api/v1/polls/{created.json['id']}/open").status_code == 200
    return created.json


def test_signing_in_with_a_wrong_password_then_the_right_one(page, browse, portal):
    browse.sign_in(portal, "hanoi.member", then=None, password="khong-dung-mat-khau")
    assert "Sai tên đăng nhập hoặc mật khẩu." in page.find_element(By.TAG_NAME, "main").text
    assert page.find_element(By.ID, "username").get_attribute("value") == "hanoi.member"
    assert page.find_element(By.ID, "password").get_attribute("value") == ""
    browse.clean("account-sign-in-refused")

    page.find_element(By.ID, "password").send_keys(portal._passwords["demo"])
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    WebDriverWait(page, 10).until(lambda d: "Đỗ Thị Lan" in d.find_element(By.CLASS_NAME, "user-menu").text)
    cookie = page.get_cookie("congdoan_phien")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert page.execute_script("return document.cookie") == ""  # no script reads the session

    browse.open(portal, "/doi-mat-khau")
    assert page.find_element(By.TAG_NAME, "h1").text == "Đổi mật khẩu"
    browse.clean("account-change-password")


def test_a_member_answers_a_poll_and_the_receipt_turns_counted_by_itself(page, browse, portal, member_token):
    hanoi = portal.api.as_(portal.login("hanoi.admin"))
    poll = open_poll(hanoi)
    path = f"/trung-cau-y-kien/{poll['id']}"

    browse.open(portal, path)
    # a poll of the Hà Nội federation: not found for a visitor, whose header offers to sign in and come back
    assert page.find_element(By.TAG_NAME, "h1").text == "Không tìm thấy trang"
    browse.click_and_wait(page.find_element(By.CLASS_NAME, "sign-in"))
    page.find_element(By.ID, "username").send_keys("hanoi.member")
    page.find_element(By.ID, "password").send_keys(portal._passwords["demo"])
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert page.current_url == portal.url(path)
    browse.clean("polls-form")

    def choose(name, value):
        page.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']").click()

    choose("c1", "o1")
    choose("c2", "o1")
    choose("c2", "o2")
    choose("c3", "4")
    page.find_element(By.ID, "c4").send_keys("Cần thêm nhà trẻ cho con công nhân")
    choose("c5-d1", "o1")  # the second row is forgotten
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "form.poll-form button[type=submit]"))
    problem = page.find_element(By.ID, "loi-cau-5")
    assert problem.text == "Mỗi dòng cần một lựa chọn."
    assert page.find_element(By.ID, "cau-5").get_attribute("aria-describedby") == "loi-cau-5"
    assert page.find_element(By.CSS_SELECTOR, "input[name='c3'][value='4']").is_selected()  # kept
    browse.clean("polls-form-refused")

    choose("c5-d2", "o2")
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, "form.poll-form button[type=submit]"))
    assert "/bien-nhan/" in page.current_url
    page.execute_script("window.stillTheSamePage = true")

    receipt_url = page.current_url
    WebDriverWait(page, 30).until(
        lambda d: "Đã được tính vào kết quả" in d.find_element(By.ID, "tinh-trang-bien-nhan").text
    )
    assert page.current_url == receipt_url
    assert page.execute_script("return window.stillTheSamePage === true")  # htmx updated it, no reload
    browse.clean("polls-receipt")

    for choice in ("o1", "o2", "o3", "o1"):
        sent = portal.api.as_(member_token("LDLD-HN")).post(
            f"/api/v1/polls/{poll['id']}/responses", json={"answers": {**GOOD, "q1": choice}}
        )
        assert sent.status_code == 202
    WebDriverWait(page, 30, poll_frequency=0.5).until(
        lambda _d: hanoi.get(f"/api/v1/polls/{poll['id']}/results").json["respondents"] == 5
    )
    assert hanoi.post(f"/api/v1/polls/{poll['id']}/close").status_code == 200
    assert hanoi.post(f"/api/v1/polls/{poll['id']}/publish").status_code == 200

    browse.open(portal, path + "/ket-qua")
    main = page.find_element(By.TAG_NAME, "main").text
    assert "Hài lòng" in main and "60%" in main
    widths = page.execute_script(
        "return Array.from(document.querySelectorAll('.bar-fill')).map(e => e.getBoundingClientRect().width)"
    )
    assert max(widths) > 0  # the CSS classes draw the bars (no inline style under the CSP)
    browse.clean("polls-results")

    browse.open(portal, "/trung-cau-y-kien")
    browse.clean("polls-list")
