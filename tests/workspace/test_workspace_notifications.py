"""The workspace's notifications: the header's count on every page, the list (unread first and said
in words), opening one marks it read and leads to its place, marking one or all, another person's
is 404, a form without its token changes nothing, and the service away breaks no page."""

import re
import uuid

import pytest

from platform_shared.testing.contracts import example
from platform_shared.testing.waiting import wait_for
from tests.workspace.conftest import csrf_of

LIST = "/quan-tri/thong-bao"


def text(response):
    return response.get_data(as_text=True)


def header_count(html):
    """The number the header shows beside «Thông báo», or None."""
    found = re.search(r'id="thong-bao-moi"[^>]*>Thông báo(?: <strong>\((\d+))?', html)
    assert found, "the header has no notifications link"
    return int(found.group(1)) if found.group(1) else None


@pytest.fixture
def told(api, login, notifications_service, content_event):
    """Hà Nội's contributor told twice: its federation missed week 48 and an article came back."""
    writer = api.as_(login("hanoi.contributor"))
    me = writer.get("/api/v1/me").json
    article = str(uuid.uuid4())
    content_event(example("content.quota_missed", tenant_id=me["tenant"]["id"], week="2026-W48", submitted=0))
    content_event(
        example(
            "content.article_returned",
            tenant_id=me["tenant"]["id"],
            article_id=article,
            title="Công nhân may đón Tết sớm",
            comment="Thêm ảnh hiện trường.",
            authors=[{"user_id": me["user"]["id"], "pen_name": "Trần Văn Bình", "share": 100}],
        )
    )
    found = wait_for(
        lambda: (items := writer.get("/api/v1/notifications").json["items"]) and len(items) == 2 and items,
        message="two notifications for the contributor",
    )
    return {"article": article, "by_kind": {n["kind"]: n for n in found}}


def test_the_header_counts_opening_one_marks_it_read_and_leads_to_its_place(staff_as, told):
    contributor = staff_as("hanoi.contributor")
    assert header_count(text(contributor.get("/quan-tri/"))) == 2

    listed = contributor.get(LIST)
    html = text(listed)
    assert listed.status_code == 200 and header_count(html) == 2
    assert "Bạn có <strong>2</strong> thông báo chưa đọc." in html
    assert html.count('class="tb-item chua-doc"') == 2 and html.count(">Chưa đọc</span>") == 2
    assert "Bài viết bị trả lại để sửa: «Công nhân may đón Tết sớm»" in html and "Thêm ảnh hiện trường." in html
    assert "Chưa đạt chỉ tiêu tin bài tuần 48/2026" in html and "Đánh dấu tất cả đã đọc" in html

    returned, missed = told["by_kind"]["article_returned"], told["by_kind"]["quota_missed"]
    opened = contributor.get(f"{LIST}/{returned['id']}")
    assert opened.status_code == 303 and opened.headers["Location"] == f"/quan-tri/bai-viet/{told['article']}"
    html = text(contributor.get(LIST))
    assert header_count(html) == 1
    assert html.index(f'id="tb-{missed["id"]}"') < html.index(f'id="tb-{returned["id"]}"')  # unread first
    assert f'<li id="tb-{returned["id"]}" class="tb-item">' in html and ">Đã đọc</span>" in html

    # A form without its token changes nothing; with it, one is marked and the person comes back.
    refused = contributor.post(f"{LIST}/{missed['id']}/da-doc", data={"tro-ve": LIST})
    assert refused.status_code == 400 and header_count(text(contributor.get(LIST))) == 1
    page = contributor.get(f"{LIST}?chua-doc=1")
    assert 'aria-current="page">Chưa đọc (1)' in text(page)
    done = contributor.post(
        f"{LIST}/{missed['id']}/da-doc", data={"csrf_token": csrf_of(page), "tro-ve": f"{LIST}?chua-doc=1"}
    )
    assert done.status_code == 303 and done.headers["Location"] == f"{LIST}?chua-doc=1"
    html = text(contributor.get(done.headers["Location"]))
    assert "Đã đánh dấu đã đọc: Chưa đạt chỉ tiêu tin bài tuần 48/2026" in html
    assert "Không còn thông báo nào chưa đọc." in html and header_count(html) is None
    assert "Đánh dấu tất cả đã đọc" not in html
    gone = contributor.post(f"{LIST}/da-doc-tat-ca", data={"csrf_token": csrf_of(page), "tro-ve": "https://x.vn/"})
    assert gone.status_code == 303 and gone.headers["Location"] == LIST  # never back to another site
    assert "Không còn thông báo nào chưa đọc." in text(contributor.get(LIST))


def test_each_person_sees_only_their_own_and_another_persons_is_404(staff_as, told):
    admin = staff_as("hanoi.admin")
    html = text(admin.get(LIST))
    assert "Chưa đạt chỉ tiêu tin bài tuần 48/2026" in html and "Bài viết bị trả lại" not in html
    assert header_count(html) == 1
    page = admin.get(LIST)
    all_read = admin.post(f"{LIST}/da-doc-tat-ca", data={"csrf_token": csrf_of(page)})
    assert "Đã đánh dấu 1 thông báo là đã đọc." in text(admin.get(all_read.headers["Location"]))

    theirs = told["by_kind"]["article_returned"]["id"]
    for who in ("hanoi.admin", "danang.admin"):
        client = staff_as(who)
        missing = client.get(f"{LIST}/{theirs}")
        assert missing.status_code == 404 and "Không tìm thấy trang" in text(missing)
        mark = client.post(f"{LIST}/{theirs}/da-doc", data={"csrf_token": csrf_of(client.get(LIST))})
        assert mark.status_code == 404
    assert staff_as("hanoi.contributor").get(LIST).status_code == 200
    assert header_count(text(staff_as("hanoi.contributor").get(LIST))) == 2  # nobody else marked them
    for bad in ("?trang=0", "?trang=abc", "?trang=9"):
        assert admin.get(LIST + bad).status_code == 404
    assert staff_as("hanoi.member").get(LIST).status_code == 403


def test_with_the_service_away_pages_still_work_and_the_list_says_so(staff_as):
    admin = staff_as("hanoi.admin")
    home = admin.get("/quan-tri/")
    assert home.status_code == 200 and header_count(text(home)) is None
    down = admin.get(LIST)
    html = text(down)
    assert down.status_code == 503 and "Chưa lấy được thông báo của bạn" in html
    assert 'aria-label="Công việc"' in html and header_count(html) is None  # the workspace around it
