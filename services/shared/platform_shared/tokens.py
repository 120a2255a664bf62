"""Access-token verification, shared by the gateway and any service that needs it.

Access tokens are JWTs signed by the accounts service with Ed25519 (``EdDSA``).
Only that algorithm is accepted; ``alg: none``, HMAC tricks, a wrong signature,
an unknown key, another issuer or audience, a wrong ``typ``, an expired token or
a missing claim are all ``Unauthorized``. Keys come from the accounts service's
JWKS and are cached; an unknown ``kid`` triggers one refresh (key rotation).
"""

import re
import threading
import time

import jwt
from cachetools import TLRUCache, TTLCache
from jwt import PyJWK
from jwt.api_jws import PyJWS
from jwt.utils import base64url_decode, base64url_encode

from platform_shared.actor import Actor
from platform_shared.errors import Unauthorized

ALGORITHMS = ("EdDSA",)
ACCESS_TYP = "at+jwt"
ACCESS_CLAIM_TYP = "access"
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub", "typ", "tenant_id", "roles")
DEFAULT_ISSUER = "https://congdoan.vn/accounts"
DEFAULT_AUDIENCE = "congdoan-portal"


class KeyCache:
    """Public keys by ``kid``; ``fetch()`` returns a JWKS dict (``{"keys": [...]}``).

    The key set is kept ``ttl`` seconds (a cachetools ``TTLCache``); an unknown ``kid``
    reloads it at most every ``min_refresh_interval`` seconds (key rotation)."""

    def __init__(self, fetch, ttl=300.0, min_refresh_interval=10.0):
        self._fetch = fetch
        self._min_interval = min_refresh_interval
        self._fresh = TTLCache(maxsize=1, ttl=ttl)
        self._keys = {}  # the last key set loaded, fresh or not (``known``)
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def get(self, kid):
        now = time.monotonic()
        with self._lock:  # cachetools caches are not thread-safe (a lookup reorders them)
            keys = self._fresh.get("jwks")
        if keys is None:
            keys = self._refresh(now)
        key = keys.get(kid)
        if key is None and now - self._loaded_at > self._min_interval:
            key = self._refresh(now).get(kid)
        return key

    def known(self, kid):
        """Whether ``kid`` was in the JWKS at the last refresh."""
        return kid in self._keys

    def refresh(self):
        """Load the JWKS now (used by the periodic refresh, and by tests)."""
        self._refresh(time.monotonic(), force=True)

    def _refresh(self, now, force=False):
        with self._lock:
            if not force and self._loaded_at >= now and "jwks" in self._fresh:
                return self._keys  # another thread refreshed while this one waited
            jwks = self._fetch()
            keys = {}
            for jwk in jwks.get("keys", []):
                if jwk.get("kid"):
                    keys[jwk["kid"]] = PyJWK(jwk, algorithm="EdDSA")
            self._keys = keys
            self._fresh["jwks"] = keys
            self._loaded_at = time.monotonic()
            return keys


_BASE64URL = re.compile(rb"[A-Za-z0-9_-]*")


class _Segments(PyJWS):
    """PyJWT's JWS with its check of a segment's alphabet done by one regex.

    PyJWT checks every character of every segment in a Python generator (its fix of
    GHSA-hxm8-2xgr-2p9m): ~1,100 steps for one of our tokens, parsed twice per verification —
    37 % of the gateway's CPU for a poll response whose token is new (issue 18; a member answers
    once, so no verification memo helps there). A segment of the bare alphabet that decodes to
    itself is what the library accepts too; anything else (padding, another character, a length
    no base64 has, non-canonical bits) goes to the library's own check, which decides and raises."""

    @staticmethod
    def _decode_base64url_segment(segment, name):
        if len(segment) % 4 != 1 and _BASE64URL.fullmatch(segment) is not None:
            decoded = base64url_decode(segment)
            if base64url_encode(decoded) == segment:
                return decoded
        return PyJWS._decode_base64url_segment(segment, name)


class _JWT(jwt.PyJWT):
    def __init__(self, options=None):
        super().__init__(options)
        self._jws = _Segments(options=self._get_sig_options())  # as PyJWT sets its global object's


class TokenVerifier:
    """Verifies access tokens; remembers the ones it verified until they expire.

    A token is sent with every request of a session, and an Ed25519 check costs more
    than the rest of a small request in the gateway. The cache is keyed by the exact
    token text, honours ``exp`` and forgets a token whose key left the JWKS.
    """

    def __init__(self, keys, *, issuer=DEFAULT_ISSUER, audience=DEFAULT_AUDIENCE, leeway=5, cache_size=50_000):
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self._jwt = _JWT()
        # token -> (kid, claims), each kept until its own expiry (+ leeway), least recently used out first.
        self._verified = TLRUCache(maxsize=cache_size, ttu=self._usable_until, timer=time.time)
        self._lock = threading.Lock()

    def _usable_until(self, token, hit, now):
        return hit[1]["exp"] + self.leeway

    def verify(self, token):
        """Claims of a valid access token; ``Unauthorized`` with a precise code otherwise."""
        if not token or not isinstance(token, str):
            raise Unauthorized("Thiếu mã truy cập.", code="TOKEN_MISSING")
        with self._lock:  # cachetools caches are not thread-safe (a lookup reorders them)
            hit = self._verified.get(token)
        if hit is not None:
            kid, claims = hit
            if self.keys.known(kid):
                return claims
            with self._lock:
                self._verified.pop(token, None)
        claims, kid = self._verify(token)
        with self._lock:
            self._verified[token] = (kid, claims)
        return claims

    def _verify(self, token):
        try:
            header = self._jwt._jws.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized("Mã truy cập không đúng định dạng.", code="TOKEN_MALFORMED") from None
        if header.get("alg") not in ALGORITHMS:
            raise Unauthorized("Thuật toán ký của mã truy cập không được chấp nhận.", code="TOKEN_ALGORITHM")
        if header.get("typ") != ACCESS_TYP:
            raise Unauthorized("Đây không phải mã truy cập.", code="TOKEN_TYPE")
        key = self.keys.get(header.get("kid"))
        if key is None:
            raise Unauthorized("Mã truy cập được ký bằng khóa không xác định.", code="TOKEN_KEY_UNKNOWN")
        try:
            claims = self._jwt.decode(
                token,
                key.key,
                algorithms=list(ALGORITHMS),
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized(
                "Phiên đăng nhập đã hết hạn. Vui lòng làm mới mã truy cập.", code="TOKEN_EXPIRED"
            ) from None
        except jwt.PyJWTError as exc:
            raise Unauthorized(
                "Mã truy cập không hợp lệ.", code="TOKEN_INVALID", details={"reason": type(exc).__name__}
            ) from None
        if claims.get("typ") != ACCESS_CLAIM_TYP or not isinstance(claims.get("roles"), list):
            raise Unauthorized("Mã truy cập không hợp lệ.", code="TOKEN_INVALID")
        return claims, header.get("kid")


def actor_from_claims(claims):
    """The actor of verified claims; ``unit`` (a unit administrator's unit) is optional, so tokens
    issued before it existed stay valid."""
    unit = claims.get("unit")
    return Actor(
        user_id=str(claims["sub"]),
        tenant_id=str(claims["tenant_id"]),
        roles=frozenset(claims["roles"]),
        unit_id=str(unit) if unit else None,
    )
