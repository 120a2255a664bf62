"""Account pages: sign in (``/dang-nhap``), sign out (``/dang-xuat``), activation (``/kich-hoat``),
changing one's password (``/doi-mat-khau``).

Each calls the accounts RPCs the ``/api/v1/auth`` endpoints call, with the same request
schemas checking the form first, and keeps the token pair in the cookie session
(``gateway.web.session``), never in a page. Decisions:

* a wrong user name or password is the form again with **422** (not 401: a 401 must carry a
  ``WWW-Authenticate`` challenge, and every other refused form of the portal is a 422), the
  user name kept, the password never; throttled: 429 with ``Retry-After`` and the wait in
  the message; a deactivated account or suspended unit: 403 with its message;
* ``tiep`` (where to go after signing in) is only ever a path of this site: it starts with
  one "/" (not "//", no backslash, no scheme or host, no control character); anything else
  is ``/`` — never an open redirect;
* ``GET /dang-xuat`` is a small page with the sign-out button (a link must not sign anyone
  out: the form posts with its CSRF token); signing out revokes the refresh token's family;
* after activation the new password signs the person in (``activate`` answers the user,
  not tokens), and after a password change the session keeps the new pair accounts returns.
"""

import logging
from urllib.parse import quote, urlsplit

from flask import Blueprint, current_app, flash, redirect, request, session

from gateway.api.common import call, client_address
from gateway.auth import ANONYMOUS
from gateway.web import session as page_session
from gateway.web.portal.common import field_errors, signed_in_actor
from gateway.web.render import page
from platform_shared.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidInput,
    PlatformError,
    RateLimited,
    Unauthorized,
)
from platform_shared.schemas import accounts as api
from platform_shared.tokens import actor_from_claims

log = logging.getLogger("gateway.web")
bp = Blueprint("portal_account", __name__)

WRONG_CREDENTIALS = "Sai tên đăng nhập hoặc mật khẩu."
PASSWORD_HINT = "Ít nhất 8 ký tự; không trùng tên đăng nhập, không dùng mật khẩu phổ biến."
MISMATCH = "Mật khẩu nhập lại không khớp."


def safe_next(value):
    """Where to go after signing in: ``value`` when it is a path of this site, else ``/``."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith("//"):
        return "/"
    if "\\" in value or any(ord(c) < 33 or ord(c) == 127 for c in value):
        return "/"  # browsers read "/\\evil" as "//evil"; a space or a control character has no place here
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


def _checked(schema, form, labels):
    """The form's fields (``labels``: name → what the form calls it) checked with the API's
    request schema: ``{field: message}`` of the problems, an empty field named as such."""
    problems = schema.validate({name: form.get(name, "") for name in labels})
    return {
        name: (f"Vui lòng nhập {labels[name]}." if not form.get(name) else " ".join(map(str, msgs)))
        for name, msgs in problems.items()
    }


def _sign_in_with(pair):
    """Keep ``pair`` in the page session with the user's name and unit (``get_me``, as ``GET /me``)."""
    claims = current_app.extensions["verifier"].verify(pair["access_token"])
    me = call("accounts", "get_me", actor_from_claims(claims).dump())
    if session.get("rt"):  # someone else was signed in in this browser: their session ends first
        page_session.sign_out()
    page_session.sign_in(pair, {**me["user"], "tenant": me["tenant"]})
    return me


# -- sign in ----------------------------------------------------------------------------------


def _login_page(status=200, *, username="", errors=None, wrong=False, problem=None, tiep="/", headers=None):
    """The sign-in form; ``wrong``: the user name and password did not match (one message for both fields)."""
    return page(
        "portal/account_login.html",
        status=status,
        username=username,
        errors=errors or {},
        wrong=wrong,
        problem=problem,
        tiep=tiep,
        robots="noindex",
        headers=headers,
        breadcrumbs=[("/", "Trang chủ"), (None, "Đăng nhập")],
    )


@bp.route("/dang-nhap", methods=["GET", "POST"])
def sign_in():
    if request.method == "GET":
        return _login_page(tiep=safe_next(request.args.get("tiep")))
    form = request.form
    tiep = safe_next(form.get("tiep"))
    username = form.get("username", "")
    errors = _checked(api.LoginRequest(), form, {"username": "tên đăng nhập", "password": "mật khẩu"})
    if errors:
        return _login_page(422, username=username, errors=errors, problem="Vui lòng nhập đủ thông tin.", tiep=tiep)
    try:
        pair = call("accounts", "login", ANONYMOUS, username, form["password"], client_address())
    except RateLimited as exc:
        headers = {"Retry-After": str(exc.retry_after)}
        return _login_page(429, username=username, problem=exc.message, tiep=tiep, headers=headers)
    except Forbidden as exc:  # deactivated account, suspended unit
        return _login_page(403, username=username, problem=exc.message, tiep=tiep)
    except InvalidInput as exc:
        return _login_page(422, username=username, errors=field_errors(exc), problem=exc.message, tiep=tiep)
    except Unauthorized:
        return _login_page(422, username=username, wrong=True, problem=WRONG_CREDENTIALS, tiep=tiep)
    me = _sign_in_with(pair)
    flash(f"Xin chào {me['user']['full_name']}, bạn đã đăng nhập.", "ok")
    return redirect(tiep, code=303)


# -- sign out ---------------------------------------------------------------------------------


@bp.route("/dang-xuat", methods=["GET", "POST"])
def sign_out():
    if request.method == "GET":
        return page(
            "portal/account_logout.html",
            robots="noindex",
            breadcrumbs=[("/", "Trang chủ"), (None, "Đăng xuất")],
        )
    page_session.sign_out()
    flash("Bạn đã đăng xuất.", "ok")
    return redirect("/", code=303)


# -- activation -------------------------------------------------------------------------------


def _activation_page(status=200, *, token="", errors=None, problem=None):
    return page(
        "portal/account_activate.html",
        status=status,
        token=token,
        errors=errors or {},
        problem=problem,
        password_hint=PASSWORD_HINT,
        robots="noindex",
        breadcrumbs=[("/", "Trang chủ"), (None, "Kích hoạt tài khoản")],
    )


@bp.route("/kich-hoat", methods=["GET", "POST"])
def activate():
    if request.method == "GET":
        return _activation_page(token=request.args.get("token", "")[:200])
    form = request.form
    token = form.get("token", "").strip()
    errors = _checked(
        api.ActivateRequest(), {**form, "token": token}, {"token": "mã kích hoạt", "password": "mật khẩu mới"}
    )
    if not errors.get("password") and form.get("password") != form.get("password_confirm", ""):
        errors["password_confirm"] = MISMATCH
    if errors:
        return _activation_page(422, token=token, errors=errors, problem="Vui lòng sửa các mục được đánh dấu.")
    try:
        user = call("accounts", "activate", ANONYMOUS, token, form["password"])
    except InvalidInput as exc:  # a weak password
        return _activation_page(422, token=token, errors=field_errors(exc), problem=exc.message)
    except BadRequest as exc:  # the token: unknown, used, expired, replaced; a locked account
        field = None if exc.code == "ACCOUNT_DEACTIVATED" else "token"
        errors = {field: exc.message} if field else {}
        return _activation_page(400, token=token, errors=errors, problem=exc.message)
    try:
        pair = call("accounts", "login", ANONYMOUS, user["username"], form["password"], client_address())
    except PlatformError as exc:
        if exc.status >= 500:
            raise
        log.warning("activated but not signed in: %s", exc.code)
        flash("Tài khoản đã được kích hoạt. Vui lòng đăng nhập bằng mật khẩu vừa đặt.", "ok")
        return redirect("/dang-nhap", code=303)
    me = _sign_in_with(pair)
    flash(f"Chào mừng {me['user']['full_name']}! Tài khoản đã được kích hoạt và bạn đã đăng nhập.", "ok")
    return redirect("/", code=303)


# -- changing one's password ------------------------------------------------------------------


def _password_page(status=200, *, errors=None, problem=None, headers=None):
    return page(
        "portal/account_password.html",
        status=status,
        errors=errors or {},
        problem=problem,
        password_hint=PASSWORD_HINT,
        robots="noindex",
        headers=headers,
        breadcrumbs=[("/", "Trang chủ"), (None, "Đổi mật khẩu")],
    )


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
def change_password():
    actor = signed_in_actor()
    if request.method == "GET":
        return _password_page()
    form = request.form
    errors = _checked(
        api.ChangePasswordRequest(), form, {"current_password": "mật khẩu hiện tại", "new_password": "mật khẩu mới"}
    )
    if not errors.get("new_password") and form.get("new_password") != form.get("confirm_password", ""):
        errors["confirm_password"] = MISMATCH
    if errors:
        return _password_page(422, errors=errors, problem="Vui lòng sửa các mục được đánh dấu.")
    profile = {"full_name": session.get("name", ""), "tenant": {"name": session.get("tenant", "")}}
    try:
        pair = call(
            "accounts",
            "change_password",
            actor,
            form["current_password"],
            form["new_password"],
            session.get("rt"),
            client_address(),
        )
    except InvalidInput as exc:
        return _password_page(422, errors=field_errors(exc), problem=exc.message)
    except RateLimited as exc:
        return _password_page(429, problem=exc.message, headers={"Retry-After": str(exc.retry_after)})
    except Conflict as exc:  # changed meanwhile in another session: this one has ended
        page_session.sign_out()
        flash(exc.message, "warn")
        return redirect("/dang-nhap?tiep=" + quote("/doi-mat-khau", safe="/"), code=303)
    except Forbidden as exc:
        return _password_page(403, problem=exc.message)
    page_session.sign_in(pair, profile)
    flash("Đã đổi mật khẩu; các phiên đăng nhập khác đã được đăng xuất.", "ok")
    return redirect("/doi-mat-khau", code=303)
