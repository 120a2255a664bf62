"""Use cases of user accounts: invite (with a one-time activation token), roles, deactivation, reading.

Mixed into ``operations.Accounts``; ``_new_user`` and ``_activation`` also serve the
tenant import.
"""

import uuid
from datetime import timedelta

from accounts import domain, policy
from accounts.models import ActivationToken, User, UserRole
from accounts.passwords import digest, new_secret
from accounts.store import SystemStore, UnitStore, UserStore
from platform_shared import outbox
from platform_shared.contracts import accounts as events
from platform_shared.errors import Conflict, Forbidden, InvalidInput
from platform_shared.schemas import accounts as api
from platform_shared.schemas import load


class UserOperations:
    def invite_user(self, actor, data):
        """Create an invited account with a one-time activation token for its owner. A unit
        administrator invites into its branch only (``policy.branch_grant_problem``); the role
        ``unit_admin`` is bound to the account's unit (``unit_id``, required with it)."""
        data = load(api.UserInvite, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenant = self._admin_tenant(session, actor, data["tenant_id"], branch=True)
            username = domain.normalize_username(data["username"] or data["email"])
            if SystemStore(session).usernames_taken({username}):
                raise Conflict.taken("username", username, "Tên đăng nhập", "USERNAME_TAKEN")
            roles = domain.check_roles(actor, data["roles"], tenant.kind)
            units = UnitStore(session, actor)
            unit = units.get(data["unit_id"], tenant_id=tenant.id) if data["unit_id"] else None
            _check_grant(units, actor, roles, unit)
            user = self._new_user(
                session,
                tenant,
                username=username,
                email=data["email"].lower(),
                full_name=data["full_name"],
                roles=roles,
                now=now,
                unit_id=unit.id if unit else None,
                phone=data["phone"],
            )
            secret, expires = self._activation(session, user, now)
            return {"user": user, "activation_token": secret, "expires_at": expires}

    def reissue_activation(self, actor, user_id):
        """A fresh activation token for an invited user; earlier ones stop working."""
        now = self.clock.now()
        with self.sessions.transaction() as session:
            users = UserStore(session, actor)
            user = users.get(user_id)
            policy.require_branch_admin_of(actor, user.tenant_id)
            policy.require_may_manage_user(actor, user, users.branch_root())
            if user.status != "invited":
                raise Conflict("Tài khoản đã được kích hoạt hoặc đã bị khóa.", code="NOT_INVITED")
            SystemStore(session).revoke_open_activations(user.id, now)
            secret, expires = self._activation(session, user, now)
            return {"user": user, "activation_token": secret, "expires_at": expires}

    def update_user(self, actor, user_id, data):
        """Roles, unit, name, phone, status. New roles or a deactivation end the user's sessions
        (``accounts.user_sessions_revoked``); a deactivation revokes the refresh tokens too."""
        data = load(api.UserUpdate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            users, units = UserStore(session, actor), UnitStore(session, actor)
            user = users.get(user_id)
            policy.require_branch_admin_of(actor, user.tenant_id)
            root = users.branch_root()
            policy.require_may_manage_user(actor, user, root)
            is_self = str(user.id) == actor.user_id
            before = _shown(user)
            system = SystemStore(session)
            ended = None
            unit = user.unit_id
            if "unit_id" in data:
                unit = units.get(data["unit_id"], tenant_id=user.tenant_id).id if data["unit_id"] else None
                if unit is None and root is not None:
                    raise InvalidInput.field("unit_id", _UNIT_IN_YOUR_BRANCH)
                user.unit_id = unit
            roles = user.roles
            if "roles" in data:
                tenant = system.tenant(user.tenant_id)
                roles = domain.check_roles(
                    actor, data["roles"], tenant.kind, current=user.roles, target_is_self=is_self
                )
            # The role unit_admin is bound to the account's unit: granted with it, moved with it.
            bound, wanted = user.admin_unit_id, None
            if "unit_admin" in roles:
                wanted = unit if ("unit_id" in data or bound is None) else bound
            if "roles" in data or wanted != bound:
                target = wanted if "unit_admin" in roles else unit
                _check_grant(units, actor, roles, units.get(target) if target else None)
            if "roles" in data and set(roles) != set(user.roles):
                ended = "roles_changed"  # tokens name the old roles; the next refresh the new ones
                user.role_rows = _role_rows(user.id, user.tenant_id, roles, wanted)
            elif wanted != bound:
                ended = "roles_changed"  # tokens name the unit administered
                for row in user.role_rows:
                    if row.role == "unit_admin":
                        row.unit_id = wanted
            for key in ("full_name", "phone"):
                if key in data:
                    setattr(user, key, data[key])
            if data.get("status") == "deactivated" and user.status != "deactivated":
                if is_self:
                    raise Conflict("Không thể tự khóa tài khoản của chính mình.", code="SELF_LOCKOUT")
                user.status, user.deactivated_at = "deactivated", now
                ended = "deactivated"
                system.revoke_user_tokens(user.id, now, "deactivated")
                system.revoke_open_activations(user.id, now)
                outbox.add(
                    session,
                    events.USER_DEACTIVATED,
                    {
                        "user_id": str(user.id),
                        "tenant_id": str(user.tenant_id),
                        "deactivated_at": now.isoformat(),
                    },
                    aggregate_id=user.id,
                    now=now,
                )
            elif data.get("status") == "active" and user.status == "deactivated":
                user.status = "active" if user.password_hash else "invited"
                user.deactivated_at = None
            if ended:
                self._end_user_sessions(session, user, now, ended)
            session.flush()
            after = _shown(user)
            self._user_updated(session, user, [k for k in after if after[k] != before[k]], now)
            return user

    def get_user(self, actor, user_id):
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            user = UserStore(session, actor).get(user_id)
            policy.require_may_read_user(actor, user)
            return user

    def list_colleagues(self, actor, args=None):
        """``(roles, users)``: the people of the actor's own tenant holding one of the group's roles
        — writers (co-authors of an article) or answerers (a question's assignees)."""
        group = load(api.ColleagueArgs, args or {})["group"]
        if group == "answerers":
            policy.require_answerer_of_a_tenant(actor)
        else:
            policy.require_writer_of_a_tenant(actor)
        roles = api.COLLEAGUE_GROUPS[group]
        with self.sessions.read() as session:
            return roles, UserStore(session, actor).active_with_roles(roles)

    def list_users(self, actor, args):
        args = load(api.UserListArgs, args or {})
        with self.sessions.read() as session:
            tenant_id = self._administered_listing_tenant(actor, args.pop("tenant_id", None))
            items, total = UserStore(session, actor).list(tenant_id=tenant_id, **args)
            return items, total, args

    def _new_user(self, session, tenant, *, username, email, full_name, roles, now, unit_id=None, phone=None):
        user = User(
            id=uuid.uuid4(),
            tenant_id=tenant.id,
            username=username,
            email=email,
            full_name=full_name,
            phone=phone,
            unit_id=unit_id,
            status="invited",
            created_at=now,
        )
        user.role_rows = _role_rows(user.id, tenant.id, roles, unit_id)
        session.add(user)
        session.flush()
        outbox.add(
            session,
            events.USER_CREATED,
            {
                "user_id": str(user.id),
                "tenant_id": str(tenant.id),
                "username": username,
                "full_name": full_name,
                "roles": sorted(set(roles)),
                "status": user.status,
            },
            aggregate_id=user.id,
            now=now,
        )
        return user

    def _activation(self, session, user, now):
        secret = new_secret()
        expires = now + timedelta(hours=self.settings.activation_ttl_hours)
        session.add(
            ActivationToken(
                tenant_id=user.tenant_id, user_id=user.id, token_hash=digest(secret), created_at=now, expires_at=expires
            )
        )
        return secret, expires


_UNIT_IN_YOUR_BRANCH = "Chọn một đơn vị trong nhánh đơn vị bạn quản trị."


def _role_rows(user_id, tenant_id, roles, admin_unit_id):
    """The role rows of an account; ``unit_admin`` bound to ``admin_unit_id``."""
    return [
        UserRole(user_id=user_id, role=r, tenant_id=tenant_id, unit_id=admin_unit_id if r == "unit_admin" else None)
        for r in sorted(set(roles))
    ]


def _check_grant(units, actor, roles, unit):
    """``unit_admin`` needs a unit; a unit administrator gives only what its branch allows, to a
    person of a unit in its branch (``units`` already finds no other)."""
    root = units.branch_root()
    if root is not None:
        if unit is None:
            raise InvalidInput.field("unit_id", _UNIT_IN_YOUR_BRANCH)
        problem = policy.branch_grant_problem(actor, roles, root_id=root, unit_id=unit.id)
        if problem:
            raise Forbidden(problem, code="ROLE_NOT_GRANTABLE")
    if "unit_admin" in roles and unit is None:
        raise InvalidInput.field(
            "unit_id", "Quản trị công đoàn cơ sở quản trị một đơn vị: chọn đơn vị đó ở «Đơn vị công tác»."
        )


def _shown(user):
    """What ``UserRead`` shows of ``user`` that ``update_user`` may change (``user_updated`` names
    the fields that differ)."""
    return {
        "full_name": user.full_name,
        "phone": user.phone,
        "unit_id": user.unit_id,
        "status": user.status,
        "deactivated_at": user.deactivated_at,
        "roles": sorted(user.roles),
        "admin_unit_id": user.admin_unit_id,
    }
