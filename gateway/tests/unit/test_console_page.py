"""The admin console: a single page at /quan-tri/ plus its script and stylesheet, served by the gateway.

No broker is needed: creating the app does not connect, and these requests never call a service.
"""

import re

import pytest

from gateway.app import create_app
from gateway.settings import Settings


@pytest.fixture(scope="module")
def app():
    app = create_app(Settings(amqp_uri="amqp://guest:guest@127.0.0.1:5672//", polls_receipt_secret="test-key"))
    app.testing = True
    yield app
    app.extensions["rpc"].close()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def script(client):
    response = client.get("/static/console.js")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture(scope="module")
def stylesheet(client):
    response = client.get("/static/console.css")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "text/html"
    assert response.mimetype_params.get("charset", "").lower() == "utf-8"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/quan-tri/quan-ly/"])
def test_page_is_vietnamese_html(client, path):
    html = _page(client, path)
    assert '<html lang="vi">' in html
    assert '<meta charset="utf-8">' in html
    for text in (
        "Đăng nhập",
        "Kích hoạt tài khoản",
        "Đơn vị thành viên",
        "Cây đơn vị",
        "Tài khoản",
        "Hồ sơ cán bộ",
        "Mật khẩu",
        "Tên đăng nhập",
        "Thư viện ảnh và tệp",
    ):
        assert text in html, text


def test_page_references_its_script_and_stylesheet(client):
    html = _page(client, "/quan-tri/quan-ly/")
    assert re.search(r'<script src="/static/console\.js[^"]*" defer></script>', html)
    assert re.search(r'<link rel="stylesheet" href="/static/console\.css[^"]*">', html)


def test_static_files_are_served(client):
    js = client.get("/static/console.js")
    css = client.get("/static/console.css")
    assert js.status_code == css.status_code == 200
    assert "javascript" in js.mimetype
    assert css.mimetype == "text/css"


def test_nothing_is_loaded_from_elsewhere(client, script, stylesheet):
    html = _page(client, "/quan-tri/quan-ly/")
    # The machine that serves the portal may have no internet: no CDN, no web fonts.
    for text in (html, script, stylesheet):
        assert "https://" not in text and "http://" not in text
        assert "@import" not in text
        assert "fonts.googleapis" not in text
    assert not re.search(r'src="(?!/static/)', html)


def test_forms_have_labels(client):
    html = _page(client, "/quan-tri/quan-ly/")
    ids = set(re.findall(r'<label[^>]* for="([^"]+)"', html))
    controls = re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', html)
    assert controls
    unlabelled = [c for c in controls if c not in ids]
    assert not unlabelled, unlabelled


def test_expected_csv_header_is_shown(client, script):
    html = _page(client, "/quan-tri/quan-ly/")
    assert "code,name,kind,parent_code,admin_name,admin_email" in html
    assert '"code,name,kind,parent_code,admin_name,admin_email"' in script


@pytest.mark.parametrize(
    "path",
    [
        '"/auth/login"',
        '"/auth/refresh"',
        '"/auth/logout"',
        '"/auth/activate"',
        '"/me"',
        '"/tenants"',
        '"/tenants/import"',
        '"/merge"',
        '"/units"',
        '"/units/"',
        '"/users"',
        '"/users/"',
        '"/activation-token"',
        '"/staff"',
    ],
)
def test_script_calls_the_api(script, path):
    assert 'var API = "/api/v1";' in script
    assert path in script


def test_script_uses_the_documented_fields(script):
    for fragment in (
        "refresh_token",
        "access_token",
        "sessionStorage",
        "Retry-After",
        "request_id",
        '"file"',
        "activation_token",
        "/kich-hoat?token=",
        "\\ufeff",
        "in_office",
        "term_start",
        "per_page",
        "parent_id",
        'status: "deactivated"',
        "X-Request-ID",
    ):
        assert fragment in script, fragment


def test_role_and_unit_labels_are_vietnamese(script):
    for label in (
        "Quản trị hệ thống",
        "Quản trị đơn vị",
        "Biên tập viên",
        "Cộng tác viên",
        "Cán bộ trả lời",
        "Kiểm duyệt viên",
        "Cán bộ nhuận bút",
        "Đoàn viên",
        "Công đoàn cơ sở",
        "Công đoàn cấp trên trực tiếp cơ sở",
        "Tổ công đoàn",
        "Đơn vị khác",
        "Đang nhập…",
    ):
        assert label in script, label


def test_script_never_parses_html(script):
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script, sink


@pytest.mark.parametrize(
    ("old", "new"),
    [("/console", "/quan-tri/"), ("/quan-tri", "/quan-tri/"), ("/activate?token=abc", "/kich-hoat?token=abc")],
)
def test_old_console_addresses_move_for_good(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"] == new


def test_page_carries_the_gateway_headers(client):
    response = client.get("/quan-tri/quan-ly/")
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert "X-Request-ID" in response.headers


# -- media library ---------------------------------------------------------------------------


def _function(script, name):
    """The text of ``function name(...) {...}`` up to the next top-level function of the module."""
    start = script.index("function " + name + "(")
    end = script.find("\n  function ", start + 1)
    return script[start : end if end != -1 else len(script)]


def test_media_section_is_on_the_page(client):
    html = _page(client, "/quan-tri/quan-ly/")
    assert 'data-section="media"' in html
    assert 'id="section-media"' in html
    assert 'accept="image/jpeg,image/png,image/webp,video/mp4,video/webm,application/pdf,.docx"' in html
    for control in ("file", "caption", "alt_text", "credit_user_id", "credit_name", "source", "rights"):
        assert f'name="{control}"' in html, control
    # Progress and cancel during an upload; filters; an edit dialog for the metadata.
    assert re.search(r"<progress\b[^>]*\bid=\"media-progress-bar\"", html)
    assert 'id="media-cancel"' in html
    assert 'id="media-kind"' in html and 'id="media-q"' in html
    assert 'id="media-pager"' in html
    assert re.search(r'<dialog id="media-edit-dialog"', html)
    # Photographers are told that location data is removed.
    assert "EXIF/GPS" in html
    for text in ("Tải tệp lên", "Văn bản thay thế", "Tác giả ảnh", "Bản quyền", "Nguồn", "Hủy tải lên"):
        assert text in html, text


def test_media_section_is_only_for_uploaders(script):
    assert 'var MEDIA_UPLOAD_ROLES = ["contributor", "editor", "tenant_admin", "platform_admin"];' in script
    sections = _function(script, "availableSections")
    assert 'if (hasAnyRole(MEDIA_UPLOAD_ROLES)) list.push("media");' in sections


def test_media_library_calls_the_api(script):
    assert '"/media"' in script
    assert (
        'request("GET", "/media", { query: { page: st.page, per_page: MEDIA_PER_PAGE, kind: st.kind, q: st.q } })'
        in script
    )
    assert 'request("PATCH", "/media/" + encodeURIComponent(asset.id), { json: body })' in script
    assert 'uploadForm("/media", data,' in script
    # The photographer picker: the tenant's accounts for administrators, oneself for everyone.
    assert 'request("GET", "/users", { query: query })' in script
    assert "per_page: 100" in _function(script, "ensureMediaPeople")


def test_media_upload_sends_form_data_with_progress(script):
    upload = _function(script, "initMedia")
    assert "new FormData()" in upload
    assert 'data.append("file", file, file.name);' in upload
    for field in ("caption", "alt_text", "credit_user_id", "credit_name", "source", "rights"):
        assert f'"{field}"' in script, field
    sender = _function(script, "uploadForm")
    assert "new XMLHttpRequest()" in sender
    assert 'xhr.open("POST", buildUrl(path));' in sender
    assert "xhr.upload.onprogress" in sender
    assert "xhr.abort()" in sender
    assert "xhr.send(formData)" in sender
    # Same session handling as every other call: bearer token, one refresh on 401, then sign in again.
    assert '"Bearer " + sentToken' in sender
    assert "refreshTokens()" in sender
    assert "expiredError(" in sender
    assert "new ApiError(done.status, data, headers)" in sender


def test_media_upload_checks_the_caps_first(script):
    assert "var MEDIA_LIMITS = { image: 20 * MB, video: 1024 * MB, document: 50 * MB };" in script
    assert "checkMediaFile(file)" in _function(script, "initMedia")


def test_media_list_is_accessible_and_vietnamese(script):
    card = _function(script, "mediaPreview")
    assert "alt: asset.alt_text || asset.caption" in card
    assert '"vi-VN"' in _function(script, "formatNumber")
    for label in ("Ảnh", "Video", "Tài liệu", "Đang được dùng", "Sửa thông tin", "Đã hủy tải lên", "Tệp rỗng"):
        assert label in script, label


def test_media_links_are_refreshed_when_they_expire(script):
    assert "MEDIA_URL_LIFETIME_MS" in script
    assert "mediaLinksStale()" in _function(script, "thumbnailFailed")
