"""Use cases of tenants (member organisations): create, edit, read, import from a CSV, merge.

Mixed into ``operations.Accounts``. Every change of a tenant is an ``accounts.tenant_*``
fact in the outbox (content, feedback, polls and royalties keep a copy from them).
"""

import dataclasses
import uuid

from accounts import domain, policy
from accounts.models import Tenant
from accounts.store import MemberStore, SystemStore, TenantStore
from platform_shared import outbox
from platform_shared.contracts import accounts as events
from platform_shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from platform_shared.schemas import accounts as api
from platform_shared.schemas import load
from platform_shared.text import slugify


class TenantOperations:
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
            suspended = data.get("status") == "suspended" and tenant.status != "suspended"
            for key in ("name", "short_name", "status"):
                if key in data:
                    setattr(tenant, key, data[key])
            if suspended:
                self._end_tenant_sessions(session, tenant, now, "tenant_suspended")
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

    def import_tenants(self, actor, csv_text, options=None):
        """Registered units → tenants + invited administrators, all or nothing.

        ``options['dry_run']``: the same checks against the same data, in a read-only session;
        the answer names what the file would create (``planned``) and creates nothing."""
        policy.require_platform_admin(actor)
        options = load(api.TenantImportArgs, options or {})
        if not isinstance(csv_text, str):
            raise InvalidInput("Tệp nhập phải là văn bản CSV UTF-8.", code="IMPORT_INVALID")
        rows = domain.parse_tenant_csv(csv_text)
        if options["dry_run"]:
            with self.sessions.read() as session:
                plan, system, _ = _import_plan(session, rows)
                unchanged = [system.tenant_by_code(code) for code in plan.unchanged]
                return {
                    "created": [],
                    "unchanged": unchanged,
                    "credentials": [],
                    "planned": _planned(plan),
                    "dry_run": True,
                }
        now = self.clock.now()
        with self.sessions.transaction() as session:
            plan, system, existing = _import_plan(session, rows)
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
            return {
                "created": created,
                "unchanged": unchanged,
                "credentials": credentials,
                "planned": _planned(plan),
                "dry_run": False,
            }

    def preview_merge(self, actor, tenant_id, data):
        """What merging ``tenant_id`` into ``data['into']`` would move; the same checks as the
        merge (and the same errors), nothing written."""
        policy.require_platform_admin(actor)
        data = load(api.MergeRequest, data)
        with self.sessions.read() as session:
            tenants, system = TenantStore(session, actor), SystemStore(session)
            tenant, into = _merge_pair(session, tenants, tenant_id, data["into"])
            counts = system.rows_of(tenant.id)
            return {"tenant": tenant, "into": into, **counts, "child_tenants": tenants.children(tenant.id)}

    def merge_tenant(self, actor, tenant_id, data):
        """Merge a tenant into another: its people, units and sub-tenants move; its id stays."""
        policy.require_platform_admin(actor)
        data = load(api.MergeRequest, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenants, system = TenantStore(session, actor), SystemStore(session)
            tenant, into = _merge_pair(session, tenants, tenant_id, data["into"], for_update=True)
            moved_users = system.users_of(tenant.id)
            system.move_tenant_rows(tenant.id, into.id)
            for user in moved_users:
                # Their access tokens name the old tenant: make them sign in again.
                system.revoke_user_tokens(user.id, now, "tenant_merged")
            self._end_tenant_sessions(session, tenant, now, "tenant_merged")
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


def _merge_pair(session, tenants, tenant_id, into_id, *, for_update=False):
    """The tenant that merges and the one it merges into, once every rule of a merge holds."""
    tenant = tenants.get(tenant_id, for_update=for_update)
    try:
        into = tenants.get(into_id, for_update=for_update)
    except NotFound:
        raise InvalidInput.field("into", "Không tìm thấy đơn vị nhận hợp nhất.") from None
    domain.check_merge(tenant, into, tenants.ancestor_ids(into.id))
    clashes = MemberStore(session, tenants.actor).clashing_numbers(tenant.id, into.id)
    if clashes:
        raise Conflict(
            "Hai đơn vị có đoàn viên trùng số thẻ: " + ", ".join(clashes) + ". Sửa sổ đoàn viên trước khi hợp nhất.",
            code="MEMBER_NUMBER_CLASH",
            details={"errors": {"into": [f"Số thẻ trùng: {', '.join(clashes)}."]}},
        )
    return tenant, into


def _import_plan(session, rows):
    """What an import of ``rows`` creates, checked against the tenants and accounts there are."""
    system = SystemStore(session)
    existing = system.existing_tenants()
    plan = domain.plan_import(
        rows,
        existing,
        {t.slug for t in existing.values()},
        system.usernames_taken({r.admin_email for r in rows}),
    )
    return plan, system, existing


def _planned(plan):
    return [{**dataclasses.asdict(row), "kind_label": domain.TENANT_KIND_LABELS[row.kind]} for row in plan.create]


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
