"""Who is reading a page: the visitor's cookie session, its CSRF token, and the actor.

Pages never hand a bearer token to a script (DESIGN §7a). After sign-in the gateway keeps
the user's token pair in Flask's session cookie — signed with ``WEB_SESSION_SECRET`` (the
user can read it, nobody can forge it), HttpOnly, SameSite=Lax, Secure under TLS — and
builds the actor from the access token exactly as the API does (the same verifier, the
same ended-session check). An access token past ``REFRESH_AFTER`` seconds is renewed with
the refresh token before the page is built (the API refuses a token older than 16 minutes
whatever its ``exp``); a refused refresh ends the page session.

Every form carries the session's CSRF token; every unsafe request of a page path is
refused (400 page) without it. The token is made the first time a page with a form is
rendered, so a reader who only reads gets no cookie at all.
"""

import hashlib
import hmac
import logging
import secrets
import threading
import time

from cachetools import TTLCache
from flask import current_app, request, session
from flask.sessions import SecureCookieSessionInterface

from platform_shared.errors import PlatformError, Unauthorized
from platform_shared.tokens import actor_from_claims

log = logging.getLogger("gateway.web")

COOKIE_NAME = "congdoan_phien"
REFRESH_AFTER = 600  # seconds: well before the gateway's 960 s maximum token age
_ENVIRON_KEY = "platform.page_actor"


class PageSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, Secure exactly when the request came over TLS (or a trusted proxy's)."""

    def get_cookie_secure(self, app):
        return request.is_secure


def secret_key(settings):
    """The key that signs page sessions: ``WEB_SESSION_SECRET``, else one derived from the
    receipts' key (both must be the same in every gateway process)."""
    if settings.web_session_secret:
        return settings.web_session_secret
    return hmac.new(settings.polls_receipt_secret.encode(), b"congdoan web session", hashlib.sha256).hexdigest()


# -- CSRF ---------------------------------------------------------------------------------


def csrf_token():
    """The session's CSRF token (made on first use: the page that has a form sets the cookie)."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(24)
    return token


def csrf_valid():
    """The header's (htmx, a script's upload) or the form's token matches the session's. The
    header is read first: a streamed upload's body must not be parsed here (it is relayed as sent)."""
    expected = session.get("csrf")
    given = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
    return bool(expected) and hmac.compare_digest(expected, given)


# -- the actor ------------------------------------------------------------------------------

# A refresh token that two requests of one browser present at once must not look like a reuse
# (accounts would end the session): the pair the first got is handed to the second for a minute.
_renewed = TTLCache(maxsize=10_000, ttl=60)
_renew_lock = threading.Lock()


def _rpc(service, method, *args):
    from gateway.api.common import call

    return call(service, method, *args)


def sign_in(pair, profile):
    """Keep the token pair and the few things a page shows of the user; a new CSRF token."""
    session.clear()
    session.permanent = False
    session["at"] = pair["access_token"]
    session["rt"] = pair["refresh_token"]
    session["t"] = int(time.time())
    session["name"] = profile.get("full_name") or profile.get("username") or ""
    session["tenant"] = (profile.get("tenant") or {}).get("name") or ""
    session["tenant_code"] = (profile.get("tenant") or {}).get("code") or ""
    session["csrf"] = secrets.token_urlsafe(24)
    request.environ.pop(_ENVIRON_KEY, None)


def sign_out():
    """End the page session here and at accounts (the refresh token's family is revoked)."""
    refresh = session.get("rt")
    session.clear()
    request.environ[_ENVIRON_KEY] = None
    if refresh:
        from gateway.auth import ANONYMOUS

        try:
            _rpc("accounts", "logout", ANONYMOUS, refresh)
        except PlatformError:
            log.warning("sign-out: accounts did not answer; the refresh token expires on its own")


def _renew():
    refresh = session.get("rt")
    digest = hashlib.sha256(refresh.encode()).hexdigest()
    with _renew_lock:
        pair = _renewed.get(digest)
    if pair is None:
        from gateway.auth import ANONYMOUS

        pair = _rpc("accounts", "refresh", ANONYMOUS, refresh)
        with _renew_lock:
            _renewed[digest] = pair
    session["at"], session["rt"], session["t"] = pair["access_token"], pair["refresh_token"], int(time.time())


def page_actor():
    """The visitor's actor dict, or None for a reader who is not signed in (or whose session ended)."""
    if _ENVIRON_KEY in request.environ:
        return request.environ[_ENVIRON_KEY]
    actor = None
    if session.get("at"):
        try:
            if time.time() - session.get("t", 0) > REFRESH_AFTER:
                _renew()
            claims = current_app.extensions["verifier"].verify(session["at"])
            current_app.extensions["sessions"].check(claims)
            actor = actor_from_claims(claims).dump()
        except Unauthorized as exc:
            log.info("page session ended: %s", exc.code)
            session.clear()
    request.environ[_ENVIRON_KEY] = actor
    return actor


def visitor():
    """What the page header shows: the signed-in name and unit, or None."""
    actor = page_actor()
    if actor is None:
        return None
    return {"name": session.get("name", ""), "tenant": session.get("tenant", ""), "roles": actor.get("roles", [])}
