"""Use cases of signing in: passwords, token pairs, refresh rotation, activation, ``get_me``.

Mixed into ``operations.Accounts``. Errors that must leave a trace (a failed sign-in, a
reused refresh token) are raised *after* the transaction that records them has committed.
"""

import uuid
from datetime import timedelta

from accounts import domain, policy
from accounts.models import RefreshToken
from accounts.passwords import common_passwords, digest, new_secret
from accounts.store import SystemStore, UserStore
from platform_shared.errors import BadRequest, Forbidden, InvalidInput, RateLimited, Unauthorized


class SignInOperations:
    def jwks(self):
        return self.signer.jwks()

    def login(self, actor, username, password, client_address):
        """Tokens for a correct user name and password; throttled per account and address."""
        username = domain.normalize_username(username)
        now = self.clock.now()
        keys = _throttle_keys(username, client_address)
        with self.sessions.transaction() as session:
            system = SystemStore(session)
            wait = _throttled_for(system, keys, now)
            user = system.user_by_username(username)
            password_hash = user.password_hash if user is not None else None
        if wait:
            raise RateLimited(
                f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {wait} giây.",
                code="LOGIN_THROTTLED",
                details={"retry_after": wait},
            )
        ok = self.offload(self.passwords.verify, password_hash, password)
        error = None
        with self.sessions.transaction() as session:
            system = SystemStore(session)
            if not ok:
                self._count_failure(system, keys, now)
                error = Unauthorized("Sai tên đăng nhập hoặc mật khẩu.", code="INVALID_CREDENTIALS")
            else:
                user = system.user(user.id)
                tenant = system.tenant(user.tenant_id)
                if user.status != "active":
                    error = Forbidden("Tài khoản đã bị khóa. Liên hệ quản trị viên đơn vị.", code="ACCOUNT_DEACTIVATED")
                elif tenant.status == "suspended":
                    error = Forbidden("Đơn vị của bạn đang bị tạm dừng trên hệ thống.", code="TENANT_SUSPENDED")
                else:
                    system.save_throttle(keys[0], None)
                    user.last_login_at = now  # shown by GET /me: the gateway's cached answer is dropped
                    self._user_updated(session, user, ["last_login_at"], now)
                    if self.passwords.needs_rehash(user.password_hash):
                        user.password_hash = self.offload(self.passwords.hash, password)
                    return self._issue(session, user, now, family_id=uuid.uuid4(), started_at=now)
        raise error

    def _count_failure(self, system, keys, now):
        """One more wrong password for each of ``keys`` (the account's, the address's); a key
        locks for LOGIN_WINDOW_SECONDS at its limit. Sign-in and a password change share it."""
        s = self.settings
        window = timedelta(seconds=s.window_seconds)
        for key, limit in zip(keys, (s.max_failures_account, s.max_failures_address), strict=True):
            system.save_throttle(key, domain.register_failure(system.throttle(key), now, limit=limit, window=window))

    def _issue(self, session, user, now, *, family_id, started_at):
        """A token pair; the refresh token lives REFRESH_TOKEN_TTL_DAYS, never past the session's
        REFRESH_SESSION_MAX_DAYS from ``started_at`` (the sign-in)."""
        secret = new_secret()
        s = self.settings
        session.add(
            RefreshToken(
                tenant_id=user.tenant_id,
                user_id=user.id,
                family_id=family_id,
                token_hash=digest(secret),
                issued_at=now,
                session_started_at=started_at,
                expires_at=min(
                    now + timedelta(days=s.refresh_ttl_days), started_at + timedelta(days=s.refresh_session_max_days)
                ),
            )
        )
        access = self.signer.access_token(
            user_id=user.id,
            tenant_id=user.tenant_id,
            roles=user.roles,
            now=now,
            session_version=user.session_version,
            unit_id=user.admin_unit_id if "unit_admin" in user.roles else None,
        )
        return {
            "access_token": access,
            "refresh_token": secret,
            "token_type": "Bearer",
            "expires_in": self.signer.access_ttl,
        }

    def refresh(self, actor, refresh_token):
        """A new token pair for a valid refresh token; reuse of a spent one revokes its family."""
        now = self.clock.now()
        invalid = Unauthorized(
            "Phiên đăng nhập không còn hiệu lực. Vui lòng đăng nhập lại.", code="REFRESH_TOKEN_INVALID"
        )
        with self.sessions.transaction() as session:
            system = SystemStore(session)
            token = system.refresh_by_digest(digest(refresh_token or ""))
            if token is None:
                raise invalid
            outcome = domain.refresh_outcome(token, now)
            user = system.user(token.user_id)
            tenant = system.tenant(user.tenant_id)
            if outcome == "reused":
                system.revoke_family(token.family_id, now, "reuse_detected")
                error = Unauthorized(
                    "Mã làm mới đã được dùng; mọi phiên liên quan đã bị thu hồi. Vui lòng đăng nhập lại.",
                    code="REFRESH_TOKEN_REUSED",
                )
            elif outcome != "ok":
                error = invalid
            elif user.status != "active" or tenant.status == "suspended":
                system.revoke_family(token.family_id, now, "account_inactive")
                error = invalid
            else:
                token.rotated_at = now
                return self._issue(session, user, now, family_id=token.family_id, started_at=token.session_started_at)
        raise error

    def logout(self, actor, refresh_token):
        """Revoke the refresh token's whole family; unknown tokens are ignored."""
        now = self.clock.now()
        with self.sessions.transaction() as session:
            system = SystemStore(session)
            token = system.refresh_by_digest(digest(refresh_token or ""))
            if token is not None:
                system.revoke_family(token.family_id, now, "logout")
        return {"revoked": token is not None}

    def activate(self, actor, token, password):
        """Set the first password with a one-time activation token."""
        now = self.clock.now()
        with self.sessions.transaction() as session:
            system = SystemStore(session)
            record = system.activation_by_digest(digest(token or ""))
            outcome = domain.activation_outcome(record, now)
            if outcome != "ok":
                raise BadRequest(_ACTIVATION_MESSAGES[outcome], code=f"ACTIVATION_TOKEN_{outcome.upper()}")
            user = system.user(record.user_id)
            if user.status == "deactivated":
                raise BadRequest("Tài khoản đã bị khóa; liên hệ quản trị viên đơn vị.", code="ACCOUNT_DEACTIVATED")
            problems = domain.password_problems(password, username=user.username, common=common_passwords())
            if problems:
                raise InvalidInput(" ".join(problems), code="WEAK_PASSWORD", details={"errors": {"password": problems}})
            user.password_hash = self.offload(self.passwords.hash, password)
            user.status = "active"
            user.activated_at = now
            record.used_at = now
            return user

    def me(self, actor):
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            return UserStore(session, actor).me()


def _throttle_keys(username, client_address):
    """The keys wrong passwords are counted under: the account and the client's address."""
    return (f"user:{username}", f"addr:{client_address or 'unknown'}")


def _throttled_for(system, keys, now):
    """Seconds until every one of ``keys`` may try again (0: now)."""
    return max(domain.retry_after(system.throttle(k), now) for k in keys)


_ACTIVATION_MESSAGES = {
    "unknown": "Mã kích hoạt không đúng. Kiểm tra lại mã trong thư mời hoặc đề nghị quản trị viên cấp mã mới.",
    "used": "Mã kích hoạt đã được sử dụng. Hãy đăng nhập bằng mật khẩu đã đặt.",
    "expired": "Mã kích hoạt đã hết hạn. Đề nghị quản trị viên cấp mã mới.",
    "revoked": "Mã kích hoạt đã bị thay thế bằng mã mới hơn.",
}
