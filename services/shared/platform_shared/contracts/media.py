"""Events published by the media service (exchange ``media.events``)."""

from marshmallow import fields

from platform_shared.contracts import EventSchema

ASSET_STORED = "media.asset_stored"
ASSET_REMOVED = "media.asset_removed"


class AssetStored(EventSchema):
    """A new asset is stored (its original; a photo's other renditions are made by the media
    service's own handler of this event). Royalties keep ``credit_*`` to pay photographers."""

    asset_id = fields.String(required=True)
    tenant_id = fields.String(required=True)
    kind = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    width = fields.Integer(allow_none=True, load_default=None)
    height = fields.Integer(allow_none=True, load_default=None)
    credit_user_id = fields.String(allow_none=True, load_default=None)
    credit_name = fields.String(allow_none=True, load_default=None)
    uploaded_by = fields.String(allow_none=True, load_default=None)


class AssetRemoved(EventSchema):
    """An asset left the library (``reason``: e.g. ``unreferenced``); its files follow after a grace period."""

    asset_id = fields.String(required=True)
    tenant_id = fields.String(required=True)
    reason = fields.String(required=True)


SCHEMAS = {ASSET_STORED: AssetStored, ASSET_REMOVED: AssetRemoved}
