"""Use cases of ending sessions: a user's (new session version) or a tenant's (a cut-off time).

Mixed into ``operations.Accounts``. Each end is written with the change that causes it and an
``accounts.*_sessions_revoked`` fact in the same transaction; the gateway applies the facts at
once and asks ``list_session_revocations`` for what it may have missed (start, reconnection,
and every few seconds), so an ended session is refused everywhere within seconds.
"""

from datetime import datetime

from accounts import policy
from accounts.store import SystemStore
from platform_shared import outbox
from platform_shared.contracts import accounts as events
from platform_shared.errors import InvalidInput


class SessionOperations:
    def _end_user_sessions(self, session, user, now, reason):
        """Access tokens of ``user`` issued so far stop being accepted (their ``sv`` is lower)."""
        user.session_version = (user.session_version or 1) + 1
        user.sessions_revoked_at = now
        outbox.add(
            session,
            events.USER_SESSIONS_REVOKED,
            {
                "user_id": str(user.id),
                "tenant_id": str(user.tenant_id),
                "session_version": user.session_version,
                "reason": reason,
                "revoked_at": now.isoformat(),
            },
            aggregate_id=user.id,
            now=now,
        )

    def _user_updated(self, session, user, changed, now):
        """``accounts.user_updated`` when ``changed`` names a field of ``UserRead`` (nothing otherwise):
        the gateway's cached ``GET /me`` of the user is dropped in every process."""
        if not changed:
            return
        outbox.add(
            session,
            events.USER_UPDATED,
            {"user_id": str(user.id), "tenant_id": str(user.tenant_id), "changed": sorted(set(changed))},
            aggregate_id=user.id,
            now=now,
        )

    def _end_tenant_sessions(self, session, tenant, now, reason):
        """Access tokens naming ``tenant`` issued until ``now`` stop being accepted."""
        tenant.sessions_revoked_at = now
        outbox.add(
            session,
            events.TENANT_SESSIONS_REVOKED,
            {"tenant_id": str(tenant.id), "reason": reason, "revoked_at": now.isoformat()},
            aggregate_id=tenant.id,
            now=now,
        )

    def list_session_revocations(self, actor, since):
        """Sessions ended at or after ``since`` (ISO 8601 with an offset): the users' current
        session versions and the tenants' cut-off times, ``as_of`` accounts' clock."""
        policy.require_system(actor)
        try:
            since = datetime.fromisoformat(since) if isinstance(since, str) else None
        except ValueError:
            since = None
        if since is None or since.tzinfo is None:
            raise InvalidInput.field("since", "Cần một thời điểm ISO 8601 có múi giờ.")
        now = self.clock.now()
        with self.sessions.read() as session:
            users, tenants = SystemStore(session).sessions_revoked_since(since)
        return {
            "as_of": now.isoformat(),
            "users": [
                {
                    "user_id": str(u.id),
                    "tenant_id": str(u.tenant_id),
                    "session_version": u.session_version,
                    "revoked_at": u.sessions_revoked_at.isoformat(),
                }
                for u in users
            ],
            "tenants": [{"tenant_id": str(t.id), "revoked_at": t.sessions_revoked_at.isoformat()} for t in tenants],
        }
