"""The editor's desk in the browser's terms: the review queue (filters, order, the lock), one
article under review and every action — with the bad inputs and conflicts refused beside the
field or with who holds the lock, and nothing changed. Real content, accounts and media."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text as sql

from tests.workspace.conftest import csrf_of

QUEUE = "/quan-tri/bien-tap"


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def submit(api, login, content_service):
    """``submit("Tiêu đề", writer="hanoi.contributor", section="news")`` → the submitted article's id."""

    def do(title, *, writer="hanoi.contributor", section="news", body="<p>Công đoàn thăm hỏi công nhân.</p>"):
        client = api.as_(login(writer))
        created = client.post(
            "/api/v1/articles", json={"section": section, "genre": "news", "title": title, "body": body}
        )
        assert created.status_code == 201, created.json
        assert client.post(f"/api/v1/articles/{created.json['id']}/submit").status_code == 200
        return created.json["id"]

    return do


def set_article(databases, article_id, **values):
    """Moves an article's clock fields (the test does not wait for time to pass)."""
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    with databases.sessions("content").transaction() as session:
        session.execute(
            sql(f"UPDATE article SET {assignments} WHERE id = CAST(:id AS uuid)"), {**values, "id": article_id}
        )


def post(client, path, **form):
    page = client.get(path.rsplit("/", 1)[0])
    return client.post(path, data={"csrf_token": csrf_of(page), **form})


def status_of(api, login, article_id):
    return api.as_(login("laodong.editor")).get(f"/api/v1/articles/{article_id}").json


def test_the_queue_lists_the_desks_submissions_longest_waiting_first_with_filters(
    staff_as, submit, api, login, databases
):
    first = submit("Tin Hà Nội gửi trước nhất")
    submit("Tin Đà Nẵng gửi sau", writer="danang.admin")
    submit("Tin Hà Nội gửi cuối cùng")
    submit("Chuyên đề của Hà Nội", section="thematic")
    editor = staff_as("laodong.editor")

    html = text(editor.get(QUEUE))
    assert "Chuyên đề của Hà Nội" not in html  # another desk's section
    positions = [
        html.index(t) for t in ("Tin Hà Nội gửi trước nhất", "Tin Đà Nẵng gửi sau", "Tin Hà Nội gửi cuối cùng")
    ]
    assert positions == sorted(positions) and "3 bài" in html
    assert "Liên đoàn Lao động thành phố Đà Nẵng" in html

    newest = text(editor.get(QUEUE, query_string={"sap-xep": "moi"}))
    assert newest.index("Tin Hà Nội gửi cuối cùng") < newest.index("Tin Hà Nội gửi trước nhất")

    danang = api.as_(login("danang.admin")).get("/api/v1/me").json["user"]["tenant_id"]
    only = text(editor.get(QUEUE, query_string={"don-vi": danang}))
    assert "Tin Đà Nẵng gửi sau" in only and "Tin Hà Nội" not in only
    assert f'<option value="{danang}" selected>' in only

    set_article(databases, first, updated_at=datetime.now(UTC) - timedelta(days=2))
    waited = text(editor.get(QUEUE, query_string={"cho": "1"}))
    assert "Tin Hà Nội gửi trước nhất" in waited and "Tin Hà Nội gửi cuối cùng" not in waited

    assert "Không có bài nào khớp bộ lọc" in text(editor.get(QUEUE, query_string={"trang-thai": "approved"}))
    assert editor.get(QUEUE, query_string={"trang-thai": "draft"}).status_code == 404
    assert editor.get(QUEUE, query_string={"trang": "2"}).status_code == 404
    bad = editor.get(QUEUE, query_string={"don-vi": "khong-phai-ma"})
    assert bad.status_code == 422 and "thong-bao-loi" in text(bad)

    thematic = text(staff_as("tuyengiao.editor").get(QUEUE))
    assert "Chuyên đề của Hà Nội" in thematic and "Tin Hà Nội gửi trước nhất" not in thematic


def _second_editor(api, login, make_gateway):
    """Another editor of the Lao Động desk (invited, activated) with a page session of their own."""
    admin = api.as_(login("admin"))
    tenants = admin.get("/api/v1/tenants", query_string={"q": "BLD"}).json["items"]
    invite = {
        "email": "bientap2@laodong.vn",
        "full_name": "Đinh Thu Hà",
        "roles": ["editor"],
        "tenant_id": next(t["id"] for t in tenants if t["code"] == "BLD"),
    }
    invited = admin.post("/api/v1/users", json=invite).json
    api.post("/api/v1/auth/activate", json={"token": invited["activation_token"], "password": "Bien-tap-2026-moi"})
    client = make_gateway().test_client()
    form = client.get("/dang-nhap")
    done = client.post(
        "/dang-nhap",
        data={"csrf_token": csrf_of(form), "username": invite["email"], "password": "Bien-tap-2026-moi"},
    )
    assert done.status_code == 303
    return client


def test_the_second_editor_sees_who_holds_the_lock_until_when_and_is_refused(
    staff_as, submit, api, login, make_gateway
):
    article_id = submit("Tin được hai biên tập viên cùng mở")
    path = f"{QUEUE}/{article_id}"
    first = staff_as("laodong.editor")
    opened = post(first, f"{path}/mo")
    assert opened.status_code == 303 and opened.headers["Location"] == path
    mine = text(first.get(path))
    assert "Bạn đã nhận bài để biên tập" in mine and "Bạn đang giữ bài để biên tập đến" in mine

    second = _second_editor(api, login, make_gateway)
    queue = text(second.get(QUEUE))
    assert re.search(r"đang biên tập: Vũ Thị Hồng, đến \d\d:\d\d", queue)
    page = text(second.get(path))
    assert re.search(r"đang biên tập: Vũ Thị Hồng, đến \d\d:\d\d \(giờ Việt Nam\)", page)
    refused = post(second, f"{path}/duyet")
    assert refused.status_code == 409
    assert "Vũ Thị Hồng" in text(refused) and 'id="thong-bao-loi"' in text(refused)
    assert status_of(api, login, article_id)["status"] == "in_review"


def test_returning_needs_a_comment_and_the_author_gets_it(staff_as, submit, api, login):
    article_id = submit("Tin cần bổ sung số liệu")
    path = f"{QUEUE}/{article_id}"
    editor = staff_as("laodong.editor")
    assert post(editor, f"{path}/mo").status_code == 303
    empty = post(editor, f"{path}/tra-lai", comment="  ")
    assert empty.status_code == 422
    assert re.search(r'id="loi-comment">[^<]+<', text(empty)) and 'aria-invalid="true"' in text(empty)
    assert status_of(api, login, article_id)["status"] == "in_review"

    done = post(editor, f"{path}/tra-lai", comment="Bổ sung số công nhân được thăm hỏi.")
    assert done.status_code == 303
    page = text(editor.get(path))
    assert "Đã trả lại bài cho tác giả" in page and "Bổ sung số công nhân được thăm hỏi." in page
    assert status_of(api, login, article_id)["status"] == "returned"


def test_rejecting_needs_a_reason(staff_as, submit, api, login):
    article_id = submit("Tin không phù hợp chuyên mục")
    path = f"{QUEUE}/{article_id}"
    editor = staff_as("laodong.editor")
    post(editor, f"{path}/mo")
    assert post(editor, f"{path}/tu-choi", reject_reason="").status_code == 422
    assert post(editor, f"{path}/tu-choi", reject_reason="Trùng với tin đã đăng.").status_code == 303
    page = text(editor.get(path))
    assert "Lý do từ chối: Trùng với tin đã đăng." in page
    assert status_of(api, login, article_id)["status"] == "rejected"


def test_editing_approving_scheduling_publishing_unpublishing_and_correcting(staff_as, submit, api, login):
    article_id = submit("Tin đi hết quy trình biên tập")
    path = f"{QUEUE}/{article_id}"
    editor = staff_as("laodong.editor")
    post(editor, f"{path}/mo")

    short = post(editor, f"{path}/sua", title="Tin", summary="", body="<p>x</p>")
    assert short.status_code == 422 and 'id="loi-title"' in text(short)
    assert 'value="Tin"' in text(short)  # the typed text is kept
    edited = post(
        editor,
        f"{path}/sua",
        title="Tin đi hết quy trình biên tập (đã biên tập)",
        summary="Sa pô mới",
        body="<p>Nội dung đã biên tập.</p><script>alert(1)</script>",
    )
    assert edited.status_code == 303
    after = status_of(api, login, article_id)
    assert after["revision"] == 2 and "<script" not in after["body"]

    assert post(editor, f"{path}/duyet").status_code == 303
    past = post(editor, f"{path}/hen-gio", publish_at="2020-01-01T08:00")
    assert past.status_code == 422 and "Giờ đăng phải ở tương lai" in text(past)
    unreadable = post(editor, f"{path}/hen-gio", publish_at="mai")
    assert unreadable.status_code == 422 and "theo giờ Việt Nam" in text(unreadable)
    assert status_of(api, login, article_id)["status"] == "approved"

    soon = datetime.now(UTC).astimezone().astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"))
    soon = (soon + timedelta(days=2)).replace(hour=8, minute=30, second=0, microsecond=0)
    scheduled = post(editor, f"{path}/hen-gio", publish_at=soon.strftime("%Y-%m-%dT%H:%M"))
    assert scheduled.status_code == 303
    page = text(editor.get(path))
    assert f"Đã hẹn giờ đăng lúc {soon:%d/%m/%Y} 08:30" in page and f"{soon:%d/%m/%Y} 08:30 (giờ Việt Nam)" in page
    assert status_of(api, login, article_id)["publish_at"].startswith(f"{soon:%Y-%m-%d}T01:30")  # stored in UTC

    assert post(editor, f"{path}/dang").status_code == 303
    assert status_of(api, login, article_id)["status"] == "published"

    no_reason = post(editor, f"{path}/go", unpublish_reason="")
    assert no_reason.status_code == 422 and 'id="loi-unpublish_reason"' in text(no_reason)
    assert status_of(api, login, article_id)["status"] == "published"

    no_note = post(editor, f"{path}/dinh-chinh", note="", correct_body="<p>Nội dung đính chính.</p>")
    assert no_note.status_code == 422 and 'id="loi-note"' in text(no_note)
    corrected = post(
        editor,
        f"{path}/dinh-chinh",
        note="Đính chính số liệu theo báo cáo mới.",
        new_work="1",
        correct_title="Tin đi hết quy trình biên tập (đã biên tập)",
        correct_summary="Sa pô mới",
        correct_body="<p>Nội dung đính chính.</p>",
    )
    assert corrected.status_code == 303
    revisions = text(editor.get(f"{path}/phien-ban"))
    assert "Đính chính" in revisions and "(tác phẩm mới)" in revisions

    assert post(editor, f"{path}/go", unpublish_reason="Sai sót cần kiểm tra lại.").status_code == 303
    page = text(editor.get(path))
    assert "Đã gỡ bài khỏi cổng thông tin" in page and "Lý do gỡ bài: Sai sót cần kiểm tra lại." in page


def test_an_expired_lock_is_said_and_nothing_is_done_until_the_article_is_opened_again(
    staff_as, submit, api, login, databases
):
    article_id = submit("Tin có khóa biên tập đã hết hạn")
    path = f"{QUEUE}/{article_id}"
    editor = staff_as("laodong.editor")
    post(editor, f"{path}/mo")
    set_article(databases, article_id, locked_until=datetime.now(UTC) - timedelta(minutes=1))

    assert "khóa của Vũ Thị Hồng đã hết hạn" in text(editor.get(QUEUE))
    assert "Khóa biên tập của bạn đã hết hạn" in text(editor.get(path))
    refused = post(editor, f"{path}/duyet")
    assert refused.status_code == 409 and "Khóa biên tập đã hết hạn" in text(refused)
    edit = post(editor, f"{path}/sua", title="Sửa khi khóa đã hết hạn", summary="", body="<p>x</p>")
    assert edit.status_code == 409
    assert status_of(api, login, article_id)["status"] == "in_review"
    assert status_of(api, login, article_id)["revision"] == 1

    assert post(editor, f"{path}/mo").status_code == 303
    assert post(editor, f"{path}/duyet").status_code == 303


def test_the_state_changed_meanwhile_is_a_409_that_says_what_is_possible(staff_as, submit):
    article_id = submit("Tin đã được duyệt ở tab khác")
    path = f"{QUEUE}/{article_id}"
    editor = staff_as("laodong.editor")
    post(editor, f"{path}/mo")
    post(editor, f"{path}/duyet")
    again = post(editor, f"{path}/duyet")  # the old tab's button
    assert again.status_code == 409 and "Trạng thái của bài vừa thay đổi" in text(again)


def test_another_desks_article_and_a_draft_are_the_404_page(staff_as, submit, api, login):
    article_id = submit("Tin của bàn Báo Lao Động")
    other = staff_as("tuyengiao.editor")
    assert other.get(f"{QUEUE}/{article_id}").status_code == 404
    assert post(other, f"{QUEUE}/{article_id}/mo").status_code == 404
    draft = api.as_(login("hanoi.contributor")).post(
        "/api/v1/articles", json={"section": "news", "genre": "news", "title": "Bản nháp chưa gửi", "body": "<p>x</p>"}
    )
    assert staff_as("laodong.editor").get(f"{QUEUE}/{draft.json['id']}").status_code == 404


def test_an_action_without_the_form_token_changes_nothing(staff_as, submit, api, login):
    article_id = submit("Tin bị gửi thiếu mã bảo vệ")
    editor = staff_as("laodong.editor")
    assert editor.post(f"{QUEUE}/{article_id}/mo").status_code == 400
    assert status_of(api, login, article_id)["status"] == "submitted"


def _jpeg(colour=(180, 40, 40)):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(out, "JPEG")
    return out.getvalue()


def _ready(client, asset):
    """The asset once media's worker has made its renditions (the media relay runs)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "media" / "tests"))
    import samples

    return samples.ready(client, asset)


def test_the_desk_sees_the_photos_of_a_federations_article_with_alt_text_and_credit(
    staff_as, api, login, content_service, relay
):
    import io

    contributor = api.as_(login("hanoi.contributor"))
    form = {
        "file": (io.BytesIO(_jpeg()), "trao-qua.jpg", "image/jpeg"),
        "caption": "Trao quà Tết cho công nhân khu công nghiệp",
        "alt_text": "Chủ tịch công đoàn trao quà cho nữ công nhân",
        "credit_name": "Minh An",
    }
    relay("media")  # the thumb and medium are made by media's worker after the upload
    photo = contributor.post("/api/v1/media", data=form, content_type="multipart/form-data")
    assert photo.status_code == 201, photo.json
    photo = _ready(contributor, photo.json)
    created = contributor.post(
        "/api/v1/articles",
        json={
            "section": "news",
            "genre": "news",
            "title": "Tin có ảnh của Hà Nội",
            "body": "<p>Công đoàn thăm hỏi công nhân.</p>",
            "asset_ids": [photo["id"]],
        },
    )
    assert created.status_code == 201, created.json
    assert contributor.post(f"/api/v1/articles/{created.json['id']}/submit").status_code == 200

    editor = staff_as("laodong.editor")
    html = text(editor.get(f"{QUEUE}/{created.json['id']}"))
    assert "Ảnh (1)" in html and "chưa xem được" not in html
    img = re.search(r'<img src="(/api/v1/media/[^"]+)" alt="([^"]*)"', html)
    assert img, html[html.index("Ảnh (1)") :][:1500]
    src = img.group(1).replace("&amp;", "&")
    assert img.group(2) == "Chủ tịch công đoàn trao quà cho nữ công nhân"
    assert f"/api/v1/media/{photo['id']}/content?rendition=thumb" in src and "signature=" in src
    assert "Trao quà Tết cho công nhân khu công nghiệp" in html and "Ảnh: Minh An" in html
    assert "Văn bản thay thế: Chủ tịch công đoàn trao quà cho nữ công nhân" in html
    thumb = editor.get(src)  # the page's browser: a cookie session and the signed URL, no token
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    medium = re.search(r'<a href="([^"]+)">Xem cỡ vừa', html).group(1).replace("&amp;", "&")
    assert "rendition=medium" in medium and editor.get(medium).status_code == 200

    # The other desk does not review it: its page is the 404 page, the photo stays Hà Nội's.
    assert staff_as("tuyengiao.editor").get(f"{QUEUE}/{created.json['id']}").status_code == 404
    assert api.as_(login("tuyengiao.editor")).get(f"/api/v1/media/{photo['id']}").status_code == 404
