"""The accounts use cases: one function per thing a person or service asks for.

Plain Python: a session factory, stores, domain rules and the outbox. The nameko
service class only loads the actor, calls one of these and dumps the result.
``Accounts`` is put together from one mixin per aggregate: signing in
(``signin_operations``), changing one's password (``password_operations``), tenants,
units, users, staff and the member register (``<aggregate>_operations``); what they
share is here.
"""

from dataclasses import dataclass

from accounts import policy
from accounts.coverage import CoverageOperations
from accounts.member_import_operations import MemberImportOperations
from accounts.member_operations import MemberOperations
from accounts.password_operations import PasswordOperations
from accounts.session_operations import SessionOperations
from accounts.signin_operations import SignInOperations
from accounts.staff_operations import StaffOperations
from accounts.store import TenantStore
from accounts.tenant_operations import TenantOperations
from accounts.unit_admin_operations import UnitAdminOperations
from accounts.unit_operations import UnitOperations
from accounts.user_operations import UserOperations
from platform_shared.errors import Conflict


@dataclass(frozen=True)
class Settings:
    access_ttl: int = 900
    refresh_ttl_days: int = 30
    refresh_session_max_days: int = 90
    activation_ttl_hours: int = 168
    max_failures_account: int = 5
    max_failures_address: int = 30
    window_seconds: int = 900
    member_activation_ttl_hours: int = 720
    member_import_max_rows: int = 200_000
    member_import_batch_rows: int = 500
    member_import_tick_seconds: float = 2.0
    member_import_sheet_ttl_hours: int = 24
    member_sheet_font_dir: str = "/usr/share/fonts/truetype/dejavu"

    @classmethod
    def from_config(cls, config):
        return cls(
            access_ttl=int(config.get("ACCESS_TOKEN_TTL_SECONDS", 900)),
            refresh_ttl_days=int(config.get("REFRESH_TOKEN_TTL_DAYS", 30)),
            refresh_session_max_days=int(config.get("REFRESH_SESSION_MAX_DAYS", 90)),
            activation_ttl_hours=int(config.get("ACTIVATION_TTL_HOURS", 168)),
            max_failures_account=int(config.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)),
            max_failures_address=int(config.get("LOGIN_MAX_FAILURES_PER_ADDRESS", 30)),
            window_seconds=int(config.get("LOGIN_WINDOW_SECONDS", 900)),
            member_activation_ttl_hours=int(config.get("MEMBER_ACTIVATION_TTL_HOURS", 720)),
            member_import_max_rows=int(config.get("MEMBER_IMPORT_MAX_ROWS", 200_000)),
            member_import_batch_rows=max(1, int(config.get("MEMBER_IMPORT_BATCH_ROWS", 500))),
            member_import_tick_seconds=float(config.get("MEMBER_IMPORT_TICK_SECONDS", 2.0)),
            member_import_sheet_ttl_hours=int(config.get("MEMBER_IMPORT_SHEET_TTL_HOURS", 24)),
            member_sheet_font_dir=str(config.get("MEMBER_SHEET_FONT_DIR") or "/usr/share/fonts/truetype/dejavu"),
        )


def _inline(fn, *args):
    return fn(*args)


class Accounts(
    SignInOperations,
    PasswordOperations,
    SessionOperations,
    TenantOperations,
    UnitOperations,
    UnitAdminOperations,
    UserOperations,
    StaffOperations,
    MemberOperations,
    MemberImportOperations,
    CoverageOperations,
):
    def __init__(self, sessions, *, signer, passwords, settings, clock, offload=_inline):
        self.sessions = sessions
        self.signer = signer
        self.passwords = passwords
        self.settings = settings
        self.clock = clock
        self.offload = offload

    # -- shared by the aggregates ---------------------------------------------------

    def _admin_tenant(self, session, actor, requested, *, branch=False):
        """The active tenant an administrator acts in. ``branch``: a unit administrator may too
        (the work is then bounded by its branch: the stores and the use case see to it)."""
        tenant_id = policy.acting_tenant(actor, requested)
        tenant = TenantStore(session, actor).get(tenant_id)
        if branch:
            policy.require_branch_admin_of(actor, tenant.id)
        else:
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

    @classmethod
    def _administered_listing_tenant(cls, actor, requested):
        """The tenant of an administrators' list (users, staff): its admin's (a unit administrator's:
        its branch, which the store keeps to), or None (all) for platform admins."""
        tenant_id = cls._listing_tenant(actor, requested)
        if tenant_id is not None:
            policy.require_branch_admin_of(actor, tenant_id)
        else:
            policy.require_platform_admin(actor)
        return tenant_id
