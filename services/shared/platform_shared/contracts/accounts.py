"""Events published by the accounts service (exchange ``accounts.events``)."""

from marshmallow import fields

from platform_shared.contracts import EventSchema

TENANT_CREATED = "accounts.tenant_created"
TENANT_UPDATED = "accounts.tenant_updated"
TENANT_MERGED = "accounts.tenant_merged"
USER_CREATED = "accounts.user_created"
USER_DEACTIVATED = "accounts.user_deactivated"
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
    MEMBERS_IMPORTED: MembersImported,
}
