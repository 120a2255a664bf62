"""The grassroots coverage in Chromium (issue 16): Hà Nội's administrator opens its coverage page
(the figures with bars, the period selector; a period polls refuses is named beside it) and finds
the same figures as part IV of its June/December report; the Propaganda Dept's editor reads the
national table, sorts it by a column heading, opens Hà Nội's page from its row. axe-core finds no
serious or critical problem on any of these page types; screenshots at 360 and 1366 px are kept.

The menu entry is the lead's (workspace/common.py): the pages are opened by their address."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

pytestmark = pytest.mark.browser


def test_a_federation_and_the_propaganda_dept_read_the_grassroots_coverage(page, browse, portal):
    # Hà Nội's contributor works in CĐCS May 10 and sends an item: that union has contributed.
    hanoi = portal.api.as_(portal.login("hanoi.admin"))
    units = {u["code"]: u["id"] for u in hanoi.get("/api/v1/units?per_page=100").json["items"] if u["code"]}
    writer = portal.api.as_(portal.login("hanoi.contributor")).get("/api/v1/me").json["user"]["id"]
    assert hanoi.patch(f"/api/v1/users/{writer}", json={"unit_id": units["CDCS-MAY10"]}).status_code == 200
    portal.news("Công đoàn cơ sở tổ chức Ngày hội công nhân", "<p>Hơn 500 công nhân tham gia.</p>", publish=False)

    # -- Hà Nội's administrator -----------------------------------------------------------------
    browse.sign_in(portal, "hanoi.admin")
    browse.open(portal, "/quan-tri/pho-cap")
    assert page.find_element(By.TAG_NAME, "h1").text == "Phổ cập Cổng đến công đoàn cơ sở"
    assert page.find_element(By.ID, "so-cdcs").text == "2"
    rows = {r.get_attribute("id"): r.text for r in page.find_elements(By.CSS_SELECTOR, "#pho-cap tbody tr")}
    assert set(rows) == {"chi-so-quan-tri", "chi-so-doan-vien", "chi-so-tin-bai", "chi-so-tra-loi"}
    assert "chưa có" in rows["chi-so-tra-loi"]  # no registered members yet
    bar = page.find_element(By.CSS_SELECTOR, "#chi-so-quan-tri .bar-fill")
    width = page.execute_script("return arguments[0].getBoundingClientRect().width", bar)
    track = page.execute_script("return arguments[0].parentNode.getBoundingClientRect().width", bar)
    assert (
        track > 0
        and abs(width / track * 100 - float(rows["chi-so-quan-tri"].split()[-1].rstrip("%").replace(",", "."))) < 2
    )
    browse.clean("ws-coverage-federation")

    browse.open(portal, "/quan-tri/pho-cap?ky=2026-H3")
    assert "Kỳ báo cáo không hợp lệ" in page.find_element(By.ID, "loi-ky").text
    browse.clean("ws-coverage-period-refused")
    browse.click_and_wait(browse.button("Xem"))  # the selector offers the periods there are
    assert page.find_element(By.ID, "so-cdcs").text == "2"

    browse.open(portal, "/quan-tri/bao-cao")
    part = page.find_element(By.ID, "tieu-de-pho-cap")
    assert part.text == "IV. Phổ cập Cổng thông tin đến công đoàn cơ sở"
    assert page.find_element(By.ID, "tieu-de-danh-gia").text == "V. Đánh giá của đơn vị"
    assert (
        page.find_element(By.ID, "so-lieu-pho-cap").find_element(By.ID, "chi-so-tin-bai").text == rows["chi-so-tin-bai"]
    )
    browse.clean("ws-coverage-report")

    # -- the Propaganda Dept's editor ------------------------------------------------------------
    browse.sign_in(portal, "tuyengiao.editor")
    browse.open(portal, "/quan-tri/pho-cap")
    table = page.find_element(By.ID, "pho-cap-toan-quoc")
    assert table.find_element(By.CSS_SELECTOR, "th[aria-sort='ascending']").text.startswith("Đơn vị")
    assert table.find_element(By.ID, "tong-cong").text.startswith("Tổng cộng")
    browse.clean("ws-coverage-national")
    browse.click_and_wait(table.find_element(By.LINK_TEXT, "Có tin, bài trong kỳ"))
    table = page.find_element(By.ID, "pho-cap-toan-quoc")
    assert "tin, bài" in table.find_element(By.CSS_SELECTOR, "th[aria-sort='descending']").text
    first = table.find_elements(By.CSS_SELECTOR, "tbody tr")[0]
    assert first.get_attribute("id") == "dv-LDLD-HN"  # the only federation with an item this half-year
    assert Select(page.find_element(By.ID, "ky")).first_selected_option.get_attribute("value").endswith(("H1", "H2"))
    browse.click_and_wait(first.find_element(By.TAG_NAME, "a"))
    assert "Liên đoàn Lao động thành phố Hà Nội" in page.find_element(By.CSS_SELECTOR, "p.lead").text
    assert page.find_element(By.ID, "ve-toan-quoc")
    browse.clean("ws-coverage-federation-overseer")
