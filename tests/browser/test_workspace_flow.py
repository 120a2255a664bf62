"""The newsroom's week in Chromium, as its people do it (issue 14): Hà Nội's contributor writes a
thematic article with two photos (uploaded by the page's script) and a co-author, and submits; the
Propaganda Dept's editor opens it and returns it with a comment; the contributor reads the comment,
fixes the text and submits again; the editor approves and publishes; the article is on the
portal; the Propaganda Dept's royalty officer is refused a coefficient above the genre's maximum
(the limit named), scores within range, drafts and approves the month's statement and downloads
its XLSX; the news desk's quota dashboard shows Hà Nội green for the week. Two editors of one desk:
the second sees the first one's lock. axe-core finds no serious or critical problem on any
workspace page it visits; screenshots at 360 and 1366 px are kept."""

import re
import sys
from datetime import datetime
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from platform_shared.clock import VN_TZ
from platform_shared.testing.waiting import wait_for

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TITLE = "Ngày hội văn hóa công nhân khu công nghiệp Thăng Long"
FIXED = "Chương trình còn có hội thao, khám sức khỏe miễn phí và tặng quà cho công nhân khó khăn."


def photo_files(tmp_path):
    sys.path.insert(0, str(ROOT / "services" / "media" / "tests"))
    import samples

    paths = []
    for seed in (1, 2):
        path = tmp_path / f"anh-ngay-hoi-{seed}.jpg"
        path.write_bytes(samples.jpeg_with_gps(900, 600, seed=seed))
        paths.append(path)
    return paths


@pytest.fixture
def newsroom_platform(portal, royalties_service):
    """The portal's platform with royalties (it hears content's publications through the relay)."""
    return portal


def test_an_article_goes_from_the_writer_through_the_desk_to_the_portal_and_the_pay_desk(
    page, browse, newsroom_platform, tmp_path
):
    portal = newsroom_platform
    first, second = photo_files(tmp_path)

    # -- the contributor writes -------------------------------------------------------------
    browse.sign_in(portal, "hanoi.contributor")
    browse.clean("ws-home-contributor")
    browse.open(portal, "/quan-tri/bai-viet/moi")
    Select(page.find_element(By.ID, "section")).select_by_value("thematic")
    Select(page.find_element(By.ID, "genre")).select_by_value("article")
    page.find_element(By.ID, "title").send_keys(TITLE)
    page.find_element(By.ID, "summary").send_keys("Hàng nghìn công nhân tham gia ngày hội văn hóa cuối tuần.")
    editor = page.find_element(By.CSS_SELECTOR, "#trinh-soan-thao .editor-content")
    editor.click()
    editor.send_keys("Ngày hội do Công đoàn các Khu công nghiệp Thăng Long tổ chức cho công nhân.")
    for number, path in enumerate((first, second), start=1):
        page.find_element(By.ID, "photo_file").send_keys(str(path))  # the script uploads it at once
        WebDriverWait(page, 30).until(lambda d, n=number: len(d.find_elements(By.CSS_SELECTOR, ".photo-row")) == n)
    rows = page.find_elements(By.CSS_SELECTOR, ".photo-row")
    for number, row in enumerate(rows, start=1):
        row.find_element(By.CSS_SELECTOR, "input[name=photo_caption]").send_keys(
            f"Công nhân tại ngày hội, ảnh {number}"
        )
        row.find_element(By.CSS_SELECTOR, "input[name=photo_alt]").send_keys(
            f"Công nhân múa hát trên sân khấu {number}"
        )
        row.find_element(By.CSS_SELECTOR, "input[name=photo_credit]").send_keys("Minh Hà")
    authors = [("Trần Văn Bình", "Bình An", "60"), ("Nguyễn Thị Hà", "Hà Linh", "40")]
    while len(page.find_elements(By.CSS_SELECTOR, ".author-row")) < len(authors):
        page.find_element(By.ID, "them-tac-gia").click()
    for number, (name, pen, share) in enumerate(authors, start=1):
        Select(page.find_element(By.ID, f"tac-gia-{number}-tai-khoan")).select_by_visible_text(name)
        pen_box = page.find_element(By.ID, f"tac-gia-{number}-but-danh")
        pen_box.clear()  # the page fills in the account's name; the pen name replaces it
        pen_box.send_keys(pen)
        share_box = page.find_element(By.ID, f"tac-gia-{number}-ti-le")
        share_box.clear()
        share_box.send_keys(share)
    assert "100" in page.find_element(By.ID, "tong-ti-le").text  # the live sum
    browse.clean("ws-article-form")
    browse.click_and_wait(browse.button("Gửi duyệt"))
    assert "gửi" in browse.flash().lower(), browse.flash()
    found = portal.api.as_(portal.login("hanoi.contributor")).get("/api/v1/articles", query_string={"mine": "true"})
    article = next(a for a in found.json["items"] if a["title"] == TITLE)
    assert article["status"] == "submitted" and article["photo_count"] == 2
    assert [(a["pen_name"], a["share"]) for a in article["authors"]] == [("Bình An", 60), ("Hà Linh", 40)]

    # -- the Propaganda Dept's editor returns it with a comment -------------------------------
    browse.sign_in(portal, "tuyengiao.editor")
    browse.open(portal, "/quan-tri/bien-tap")
    browse.clean("ws-desk-queue")
    browse.click_and_wait(page.find_element(By.LINK_TEXT, TITLE))
    browse.click_and_wait(browse.button("Mở để biên tập"))
    assert "Bạn đang giữ bài" in page.find_element(By.ID, "khoa-bien-tap").text
    photos = page.find_elements(By.CSS_SELECTOR, "main img[alt^='Công nhân múa hát']")
    assert len(photos) == 2
    # The desk sees them. They load lazily (loading="lazy": after the page's load event, as they
    # come near the view), so they are waited for.
    for photo in photos:
        page.execute_script("arguments[0].scrollIntoView({block: 'center'})", photo)
    browse.images_loaded(photos, timeout=20)
    browse.clean("ws-desk-article")
    page.find_element(By.ID, "comment").send_keys("Đề nghị bổ sung các hoạt động khác của ngày hội.")
    browse.click_and_wait(browse.button("Trả lại"))
    assert browse.flash(), "the return is confirmed"

    # -- the contributor reads the comment, fixes and resubmits ------------------------------
    browse.sign_in(portal, "hanoi.contributor")
    browse.open(portal, "/quan-tri/bai-viet")
    listing = page.find_element(By.ID, "bai-viet-cua-toi").text
    assert "Đề nghị bổ sung các hoạt động khác" in listing and "Sửa và gửi lại" in listing
    browse.clean("ws-my-articles")
    browse.click_and_wait(page.find_element(By.LINK_TEXT, TITLE))
    editor = page.find_element(By.CSS_SELECTOR, "#trinh-soan-thao .editor-content")
    editor.click()
    editor.send_keys(" " + FIXED)
    browse.click_and_wait(browse.button("Gửi duyệt"))
    assert "gửi" in browse.flash().lower(), browse.flash()

    # -- the editor approves and publishes ------------------------------------------------------
    browse.sign_in(portal, "tuyengiao.editor")
    browse.open(portal, f"/quan-tri/bien-tap/{article['id']}")
    assert FIXED in page.find_element(By.ID, "noi-dung-bai").find_element(By.XPATH, "..").text
    browse.click_and_wait(browse.button("Mở để biên tập"))
    browse.click_and_wait(browse.button("Duyệt"))
    browse.click_and_wait(browse.button("Đăng"))
    assert browse.flash(), "the publication is confirmed"

    # -- it is on the portal ---------------------------------------------------------------------
    def on_the_portal():
        page.get(portal.url("/chuyen-de"))
        return TITLE in page.find_element(By.TAG_NAME, "main").text

    wait_for(on_the_portal, timeout=30, message="the published article on the thematic section")
    browse.click_and_wait(page.find_element(By.LINK_TEXT, TITLE))
    body = page.find_element(By.TAG_NAME, "main").text
    assert FIXED in body and "Bình An" in body and "Hà Linh" in body

    # -- the royalty officer scores it and pays the month ------------------------------------
    browse.sign_in(portal, "tuyengiao.royalty")

    def items_arrived():
        page.get(portal.url("/quan-tri/nhuan-but"))
        return TITLE in page.find_element(By.TAG_NAME, "main").text

    wait_for(items_arrived, timeout=60, message="royalties to open the published article's items")
    browse.clean("ws-royalties-scoring")
    row = page.find_element(By.XPATH, f"//section[starts-with(@id, 'dong-')][contains(., '{TITLE}')]")
    item_id = row.get_attribute("id").removeprefix("dong-")
    box = page.find_element(By.ID, f"coefficient-{item_id}")
    box.send_keys("99")
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, f"button[name=luu][value='{item_id}']"))
    refusal = page.find_element(By.ID, f"loi-coefficient-{item_id}").text
    assert re.search(r"\d", refusal) and "tối đa" in refusal.lower(), refusal  # the limit, named
    box = page.find_element(By.ID, f"coefficient-{item_id}")
    box.clear()
    box.send_keys("5")
    browse.click_and_wait(page.find_element(By.CSS_SELECTOR, f"button[name=luu][value='{item_id}']"))
    assert browse.flash(), "the score is confirmed"
    # every other row of the article (the co-author, the photos) scored in one batch
    for other in page.find_elements(By.CSS_SELECTOR, "input[id^=coefficient-]"):
        other.send_keys("1")
    if page.find_elements(By.CSS_SELECTOR, "input[id^=coefficient-]"):
        browse.click_and_wait(page.find_element(By.ID, "luu-tat-ca"))

    browse.open(portal, "/quan-tri/nhuan-but/bang-ke")
    period = page.find_element(By.ID, "period")
    period.clear()
    period.send_keys(datetime.now(VN_TZ).strftime("%Y-%m"))
    browse.click_and_wait(browse.button("Lập bảng kê"))
    assert (
        "Bình An" in page.find_element(By.ID, "nguoi-nhan").text
        or "Trần Văn Bình" in page.find_element(By.ID, "nguoi-nhan").text
    )
    browse.clean("ws-statement")
    browse.click_and_wait(browse.button("Duyệt bảng kê"))
    assert browse.flash(), "the approval is confirmed"
    href = page.find_element(By.ID, "tai-xlsx").get_attribute("href")
    download = page.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(async (r) => {
          const bytes = new Uint8Array(await r.arrayBuffer());
          done({status: r.status, type: r.headers.get("content-type"),
                disposition: r.headers.get("content-disposition"), head: Array.from(bytes.slice(0, 4))});
        }).catch((e) => done({error: String(e)}));
        """,
        href,
    )
    assert download["status"] == 200, download
    assert download["type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert download["head"] == [0x50, 0x4B, 0x03, 0x04]  # a zip: the XLSX container
    assert "filename*=" in download["disposition"]


def test_the_news_desk_sees_hanoi_green_for_the_week(page, browse, newsroom_platform):
    portal = newsroom_platform
    # Hà Nội's news item of the week, through /api/v1 (the news desk's rule: ≥ 1 a week)
    portal.news(
        "Liên đoàn Lao động Hà Nội thăm hỏi công nhân",
        "<p>Công đoàn thành phố tặng quà công nhân có hoàn cảnh khó khăn.</p>",
    )
    browse.sign_in(portal, "laodong.editor")
    browse.open(portal, "/quan-tri/chi-tieu")
    hanoi = page.find_element(By.ID, "dv-LDLD-HN")
    assert hanoi.find_elements(By.CSS_SELECTOR, ".rag.met") and "Đạt" in hanoi.text
    browse.clean("ws-quotas")


def test_a_second_editor_of_the_desk_sees_the_first_ones_lock(page, browse, newsroom_platform):
    portal = newsroom_platform
    api = portal.api
    office = api.as_(portal.login("admin"))
    desk_tenant = next(t for t in office.get("/api/v1/tenants?per_page=100").json["items"] if t["code"] == "BLD")
    invited = office.post(
        "/api/v1/users",
        json={
            "tenant_id": desk_tenant["id"],
            "username": "laodong.editor2",
            "email": "editor2@demo.congdoan.vn",
            "full_name": "Lý Văn Phúc",
            "roles": ["editor"],
        },
    )
    assert invited.status_code == 201, invited.json
    activated = api.post(
        "/api/v1/auth/activate", json={"token": invited.json["activation_token"], "password": portal._passwords["demo"]}
    )
    assert activated.status_code == 200, activated.json

    writer = api.as_(portal.login("hanoi.contributor"))
    created = writer.post(
        "/api/v1/articles",
        json={
            "section": "news",
            "genre": "news",
            "title": "Tin hai biên tập viên cùng mở",
            "body": "<p>Nội dung tin.</p>",
        },
    )
    assert writer.post(f"/api/v1/articles/{created.json['id']}/submit").status_code == 200
    assert (
        api.as_(portal.login("laodong.editor")).post(f"/api/v1/articles/{created.json['id']}/open").status_code == 200
    )

    browse.sign_in(portal, "laodong.editor2")
    browse.open(portal, f"/quan-tri/bien-tap/{created.json['id']}")
    lock = page.find_element(By.ID, "khoa-bien-tap").text
    assert lock.startswith("đang biên tập: Vũ Thị Hồng, đến ") and re.search(r"\d\d:\d\d", lock), lock
    browse.clean("ws-desk-locked")
    approve = page.find_elements(By.XPATH, "//button[normalize-space()='Duyệt']")
    if approve:  # offered while locked: the desk's answer names the holder, nothing changes
        browse.click_and_wait(approve[0])
        assert "Vũ Thị Hồng" in page.find_element(By.ID, "thong-bao-loi").text
    status = api.as_(portal.login("laodong.editor")).get(f"/api/v1/articles/{created.json['id']}").json["status"]
    assert status == "in_review"


def test_the_other_workspace_pages_have_no_serious_accessibility_problem(page, browse, newsroom_platform):
    """Every workspace page type the flow above does not open, checked by axe-core as its user sees it."""
    portal = newsroom_platform
    writer = portal.api.as_(portal.login("hanoi.contributor"))
    created = writer.post(
        "/api/v1/articles",
        json={"section": "news", "genre": "news", "title": "Tin có hai phiên bản", "body": "<p>Bản đầu tiên.</p>"},
    )
    assert created.status_code == 201, created.json
    article_id = created.json["id"]
    assert (
        writer.patch(f"/api/v1/articles/{article_id}", json={"body": "<p>Bản thứ hai, sửa lại.</p>"}).status_code == 200
    )
    quarter = f"{datetime.now(VN_TZ).year}-Q{(datetime.now(VN_TZ).month - 1) // 3 + 1}"
    month = datetime.now(VN_TZ).strftime("%Y-%m")
    visits = {
        "hanoi.contributor": [
            (f"/quan-tri/bai-viet/{article_id}", "ws-article-edit"),
            (f"/quan-tri/bai-viet/{article_id}/phien-ban?tu=1&den=2", "ws-revisions"),
            (f"/quan-tri/bai-viet/{article_id}/xem-truoc", "ws-preview"),
        ],
        "laodong.editor": [
            ("/quan-tri/", "ws-home-editor"),
            ("/quan-tri/van-ban", "ws-documents"),
            ("/quan-tri/van-ban/moi", "ws-document-new"),
            (f"/quan-tri/chi-tieu?quy={quarter}", "ws-quotas-quarter"),
        ],
        "laodong.royalty": [
            ("/quan-tri/", "ws-home-royalty"),
            ("/quan-tri/nhuan-but/bang-ke", "ws-statements"),
            ("/quan-tri/nhuan-but/qua-han", "ws-overdue"),
            (f"/quan-tri/nhuan-but/doi-soat?ky={month}", "ws-reconciliation"),
        ],
    }
    for username, pages in visits.items():
        browse.sign_in(portal, username)
        for path, name in pages:
            browse.open(portal, path)
            assert page.execute_script("return document.documentElement.lang") == "vi"
            assert page.find_element(By.TAG_NAME, "h1").text, f"{path} has a heading"
            browse.clean(name)
