"""Comments under an article (``/bai-viet/{slug}`` and ``POST …/binh-luan``) through the Flask
test client with the real services: a member's comment waits for a moderator and says so, a
comment without diacritics is the article again (422) with the message beside the field and
the text kept, guests comment only where the section allows it (elsewhere a sign-in link, and
a POST goes to the sign-in page), the CSRF token is required, markup is shown escaped,
reporting needs a signed-in reader."""

import re
import uuid

import pytest

from platform_shared.testing.waiting import wait_for

NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công nhân may mặc được tăng lương từ tháng Giêng",
    "body": "<p>Doanh nghiệp cam kết tăng lương tối thiểu 7% cho người lao động.</p>",
}
COMMENT = "Tin rất vui cho anh chị em công nhân, mong các doanh nghiệp khác cũng làm như vậy."
UNACCENTED = "Tin rat vui cho anh chi em cong nhan, mong cac doanh nghiep khac cung lam nhu vay."


@pytest.fixture
def site(gateway_app, content_service, feedback_service):
    return gateway_app.test_client()


@pytest.fixture
def article(api, login, content_service, feedback_service):
    contributor, desk = api.as_(login("hanoi.contributor")), api.as_(login("laodong.editor"))
    created = contributor.post("/api/v1/articles", json=NEWS).json
    path = f"/api/v1/articles/{created['id']}"
    assert contributor.post(f"{path}/submit").status_code == 200
    for action in ("open", "approve", "publish"):
        assert desk.post(f"{path}/{action}").status_code == 200
    published = api.as_(None).get(f"/api/v1/public/articles/{created['slug']}")
    assert published.status_code == 200
    return {**created, "path": f"/bai-viet/{created['slug']}"}


@pytest.fixture
def moderator(api, login):
    return api.as_(login("hanoi.moderator"))


@pytest.fixture
def guests_welcome(api, login, article):
    """The news section takes guests' comments and publishes them at once."""
    settings = {"section": "news", "premoderated": False, "guests_allowed": True}
    assert api.as_(login("admin")).patch("/api/v1/comments/settings", json=settings).status_code == 200


def text_of(response):
    return response.get_data(as_text=True)


def token_of(site):
    """The session's CSRF token, as every form of the page carries it."""
    with site.session_transaction() as session:
        return session.setdefault("csrf", "jeton-de-test")


def sign_in(site, demo, username):
    response = site.post(
        "/dang-nhap",
        data={"username": username, "password": demo["demo"], "csrf_token": token_of(site), "tiep": "/"},
    )
    assert response.status_code == 303, text_of(response)


def post_comment(site, article, **fields):
    return site.post(f"{article['path']}/binh-luan", data={"body": COMMENT, "csrf_token": token_of(site), **fields})


def queue(moderator):
    return moderator.get("/api/v1/comments").json["items"]


def test_where_guests_may_not_comment_an_anonymous_reader_is_sent_to_sign_in(site, article, moderator):
    page = site.get(article["path"])
    html = text_of(page)
    assert page.status_code == 200 and '<section class="comments" id="binh-luan"' in html
    sign_in_link = f"/dang-nhap?tiep={article['path']}%23binh-luan"
    assert f'<a href="{sign_in_link}">Đăng nhập để bình luận</a>' in html
    assert 'name="body"' not in html and "Chưa có bình luận nào." in html
    response = post_comment(site, article, guest_name="Bạn đọc")
    assert response.status_code == 303 and response.headers["Location"] == sign_in_link
    assert queue(moderator) == []


def test_a_members_comment_waits_for_a_moderator_and_the_page_says_so(site, demo, article, moderator):
    sign_in(site, demo, "hanoi.member")
    html = text_of(site.get(article["path"]))
    assert '<form class="form comment-form" action="' + article["path"] + '/binh-luan" method="post"' in html
    assert "sẽ <strong>chờ duyệt</strong>" in html and "Viết bằng tiếng Việt có dấu." in html
    assert 'name="guest_name"' not in html

    response = post_comment(site, article)
    assert response.status_code == 303 and response.headers["Location"] == article["path"] + "#binh-luan"
    after = text_of(site.get(article["path"]))
    assert "Bình luận đã được gửi và đang chờ duyệt" in after and COMMENT not in after
    assert "đang chờ duyệt" not in text_of(site.get(article["path"]))  # said once

    waiting = queue(moderator)
    assert [(c["body"], c["author_name"]) for c in waiting] == [(COMMENT, "Đỗ Thị Lan")]
    assert moderator.post(f"/api/v1/comments/{waiting[0]['id']}/approve").status_code == 200
    shown = text_of(site.get(article["path"]))
    assert '<span class="comment-author">Đỗ Thị Lan</span>' in shown and COMMENT in shown
    assert "Bình luận (1)" in shown and f'action="/binh-luan/{waiting[0]["id"]}/bao-cao"' in shown
    anonymous = text_of(site.application.test_client().get(article["path"]))
    assert COMMENT in anonymous and "/bao-cao" not in anonymous  # reporting is for signed-in readers


def test_a_comment_without_diacritics_is_the_article_again_with_the_message_beside_the_field(
    site, demo, article, moderator
):
    sign_in(site, demo, "hanoi.member")
    response = post_comment(site, article, body=UNACCENTED)
    html = text_of(response)
    assert response.status_code == 422 and response.headers["Cache-Control"] == "private, no-store"
    assert f'<h1 id="tieu-de-bai">{NEWS["title"]}</h1>' in html
    assert (
        'aria-describedby="goi-y-binh-luan quy-tac-binh-luan binh-luan-cho-duyet loi-body" aria-invalid="true">'
        + UNACCENTED
        + "</textarea>"
    ) in html
    assert '<p class="field-error" id="loi-body">Vui lòng sử dụng tiếng Việt có dấu</p>' in html
    assert 'href="#bl-body">Nội dung bình luận: Vui lòng sử dụng tiếng Việt có dấu</a>' in html
    assert queue(moderator) == []


def test_a_comment_without_the_csrf_token_is_refused_and_nothing_is_created(site, demo, article, moderator):
    sign_in(site, demo, "hanoi.member")
    response = site.post(f"{article['path']}/binh-luan", data={"body": COMMENT})
    assert response.status_code == 400 and "Biểu mẫu đã hết hạn" in text_of(response)
    assert queue(moderator) == []


def test_where_guests_are_welcome_a_guest_names_themselves_and_the_comment_shows_at_once(site, article, guests_welcome):
    html = text_of(site.get(article["path"]))
    assert 'name="guest_name"' in html and "chờ duyệt" not in html

    nameless = post_comment(site, article)
    assert nameless.status_code == 422
    assert '<p class="field-error" id="loi-guest_name">Vui lòng cho biết tên của bạn.</p>' in text_of(nameless)
    assert COMMENT + "</textarea>" in text_of(nameless)

    marked_up = post_comment(site, article, guest_name="<b>Bạn đọc</b>", body="<script>alert(1)</script> " + COMMENT)
    html = text_of(marked_up)
    assert marked_up.status_code == 422 and "<script>alert(1)" not in html and "<b>Bạn đọc</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; " + COMMENT + "</textarea>" in html
    assert 'value="&lt;b&gt;Bạn đọc&lt;/b&gt;"' in html

    posted = post_comment(site, article, guest_name="Bạn đọc Hải Phòng")
    assert posted.status_code == 303
    shown = text_of(site.get(article["path"]))
    assert "Bình luận của bạn đã được đăng." in shown
    assert '<span class="comment-author">Bạn đọc Hải Phòng</span> <span class="comment-guest">(khách)</span>' in shown


def test_reporting_a_comment_needs_a_signed_in_reader_and_returns_to_the_article(
    site, demo, api, article, guests_welcome
):
    assert post_comment(site, article, guest_name="Bạn đọc").status_code == 303
    comment = api.as_(None).get(f"/api/v1/articles/{article['id']}/comments").json["items"][0]
    path = f"/binh-luan/{comment['id']}/bao-cao"

    anonymous = site.post(path, data={"bai": article["path"], "csrf_token": token_of(site)})
    assert anonymous.status_code == 303 and anonymous.headers["Location"].startswith("/dang-nhap?tiep=/bai-viet/")

    sign_in(site, demo, "hanoi.member")
    reported = site.post(path, data={"bai": article["path"], "reason": "Sai sự thật", "csrf_token": token_of(site)})
    assert reported.status_code == 303 and reported.headers["Location"] == article["path"] + "#binh-luan"
    assert "Cảm ơn bạn đã báo cáo" in text_of(site.get(article["path"]))

    elsewhere = site.post(path, data={"bai": "https://example.org/bai-viet/x", "csrf_token": token_of(site)})
    assert elsewhere.status_code == 303 and elsewhere.headers["Location"] == "/"  # never an open redirect
    unknown = site.post(f"/binh-luan/{uuid.uuid4()}/bao-cao", data={"bai": "/", "csrf_token": token_of(site)})
    assert unknown.status_code == 404


def test_comments_on_an_unknown_article_or_page_are_404(site, article):
    assert site.post("/bai-viet/khong-co-bai-nay/binh-luan", data={"csrf_token": token_of(site)}).status_code == 404
    wrong_site = site.post(f"/don-vi/ha-noi/bai-viet/{article['slug']}/binh-luan", data={"csrf_token": token_of(site)})
    assert wrong_site.status_code == 404  # a portal article is not the sub-site's
    assert site.get(article["path"] + "?binh-luan-trang=2").status_code == 404
    assert site.get(article["path"] + "?binh-luan-trang=abc").status_code == 404
    assert re.search(r'id="binh-luan"', text_of(site.get(article["path"])))


def test_an_anonymous_readers_cached_comments_are_cleared_when_a_comment_is_published(
    cached_pages, relay, api, login, article, guests_welcome
):
    relay("feedback")
    cache = cached_pages.application.extensions["public_cache"]
    first = text_of(cached_pages.get(article["path"]))
    assert "Chưa có bình luận nào." in first
    wait_for(lambda: cache.connected, message="the cache to hear the facts")
    cached_pages.get(article["path"])
    hits = cache.hits
    cached_pages.get(article["path"])
    assert cache.hits > hits  # the comments (and the article) come from the cache now

    member = api.as_(login("hanoi.member"))
    assert member.post(f"/api/v1/articles/{article['id']}/comments", json={"body": COMMENT}).status_code == 201
    wait_for(
        lambda: COMMENT in text_of(cached_pages.get(article["path"])),
        message="feedback.comments_changed to clear the cached comments",
    )
