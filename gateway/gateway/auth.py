"""Who is calling: the actor from a verified bearer token, never from the URL or body."""

from flask import current_app, request

from gateway.sessions import SessionWatch
from platform_shared.actor import SYSTEM, Actor
from platform_shared.errors import Unauthorized
from platform_shared.tokens import KeyCache, TokenVerifier, actor_from_claims

ANONYMOUS = Actor.anonymous().dump()


def make_verifier(rpc, settings):
    keys = KeyCache(
        lambda: rpc.call("accounts", "get_jwks", ANONYMOUS, timeout=settings.rpc_timeout), ttl=settings.jwks_ttl
    )
    return TokenVerifier(keys, issuer=settings.token_issuer, audience=settings.token_audience)


def make_session_watch(rpc, settings):
    """Ended sessions, from accounts' facts and its catch-up RPC (called as the system actor)."""
    system = SYSTEM.dump()
    return SessionWatch(
        settings.amqp_uri,
        lambda since: rpc.call("accounts", "list_session_revocations", system, since, timeout=settings.rpc_timeout),
        max_age=settings.max_token_age,
        interval=settings.sessions_catch_up_interval,
        wait=settings.rpc_timeout,
    )


def current_actor(required=True):
    """The request's actor as the dict every RPC takes first; 401 when required and absent."""
    # Cached on the request itself: ``g`` outlives a request whose streamed body is still open.
    if "platform.actor" in request.environ:
        actor = request.environ["platform.actor"]
    else:
        actor = actor_of_header(request.headers.get("Authorization", ""), current_app.extensions)
        request.environ["platform.actor"] = actor
    if actor is None and required:
        raise Unauthorized("Bạn cần đăng nhập.", code="LOGIN_REQUIRED")
    return actor or ANONYMOUS


def actor_of_header(header, extensions):
    """The actor of an ``Authorization`` header (None when there is none): the token verified and
    its session checked with the app's ``extensions``. Raises ``Unauthorized``, ``Unavailable``."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Tiêu đề Authorization phải có dạng «Bearer <mã truy cập>».", code="TOKEN_MALFORMED")
    claims = extensions["verifier"].verify(token.strip())
    # Too old, or its session ended (deactivation, new roles): 401 although exp is good.
    extensions["sessions"].check(claims)
    return actor_from_claims(claims).dump()
