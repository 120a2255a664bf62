"""AccountsService: the nameko boundary of the accounts service. Thin on purpose.

Every RPC takes ``actor`` (a dict from a verified token, or the anonymous actor
for sign-in) first, hands it to one use case in ``operations`` and returns a
schema dump — never an ORM row. Errors are the shared ``platform_shared.errors``
classes and reach the caller as themselves.
"""

from accounts.dependencies import AccountsApp
from platform_shared import transport
from platform_shared.actor import Actor
from platform_shared.dependencies import Database
from platform_shared.operations import ServiceOperations
from platform_shared.rpc import rpc
from platform_shared.schemas import accounts as api
from platform_shared.timers import Wake, every
from platform_shared.views import page

_tenant, _unit, _user, _staff = api.TenantRead(), api.UnitRead(), api.UserRead(), api.StaffRead()
_jwks, _tokens, _logout, _me, _member = api.Jwks(), api.TokenPair(), api.LogoutResult(), api.Me(), api.MemberRead()
_job, _file = api.MemberImportJobRead(), api.MemberFile()


def _page(schema, result):
    items, total, args = result
    return page(schema.dump(items, many=True), total, args)


class AccountsService(ServiceOperations):
    name = "accounts"

    db = Database()
    app = AccountsApp()
    # A started import job is applied at once; the timer itself only needs to come by now and then
    # (a job left half done by a restart, expired sheets): an idle tick every second was a worker,
    # an advisory lock and ~6 statements (issue 18 profile item 6; 5 % of the service's samples
    # under /me load).
    wake_imports = Wake("apply_member_imports")

    # -- auth --------------------------------------------------------------------

    @rpc(expected_exceptions=transport.EXPECTED)
    def get_jwks(self, actor):
        """Public keys that verify access tokens (the gateway caches them)."""
        return _jwks.dump(self.app.jwks())

    @rpc(expected_exceptions=transport.EXPECTED)
    def login(self, actor, username, password, client_address=None):
        """Token pair for valid credentials. Raises Unauthorized, Forbidden, RateLimited."""
        return _tokens.dump(self.app.login(Actor.load(actor), username, password, client_address))

    @rpc(expected_exceptions=transport.EXPECTED)
    def refresh(self, actor, refresh_token):
        """Rotate a refresh token. Raises Unauthorized (and revokes the family on reuse)."""
        return _tokens.dump(self.app.refresh(Actor.load(actor), refresh_token))

    @rpc(expected_exceptions=transport.EXPECTED)
    def logout(self, actor, refresh_token):
        """Revoke a refresh token and its family."""
        return _logout.dump(self.app.logout(Actor.load(actor), refresh_token))

    @rpc(expected_exceptions=transport.EXPECTED)
    def activate(self, actor, token, password):
        """First password with a one-time token. Raises BadRequest, InvalidInput."""
        return _user.dump(self.app.activate(Actor.load(actor), token, password))

    @rpc(expected_exceptions=transport.EXPECTED)
    def change_password(self, actor, current_password, new_password, refresh_token=None, client_address=None):
        """The signed-in user's new password; every session of theirs ends (new session version,
        ``accounts.user_sessions_revoked``, every refresh token revoked) and a new token pair for
        the caller comes back. ``refresh_token``: the caller's own, whose sign-in time the new
        session keeps. Raises Unauthorized (anonymous), Forbidden (system actor, deactivated),
        InvalidInput (``current_password`` wrong — counted like a failed sign-in —, ``new_password``
        weak or unchanged), RateLimited, Conflict (changed meanwhile elsewhere)."""
        return _tokens.dump(
            self.app.change_password(Actor.load(actor), current_password, new_password, refresh_token, client_address)
        )

    @rpc(expected_exceptions=transport.EXPECTED)
    def list_session_revocations(self, actor, since):
        """Sessions ended since ``since`` (ISO 8601): ``{as_of, users: [{user_id, tenant_id,
        session_version, revoked_at}], tenants: [{tenant_id, revoked_at}]}``.

        The gateway's catch-up, as the system actor (Forbidden for anyone else); InvalidInput
        for a ``since`` without an offset. A plain mapping: an internal RPC, not an API shape.
        """
        return self.app.list_session_revocations(Actor.load(actor), since)

    @rpc(expected_exceptions=transport.EXPECTED)
    def get_me(self, actor):
        """The signed-in user and their tenant."""
        user, tenant = self.app.me(Actor.load(actor))
        return _me.dump({"user": user, "tenant": tenant})

    # -- tenants -----------------------------------------------------------------

    @rpc(expected_exceptions=transport.EXPECTED)
    def create_tenant(self, actor, data):
        """Platform admins create a member organisation. Raises InvalidInput, Conflict, Forbidden."""
        return _tenant.dump(self.app.create_tenant(Actor.load(actor), data))

    @rpc(expected_exceptions=transport.EXPECTED)
    def update_tenant(self, actor, tenant_id, data):
        """Rename (tenant admins), re-parent, re-slug, suspend (platform admins)."""
        return _tenant.dump(self.app.update_tenant(Actor.load(actor), tenant_id, data))

    @rpc(expected_exceptions=transport.EXPECTED)
    def get_tenant(self, actor, tenant_id):
        """One tenant the actor may see; NotFound otherwise."""
        return _tenant.dump(self.app.get_tenant(Actor.load(actor), tenant_id))

    @rpc(expected_exceptions=transport.EXPECTED)
    def list_tenants(self, actor, args=None):
        """Tenants the actor may see (all for platform admins), paginated."""
        return _page(_tenant, self.app.list_tenants(Actor.load(actor), args))

    @rpc(expected_exceptions=transport.EXPECTED)
    def import_tenants(self, actor, csv_text, options=None):
        """CSV of registered units → tenants + administrators with activation tokens.

        ``options['dry_run']``: only check the file (``planned``: what it would create); nothing
        is written and no token issued. Raises InvalidInput (``IMPORT_INVALID``: every problem by
        row and column), Forbidden (platform admins only)."""
        result = self.app.import_tenants(Actor.load(actor), csv_text, options)
        return api.ImportResult().dump(result)

    @rpc(expected_exceptions=transport.EXPECTED)
    def preview_merge(self, actor, tenant_id, data):
        """What merging ``tenant_id`` into ``data['into']`` would move (counts of users, units,
        staff, members; the child tenants), after the merge's own checks — the workspace's
        confirmation page. Read-only. Raises as ``merge_tenant``: InvalidInput (``into``),
        Conflict (already merged, member numbers in both), NotFound, Forbidden."""
        return api.MergePreview().dump(self.app.preview_merge(Actor.load(actor), tenant_id, data))

    @rpc(expected_exceptions=transport.EXPECTED)
    def merge_tenant(self, actor, tenant_id, data):
        """Merge ``tenant_id`` into ``data['into']``; publishes accounts.tenant_merged."""
        return _tenant.dump(self.app.merge_tenant(Actor.load(actor), tenant_id, data))

    # -- units -------------------------------------------------------------------

    @rpc(expected_exceptions=transport.EXPECTED)
    def create_unit(self, actor, data):
        return _unit.dump(self.app.create_unit(Actor.load(actor), data))

    @rpc(expected_exceptions=transport.EXPECTED)
    def update_unit(self, actor, unit_id, data):
        """Rename, re-code, move (with its whole branch) or archive a unit."""
        return _unit.dump(self.app.update_unit(Actor.load(actor), unit_id, data))

    @rpc(expected_exceptions=transport.EXPECTED)
    def get_unit(self, actor, unit_id):
        return _unit.dump(self.app.get_unit(Actor.load(actor), unit_id))

    @rpc(expected_exceptions=transport.EXPECTED)
    def list_units(self, actor, args=None):
        """Units of the actor's tenant (a subtree with ``root_id``), in tree order."""
        return _page(_unit, self.app.list_units(Actor.load(actor), args))

    @rpc(expected_exceptions=transport.EXPECTED)
    def import_unit_admins(self, actor, upload, options=None):
        """A registrations file (``MemberFileUpload``: CSV UTF-8 or XLSX; columns unit_code,
        full_name, email, phone, roles) → invited accounts holding ``unit_admin`` bound to each
        row's unit, with one-time activation tokens (``UnitAdminImportResult``); all or nothing.
        ``options``: ``dry_run`` (check only, nothing written), ``tenant_id`` (platform admins).
        Callers: the API and the workspace's page. Raises InvalidInput (``IMPORT_INVALID``: every
        row and column), Forbidden (not an administrator), NotFound (another tenant), Conflict."""
        return api.UnitAdminImportResult().dump(self.app.import_unit_admins(Actor.load(actor), upload, options))

    # -- users -------------------------------------------------------------------

    @rpc(expected_exceptions=transport.EXPECTED)
    def invite_user(self, actor, data):
        """An invited account and its one-time activation token."""
        return api.Invitation().dump(self.app.invite_user(Actor.load(actor), data))

    @rpc(expected_exceptions=transport.EXPECTED)
    def reissue_activation(self, actor, user_id):
        return api.Invitation().dump(self.app.reissue_activation(Actor.load(actor), user_id))

    @rpc(expected_exceptions=transport.EXPECTED)
    def update_user(self, actor, user_id, data):
        """Roles, unit, name, phone; new roles or ``status: deactivated`` end every session
        (``accounts.user_sessions_revoked``)."""
        return _user.dump(self.app.update_user(Actor.load(actor), user_id, data))

    @rpc(expected_exceptions=transport.EXPECTED)
    def get_user(self, actor, user_id):
        return _user.dump(self.app.get_user(Actor.load(actor), user_id))

    @rpc(expected_exceptions=transport.EXPECTED)
    def list_colleagues(self, actor, args=None):
        """``[Colleague]``: active people of the actor's own tenant, by name. ``group``: ``writers``
        (contributor, editor, tenant admin — the co-authors a writer may name; the default) or
        ``answerers`` (responder, tenant admin — whom a question may be assigned to; asked by the
        tenant's responders and administrators). Callers: the workspace's article form and
        question pages. Raises Unauthorized, Forbidden (``WRITER_REQUIRED``,
        ``ANSWERER_REQUIRED``), InvalidInput (an unknown group)."""
        roles, users = self.app.list_colleagues(Actor.load(actor), args)
        return api.Colleague(many=True).dump(
            [{"id": u.id, "full_name": u.full_name, "roles": [r for r in u.roles if r in roles]} for u in users]
        )

    @rpc(expected_exceptions=transport.EXPECTED)
    def list_users(self, actor, args=None):
        return _page(_user, self.app.list_users(Actor.load(actor), args))

    # -- staff -------------------------------------------------------------------

    @rpc(expected_exceptions=transport.EXPECTED)
    def create_staff(self, actor, data):
        return _staff.dump(self.app.create_staff(Actor.load(actor), data))

    @rpc(expected_exceptions=transport.EXPECTED)
    def update_staff(self, actor, staff_id, data):
        return _staff.dump(self.app.update_staff(Actor.load(actor), staff_id, data))

    @rpc(expected_exceptions=transport.EXPECTED)
    def get_staff(self, actor, staff_id):
        return _staff.dump(self.app.get_staff(Actor.load(actor), staff_id))

    @rpc(expected_exceptions=transport.EXPECTED)
    def list_staff(self, actor, args=None):
        return _page(_staff, self.app.list_staff(Actor.load(actor), args))

    # -- members (the member register) ---------------------------------------------

    @rpc(expected_exceptions=transport.EXPECTED)
    def import_members(self, actor, csv_text, options=None):
        """Member CSV → member accounts with one-time activation tokens; all or nothing.

        Tenant admins import into their own tenant, platform admins into ``options['tenant_id']``.
        ``options['reissue']``: new tokens for listed members not yet activated. Publishes
        accounts.members_imported. Raises InvalidInput (row and column of every problem),
        Forbidden, NotFound (another tenant), Conflict (inactive tenant).
        """
        result = self.app.import_members(Actor.load(actor), csv_text, options)
        return api.MemberImportResult().dump(result)

    @rpc(expected_exceptions=transport.EXPECTED)
    def list_members(self, actor, args=None):
        """One page of a tenant's member register, by name; ``q`` searches name and number."""
        return _page(_member, self.app.list_members(Actor.load(actor), args))

    @rpc(expected_exceptions=transport.EXPECTED)
    def count_members(self, actor, tenant_ids):
        """``{tenant_id: members}`` (role member, not deactivated), for poll participation rates.

        Called by polls as the system actor; platform admins for any tenant, tenant admins
        for their own. Raises InvalidInput (bad ids), NotFound (another tenant), Forbidden.
        A mapping by tenant id (no Read schema: an internal RPC, not a shape of the API).
        """
        return self.app.count_members(Actor.load(actor), tenant_ids)

    @rpc(expected_exceptions=transport.EXPECTED)
    def grassroots_coverage(self, actor, tenant_ids, authors=None):
        """``{tenant_id: {grassroots, with_admin, with_members, contributing, members}}``: how far each
        tenant's grassroots unions are reached (``accounts/coverage.py``); ``authors`` ``{tenant_id:
        [user_id]}`` are the people whose items count for it. Called by polls as the system actor;
        platform admins for any tenant, tenant admins for their own. Raises InvalidInput, NotFound,
        Forbidden. A mapping by tenant id (an internal RPC, not a shape of the API)."""
        return self.app.grassroots_coverage(Actor.load(actor), tenant_ids, authors)

    @rpc(expected_exceptions=transport.EXPECTED)
    def get_member(self, actor, member_id):
        """One register row of the actor's tenant. Raises NotFound (another tenant), Forbidden."""
        return _member.dump(self.app.get_member(Actor.load(actor), member_id))

    @rpc(expected_exceptions=transport.EXPECTED)
    def update_member(self, actor, member_id, data):
        """Edit a register row (``MemberUpdate``); the member's account follows (name, unit, phone,
        e-mail). Deactivating is ``update_user``. Raises InvalidInput (field by field), NotFound,
        Forbidden."""
        return _member.dump(self.app.update_member(Actor.load(actor), member_id, data))

    @rpc(expected_exceptions=transport.EXPECTED)
    def summarize_members(self, actor, tenant_id=None):
        """``MemberSummary``: members by account status and open import jobs of a tenant (its admins;
        platform admins name ``tenant_id``). Caller: the workspace's landing card."""
        return api.MemberSummary().dump(self.app.summarize_members(Actor.load(actor), tenant_id))

    # -- member import jobs ------------------------------------------------------------------------

    @rpc(expected_exceptions=transport.EXPECTED)
    def check_member_import(self, actor, upload, options=None):
        """Check a member file (``MemberFileUpload``: CSV UTF-8 or XLSX, base64) without applying
        anything: ``MemberImportCheck`` (rows to create, update...). Raises InvalidInput
        ``IMPORT_INVALID`` (every row and column, or ``file``), Forbidden, NotFound, Conflict."""
        return api.MemberImportCheck().dump(self.app.check_member_import(Actor.load(actor), upload, options))

    @rpc(expected_exceptions=transport.EXPECTED)
    def start_member_import(self, actor, upload, options=None):
        """Check a member file and keep it as a job applied in the background (``MemberImportJobRead``,
        state ``pending``). ``options``: ``tenant_id`` (platform admins), ``reissue``, ``request_key``
        (a repeated submit answers the same job). Raises as ``check_member_import``."""
        job = _job.dump(self.app.start_member_import(Actor.load(actor), upload, options))
        self.wake_imports()  # committed: the timer's worker finds it
        return job

    @rpc(expected_exceptions=transport.EXPECTED)
    def get_member_import(self, actor, job_id):
        """A job with its progress (``done_rows`` of ``total_rows``, ``state``). Raises NotFound, Forbidden."""
        return _job.dump(self.app.get_member_import(Actor.load(actor), job_id))

    @rpc(expected_exceptions=transport.EXPECTED)
    def list_member_imports(self, actor, args=None):
        """A tenant's import jobs, newest first (``state``: a state or ``open``)."""
        return _page(_job, self.app.list_member_imports(Actor.load(actor), args))

    @rpc(expected_exceptions=transport.EXPECTED)
    def export_member_import_sheet(self, actor, job_id, args):
        """The activation codes a finished job issued — ``format`` csv, xlsx or pdf (one slip per
        member), base64 in ``content_b64`` — for the administrator who started it, until the sheet
        expires. Raises Forbidden (someone else), Conflict (not finished, expired), NotFound."""
        return _file.dump(self.app.export_member_import_sheet(Actor.load(actor), job_id, args))

    @rpc(expected_exceptions=transport.EXPECTED)
    def member_import_template(self, actor, fmt):
        """The blank member file (``csv`` or ``xlsx``), base64 in ``content_b64``."""
        return _file.dump(self.app.member_import_template(Actor.load(actor), fmt))

    @every("MEMBER_IMPORT_INTERVAL_SECONDS", 30)
    def apply_member_imports(self):
        """Apply open import jobs a batch per transaction; a job left half done by a restart resumes
        after its last committed batch. Forgets expired activation sheets. A tick that applied
        batches is followed by another at once (a job longer than one tick goes on without
        waiting for the interval)."""
        applied = self.app.apply_member_imports()
        if applied:
            self.wake_imports()
        return applied
