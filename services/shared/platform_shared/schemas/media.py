"""Request and response shapes of the media API (``/media``)."""

from marshmallow import fields, validate

from platform_shared.schemas import PageArgs, Schema, StrictSchema, length, one_of
from platform_shared.schemas import Storable as _Storable
from platform_shared.schemas import Text as _Text

KINDS = ("image", "video", "document")
RENDITION_NAMES = ("original", "medium", "thumb")


class Text(_Storable, _Text):
    """Text a person writes: NFC, blanks trimmed, no control characters."""


class Token(_Storable, fields.String):
    """A short string taken as typed (a reference kind or id): no control characters."""


class AssetMetadata(StrictSchema):
    """What a person may say about an asset; every field optional in a PATCH."""

    caption = Text(allow_none=True, validate=length(1, 2000))
    alt_text = Text(allow_none=True, validate=length(1, 500))
    credit_user_id = fields.UUID(allow_none=True, metadata={"description": "the photographer's user id (royalties)"})
    credit_name = Text(allow_none=True, validate=length(2, 200), metadata={"description": "display name / bút danh"})
    source = Text(allow_none=True, validate=length(1, 300))
    rights = Text(allow_none=True, validate=length(1, 300))


class UploadForm(Schema):
    """Documentation of the multipart upload; the gateway streams it."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
    caption = fields.String()
    alt_text = fields.String()
    credit_user_id = fields.String()
    credit_name = fields.String()
    source = fields.String()
    rights = fields.String()


class Rendition(Schema):
    size = fields.Integer(required=True)
    content_type = fields.String(required=True)
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    url = fields.String(metadata={"description": "short-lived presigned URL"})
    public_url = fields.String(allow_none=True, metadata={"description": "cacheable URL once published"})


class AssetRead(Schema):
    id = fields.UUID(required=True)
    tenant_id = fields.UUID(required=True)
    kind = fields.String(required=True)
    format = fields.String(required=True)
    content_type = fields.String(required=True)
    filename = fields.String(allow_none=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    caption = fields.String(allow_none=True)
    alt_text = fields.String(allow_none=True)
    credit_user_id = fields.UUID(allow_none=True)
    credit_name = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    rights = fields.String(allow_none=True)
    status = fields.String(required=True)
    public = fields.Boolean(required=True)
    referenced = fields.Boolean(required=True)
    uploaded_by = fields.UUID(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    renditions = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(Rendition),
        required=True,
        metadata={
            "description": "the renditions that exist now; a photo's medium and thumb come shortly after the upload"
        },
    )
    rendition_status = fields.String(
        metadata={
            "description": "pending: the media worker is making the photo's renditions (show the original meanwhile); "
            "ready; failed: the original stands in for them"
        }
    )
    renditions_pending = fields.List(
        fields.String(), metadata={"description": "names of the renditions still to come (empty once ready)"}
    )
    duplicate = fields.Boolean(metadata={"description": "true when this upload matched an existing asset"})


class PublicAssetRead(Schema):
    """A published asset as anyone sees it (the portal's photos): its description and the URLs of
    its public renditions, nothing of who uploaded it or of its private renditions."""

    id = fields.UUID(required=True)
    kind = fields.String(required=True)
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    caption = fields.String(allow_none=True)
    alt_text = fields.String(allow_none=True)
    credit_name = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    rights = fields.String(allow_none=True)
    renditions = fields.Dict(keys=fields.String(), values=fields.Nested(Rendition), required=True)


class AssetUse(Schema):
    """Whether one asset may be attached (RPC ``check_assets``, for content)."""

    id = fields.String(required=True)
    usable = fields.Boolean(required=True)
    reason = fields.String(allow_none=True, metadata={"description": "not_found when not usable"})
    kind = fields.String()
    tenant_id = fields.String()
    credit_user_id = fields.String(allow_none=True)
    credit_name = fields.String(allow_none=True)
    content_type = fields.String()


class AssetCheckRead(Schema):
    all_usable = fields.Boolean(required=True)
    assets = fields.List(fields.Nested(AssetUse), required=True)


class AssetListArgs(PageArgs):
    kind = fields.String(validate=one_of(KINDS))
    referenced = fields.Boolean()
    q = Text(validate=length(1, 100))


class ContentArgs(StrictSchema):
    rendition = fields.String(load_default="original", validate=one_of(RENDITION_NAMES))
    expires = fields.Integer()
    signature = Token(validate=validate.Length(max=128))


class Reference(StrictSchema):
    """Something that uses assets (``mark_referenced`` / ``release``): an article, a document..."""

    kind = Token(required=True, validate=[length(2, 32), validate.Regexp(r"^[a-z_]+$")])
    id = Token(required=True, validate=length(1, 64))
    published = fields.Boolean(load_default=False)
    reviewer_tenant_id = fields.UUID(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "the tenant whose desk reviews the item (a central section's desk, once the item "
            "is submitted); its editors read the assets while the reference is active. None: no other desk"
        },
    )
