"""The portal's account pages through the Flask test client with the real accounts service:
sign in, sign out, activation, changing one's password — cookies, CSRF, redirects, messages."""

import re

import pytest

HOME_FREE = "/dang-xuat"  # a light page (no other service) that shows the header and the notices


@pytest.fixture
def portal(make_gateway, accounts_service, demo):
    return make_gateway()


@pytest.fixture
def browser(portal):
    """A visitor's browser: the test client keeps the session cookie."""
    return portal.test_client()


def csrf_of(response):
    found = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
    assert found, "the page has no form token"
    return found.group(1)


def sign_in(client, username, password, tiep=None):
    form = client.get("/dang-nhap" + (f"?tiep={tiep}" if tiep else ""))
    data = {"csrf_token": csrf_of(form), "username": username, "password": password}
    if tiep is not None:
        data["tiep"] = tiep
    return client.post("/dang-nhap", data=data)


def session_of(client):
    with client.session_transaction() as s:
        return dict(s)


# -- sign in --------------------------------------------------------------------------------------


def test_sign_in_sets_an_httponly_lax_cookie_and_the_header_shows_the_name(browser, demo):
    before = browser.get("/dang-nhap")
    assert before.status_code == 200
    html = before.get_data(as_text=True)
    assert '<label for="username">Tên đăng nhập</label>' in html and 'autocomplete="current-password"' in html
    old_token = csrf_of(before)

    done = browser.post(
        "/dang-nhap", data={"csrf_token": old_token, "username": "hanoi.member", "password": demo["demo"]}
    )
    assert done.status_code == 303 and done.headers["Location"] == "/"
    cookie = done.headers["Set-Cookie"]
    assert cookie.startswith("congdoan_phien=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    session = session_of(browser)
    assert session["name"] == "Đỗ Thị Lan" and session["tenant"] == "Liên đoàn Lao động thành phố Hà Nội"
    assert session["csrf"] != old_token  # a new session: nothing of the anonymous one carries over

    page = browser.get(HOME_FREE).get_data(as_text=True)
    assert "Đỗ Thị Lan" in page and "Liên đoàn Lao động thành phố Hà Nội" in page
    assert "bạn đã đăng nhập" in page  # the notice of the redirect
    assert "access_token" not in page and session["at"] not in page  # the tokens never reach a page


def test_a_wrong_password_shows_the_form_again_with_the_name_kept(browser):
    refused = sign_in(browser, "hanoi.member", "khong-dung-mat-khau")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Sai tên đăng nhập hoặc mật khẩu." in html
    assert 'value="hanoi.member"' in html and "khong-dung-mat-khau" not in html
    assert html.count('aria-describedby="loi-dang-nhap" aria-invalid="true"') == 2  # both fields tied to it
    assert "at" not in session_of(browser)


def test_empty_fields_are_named_beside_them(browser):
    token = csrf_of(browser.get("/dang-nhap"))
    refused = browser.post("/dang-nhap", data={"csrf_token": token, "username": "", "password": ""})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert '<p class="field-error" id="loi-username">Vui lòng nhập tên đăng nhập.</p>' in html
    assert '<p class="field-error" id="loi-password">Vui lòng nhập mật khẩu.</p>' in html
    assert 'href="#username"' in html  # the summary links to the field


def test_markup_typed_as_a_user_name_is_shown_escaped(browser):
    refused = sign_in(browser, '<script>alert("x")</script>', "sai-mat-khau-1")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "tiep",
    ["//evil.example", "https://evil.example", "/\\evil.example", "http:/evil.example", " //evil.example", "evil"],
)
def test_the_next_address_is_never_another_site(browser, demo, tiep):
    done = sign_in(browser, "hanoi.member", demo["demo"], tiep=tiep)
    assert done.status_code == 303
    assert done.headers["Location"] == "/"


def test_the_next_address_of_this_site_is_where_signing_in_leads(browser, demo):
    form = browser.get("/dang-nhap?tiep=/trung-cau-y-kien%3Ftrang%3D2")
    assert 'name="tiep" value="/trung-cau-y-kien?trang=2"' in form.get_data(as_text=True)
    done = sign_in(browser, "hanoi.member", demo["demo"], tiep="/trung-cau-y-kien?trang=2")
    assert done.status_code == 303 and done.headers["Location"] == "/trung-cau-y-kien?trang=2"


def test_a_post_without_the_form_token_is_refused_and_signs_no_one_in(browser, demo):
    browser.get("/dang-nhap")
    refused = browser.post("/dang-nhap", data={"username": "hanoi.member", "password": demo["demo"]})
    assert refused.status_code == 400
    assert "thiếu mã bảo vệ" in refused.get_data(as_text=True)
    assert "at" not in session_of(browser)
    forged = browser.post("/dang-nhap", data={"csrf_token": "forged", "username": "hanoi.member", "password": "x"})
    assert forged.status_code == 400


def test_a_deactivated_account_is_told_so(portal, browser, api, login, demo):
    users = api.as_(login("admin")).get("/api/v1/users?per_page=100").json["items"]
    moderator = next(u for u in users if u["username"] == "hanoi.moderator")
    off = api.as_(login("hanoi.admin")).patch(f"/api/v1/users/{moderator['id']}", json={"status": "deactivated"})
    assert off.status_code == 200, off.json
    refused = sign_in(browser, "hanoi.moderator", demo["demo"])
    assert refused.status_code == 403
    assert "Tài khoản đã bị khóa" in refused.get_data(as_text=True)


def test_too_many_wrong_passwords_are_throttled_with_the_wait(browser):
    for _ in range(12):
        refused = sign_in(browser, "hanoi.responder", "sai-mat-khau-lien-tuc")
        if refused.status_code == 429:
            break
        assert refused.status_code == 422
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    html = refused.get_data(as_text=True)
    assert "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau" in html and 'value="hanoi.responder"' in html


# -- sign out -------------------------------------------------------------------------------------


def test_signing_out_ends_the_session_and_revokes_the_refresh_token(browser, api, demo):
    sign_in(browser, "hanoi.member", demo["demo"])
    refresh = session_of(browser)["rt"]

    confirm = browser.get("/dang-xuat")
    assert confirm.status_code == 200
    assert '<form class="form narrow-form" action="/dang-xuat" method="post">' in confirm.get_data(as_text=True)
    done = browser.post("/dang-xuat", data={"csrf_token": csrf_of(confirm)})
    assert done.status_code == 303 and done.headers["Location"] == "/"
    assert "at" not in session_of(browser) and "rt" not in session_of(browser)
    assert "Bạn đã đăng xuất." in browser.get(HOME_FREE).get_data(as_text=True)
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    # signed out: the password page sends the visitor to sign in
    again = browser.get("/doi-mat-khau")
    assert again.status_code == 302 and again.headers["Location"] == "/dang-nhap?tiep=/doi-mat-khau"


def test_signing_out_without_the_form_token_is_refused(browser, demo):
    sign_in(browser, "hanoi.member", demo["demo"])
    refused = browser.post("/dang-xuat")
    assert refused.status_code == 400
    assert "at" in session_of(browser)


# -- activation -----------------------------------------------------------------------------------


@pytest.fixture
def invitation(api, login):
    invited = api.as_(login("hanoi.admin")).post(
        "/api/v1/users",
        json={"email": "moi.doan.vien@demo.congdoan.vn", "full_name": "Mai Văn Mới", "roles": ["member"]},
    )
    assert invited.status_code == 201, invited.json
    return invited.json


def test_an_old_activation_link_leads_to_the_form_with_the_token(browser, invitation):
    token = invitation["activation_token"]
    old = browser.get(f"/activate?token={token}")
    assert old.status_code == 301 and old.headers["Location"] == f"/kich-hoat?token={token}"
    form = browser.get(f"/kich-hoat?token={token}")
    assert form.status_code == 200 and f'value="{token}"' in form.get_data(as_text=True)


def test_activation_sets_the_password_and_signs_in(browser, invitation, api):
    token = invitation["activation_token"]
    csrf = csrf_of(browser.get(f"/kich-hoat?token={token}"))

    mismatch = browser.post(
        "/kich-hoat",
        data={"csrf_token": csrf, "token": token, "password": "Doan-vien-moi-2026", "password_confirm": "khac"},
    )
    assert mismatch.status_code == 422
    assert '<p class="field-error" id="loi-password_confirm">Mật khẩu nhập lại không khớp.</p>' in mismatch.get_data(
        as_text=True
    )
    weak = browser.post(
        "/kich-hoat", data={"csrf_token": csrf, "token": token, "password": "123", "password_confirm": "123"}
    )
    assert weak.status_code == 422
    html = weak.get_data(as_text=True)
    assert 'id="loi-password"' in html and f'value="{token}"' in html and 'value="123"' not in html

    done = browser.post(
        "/kich-hoat",
        data={
            "csrf_token": csrf,
            "token": token,
            "password": "Doan-vien-moi-2026",
            "password_confirm": "Doan-vien-moi-2026",
        },
    )
    assert done.status_code == 303 and done.headers["Location"] == "/"
    assert session_of(browser)["name"] == "Mai Văn Mới"
    assert "Chào mừng Mai Văn Mới" in browser.get(HOME_FREE).get_data(as_text=True)
    assert api.login("moi.doan.vien@demo.congdoan.vn", "Doan-vien-moi-2026")["access_token"]


def test_an_unknown_activation_token_is_named_beside_its_field(browser):
    csrf = csrf_of(browser.get("/kich-hoat"))
    refused = browser.post(
        "/kich-hoat",
        data={
            "csrf_token": csrf,
            "token": "x" * 40,
            "password": "Doan-vien-moi-2026",
            "password_confirm": "Doan-vien-moi-2026",
        },
    )
    assert refused.status_code == 400
    assert '<p class="field-error" id="loi-token">Mã kích hoạt không đúng.' in refused.get_data(as_text=True)


# -- changing one's password ----------------------------------------------------------------------


def test_changing_the_password_keeps_this_session_and_ends_the_others(portal, browser, api, demo):
    assert browser.get("/doi-mat-khau").headers["Location"] == "/dang-nhap?tiep=/doi-mat-khau"
    sign_in(browser, "hanoi.contributor", demo["demo"], tiep="/doi-mat-khau")
    elsewhere = api.login("hanoi.contributor", demo["demo"])  # another device
    form = browser.get("/doi-mat-khau")
    assert form.status_code == 200
    csrf = csrf_of(form)

    wrong = browser.post(
        "/doi-mat-khau",
        data={
            "csrf_token": csrf,
            "current_password": "khong-phai",
            "new_password": "Cong-tac-vien-moi-2026",
            "confirm_password": "Cong-tac-vien-moi-2026",
        },
    )
    assert wrong.status_code == 422
    assert '<p class="field-error" id="loi-current_password">Mật khẩu hiện tại không đúng.</p>' in wrong.get_data(
        as_text=True
    )
    mismatch = browser.post(
        "/doi-mat-khau",
        data={
            "csrf_token": csrf,
            "current_password": demo["demo"],
            "new_password": "Cong-tac-vien-moi-2026",
            "confirm_password": "x",
        },
    )
    assert mismatch.status_code == 422 and 'id="loi-confirm_password"' in mismatch.get_data(as_text=True)

    old_pair = session_of(browser)
    done = browser.post(
        "/doi-mat-khau",
        data={
            "csrf_token": csrf,
            "current_password": demo["demo"],
            "new_password": "Cong-tac-vien-moi-2026",
            "confirm_password": "Cong-tac-vien-moi-2026",
        },
    )
    assert done.status_code == 303 and done.headers["Location"] == "/doi-mat-khau"
    now = session_of(browser)
    assert now["rt"] != old_pair["rt"] and now["at"] != old_pair["at"] and now["name"] == "Trần Văn Bình"
    shown = browser.get("/doi-mat-khau")
    assert shown.status_code == 200  # still signed in, with the new pair
    assert "Đã đổi mật khẩu; các phiên đăng nhập khác đã được đăng xuất." in shown.get_data(as_text=True)
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": elsewhere["refresh_token"]}).status_code == 401
    assert api.login("hanoi.contributor", "Cong-tac-vien-moi-2026")["access_token"]


def test_an_anonymous_post_to_the_password_page_changes_nothing(browser):
    csrf = csrf_of(browser.get("/dang-nhap"))
    refused = browser.post(
        "/doi-mat-khau",
        data={"csrf_token": csrf, "current_password": "a", "new_password": "b", "confirm_password": "b"},
    )
    assert refused.status_code == 401
    assert "Cần đăng nhập" in refused.get_data(as_text=True)


def test_signing_in_as_someone_else_ends_the_first_session(browser, api, demo):
    sign_in(browser, "hanoi.member", demo["demo"])
    first = session_of(browser)["rt"]
    sign_in(browser, "hanoi.contributor", demo["demo"])
    assert session_of(browser)["name"] == "Trần Văn Bình"
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": first}).status_code == 401
