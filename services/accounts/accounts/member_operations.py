"""Use cases of the member register: import a CSV, list members, count them.

Mixed into ``operations.Accounts``. Built for files of hundreds of thousands of
rows: one transaction, a handful of multi-row statements, no Argon2 at import
(the member sets a password when activating) and only the SHA-256 of each
activation token stored.
"""

import uuid
from datetime import timedelta

from accounts import members as rules
from accounts import policy
from accounts.member_import_store import MemberImportStore
from accounts.passwords import digest, new_secret
from accounts.store import MemberStore, SystemStore, TenantStore, UnitStore
from platform_shared import outbox
from platform_shared.clock import VN_TZ
from platform_shared.contracts import accounts as events
from platform_shared.errors import InvalidInput, NotFound
from platform_shared.schemas import accounts as api
from platform_shared.schemas import load


class MemberOperations:
    def import_members(self, actor, csv_text, options=None):
        """A member CSV → new member accounts with activation tokens, changed records updated.

        All or nothing; re-importing the same file changes nothing and issues no token
        unless ``options['reissue']`` asks for fresh ones (members not yet activated).
        """
        options = load(api.MemberImportArgs, options or {})
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenant = self._admin_tenant(session, actor, options["tenant_id"], branch=True)
            if not isinstance(csv_text, str):
                raise InvalidInput.field("file", "Tệp nhập phải là văn bản CSV UTF-8.", code="IMPORT_INVALID")
            parsed = rules.parse_member_csv(
                csv_text, max_rows=self.settings.member_import_max_rows, today=now.astimezone(VN_TZ).date()
            )
            store = MemberStore(session, actor)
            plan, usernames = self._checked_plan(store, tenant, parsed, reissue=options["reissue"])

            expires = now + timedelta(hours=self.settings.member_activation_ttl_hours)
            users, roles, register, tokens, credentials = [], [], [], [], []

            def token_for(user_id, number, full_name, username):
                secret = new_secret()
                tokens.append(
                    {
                        "id": uuid.uuid4(),
                        "tenant_id": tenant.id,
                        "user_id": user_id,
                        "token_hash": digest(secret),
                        "created_at": now,
                        "expires_at": expires,
                        "used_at": None,
                        "revoked_at": None,
                    }
                )
                credentials.append(
                    {
                        "member_number": number,
                        "full_name": full_name,
                        "username": username,
                        "activation_token": secret,
                        "expires_at": expires,
                    }
                )

            for row in plan.create:
                user_id, unit_id = uuid.uuid4(), rules.unit_id_of(row, plan.units)
                user, role, member = new_member_rows(tenant.id, user_id, unit_id, usernames[row.number], row, now)
                users.append(user)
                roles.append(role)
                register.append(member)
                token_for(user_id, row.number, row.full_name, usernames[row.number])
            store.insert_many(users, roles, register, tokens)

            member_updates, user_updates = update_rows(plan.update, rules.carried_fields(parsed.names), now)
            store.update_many(member_updates, user_updates)

            tokens.clear()
            if plan.reissue:
                store.revoke_open_activations([m.user_id for m in plan.reissue], now)
                names = {m.id: c["full_name"] for m, c in plan.update if "full_name" in c}
                accounts = store.usernames_of([m.user_id for m in plan.reissue])
                for current in plan.reissue:
                    full_name = names.get(current.id, current.full_name)
                    token_for(current.user_id, current.number, full_name, accounts[current.user_id])
                store.insert_many([], [], [], tokens)

            counts = {
                "created": len(plan.create),
                "updated": len(plan.update),
                "unchanged": len(plan.unchanged),
                "reissued": len(plan.reissue),
            }
            outbox.add(
                session,
                events.MEMBERS_IMPORTED,
                {"tenant_id": str(tenant.id), **counts},
                aggregate_id=tenant.id,
                now=now,
            )
            return {"tenant_id": tenant.id, **counts, "credentials": credentials}

    def _checked_plan(self, store, tenant, parsed, *, reissue):
        """The import plan of a parsed file against the tenant's register (``plan.units``: unit
        code → (id, status)) and the user name of each new member; ``InvalidInput`` naming the row
        and column of every unit that is not the tenant's and every user name already taken.

        A unit administrator's file stays in its branch: every row names a unit of it (``units``
        holds no other code), and a member number registered in another unit of the tenant is
        refused on its row, as the unit code of a unit outside the branch is."""
        units = store.unit_codes(tenant.id)
        existing = store.existing(tenant.id, [r.number for r in parsed.rows])
        branch = store.branch_unit_ids()
        if branch is not None:
            _check_branch_rows(parsed, existing, branch, units)
        plan = rules.plan_members(parsed, existing, units, reissue=reissue)
        plan.units = units
        usernames = {row.number: rules.member_username(row.number, tenant.slug) for row in plan.create}
        taken = store.usernames_taken(usernames.values())
        if taken:
            errors = rules.ImportErrors()
            for row in plan.create:
                if usernames[row.number] in taken:
                    errors.add(
                        row.row,
                        parsed.names["member_number"],
                        f"Tên đăng nhập «{usernames[row.number]}» của số thẻ này đã thuộc một tài khoản khác.",
                    )
            errors.raise_if_any()
        return plan, usernames

    def list_members(self, actor, args):
        """One page of a tenant's register (tenant admins: their own; platform admins: any)."""
        args = load(api.MemberListArgs, args or {})
        with self.sessions.read() as session:
            tenant_id = policy.acting_tenant(actor, args.pop("tenant_id", None))
            policy.require_branch_admin_of(actor, tenant_id)
            TenantStore(session, actor).get(tenant_id)
            items, total = MemberStore(session, actor).list(tenant_id=tenant_id, **args)
            return [_member_row(m, username, status) for m, username, status in items], total, args

    def count_members(self, actor, tenant_ids):
        """Members (role ``member``, not deactivated) per tenant id, for participation rates."""
        if not isinstance(tenant_ids, list | tuple) or len(tenant_ids) > 10000:
            raise InvalidInput.field("tenant_ids", "Cần một danh sách mã đơn vị (tối đa 10000).")
        try:
            ids = {uuid.UUID(str(t)) for t in tenant_ids}
        except (ValueError, TypeError, AttributeError):
            raise InvalidInput.field("tenant_ids", "Mã đơn vị không hợp lệ.") from None
        for tenant_id in ids:
            policy.require_may_count_members(actor, tenant_id)
        with self.sessions.read() as session:
            counts = MemberStore(session, actor).count_by_tenant(ids)
        return {str(tenant_id): n for tenant_id, n in counts.items()}

    def get_member(self, actor, member_id):
        """One register row of the actor's tenant (tenant admins; platform admins: any)."""
        with self.sessions.read() as session:
            member, username, status = MemberStore(session, actor).get(member_id)
            policy.require_branch_admin_of(actor, member.tenant_id)
            return _member_row(member, username, status)

    def update_member(self, actor, member_id, data):
        """Edit a register row; the member's account follows (name, unit, phone, e-mail). The
        member number never changes. Deactivating is ``update_user`` (it ends the sessions)."""
        data = load(api.MemberUpdate, data or {})
        now = self.clock.now()
        with self.sessions.transaction() as session:
            store = MemberStore(session, actor)
            member, username, status = store.get(member_id, for_update=True)
            policy.require_branch_admin_of(actor, member.tenant_id)
            fields = ("full_name", "birth_date", "gender", "phone", "email", "unit_id", "joined_on")
            values = {f: data.get(f, getattr(member, f)) for f in fields}
            values = rules.check_member_fields(values, today=now.astimezone(VN_TZ).date())
            if values["unit_id"] is None and store.branch_root() is not None:
                raise InvalidInput.field("unit_id", "Chọn đơn vị của đoàn viên trong nhánh đơn vị bạn quản trị.")
            if "unit_id" in data and data["unit_id"] is not None and data["unit_id"] != member.unit_id:
                try:
                    unit = UnitStore(session, actor).get(data["unit_id"], tenant_id=member.tenant_id)
                except NotFound:
                    raise InvalidInput.field(
                        "unit_id", "Đơn vị này không thuộc đơn vị của bạn; hãy chọn trong danh sách."
                    ) from None
                if unit.status != "active":
                    raise InvalidInput.field("unit_id", "Đơn vị này đã ngừng hoạt động; hãy chọn đơn vị khác.")
            for name, value in values.items():
                setattr(member, name, value)
            member.updated_at = now
            user = SystemStore(session).user(member.user_id)
            account = {"full_name": values["full_name"], "unit_id": values["unit_id"]}
            account.update(phone=values["phone"], email=values["email"] or "")
            changed = [k for k, v in account.items() if getattr(user, k) != v]
            for name, value in account.items():
                setattr(user, name, value)
            self._user_updated(session, user, changed, now)
            session.flush()
            return _member_row(member, username, status)

    def summarize_members(self, actor, tenant_id=None):
        """A tenant's register at a glance: members by account status, open import jobs."""
        with self.sessions.read() as session:
            tenant_id = policy.acting_tenant(actor, tenant_id)
            policy.require_branch_admin_of(actor, tenant_id)
            TenantStore(session, actor).get(tenant_id)
            counts = MemberStore(session, actor).status_counts(tenant_id)
            open_jobs, total = MemberImportStore(session, actor).list(
                tenant_id=tenant_id, page=1, per_page=1, state="open"
            )
        return {
            "tenant_id": tenant_id,
            "registered": sum(counts.values()),
            "activated": counts.get("active", 0),
            "invited": counts.get("invited", 0),
            "deactivated": counts.get("deactivated", 0),
            "open_imports": total,
            "running_import_id": open_jobs[0].id if open_jobs else None,
        }


def _check_branch_rows(parsed, existing, branch, units):
    """A unit administrator's file: every row names a unit of its branch (``units`` has no other
    code) and no number belongs to a member registered outside the branch — every such row named
    at once, with the file's unknown units."""
    errors = rules.ImportErrors()
    column = parsed.names.get("unit_code")
    if column is None:
        errors.add(
            1,
            rules.LABELS["unit_code"],
            f"Thiếu cột «{rules.LABELS['unit_code']}»: mỗi đoàn viên bạn nhập phải thuộc một đơn vị "
            "trong nhánh bạn quản trị.",
        )
        errors.raise_if_any()
    for row in parsed.rows:
        current = existing.get(row.number)
        if not row.unit_code:
            errors.add(row.row, column, "Cần mã một đơn vị trong nhánh đơn vị bạn quản trị.")
        if current is not None and current.unit_id not in branch:
            errors.add(
                row.row,
                parsed.names["member_number"],
                f"Số thẻ «{row.number}» là của một đoàn viên ngoài nhánh đơn vị bạn quản trị; "
                "liên hệ quản trị viên của Liên đoàn.",
            )
    try:
        rules.resolve_units(parsed, units)
    except InvalidInput as exc:
        errors.items += exc.details["errors"]
    errors.items.sort(key=lambda e: e["row"])
    errors.raise_if_any()


def new_member_rows(tenant_id, user_id, unit_id, username, row, now):
    """``(user, role, register row)`` of a new member (dicts for the bulk insert)."""
    user = {
        "id": user_id,
        "tenant_id": tenant_id,
        "unit_id": unit_id,
        "username": username,
        "email": row.email or "",
        "full_name": row.full_name,
        "phone": row.phone,
        "status": "invited",
        "password_hash": None,
        "created_at": now,
    }
    role = {"user_id": user_id, "role": "member", "tenant_id": tenant_id}
    member = {
        "id": uuid.uuid4(),
        "tenant_id": tenant_id,
        "user_id": user_id,
        "number": row.number,
        "full_name": row.full_name,
        "birth_date": row.birth_date,
        "gender": row.gender,
        "phone": row.phone,
        "email": row.email,
        "unit_id": unit_id,
        "joined_on": row.joined_on,
        "created_at": now,
        "updated_at": now,
    }
    return user, role, member


def update_rows(updates, carried, now):
    """``(register updates, account updates)`` of planned changes (``[(ExistingMember, changes)]``).

    Every changed member gets every field the file carries (same keys in each row, so the store
    writes them in one statement per table); the account mirrors the register: name, unit, contact.
    """
    account_fields = [f for f in ("full_name", "unit_id", "phone", "email") if f in carried]
    member_updates, user_updates = [], []
    for current, changes in updates:
        wanted = {f: changes.get(f, getattr(current, f)) for f in carried}
        member_updates.append({"id": current.id, **wanted, "updated_at": now})
        account = {f: wanted[f] for f in account_fields}
        if "email" in account:
            account["email"] = account["email"] or ""
        if account:
            user_updates.append({"id": current.user_id, **account})
    return member_updates, user_updates


def _member_row(member, username, status):
    """A register row as ``MemberRead`` shows it: the member, its account's user name and status."""
    row = {c: getattr(member, c) for c in ("id", "tenant_id", "user_id", "full_name", "birth_date", "gender")}
    row.update({c: getattr(member, c) for c in ("phone", "email", "unit_id", "joined_on", "created_at", "updated_at")})
    return {**row, "member_number": member.number, "username": username, "status": status}
