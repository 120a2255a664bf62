"""Reading the portal in Chromium as a visitor does: home → section → article with its photos,
search typed without diacritics, a federation's sub-site, the document library, the 404 page;
keyboard use of the skip link; every page type checked by axe-core (0 serious or critical
violations) and photographed at 360 px and 1366 px."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser


def test_home_then_section_then_an_article_with_its_photos(page, browse, portal, newsroom):
    for n in range(3):
        newsroom.publish(f"Tin hoạt động công đoàn cơ sở số {n + 1}")
    newsroom.publish("Chuyên đề: Thương lượng tập thể trong doanh nghiệp", section="thematic")
    photo = newsroom.photo("Công nhân nhận quà Tết", "Nữ công nhân cười nhận túi quà Tết", "Minh Anh", seed=3)
    second = newsroom.photo("Hội trường chật kín", "Hội trường đông công nhân dự lễ", "Thu Hà", seed=4)
    article = newsroom.publish(
        "Công đoàn Hà Nội trao 500 suất quà Tết cho công nhân",
        summary="Hơn 500 công nhân có hoàn cảnh khó khăn được nhận quà.",
        asset_ids=[photo, second],
    )

    browse.open(portal, "/")
    assert page.title.startswith("Trang chủ")
    lead = page.find_element(By.CSS_SELECTOR, ".home-news .card-lead")  # the newest item with a photo leads
    assert lead.find_element(By.TAG_NAME, "h3").text == "Công đoàn Hà Nội trao 500 suất quà Tết cho công nhân"
    browse.clean("portal-home")

    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, ".menu-wide").find_element(By.LINK_TEXT, "Tin tức"))
    assert page.current_url == portal.url("/tin-tuc")
    assert page.find_element(By.TAG_NAME, "h1").text == "Tin tức – Đa phương tiện"
    browse.clean("portal-section")

    browse.click_and_wait(page.find_element(By.LINK_TEXT, "Công đoàn Hà Nội trao 500 suất quà Tết cho công nhân"))
    assert page.current_url == portal.url(f"/bai-viet/{article['slug']}")
    assert page.find_element(By.TAG_NAME, "h1").text == "Công đoàn Hà Nội trao 500 suất quà Tết cho công nhân"
    photos = [
        page.find_element(By.CSS_SELECTOR, f'img[alt="{alt}"]')
        for alt in ("Nữ công nhân cười nhận túi quà Tết", "Hội trường đông công nhân dự lễ")
    ]
    browse.images_loaded(photos, timeout=10)
    assert "Ảnh: Minh Anh" in page.find_element(By.CSS_SELECTOR, ".lead-photo figcaption").text
    assert page.find_element(By.CSS_SELECTOR, ".kicker a").text == "Tin tức – Đa phương tiện"
    browse.clean("portal-article")


def test_search_typed_without_diacritics_finds_the_article_written_with_them(page, browse, portal, newsroom):
    newsroom.publish("Công đoàn Đà Nẵng hỗ trợ công nhân mất việc làm")
    newsroom.publish("Hội thao truyền thống ngành Điện lực")
    browse.open(portal, "/")
    box = page.find_element(By.ID, "o-tim-kiem")
    old = page.find_element(By.TAG_NAME, "html")
    box.send_keys("cong doan da nang", Keys.ENTER)
    browse.next_page(old, timeout=15)
    assert "/tim-kiem?q=cong+doan+da+nang" in page.current_url
    results = page.find_elements(By.CSS_SELECTOR, ".result h2")
    assert [r.text for r in results] == ["Công đoàn Đà Nẵng hỗ trợ công nhân mất việc làm"]
    marked = [m.text for m in page.find_elements(By.CSS_SELECTOR, ".result h2 mark")]
    assert marked == ["Công", "đoàn", "Đà", "Nẵng", "công"]  # «công nhân» starts with «cong» too
    browse.clean("portal-search")


def test_a_sub_site_the_library_and_the_404_page_are_accessible(page, browse, portal, newsroom):
    newsroom.publish("Liên đoàn Lao động Hà Nội tổ chức Tháng Công nhân")
    office = portal.api.as_(portal.login("admin"))
    made = office.post(
        "/api/v1/documents",
        json={
            "number": "25/KH-TLĐ",
            "doc_type": "plan",
            "issued_on": "2026-03-02",
            "abstract": "Kế hoạch tổ chức Tháng Công nhân năm 2026",
            "all_tenants": True,
            "public": True,
        },
    )
    assert made.status_code == 201, made.json
    for path, name, heading in [
        ("/don-vi/ha-noi", "portal-sub-site", "Liên đoàn Lao động thành phố Hà Nội"),
        ("/van-ban", "portal-library", "Văn bản chỉ đạo – điều hành"),
        ("/bai-viet/khong-co-bai-nay", "portal-404", "Không tìm thấy trang"),
    ]:
        browse.open(portal, path)
        assert page.find_element(By.TAG_NAME, "h1").text.startswith(heading), path
        browse.clean(name)


def test_the_skip_link_is_the_first_stop_of_the_keyboard_and_leads_to_the_content(
    page, browse, portal, content_service
):
    browse.open(portal, "/tin-tuc")
    page.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = page.switch_to.active_element
    assert focused.text == "Bỏ qua, đến nội dung chính"
    assert focused.value_of_css_property("top") != "-48px"  # visible while focused
    focused.send_keys(Keys.ENTER)
    WebDriverWait(page, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "noi-dung")
