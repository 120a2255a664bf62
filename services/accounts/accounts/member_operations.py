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
from accounts.passwords import digest, new_secret
from accounts.store import MemberStore, TenantStore
from platform_shared import outbox
from platform_shared.clock import VN_TZ
from platform_shared.contracts import accounts as events
from platform_shared.errors import InvalidInput
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
            tenant = self._admin_tenant(session, actor, options["tenant_id"])
            if not isinstance(csv_text, str):
                raise InvalidInput.field("file", "Tệp nhập phải là văn bản CSV UTF-8.", code="IMPORT_INVALID")
            parsed = rules.parse_member_csv(
                csv_text, max_rows=self.settings.member_import_max_rows, today=now.astimezone(VN_TZ).date()
            )
            store = MemberStore(session, actor)
            units = store.unit_codes(tenant.id)
            existing = store.existing(tenant.id, [r.number for r in parsed.rows])
            plan = rules.plan_members(parsed, existing, units, reissue=options["reissue"])

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
                user_id, unit_id = uuid.uuid4(), rules.unit_id_of(row, units)
                users.append(
                    {
                        "id": user_id,
                        "tenant_id": tenant.id,
                        "unit_id": unit_id,
                        "username": usernames[row.number],
                        "email": row.email or "",
                        "full_name": row.full_name,
                        "phone": row.phone,
                        "status": "invited",
                        "password_hash": None,
                        "created_at": now,
                    }
                )
                roles.append({"user_id": user_id, "role": "member", "tenant_id": tenant.id})
                register.append(
                    {
                        "id": uuid.uuid4(),
                        "tenant_id": tenant.id,
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
                )
                token_for(user_id, row.number, row.full_name, usernames[row.number])
            store.insert_many(users, roles, register, tokens)

            # Every changed member gets every field the file carries (same keys in each row,
            # so the store can write them in one statement per table).
            carried = rules.carried_fields(parsed.names)
            account_fields = [f for f in ("full_name", "unit_id", "phone", "email") if f in carried]
            member_updates, user_updates = [], []
            for current, changes in plan.update:
                wanted = {f: changes.get(f, getattr(current, f)) for f in carried}
                member_updates.append({"id": current.id, **wanted, "updated_at": now})
                # The account mirrors the register: name, unit, contact.
                account = {f: wanted[f] for f in account_fields}
                if "email" in account:
                    account["email"] = account["email"] or ""
                if account:
                    user_updates.append({"id": current.user_id, **account})
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

    def list_members(self, actor, args):
        """One page of a tenant's register (tenant admins: their own; platform admins: any)."""
        args = load(api.MemberListArgs, args or {})
        with self.sessions.read() as session:
            tenant_id = policy.acting_tenant(actor, args.pop("tenant_id", None))
            policy.require_admin_of(actor, tenant_id)
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


def _member_row(member, username, status):
    """A register row as ``MemberRead`` shows it: the member, its account's user name and status."""
    row = {c: getattr(member, c) for c in ("id", "tenant_id", "user_id", "full_name", "birth_date", "gender")}
    row.update({c: getattr(member, c) for c in ("phone", "email", "unit_id", "joined_on", "created_at", "updated_at")})
    return {**row, "member_number": member.number, "username": username, "status": status}
