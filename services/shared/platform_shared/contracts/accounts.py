"""Events published by the accounts service (exchange ``accounts.events``)."""

from marshmallow import fields

from platform_shared.contracts import EventSchema

TENANT_CREATED = "accounts.tenant_created"
TENANT_UPDATED = "accounts.tenant_updated"
TENANT_MERGED = "accounts.tenant_merged"
USER_CREATED = "accounts.user_created"
USER_DEACTIVATED = "accounts.user_deactivated"
USER_UPDATED = "accounts.user_updated"
USER_SESSIONS_REVOKED = "accounts.user_sessions_revoked"
TENANT_SESSIONS_REVOKED = "accounts.tenant_sessions_revoked"
MEMBERS_IMPORTED = "accounts.members_imported"

SCHEMA_VERSION = 1


class TenantCreated(EventSchema):
    """A member organisation exists. Consumers keep a copy (name, kind, parent) for display."""

    tenant_id = fields.String(required=True)
    code = fields.String(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    parent_id = fields.String(allow_none=True, load_default=None)
    status = fields.String(
        load_default="active", metadata={"description": "active (a new tenant); suspended, merged in updates"}
    )


class TenantUpdated(TenantCreated):
    """Name, slug, parent or status of a tenant changed (re-parenting, renaming, suspension)."""

    status = fields.String(required=True)


class TenantMerged(EventSchema):
    """``tenant_id`` was merged into ``into_tenant_id``; its users and units moved there.

    Consumers move *open* work to the surviving tenant and keep history as it was.
    """

    tenant_id = fields.String(required=True)
    into_tenant_id = fields.String(required=True)
    merged_at = fields.String(required=True)
    moved_users = fields.Integer(
        load_default=None, allow_none=True, metadata={"description": "users moved to the surviving tenant"}
    )


class UserCreated(EventSchema):
    user_id = fields.String(required=True)
    tenant_id = fields.String(required=True)
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    status = fields.String(required=True)


class UserDeactivated(EventSchema):
    user_id = fields.String(required=True)
    tenant_id = fields.String(required=True)
    deactivated_at = fields.String(required=True)


class UserUpdated(EventSchema):
    """What an account shows of itself changed (``UserRead``: name, phone, e-mail, unit, roles,
    status, the last sign-in), named in ``changed``. Carries no values: a consumer that keeps a
    copy asks ``accounts.get_user``. The gateway drops its cached ``GET /me`` of ``user_id``.

    Published by ``update_user`` and ``update_member`` when the account changed (a deactivation
    also publishes ``user_deactivated``, new roles ``user_sessions_revoked``) and by a sign-in
    (``changed: ["last_login_at"]``). A member import changes accounts in bulk and publishes
    ``members_imported`` once instead.
    """

    user_id = fields.String(required=True)
    tenant_id = fields.String(required=True)
    changed = fields.List(fields.String(), required=True)


class UserSessionsRevoked(EventSchema):
    """Every session of ``user_id`` ended: access tokens whose ``sv`` claim is below
    ``session_version`` are no longer accepted (the gateway keeps the minimum per user).

    ``reason``: ``deactivated`` (refresh tokens revoked too), ``roles_changed`` (the next
    refresh issues a token with the new roles and version) or ``password_changed`` (refresh
    tokens revoked too; the person who changed it holds a new pair).
    """

    user_id = fields.String(required=True)
    tenant_id = fields.String(required=True)
    session_version = fields.Integer(required=True)
    reason = fields.String(required=True)
    revoked_at = fields.String(required=True)


class TenantSessionsRevoked(EventSchema):
    """Every session naming ``tenant_id`` ended: access tokens with that ``tenant_id`` issued
    at or before ``revoked_at`` are no longer accepted.

    ``reason``: ``tenant_merged`` (its people now belong to another tenant; their refresh
    tokens are revoked) or ``tenant_suspended``.
    """

    tenant_id = fields.String(required=True)
    reason = fields.String(required=True)
    revoked_at = fields.String(required=True)


class MembersImported(EventSchema):
    """A member register file was imported into ``tenant_id`` (counts of this import).

    Published once per import (not once per member: a file may hold hundreds of
    thousands); consumers that need the current total ask ``accounts.count_members``.
    """

    tenant_id = fields.String(required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    reissued = fields.Integer(required=True)


SCHEMAS = {
    TENANT_CREATED: TenantCreated,
    TENANT_UPDATED: TenantUpdated,
    TENANT_MERGED: TenantMerged,
    USER_CREATED: UserCreated,
    USER_DEACTIVATED: UserDeactivated,
    USER_UPDATED: UserUpdated,
    USER_SESSIONS_REVOKED: UserSessionsRevoked,
    TENANT_SESSIONS_REVOKED: TenantSessionsRevoked,
    MEMBERS_IMPORTED: MembersImported,
}
