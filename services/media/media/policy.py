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

The one exception for another tenant: **the desk reviewing an item**. When something that
uses an asset is under a desk's review — content marks an article's reference with the
``reviewer_tenant_id`` of its central section's desk once it is submitted — the editors of
that tenant read the asset while the reference is active (``reviews``): its metadata
(without who uploaded it) and every rendition, the original included (stripped of
EXIF/GPS; a newspaper's desk judges and prints from it). Nothing else: the asset is not in
their library list, they may not describe it (403) or attach it, and once the item lets the
asset go (``release``) it is 404 to them again. Another desk, and any other role, still 404.
"""

import uuid

from sqlalchemy import and_, false, or_, select

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


# -- the reviewing desk -----------------------------------------------------------------------


def _reviewing_tenant(actor):
    """The tenant whose desk ``actor`` reviews for: an editor's own tenant, else None."""
    if actor is None or actor.system or not actor.authenticated or not actor.tenant_id:
        return None
    return actor.tenant_id if "editor" in actor.roles else None


def reviewed_assets(actor):
    """SQL filter: the assets an active reference puts under the review of ``actor``'s desk."""
    tenant = _reviewing_tenant(actor)
    if tenant is None:
        return false()
    under_review = select(AssetReference.asset_id).where(
        AssetReference.released_at.is_(None), AssetReference.reviewer_tenant_id == uuid.UUID(tenant)
    )
    return Asset.id.in_(under_review)


def readable_assets(actor):
    """SQL filter: one asset ``actor`` may read by its id — ``visible_assets`` and those their desk
    reviews (``reviews``). Lists keep to ``visible_assets``."""
    return or_(visible_assets(actor), reviewed_assets(actor))


def reviews(actor, asset):
    """``actor`` is an editor of the desk reviewing something that uses ``asset`` now."""
    tenant = _reviewing_tenant(actor)
    return tenant is not None and any(
        r.reviewer_tenant_id is not None and str(r.reviewer_tenant_id) == tenant for r in asset.active_references
    )


# -- one asset --------------------------------------------------------------------------------


def owns(actor, asset):
    """Staff of the owning tenant (and platform admins, and the system): the library's own people."""
    if not is_staff(actor):
        return False
    return actor.is_platform_admin or actor.tenant_id == str(asset.tenant_id)


def require_may_edit(actor, asset):
    """The uploader (still staff), or an editor or administrator of the asset's tenant (a desk
    reviewing the asset reads it, and may not change it)."""
    require_signed_in(actor)
    if actor.system or actor.is_platform_admin:
        return
    if owns(actor, asset) and actor.has(*EDITORS):
        return
    if owns(actor, asset) and asset.uploaded_by is not None and str(asset.uploaded_by) == actor.user_id:
        return
    raise Forbidden("Chỉ người tải lên hoặc biên tập viên của đơn vị được sửa thông tin tệp.", code="NOT_ALLOWED")


def may_read_privately(actor, asset):
    """Every rendition, by presigned URL or with the actor: staff of the owning tenant (and
    platform admins), and the desk reviewing an item that uses the asset."""
    return owns(actor, asset) or reviews(actor, asset)


def sees_uploader(actor, asset):
    """Who uploaded the asset is the library's business (not a reviewing desk's, nor a reader's)."""
    return owns(actor, asset)


def may_attach(actor, asset):
    """Another service may attach the asset for ``actor``: staff of its tenant, or it is public."""
    return asset.public or owns(actor, asset)


def publicly_readable(asset, rendition):
    return asset.public and rendition in PUBLIC_RENDITIONS.get(asset.kind, ())
