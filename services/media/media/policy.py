"""Who may do what with media, in one place.

The media library (every asset, its metadata, its full-size original, presigned
URLs) is for the staff of the owning tenant. Anyone else — a member, an anonymous
reader — sees only what publication made public: the public renditions of an asset
a published article uses. For them an unpublished asset does not exist (404, never
403: no existence oracle). A platform administrator (and the system) sees every
tenant's library.

=================  =====================  ==================================  ====================
action             staff of the tenant    member of the tenant                another tenant
=================  =====================  ==================================  ====================
list               its library            403                                 its own library only
metadata           yes                    published: public renditions only;  404
                                          otherwise 404
bytes              every rendition        public renditions of published      the same as a member
                                          assets; otherwise 404
upload             ``UPLOADERS``          403                                 (its own tenant)
describe (PATCH)   uploader or EDITORS    published: 403; otherwise 404       404
=================  =====================  ==================================  ====================

Anonymous: 401 everywhere but the bytes, where it is the same as a member.
"""

from sqlalchemy import and_, select

from media.models import Asset, AssetReference
from platform_shared.errors import Forbidden
from platform_shared.policy import own_tenant_rows, require_any_role, require_signed_in

# Everyone who works on the tenant's publications or its money: every tenant role but
# ``member``. Moderators and responders attach and look up photos; royalty officers
# read the credits they pay.
STAFF = ("tenant_admin", "editor", "contributor", "moderator", "responder", "royalty_officer", "platform_admin")
UPLOADERS = ("contributor", "editor", "tenant_admin", "platform_admin")
EDITORS = ("editor", "tenant_admin", "platform_admin")
# What a published asset shows to everyone: never the full-resolution photo.
PUBLIC_RENDITIONS = {"image": ("medium", "thumb"), "video": ("original",), "document": ("original",)}


def is_staff(actor):
    """Works with the library of its tenant (the system actor too)."""
    return actor is not None and actor.authenticated and actor.has(*STAFF)


def require_library_reader(actor):
    """Listing the library is for staff; a member is told so (the list is not an object: no leak)."""
    require_any_role(actor, STAFF, "Thư viện tệp chỉ dành cho cán bộ, biên tập viên và quản trị viên của đơn vị.")


def require_uploader(actor):
    require_any_role(actor, UPLOADERS, "Chỉ cộng tác viên, biên tập viên hoặc quản trị viên được tải tệp lên.")


def published_assets():
    """SQL filter: assets an active reference publishes (the rows ``Asset.public`` says True for)."""
    published = select(AssetReference.asset_id).where(
        AssetReference.released_at.is_(None), AssetReference.published.is_(True)
    )
    return Asset.id.in_(published)


def visible_assets(actor):
    """SQL filter: the assets ``actor`` may know exist — the tenant's library for staff,
    the tenant's published assets for anyone else signed in to it."""
    scope = own_tenant_rows(actor, Asset)
    return scope if is_staff(actor) else and_(scope, published_assets())


def require_may_edit(actor, asset):
    """The uploader (still staff), or an editor or administrator of the asset's tenant."""
    require_signed_in(actor)
    if actor.system or actor.is_platform_admin or actor.has(*EDITORS):
        return
    if is_staff(actor) and asset.uploaded_by is not None and str(asset.uploaded_by) == actor.user_id:
        return
    raise Forbidden("Chỉ người tải lên hoặc biên tập viên của đơn vị được sửa thông tin tệp.", code="NOT_ALLOWED")


def may_read_privately(actor, asset):
    """Staff of the owning tenant (and platform admins) read every rendition."""
    if not is_staff(actor):
        return False
    return actor.is_platform_admin or actor.tenant_id == str(asset.tenant_id)


def may_attach(actor, asset):
    """Another service may attach the asset for ``actor``: staff of its tenant, or it is public."""
    return asset.public or may_read_privately(actor, asset)


def publicly_readable(asset, rendition):
    return asset.public and rendition in PUBLIC_RENDITIONS.get(asset.kind, ())
