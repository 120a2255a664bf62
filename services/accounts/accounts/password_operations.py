"""Use case of a signed-in person changing their own password.

Mixed into ``operations.Accounts`` beside ``SignInOperations``, whose throttle and token issue
it shares: a wrong current password counts toward sign-in's limits (per account and address),
and a change ends every session of the user — a new session version with its
``accounts.user_sessions_revoked`` fact, every refresh token revoked — and answers a new token
pair so the caller's own browser stays signed in.
"""

import uuid

from accounts import domain, policy
from accounts.passwords import common_passwords, digest
from accounts.signin_operations import _throttle_keys, _throttled_for
from accounts.store import SystemStore, UserStore
from platform_shared.errors import Conflict, Forbidden, InvalidInput, RateLimited


class PasswordOperations:
    def change_password(self, actor, current_password, new_password, refresh_token=None, client_address=None):
        """A new password for the actor's own account, after checking the current one.

        ``refresh_token``: the caller's own, when it has one; the new session then keeps that
        session's sign-in time, so a change never stretches REFRESH_SESSION_MAX_DAYS (another
        user's, or a spent one, is ignored). ``client_address`` counts wrong passwords per
        address as sign-in does.
        """
        policy.require_own_account(actor)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            system = SystemStore(session)
            user = UserStore(session, actor).get(actor.user_id)
            _require_may_sign_in(user, system.tenant(user.tenant_id))
            user_id, username, old_hash = user.id, user.username, user.password_hash
            keys = _throttle_keys(username, client_address)
            wait = _throttled_for(system, keys, now)
        if wait:
            raise RateLimited(
                f"Nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau {wait} giây.",
                code="PASSWORD_CHANGE_THROTTLED",
                details={"retry_after": wait},
            )
        current_ok = self.offload(self.passwords.verify, old_hash, current_password)
        try:
            domain.check_password_change(
                current_password, new_password, current_ok=current_ok, username=username, common=common_passwords()
            )
        except InvalidInput:
            if not current_ok:
                with self.sessions.transaction() as session:
                    self._count_failure(SystemStore(session), keys, now)
            raise
        new_hash = self.offload(self.passwords.hash, new_password)  # Argon2id: slow on purpose, no transaction open

        with self.sessions.transaction() as session:
            system = SystemStore(session)
            user = system.user(user_id, for_update=True)
            if user.password_hash != old_hash:
                raise Conflict(
                    "Mật khẩu vừa được đổi trong một phiên khác. Vui lòng đăng nhập lại bằng mật khẩu mới.",
                    code="PASSWORD_CHANGED_ELSEWHERE",
                )
            _require_may_sign_in(user, system.tenant(user.tenant_id))
            started_at = now
            own = system.refresh_by_digest(digest(refresh_token)) if refresh_token else None
            if own is not None and own.user_id == user.id and domain.refresh_outcome(own, now) == "ok":
                started_at = own.session_started_at
            user.password_hash = new_hash
            system.save_throttle(keys[0], None)
            system.revoke_user_tokens(user.id, now, "password_changed")
            self._end_user_sessions(session, user, now, "password_changed")
            return self._issue(session, user, now, family_id=uuid.uuid4(), started_at=started_at)


def _require_may_sign_in(user, tenant):
    """Who could not sign in cannot change a password either."""
    if user.status != "active":
        raise Forbidden("Tài khoản đã bị khóa. Liên hệ quản trị viên đơn vị.", code="ACCOUNT_DEACTIVATED")
    if tenant.status == "suspended":
        raise Forbidden("Đơn vị của bạn đang bị tạm dừng trên hệ thống.", code="TENANT_SUSPENDED")
