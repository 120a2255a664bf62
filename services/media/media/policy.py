"""Who may do what with media, in one place."""

from platform_shared.errors import Forbidden
from platform_shared.policy import own_tenant_rows, require_any_role, require_signed_in  # noqa: F401

UPLOADERS = ("contributor", "editor", "tenant_admin", "platform_admin")
EDITORS = ("editor", "tenant_admin", "platform_admin")
# What a published asset shows to everyone: never the full-resolution photo.
PUBLIC_RENDITIONS = {"image": ("medium", "thumb"), "video": ("original",), "document": ("original",)}


def require_uploader(actor):
    require_any_role(actor, UPLOADERS, "Chỉ cộng tác viên, biên tập viên hoặc quản trị viên được tải tệp lên.")


def require_may_edit(actor, asset):
    """The uploader, or an editor or administrator of the asset's tenant."""
    require_signed_in(actor)
    if actor.system or actor.is_platform_admin or actor.has(*EDITORS):
        return
    if asset.uploaded_by is not None and str(asset.uploaded_by) == actor.user_id:
        return
    raise Forbidden("Chỉ người tải lên hoặc biên tập viên của đơn vị được sửa thông tin tệp.", code="NOT_ALLOWED")


def may_read_privately(actor, asset):
    """Members of the owning tenant (and platform admins) see every rendition."""
    if actor is None or not actor.authenticated:
        return False
    return actor.is_platform_admin or actor.tenant_id == str(asset.tenant_id)


def publicly_readable(asset, rendition):
    return asset.public and rendition in PUBLIC_RENDITIONS.get(asset.kind, ())
