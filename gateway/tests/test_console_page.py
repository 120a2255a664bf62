"""The admin console: a single page plus its script and stylesheet, served by the gateway.

No broker is needed: creating the app does not connect, and these requests never call a service.
"""

import re

import pytest

from gateway.app import create_app
from gateway.settings import Settings


@pytest.fixture(scope="module")
def app():
    app = create_app(Settings(amqp_uri="amqp://guest:guest@127.0.0.1:5672//"))
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


@pytest.mark.parametrize("path", ["/", "/activate?token=x", "/console"])
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
    ):
        assert text in html, text


def test_page_references_its_script_and_stylesheet(client):
    html = _page(client, "/")
    assert re.search(r'<script src="/static/console\.js[^"]*" defer></script>', html)
    assert re.search(r'<link rel="stylesheet" href="/static/console\.css[^"]*">', html)


def test_static_files_are_served(client):
    js = client.get("/static/console.js")
    css = client.get("/static/console.css")
    assert js.status_code == css.status_code == 200
    assert "javascript" in js.mimetype
    assert css.mimetype == "text/css"


def test_nothing_is_loaded_from_elsewhere(client, script, stylesheet):
    html = _page(client, "/")
    # The machine that serves the portal may have no internet: no CDN, no web fonts.
    for text in (html, script, stylesheet):
        assert "https://" not in text and "http://" not in text
        assert "@import" not in text
        assert "fonts.googleapis" not in text
    assert not re.search(r'src="(?!/static/)', html)


def test_forms_have_labels(client):
    html = _page(client, "/")
    ids = set(re.findall(r'<label[^>]* for="([^"]+)"', html))
    controls = re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', html)
    assert controls
    unlabelled = [c for c in controls if c not in ids]
    assert not unlabelled, unlabelled


def test_expected_csv_header_is_shown(client, script):
    html = _page(client, "/")
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
        "/activate?token=",
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


def test_page_carries_the_gateway_headers(client):
    response = client.get("/console")
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert "X-Request-ID" in response.headers
