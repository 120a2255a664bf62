"""Use cases of the unit administrators' registrations: a federation's tenant administrator
(or a platform administrator for one, or a unit administrator for the units below its own)
creates the accounts of its grassroots unions' administrators in bulk from a CSV or XLSX file.
Mixed into ``operations.Accounts``; the rules are in ``unit_admins``.

Checked first (``dry_run``: every problem by row and column, nothing written), then applied all
or nothing in one transaction, as the tenant import: one invited account per row, holding
``unit_admin`` bound to the row's unit, and its one-time activation token, which comes back once
in the answer (only its SHA-256 is stored).
"""

import base64
import binascii
import functools

from accounts import unit_admins as rules
from accounts.member_files import file_problem, read_table
from accounts.store import SystemStore, UnitStore
from platform_shared.schemas import accounts as api
from platform_shared.schemas import load


class UnitAdminOperations:
    def import_unit_admins(self, actor, upload, options=None):
        """Registrations file → unit administrators' accounts with activation tokens (all or
        nothing); ``options['dry_run']``: only check and say what it would create."""
        options = load(api.UnitAdminImportArgs, options or {})
        upload = load(api.MemberFileUpload, upload or {})
        try:
            content = base64.b64decode(upload["content_b64"], validate=True)
        except (binascii.Error, ValueError):
            raise file_problem("Tệp gửi lên không đọc được; hãy chọn lại tệp và gửi lại.") from None
        with self.sessions.read() as session:
            self._admin_tenant(session, actor, options["tenant_id"], branch=True)  # who, before reading the file
        read = functools.partial(read_table, is_phone=rules.is_phone_header, nothing=rules.NOTHING)
        header, rows, fmt = self.offload(read, content)
        parsed = rules.parse_admin_table(header, rows)
        filename = (upload["filename"] or f"quan-tri-co-so.{fmt}")[:255]
        if options["dry_run"]:
            with self.sessions.read() as session:
                _, planned = self._planned_admins(session, actor, options["tenant_id"], parsed)
            return _result(filename, fmt, planned, dry_run=True)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenant, planned = self._planned_admins(session, actor, options["tenant_id"], parsed)
            credentials = []
            for row, unit in planned:
                user = self._new_user(
                    session,
                    tenant,
                    username=row.email,
                    email=row.email,
                    full_name=row.full_name,
                    roles=row.roles,
                    now=now,
                    unit_id=unit.id,
                    phone=row.phone,
                )
                secret, expires = self._activation(session, user, now)
                credentials.append(
                    {
                        "row": row.row,
                        "unit_code": unit.code,
                        "unit_name": unit.name,
                        "full_name": row.full_name,
                        "username": user.username,
                        "activation_token": secret,
                        "expires_at": expires,
                    }
                )
            return _result(filename, fmt, planned, dry_run=False, credentials=credentials)

    def _planned_admins(self, session, actor, requested, parsed):
        """``(tenant, [(row, unit)])``: the file's rows with their units, checked against the tenant
        (or the importer's branch) and the accounts there are; ``InvalidInput`` naming every problem."""
        tenant = self._admin_tenant(session, actor, requested, branch=True)
        units = UnitStore(session, actor)
        root = units.branch_root()
        known = {
            u.code: rules.UnitInfo(u.id, u.code, u.name, u.status)
            for u in units.coded(tenant.id, {r.unit_code for r in parsed.rows})
        }
        taken = SystemStore(session).usernames_taken({r.email for r in parsed.rows})
        where = "nhánh đơn vị bạn quản trị" if root is not None else tenant.name
        return tenant, rules.plan_admins(parsed, known, taken, where=where, root_id=root)


def _result(filename, fmt, planned, *, dry_run, credentials=()):
    return {
        "dry_run": dry_run,
        "filename": filename,
        "format": fmt,
        "planned": [
            {
                "row": row.row,
                "unit_id": unit.id,
                "unit_code": unit.code,
                "unit_name": unit.name,
                "full_name": row.full_name,
                "email": row.email,
                "phone": row.phone,
                "roles": list(row.roles),
            }
            for row, unit in planned
        ],
        "created": len(credentials),
        "credentials": list(credentials),
    }
