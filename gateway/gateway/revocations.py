"""Which access tokens are no longer accepted although their signature and ``exp`` are good.

Plain Python (no kombu, no Flask): ``sessions.SessionWatch`` feeds it from accounts' facts and
catch-up, ``auth.current_actor`` asks it about every verified token.

* A token older than ``max_age`` seconds (by its ``iat``) is refused whatever its ``exp``.
* A user whose sessions were ended has a minimum session version: a token whose ``sv`` claim
  is lower (a token without one counts as 0) is refused.
* A tenant whose sessions were ended (merged, suspended) has a cut-off time: a token naming
  it issued at or before then is refused.

Times are accounts' (``iat``, ``revoked_at``) compared with this process's clock, so an entry
can be forgotten once older than ``max_age`` plus a margin: every token it would refuse was
issued before the revocation and is refused by its age by then. The margin covers a token
issued while the revocation's transaction was committing.
"""

import threading
import time
from datetime import datetime

from platform_shared.contracts import accounts as events
from platform_shared.errors import Unauthorized

FORGET_MARGIN = 60.0


def session_revoked():
    return Unauthorized(
        "Phiên đăng nhập đã kết thúc vì tài khoản vừa bị khóa, đổi quyền hoặc đổi mật khẩu. Vui lòng đăng nhập lại.",
        code="SESSION_REVOKED",
    )


def token_too_old():
    return Unauthorized(
        "Mã truy cập đã quá thời gian tối đa của một phiên. Vui lòng đăng nhập lại.", code="TOKEN_TOO_OLD"
    )


def epoch(moment):
    """Seconds since the epoch of an ISO 8601 time with an offset (what accounts sends)."""
    value = datetime.fromisoformat(moment)
    if value.tzinfo is None:
        raise ValueError(f"a time without offset: {moment!r}")
    return value.timestamp()


class RevocationTable:
    """User id → minimum session version, tenant id → cut-off time; thread-safe."""

    def __init__(self, max_age, *, clock=time.time, margin=FORGET_MARGIN):
        self.max_age = float(max_age)
        self.margin = float(margin)
        self.clock = clock
        self._users = {}  # user id -> (minimum session version, revoked_at)
        self._tenants = {}  # tenant id -> revoked_at
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._users) + len(self._tenants)

    # -- what is refused ----------------------------------------------------------------------

    def check(self, claims):
        """Raises ``Unauthorized`` (``TOKEN_TOO_OLD``, ``SESSION_REVOKED``) for a verified token's
        claims that are no longer accepted."""
        iat = claims.get("iat")
        if not isinstance(iat, int | float) or self.clock() - iat > self.max_age:
            raise token_too_old()
        user = self._users.get(str(claims.get("sub")))  # dict reads are atomic: no lock on this path
        if user is not None:
            version = claims.get("sv", 0)
            if not isinstance(version, int) or version < user[0]:
                raise session_revoked()
        cutoff = self._tenants.get(str(claims.get("tenant_id")))
        if cutoff is not None and iat <= cutoff:
            raise session_revoked()

    # -- what accounts says -------------------------------------------------------------------

    def revoke_user(self, user_id, session_version, revoked_at):
        """Tokens of ``user_id`` below ``session_version`` are refused (a lower one changes nothing)."""
        with self._lock:
            known = self._users.get(user_id)
            if known is None or session_version > known[0]:
                self._users[user_id] = (int(session_version), float(revoked_at))

    def revoke_tenant(self, tenant_id, revoked_at):
        """Tokens naming ``tenant_id`` issued at or before ``revoked_at`` are refused."""
        with self._lock:
            if revoked_at > self._tenants.get(tenant_id, float("-inf")):
                self._tenants[tenant_id] = float(revoked_at)

    def apply_event(self, payload):
        """An ``accounts.*_sessions_revoked`` fact as the listener heard it; others are ignored.
        Returns whether it was applied."""
        if not isinstance(payload, dict):
            return False
        kind = payload.get("event_type")
        if kind == events.USER_SESSIONS_REVOKED:
            event = events.UserSessionsRevoked().load(payload)
            self.revoke_user(event["user_id"], event["session_version"], epoch(event["revoked_at"]))
        elif kind == events.TENANT_SESSIONS_REVOKED:
            event = events.TenantSessionsRevoked().load(payload)
            self.revoke_tenant(event["tenant_id"], epoch(event["revoked_at"]))
        else:
            return False
        return True

    def apply_catch_up(self, result):
        """What ``accounts.list_session_revocations`` answered."""
        for user in result.get("users", ()):
            self.revoke_user(str(user["user_id"]), int(user["session_version"]), epoch(user["revoked_at"]))
        for tenant in result.get("tenants", ()):
            self.revoke_tenant(str(tenant["tenant_id"]), epoch(tenant["revoked_at"]))

    def forget_old(self):
        """Drop entries whose every token is refused by its age anyway; returns how many."""
        oldest = self.clock() - self.max_age - self.margin
        with self._lock:
            users = [u for u, (_, at) in self._users.items() if at < oldest]
            tenants = [t for t, at in self._tenants.items() if at < oldest]
            for user in users:
                del self._users[user]
            for tenant in tenants:
                del self._tenants[tenant]
        return len(users) + len(tenants)
