"""The accounts use cases: one function per thing a person or service asks for.

Plain Python: a session factory, stores, domain rules and the outbox. The nameko
service class only loads the actor, calls one of these and dumps the result.
Errors that must leave a trace (a failed sign-in, a reused refresh token) are
raised *after* the transaction that records them has committed.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from accounts import domain, policy
from accounts.member_operations import MemberOperations
from accounts.models import ActivationToken, RefreshToken, StaffRecord, Tenant, Unit, User, UserRole
from accounts.passwords import common_passwords, digest, new_secret
from accounts.store import MemberStore, StaffStore, SystemStore, TenantStore, UnitStore, UserStore
from platform_shared import outbox
from platform_shared.clock import VN_TZ
from platform_shared.contracts import accounts as events
from platform_shared.errors import BadRequest, Conflict, Forbidden, InvalidInput, NotFound, RateLimited, Unauthorized
from platform_shared.schemas import accounts as api
from platform_shared.schemas import load
from platform_shared.text import slugify


@dataclass(frozen=True)
class Settings:
    access_ttl: int = 900
    refresh_ttl_days: int = 30
    activation_ttl_hours: int = 168
    max_failures_account: int = 5
    max_failures_address: int = 30
    window_seconds: int = 900
    member_activation_ttl_hours: int = 720
    member_import_max_rows: int = 200_000

    @classmethod
    def from_config(cls, config):
        return cls(
            access_ttl=int(config.get("ACCESS_TOKEN_TTL_SECONDS", 900)),
            refresh_ttl_days=int(config.get("REFRESH_TOKEN_TTL_DAYS", 30)),
            activation_ttl_hours=int(config.get("ACTIVATION_TTL_HOURS", 168)),
            max_failures_account=int(config.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)),
            max_failures_address=int(config.get("LOGIN_MAX_FAILURES_PER_ADDRESS", 30)),
            window_seconds=int(config.get("LOGIN_WINDOW_SECONDS", 900)),
            member_activation_ttl_hours=int(config.get("MEMBER_ACTIVATION_TTL_HOURS", 720)),
            member_import_max_rows=int(config.get("MEMBER_IMPORT_MAX_ROWS", 200_000)),
        )


def _inline(fn, *args):
    return fn(*args)


class Accounts(MemberOperations):
    def __init__(self, sessions, *, signer, passwords, settings, clock, offload=_inline):
        self.sessions = sessions
        self.signer = signer
        self.passwords = passwords
        self.settings = settings
        self.clock = clock
        self.offload = offload

    # -- sign-in ----------------------------------------------------------------

    def jwks(self):
        return self.signer.jwks()

    def login(self, actor, username, password, client_address):
        """Tokens for a correct user name and password; throttled per account and address."""
        s = self.settings
        username = domain.normalize_username(username)
        now = self.clock.now()
        keys = (f"user:{username}", f"addr:{client_address or 'unknown'}")
        with self.sessions.transaction() as session:
            system = SystemStore(session)
            wait = max(domain.retry_after(system.throttle(k), now) for k in keys)
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
                window = timedelta(seconds=s.window_seconds)
                for key, limit in zip(keys, (s.max_failures_account, s.max_failures_address), strict=False):
                    system.save_throttle(
                        key, domain.register_failure(system.throttle(key), now, limit=limit, window=window)
                    )
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
                    user.last_login_at = now
                    if self.passwords.needs_rehash(user.password_hash):
                        user.password_hash = self.offload(self.passwords.hash, password)
                    return self._issue(session, user, now, family_id=uuid.uuid4())
        raise error

    def _issue(self, session, user, now, *, family_id):
        secret = new_secret()
        session.add(
            RefreshToken(
                tenant_id=user.tenant_id,
                user_id=user.id,
                family_id=family_id,
                token_hash=digest(secret),
                issued_at=now,
                expires_at=now + timedelta(days=self.settings.refresh_ttl_days),
            )
        )
        access = self.signer.access_token(user_id=user.id, tenant_id=user.tenant_id, roles=user.roles, now=now)
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
                return self._issue(session, user, now, family_id=token.family_id)
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
            user = UserStore(session, actor).get(actor.user_id)
            tenant = TenantStore(session, actor).get(user.tenant_id)
            return user, tenant

    # -- tenants ----------------------------------------------------------------

    def create_tenant(self, actor, data):
        policy.require_platform_admin(actor)
        data = load(api.TenantCreate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            system, tenants = SystemStore(session), TenantStore(session, actor)
            if system.code_taken(data["code"]):
                raise Conflict.taken("code", data["code"], "Mã đơn vị", "TENANT_CODE_TAKEN")
            slug = data["slug"] or slugify(data["code"])
            if system.slug_taken(slug):
                raise Conflict.taken("slug", slug, "Đường dẫn", "TENANT_SLUG_TAKEN")
            parent = tenants.get(data["parent_id"]) if data["parent_id"] else None
            domain.check_tenant_parent(data["kind"], parent)
            tenant = tenants.add(
                Tenant(
                    code=data["code"],
                    slug=slug,
                    name=data["name"],
                    short_name=data["short_name"],
                    kind=data["kind"],
                    parent_id=parent.id if parent else None,
                    status="active",
                    created_at=now,
                    updated_at=now,
                )
            )
            _tenant_event(session, events.TENANT_CREATED, tenant, now)
            return tenant

    def update_tenant(self, actor, tenant_id, data):
        data = load(api.TenantUpdate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenants = TenantStore(session, actor)
            tenant = tenants.get(tenant_id, for_update=True)
            policy.require_admin_of(actor, tenant.id)
            admin_only = {"parent_id", "slug", "status"} & set(data)
            if admin_only and not actor.is_platform_admin:
                raise Forbidden(
                    "Chỉ quản trị hệ thống được đổi đơn vị cấp trên, đường dẫn hoặc trạng thái.",
                    code="PLATFORM_ADMIN_REQUIRED",
                    details={"errors": {f: ["Không được phép."] for f in admin_only}},
                )
            if tenant.status == "merged":
                raise Conflict("Đơn vị đã được hợp nhất, không sửa được nữa.", code="TENANT_MERGED")
            if "parent_id" in data:
                parent = tenants.get(data["parent_id"]) if data["parent_id"] else None
                domain.check_tenant_parent(
                    tenant.kind, parent, tenants.ancestor_ids(parent.id) if parent else (), tenant.id
                )
                tenant.parent_id = parent.id if parent else None
            if "slug" in data and data["slug"] != tenant.slug:
                if SystemStore(session).slug_taken(data["slug"], except_id=tenant.id):
                    raise Conflict.taken("slug", data["slug"], "Đường dẫn", "TENANT_SLUG_TAKEN")
                tenant.slug = data["slug"]
            for key in ("name", "short_name", "status"):
                if key in data:
                    setattr(tenant, key, data[key])
            tenant.updated_at = now
            _tenant_event(session, events.TENANT_UPDATED, tenant, now)
            return tenant

    def get_tenant(self, actor, tenant_id):
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            return TenantStore(session, actor).get(tenant_id)

    def list_tenants(self, actor, args):
        policy.require_signed_in(actor)
        args = load(api.TenantListArgs, args or {})
        with self.sessions.read() as session:
            items, total = TenantStore(session, actor).list(**args)
            return items, total, args

    def import_tenants(self, actor, csv_text):
        """Registered units → tenants + invited administrators, all or nothing."""
        policy.require_platform_admin(actor)
        if not isinstance(csv_text, str):
            raise InvalidInput("Tệp nhập phải là văn bản CSV UTF-8.", code="IMPORT_INVALID")
        rows = domain.parse_tenant_csv(csv_text)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            system = SystemStore(session)
            existing = system.existing_tenants()
            plan = domain.plan_import(
                rows,
                existing,
                {t.slug for t in existing.values()},
                system.usernames_taken({r.admin_email for r in rows}),
            )
            ids = {code: t.id for code, t in existing.items()}
            created, credentials = [], []
            for row in plan.create:
                tenant = Tenant(
                    id=uuid.uuid4(),
                    code=row.code,
                    slug=row.slug,
                    name=row.name,
                    short_name=row.short_name,
                    kind=row.kind,
                    parent_id=ids[row.parent_code],
                    status="active",
                    created_at=now,
                    updated_at=now,
                )
                session.add(tenant)
                session.flush()
                ids[row.code] = tenant.id
                _tenant_event(session, events.TENANT_CREATED, tenant, now)
                user = self._new_user(
                    session,
                    tenant,
                    username=row.admin_email,
                    email=row.admin_email,
                    full_name=row.admin_name,
                    roles=["tenant_admin"],
                    now=now,
                )
                secret, expires = self._activation(session, user, now)
                created.append(tenant)
                credentials.append(
                    {
                        "tenant_code": row.code,
                        "username": user.username,
                        "activation_token": secret,
                        "expires_at": expires,
                    }
                )
            unchanged = [system.tenant_by_code(code) for code in plan.unchanged]
            return {"created": created, "unchanged": unchanged, "credentials": credentials}

    def merge_tenant(self, actor, tenant_id, data):
        """Merge a tenant into another: its people, units and sub-tenants move; its id stays."""
        policy.require_platform_admin(actor)
        data = load(api.MergeRequest, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenants, system = TenantStore(session, actor), SystemStore(session)
            tenant = tenants.get(tenant_id, for_update=True)
            try:
                into = tenants.get(data["into"], for_update=True)
            except NotFound:
                raise InvalidInput.field("into", "Không tìm thấy đơn vị nhận hợp nhất.") from None
            domain.check_merge(tenant, into, tenants.ancestor_ids(into.id))
            clashes = MemberStore(session, actor).clashing_numbers(tenant.id, into.id)
            if clashes:
                raise Conflict(
                    "Hai đơn vị có đoàn viên trùng số thẻ: "
                    + ", ".join(clashes)
                    + ". Sửa sổ đoàn viên trước khi hợp nhất.",
                    code="MEMBER_NUMBER_CLASH",
                    details={"errors": {"into": [f"Số thẻ trùng: {', '.join(clashes)}."]}},
                )
            moved_users = system.users_of(tenant.id)
            system.move_tenant_rows(tenant.id, into.id)
            for user in moved_users:
                # Their access tokens name the old tenant: make them sign in again.
                system.revoke_user_tokens(user.id, now, "tenant_merged")
            tenant.status, tenant.merged_into_id, tenant.merged_at, tenant.updated_at = "merged", into.id, now, now
            outbox.add(
                session,
                events.TENANT_MERGED,
                {
                    "tenant_id": str(tenant.id),
                    "into_tenant_id": str(into.id),
                    "merged_at": now.isoformat(),
                    "moved_users": len(moved_users),
                },
                aggregate_id=tenant.id,
                now=now,
            )
            return tenant

    # -- units ------------------------------------------------------------------

    def create_unit(self, actor, data):
        data = load(api.UnitCreate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenant = self._admin_tenant(session, actor, data.pop("tenant_id"))
            units = UnitStore(session, actor)
            parent = units.get(data["parent_id"], tenant_id=tenant.id) if data["parent_id"] else None
            if parent is not None and parent.status != "active":
                raise InvalidInput.field("parent_id", "Đơn vị cấp trên đã ngừng hoạt động.")
            if data["code"] and units.code_taken(tenant.id, data["code"]):
                raise Conflict.taken("code", data["code"], "Mã đơn vị", "UNIT_CODE_TAKEN")
            unit_id = uuid.uuid4()
            return units.add(
                Unit(
                    id=unit_id,
                    tenant_id=tenant.id,
                    parent_id=parent.id if parent else None,
                    name=data["name"],
                    code=data["code"],
                    kind=data["kind"],
                    status="active",
                    path=domain.unit_path(parent.path if parent else None, unit_id),
                    depth=(parent.depth + 1) if parent else 0,
                    created_at=now,
                    updated_at=now,
                )
            )

    def update_unit(self, actor, unit_id, data):
        data = load(api.UnitUpdate, data)
        with self.sessions.transaction() as session:
            units = UnitStore(session, actor)
            unit = units.get(unit_id)
            policy.require_admin_of(actor, unit.tenant_id)
            if "parent_id" in data and data["parent_id"] != unit.parent_id:
                parent = units.get(data["parent_id"], tenant_id=unit.tenant_id) if data["parent_id"] else None
                domain.check_unit_move(unit, parent)
                units.move_branch(
                    unit,
                    domain.unit_path(parent.path if parent else None, unit.id),
                    (parent.depth + 1) if parent else 0,
                )
                unit.parent_id = parent.id if parent else None
            if (
                data.get("code")
                and data["code"] != unit.code
                and units.code_taken(unit.tenant_id, data["code"], unit.id)
            ):
                raise Conflict.taken("code", data["code"], "Mã đơn vị", "UNIT_CODE_TAKEN")
            for key in ("name", "code", "kind", "status"):
                if key in data:
                    setattr(unit, key, data[key])
            unit.updated_at = self.clock.now()
            return unit

    def get_unit(self, actor, unit_id):
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            return UnitStore(session, actor).get(unit_id)

    def list_units(self, actor, args):
        policy.require_signed_in(actor)
        args = load(api.UnitListArgs, args or {})
        with self.sessions.read() as session:
            units = UnitStore(session, actor)
            tenant_id = self._listing_tenant(actor, args.pop("tenant_id", None))
            root_id = args.pop("root_id", None)
            root = units.get(root_id) if root_id else None
            items, total = units.list(tenant_id=tenant_id, root=root, **args)
            return items, total, args

    # -- users ------------------------------------------------------------------

    def invite_user(self, actor, data):
        """Create an invited account with a one-time activation token for its owner."""
        data = load(api.UserInvite, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenant = self._admin_tenant(session, actor, data["tenant_id"])
            username = domain.normalize_username(data["username"] or data["email"])
            if SystemStore(session).usernames_taken({username}):
                raise Conflict.taken("username", username, "Tên đăng nhập", "USERNAME_TAKEN")
            roles = domain.check_roles(actor, data["roles"], tenant.kind)
            unit = UnitStore(session, actor).get(data["unit_id"], tenant_id=tenant.id) if data["unit_id"] else None
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
            user = UserStore(session, actor).get(user_id)
            policy.require_admin_of(actor, user.tenant_id)
            if user.status != "invited":
                raise Conflict("Tài khoản đã được kích hoạt hoặc đã bị khóa.", code="NOT_INVITED")
            SystemStore(session).revoke_open_activations(user.id, now)
            secret, expires = self._activation(session, user, now)
            return {"user": user, "activation_token": secret, "expires_at": expires}

    def update_user(self, actor, user_id, data):
        data = load(api.UserUpdate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            user = UserStore(session, actor).get(user_id)
            policy.require_admin_of(actor, user.tenant_id)
            is_self = str(user.id) == actor.user_id
            system = SystemStore(session)
            if "roles" in data:
                tenant = system.tenant(user.tenant_id)
                roles = domain.check_roles(
                    actor, data["roles"], tenant.kind, current=user.roles, target_is_self=is_self
                )
                user.role_rows = [UserRole(user_id=user.id, role=r, tenant_id=user.tenant_id) for r in roles]
            if "unit_id" in data:
                unit = (
                    UnitStore(session, actor).get(data["unit_id"], tenant_id=user.tenant_id)
                    if data["unit_id"]
                    else None
                )
                user.unit_id = unit.id if unit else None
            for key in ("full_name", "phone"):
                if key in data:
                    setattr(user, key, data[key])
            if data.get("status") == "deactivated" and user.status != "deactivated":
                if is_self:
                    raise Conflict("Không thể tự khóa tài khoản của chính mình.", code="SELF_LOCKOUT")
                user.status, user.deactivated_at = "deactivated", now
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
            session.flush()
            return user

    def get_user(self, actor, user_id):
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            user = UserStore(session, actor).get(user_id)
            policy.require_may_read_user(actor, user)
            return user

    def list_users(self, actor, args):
        args = load(api.UserListArgs, args or {})
        with self.sessions.read() as session:
            tenant_id = self._listing_tenant(actor, args.pop("tenant_id", None))
            if tenant_id is not None:
                policy.require_admin_of(actor, tenant_id)
            else:
                policy.require_platform_admin(actor)
            items, total = UserStore(session, actor).list(tenant_id=tenant_id, **args)
            return items, total, args

    # -- staff ------------------------------------------------------------------

    def create_staff(self, actor, data):
        data = load(api.StaffCreate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenant = self._admin_tenant(session, actor, data.pop("tenant_id"))
            self._check_staff_links(session, actor, tenant.id, data)
            return StaffStore(session, actor).add(
                StaffRecord(tenant_id=tenant.id, status="active", created_at=now, updated_at=now, **data)
            )

    def update_staff(self, actor, staff_id, data):
        data = load(api.StaffUpdate, data)
        with self.sessions.transaction() as session:
            record = StaffStore(session, actor).get(staff_id)
            policy.require_admin_of(actor, record.tenant_id)
            self._check_staff_links(session, actor, record.tenant_id, data)
            start = data.get("term_start", record.term_start)
            end = data.get("term_end", record.term_end)
            if end is not None and end < start:
                raise InvalidInput.field("term_end", "Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.")
            for key, value in data.items():
                setattr(record, key, value)
            record.updated_at = self.clock.now()
            return record

    def get_staff(self, actor, staff_id):
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            record = StaffStore(session, actor).get(staff_id)
            policy.require_may_read_staff(actor)
            return record

    def list_staff(self, actor, args):
        args = load(api.StaffListArgs, args or {})
        with self.sessions.read() as session:
            tenant_id = self._listing_tenant(actor, args.pop("tenant_id", None))
            if tenant_id is not None:
                policy.require_admin_of(actor, tenant_id)
            else:
                policy.require_platform_admin(actor)
            today = self.clock.now().astimezone(VN_TZ).date()
            items, total = StaffStore(session, actor).list(tenant_id=tenant_id, today=today, **args)
            return items, total, args

    # -- helpers ------------------------------------------------------------------

    def _admin_tenant(self, session, actor, requested):
        tenant_id = policy.acting_tenant(actor, requested)
        tenant = TenantStore(session, actor).get(tenant_id)
        policy.require_admin_of(actor, tenant.id)
        if tenant.status != "active":
            raise Conflict("Đơn vị không còn hoạt động (đã hợp nhất hoặc tạm dừng).", code="TENANT_INACTIVE")
        return tenant

    @staticmethod
    def _listing_tenant(actor, requested):
        policy.require_signed_in(actor)
        if requested is None and actor.is_platform_admin:
            return None
        return policy.acting_tenant(actor, requested)

    def _check_staff_links(self, session, actor, tenant_id, data):
        if data.get("unit_id"):
            UnitStore(session, actor).get(data["unit_id"], tenant_id=tenant_id)
        if data.get("user_id"):
            user = UserStore(session, actor).get(data["user_id"])
            if user.tenant_id != tenant_id:
                raise NotFound.of("user", data["user_id"])

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
        user.role_rows = [UserRole(user_id=user.id, role=r, tenant_id=tenant.id) for r in sorted(set(roles))]
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


_ACTIVATION_MESSAGES = {
    "unknown": "Mã kích hoạt không đúng. Kiểm tra lại mã trong thư mời hoặc đề nghị quản trị viên cấp mã mới.",
    "used": "Mã kích hoạt đã được sử dụng. Hãy đăng nhập bằng mật khẩu đã đặt.",
    "expired": "Mã kích hoạt đã hết hạn. Đề nghị quản trị viên cấp mã mới.",
    "revoked": "Mã kích hoạt đã bị thay thế bằng mã mới hơn.",
}


def _tenant_event(session, event_type, tenant, now):
    outbox.add(
        session,
        event_type,
        {
            "tenant_id": str(tenant.id),
            "code": tenant.code,
            "slug": tenant.slug,
            "name": tenant.name,
            "kind": tenant.kind,
            "parent_id": str(tenant.parent_id) if tenant.parent_id else None,
            "status": tenant.status,
        },
        aggregate_id=tenant.id,
        now=now,
    )
