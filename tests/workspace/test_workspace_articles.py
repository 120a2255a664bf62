"""A contributor's pages (``/quan-tri/bai-viet``): the list with the desk's word and what to do
next, writing and editing through the form, bad input beside its field with nothing changed,
submitting, conflicts, revisions with a word diff, the preview in the portal's template, photos
through the page's upload endpoint and the plain file input, autosave, another tenant's article."""

import io
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "media" / "tests"))
import samples  # noqa: E402

HOME = "/quan-tri/bai-viet"


def text(response):
    return response.get_data(as_text=True)


def token(client, path=f"{HOME}/moi"):
    found = re.search(r'name="csrf_token" value="([^"]+)"', text(client.get(path)))
    assert found, "the page has no form token"
    return found.group(1)


def draft_form(client, **changes):
    form = {
        "csrf_token": token(client),
        "section": "thematic",
        "genre": "article",
        "title": "Công đoàn Hà Nội chăm lo Tết cho công nhân",
        "summary": "Hơn 2.000 suất quà đến tay người lao động khó khăn.",
        "body": "<p>Công đoàn thành phố trao quà cho công nhân khu công nghiệp.</p>",
        "tags": "Tết, công nhân",
        "hanh_dong": "luu",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def create(client, **changes):
    response = client.post(f"{HOME}/moi", data=draft_form(client, **changes))
    assert response.status_code == 303, text(response)[:3000]
    article_id = response.headers["Location"].rsplit("/", 1)[1]
    return article_id


def edit_form(client, article_id, **changes):
    """The edit form as the page has it (hidden revision and status), with ``changes``."""
    html = text(client.get(f"{HOME}/{article_id}"))
    value = lambda name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)  # noqa: E731
    body = re.search(r'<textarea id="body"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    form = {
        "csrf_token": value("csrf_token"),
        "revision": value("revision"),
        "status": value("status"),
        "genre": "article",
        "title": re.search(r'id="title" name="title" value="([^"]*)"', html).group(1),
        "summary": re.search(r'<textarea id="summary"[^>]*>(.*?)</textarea>', html, re.S).group(1),
        "body": body.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"').replace("&amp;", "&"),
        "hanh_dong": "luu",
    }
    form.update(changes)
    return form


@pytest.fixture
def writer(staff_as, content_service):
    return staff_as("hanoi.contributor")


@pytest.fixture
def contributor_api(api, login, content_service):
    return api.as_(login("hanoi.contributor"))


def mine(contributor_api):
    return contributor_api.get("/api/v1/articles", query_string={"mine": "true", "per_page": "100"}).json


def jpeg(seed=0):
    return samples.jpeg_with_gps(640, 480, seed=seed)


# -- the list ---------------------------------------------------------------------------------


def test_the_list_starts_empty_with_a_way_to_write(writer):
    answer = writer.get(HOME)
    html = text(answer)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    assert "Bạn chưa có bài viết nào" in html
    assert 'id="viet-bai-moi" href="/quan-tri/bai-viet/moi"' in html
    assert 'aria-current="page">Bài viết của tôi' in html  # the menu entry


def test_a_returned_article_shows_the_desks_comment_and_what_to_do_next(writer, api, login, contributor_api):
    article_id = create(writer, section="news", genre="news", title="Tin về hội nghị người lao động")
    assert contributor_api.post(f"/api/v1/articles/{article_id}/submit").status_code == 200
    desk = api.as_(login("laodong.editor"))
    assert desk.post(f"/api/v1/articles/{article_id}/open").status_code == 200
    comment = "Bổ sung số người dự hội nghị rồi gửi lại."
    assert desk.post(f"/api/v1/articles/{article_id}/return", json={"comment": comment}).status_code == 200

    html = text(writer.get(HOME, query_string={"trang-thai": "returned"}))
    assert "Tin về hội nghị người lao động" in html and comment in html
    assert f'<a href="/quan-tri/bai-viet/{article_id}">Sửa và gửi lại</a>' in html
    assert "Trả lại" in html
    assert "Bạn chưa có bài viết nào" not in html
    filtered = text(writer.get(HOME, query_string={"trang-thai": "draft"}))
    assert "Tin về hội nghị người lao động" not in filtered and "Không có bài nào khớp bộ lọc" in filtered
    assert comment in text(writer.get(f"{HOME}/{article_id}"))  # the desk's notes above the form


# -- writing ------------------------------------------------------------------------------------


def test_the_form_labels_every_field_and_offers_the_sections_and_genres(writer):
    html = text(writer.get(f"{HOME}/moi"))
    for field in ("section", "genre", "title", "summary", "body", "tags", "topic", "photo_file"):
        assert f'<label for="{field}"' in html, field
    assert 'id="bai-viet-form"' in html and 'enctype="multipart/form-data"' in html
    assert '<option value="thematic"' in html and '<option value="news"' in html
    assert '<option value="photo_story"' in html and "Phóng sự ảnh" in html
    assert 'aria-describedby="goi-y-title"' in html
    assert 'name="hanh_dong" value="luu">Lưu nháp' in html and 'name="hanh_dong" value="gui">Gửi duyệt' in html
    assert 'id="vung-tha-anh"' in html and 'id="tong-ti-le"' in html
    assert "vendor/pell.min.js" in html and "<script>" not in html  # no inline script (CSP)


def test_saving_a_draft_creates_it_and_says_so(writer, contributor_api):
    article_id = create(writer)
    page = writer.get(f"{HOME}/{article_id}")
    html = text(page)
    assert "Đã lưu bản nháp «Công đoàn Hà Nội chăm lo Tết cho công nhân» (phiên bản 1)." in html
    assert "Bản nháp" in html and 'value="Công đoàn Hà Nội chăm lo Tết cho công nhân"' in html
    stored = contributor_api.get(f"/api/v1/articles/{article_id}").json
    assert stored["section"] == "thematic" and stored["genre"] == "article" and stored["tags"] == ["Tết", "công nhân"]
    assert stored["authors"][0]["share"] == 100
    listed = text(writer.get(HOME))
    assert "Viết tiếp, rồi bấm «Gửi duyệt»" in listed and "Chuyên đề" in listed


def test_editing_keeps_a_new_revision_and_the_diff_marks_the_words(writer):
    article_id = create(writer)
    form = edit_form(
        writer, article_id, body="<p>Công đoàn thành phố trao quà cho công nhân khu chế xuất.</p>", title=None
    )
    form["title"] = "Công đoàn Hà Nội chăm lo Tết cho công nhân"
    saved = writer.post(f"{HOME}/{article_id}", data=form)
    assert saved.status_code == 303
    assert "(phiên bản 2)" in text(writer.get(saved.headers["Location"]))

    html = text(writer.get(f"{HOME}/{article_id}/phien-ban"))
    assert 'id="danh-sach-phien-ban"' in html and 'id="so-sanh"' in html
    assert "Thay đổi từ phiên bản 1 đến phiên bản 2" in html
    diff = html[html.index('id="thay-doi"') :]
    assert re.search(r"<del><span class=\"visually-hidden\">\[đã xóa: </span>công nghiệp\.", diff)
    assert re.search(r"<ins><span class=\"visually-hidden\">\[đã thêm: </span>chế xuất\.", diff)
    assert "cho công nhân khu<del>" not in diff and "cho công nhân khu <del>" in diff  # unchanged words unmarked
    same = text(writer.get(f"{HOME}/{article_id}/phien-ban", query_string={"tu": "2", "den": "2"}))
    assert "Chọn hai phiên bản khác nhau" in same
    assert writer.get(f"{HOME}/{article_id}/phien-ban", query_string={"tu": "9"}).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", None),
        ({"section": "khong-co-chuyen-muc-nay"}, "section", None),
        (
            {"author_user": ["{me}"], "author_pen_name": ["Minh An"], "author_share": ["60"]},
            "authors",
            "Tổng tỉ lệ của các tác giả phải bằng 100%.",
        ),
    ],
)
def test_bad_input_is_the_form_again_with_the_message_beside_the_field(
    writer, contributor_api, changes, field, message
):
    me = contributor_api.get("/api/v1/me").json["user"]["id"]
    changes = {k: [v.replace("{me}", me) for v in vs] if isinstance(vs, list) else vs for k, vs in changes.items()}
    form = draft_form(writer, title="Bài viết giữ nguyên chữ đã gõ")
    form.update(changes)
    if field == "title":
        form["summary"] = "Sa-pô vẫn còn sau khi bị từ chối."
    answer = writer.post(f"{HOME}/moi", data=form)
    html = text(answer)
    assert answer.status_code == 422
    assert f'<p class="field-error" id="loi-{field}">' in html
    assert f'aria-describedby="{"goi-y-" + field + " " if field != "section" else ""}loi-{field}"' in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    if message:
        assert message in html
    if field == "title":
        assert "Sa-pô vẫn còn sau khi bị từ chối." in html  # what was typed is kept
    assert mine(contributor_api)["total"] == 0  # nothing created


def test_co_authors_are_the_tenants_writers_with_shares_summing_to_100(writer, api, login, contributor_api):
    html = text(writer.get(f"{HOME}/moi"))
    admin = api.as_(login("hanoi.admin")).get("/api/v1/me").json["user"]
    me = contributor_api.get("/api/v1/me").json["user"]
    assert f'<option value="{admin["id"]}">{admin["full_name"]}</option>' in html  # a writer of the tenant
    assert "Đoàn viên" not in re.search(r'name="author_user">(.*?)</select>', html, re.S).group(1)
    form = draft_form(writer)
    form.update(
        author_user=[me["id"], admin["id"], ""],
        author_pen_name=["Minh An", "Thu Hà", ""],
        author_share=["60", "40", ""],
    )
    answer = writer.post(f"{HOME}/moi", data=form)
    assert answer.status_code == 303, text(answer)[:2000]
    article_id = answer.headers["Location"].rsplit("/", 1)[1]
    authors = contributor_api.get(f"/api/v1/articles/{article_id}").json["authors"]
    assert [(a["pen_name"], a["share"]) for a in authors] == [("Minh An", 60), ("Thu Hà", 40)]
    page = text(writer.get(f"{HOME}/{article_id}"))
    assert 'value="Thu Hà"' in page and 'value="40"' in page


def test_a_script_in_the_body_is_removed_and_the_saved_text_shown(writer, contributor_api):
    article_id = create(
        writer, body='<p>Nội dung an toàn.</p><script>alert("x")</script><p onclick="x()">Đoạn hai.</p>'
    )
    stored = contributor_api.get(f"/api/v1/articles/{article_id}").json["body"]
    assert "<script" not in stored and "onclick" not in stored and "Đoạn hai." in stored
    html = text(writer.get(f"{HOME}/{article_id}"))
    assert "&lt;script" not in html and "alert(" not in html and "Đoạn hai." in html


def test_submitting_sends_it_to_the_desk_and_the_form_becomes_read_only(writer, contributor_api):
    article_id = create(writer)
    form = edit_form(writer, article_id, hanh_dong="gui")
    sent = writer.post(f"{HOME}/{article_id}", data=form)
    assert sent.status_code == 303 and sent.headers["Location"] == HOME
    listed = text(writer.get(HOME))
    assert "Đã gửi bài «Công đoàn Hà Nội chăm lo Tết cho công nhân» cho ban biên tập." in listed
    assert "Đã gửi" in listed and "Chờ ban biên tập nhận bài" in listed
    page = text(writer.get(f"{HOME}/{article_id}"))
    assert "bạn chỉ xem được, không sửa được nữa" in page and ">Lưu nháp<" not in page

    # The old form, posted again (another tab): 409 saying what happened; nothing changed.
    again = writer.post(f"{HOME}/{article_id}", data={**form, "title": "Tiêu đề sửa sau khi đã gửi"})
    assert again.status_code == 409
    assert "bài đã chuyển sang trạng thái «Đã gửi»" in text(again)
    stored = contributor_api.get(f"/api/v1/articles/{article_id}").json
    assert stored["title"] == "Công đoàn Hà Nội chăm lo Tết cho công nhân" and stored["status"] == "submitted"


def test_a_form_older_than_the_saved_article_is_a_409_not_an_overwrite(writer, contributor_api):
    article_id = create(writer)
    stale = edit_form(writer, article_id)
    assert (
        writer.post(
            f"{HOME}/{article_id}", data=edit_form(writer, article_id, summary="Bản lưu ở thẻ khác.")
        ).status_code
        == 303
    )
    answer = writer.post(f"{HOME}/{article_id}", data={**stale, "summary": "Bản cũ ghi đè."})
    assert answer.status_code == 409 and "Bài đã được lưu ở nơi khác (phiên bản 2" in text(answer)
    assert contributor_api.get(f"/api/v1/articles/{article_id}").json["summary"] == "Bản lưu ở thẻ khác."


def test_an_expired_form_token_is_the_400_page_and_nothing_is_created(writer, contributor_api):
    answer = writer.post(f"{HOME}/moi", data=draft_form(writer, csrf_token="het-han"))
    assert answer.status_code == 400 and answer.mimetype == "text/html"
    assert "Biểu mẫu đã hết hạn" in text(answer)
    assert mine(contributor_api)["total"] == 0


def test_another_tenants_article_is_the_404_page(writer, api, login, content_service):
    other = api.as_(login("danang.admin"))
    created = other.post(
        "/api/v1/articles",
        json={"section": "news", "genre": "news", "title": "Tin của Đà Nẵng", "body": "<p>Nội dung.</p>"},
    )
    assert created.status_code == 201, created.json
    path = f"{HOME}/{created.json['id']}"
    for suffix in ("", "/phien-ban", "/xem-truoc"):
        answer = writer.get(path + suffix)
        assert answer.status_code == 404 and "Không tìm thấy trang" in text(answer), suffix
    posted = writer.post(path, data={"csrf_token": token(writer), "title": "Chiếm bài", "genre": "news"})
    assert posted.status_code == 404
    assert other.get(f"/api/v1/articles/{created.json['id']}").json["title"] == "Tin của Đà Nẵng"
    assert writer.get(f"{HOME}/khong-phai-ma-bai").status_code == 404


# -- photos, preview, autosave -------------------------------------------------------------------


def test_a_photo_uploaded_through_the_page_endpoint_comes_back_as_a_form_row(writer, api, login):
    csrf = token(writer)
    answer = writer.post(
        f"{HOME}/anh",
        data={"file": (io.BytesIO(jpeg(1)), "anh-hoi-nghi.jpg", "image/jpeg")},
        headers={"X-CSRF-Token": csrf, "Accept": "application/json"},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_data(as_text=True)[:500]
    row = answer.json["row"]
    assert f'name="photo_id" value="{answer.json["id"]}"' in row
    assert 'name="photo_caption"' in row and 'name="photo_alt"' in row and 'name="photo_credit"' in row
    assert f'<label for="anh-{answer.json["id"]}-mo-ta">' in row
    staff = api.as_(login("hanoi.contributor"))
    assert staff.get(f"/api/v1/media/{answer.json['id']}").json["kind"] == "image"

    refused = writer.post(
        f"{HOME}/anh",
        data={"file": (io.BytesIO(b"not an image at all"), "x.jpg", "image/jpeg")},
        headers={"X-CSRF-Token": csrf},
        content_type="multipart/form-data",
    )
    assert refused.status_code in (415, 422) and refused.json["message"]
    no_token = writer.post(
        f"{HOME}/anh", data={"file": (io.BytesIO(jpeg(2)), "a.jpg", "image/jpeg")}, content_type="multipart/form-data"
    )
    assert no_token.status_code == 400


def test_photos_from_the_plain_file_input_are_described_and_previewed_as_on_the_portal(writer, api, login):
    article_id = create(writer, photo_file=(io.BytesIO(jpeg(3)), "le-trao-qua.jpg", "image/jpeg"))
    staff = api.as_(login("hanoi.contributor"))
    article = staff.get(f"/api/v1/articles/{article_id}").json
    assert len(article["asset_ids"]) == 1 and article["photo_count"] == 1
    photo_id = article["asset_ids"][0]

    form = edit_form(writer, article_id)
    form.update(
        photo_id=photo_id,
        photo_caption="Trao quà Tết cho công nhân",
        photo_alt="Cán bộ công đoàn trao quà",
        photo_credit="Minh Hà",
    )
    bad = writer.post(f"{HOME}/{article_id}", data={**form, "photo_credit": "x"})  # a credit of one letter
    assert bad.status_code == 422 and f'id="loi-anh-{photo_id}"' in text(bad)
    assert staff.get(f"/api/v1/media/{photo_id}").json["credit_name"] is None  # nothing changed
    assert writer.post(f"{HOME}/{article_id}", data=form).status_code == 303
    asset = staff.get(f"/api/v1/media/{photo_id}").json
    assert asset["caption"] == "Trao quà Tết cho công nhân" and asset["credit_name"] == "Minh Hà"

    preview = writer.get(f"{HOME}/{article_id}/xem-truoc")
    html = text(preview)
    assert preview.status_code == 200 and "Bản xem trước" in html
    assert '<h1 id="tieu-de-bai">Công đoàn Hà Nội chăm lo Tết cho công nhân</h1>' in html  # the portal's template
    assert 'class="lead-photo"' in html and 'alt="Cán bộ công đoàn trao quà"' in html
    assert "Ảnh: Minh Hà" in html and 'class="lede"' in html
    assert 'name="robots" content="noindex, nofollow"' in html


def test_autosave_saves_a_draft_and_never_changes_a_submitted_article(writer, contributor_api):
    article_id = create(writer)
    form = edit_form(writer, article_id, summary="Viết dở, được tự động lưu.")
    csrf = form.pop("csrf_token")
    saved = writer.post(f"{HOME}/{article_id}/tu-dong-luu", data=form, headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 200 and saved.json["revision"] == 2 and "Đã tự động lưu" in saved.json["message"]
    assert contributor_api.get(f"/api/v1/articles/{article_id}").json["summary"] == "Viết dở, được tự động lưu."

    assert contributor_api.post(f"/api/v1/articles/{article_id}/submit").status_code == 200
    later = {**form, "revision": "2", "summary": "Đổi sau khi đã gửi."}
    refused = writer.post(f"{HOME}/{article_id}/tu-dong-luu", data=later, headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 409 and "Đã gửi" in refused.json["message"]
    stored = contributor_api.get(f"/api/v1/articles/{article_id}").json
    assert stored["summary"] == "Viết dở, được tự động lưu." and stored["revision"] == 2
    assert writer.post(f"{HOME}/{article_id}/tu-dong-luu", data=later).status_code == 400  # no token
