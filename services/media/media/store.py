"""The only module of the media service that queries the database."""

import re

from sqlalchemy import func, or_, select, update

from media import policy
from media.models import Asset, AssetReference
from platform_shared.database import as_uuid, paginate
from platform_shared.errors import NotFound

_LIKE_SPECIAL = re.compile(r"[\\%_]")


class AssetStore:
    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def _visible(self, scope=None):
        return select(Asset).where(
            policy.visible_assets(self.actor) if scope is None else scope, Asset.status == "stored"
        )

    def get(self, asset_id, *, for_update=False, reviewed=False):
        """An asset the actor may know exists, or NotFound (other tenants', and unpublished ones for a member).

        ``reviewed``: also one the actor's desk reviews (``policy.readable_assets``) — for reading it."""
        scope = policy.readable_assets(self.actor) if reviewed else None
        stmt = self._visible(scope).where(Asset.id == as_uuid(asset_id, "asset"))
        if for_update:
            stmt = stmt.with_for_update()
        asset = self.session.scalars(stmt).one_or_none()
        if asset is None:
            raise NotFound.of("asset", asset_id)
        return asset

    def many(self, asset_ids):
        """Stored assets by id regardless of tenant (callers decide what the actor may use)."""
        ids = [as_uuid(i, "asset") for i in asset_ids]
        return {a.id: a for a in self.session.scalars(select(Asset).where(Asset.id.in_(ids))).all()}

    def list(self, *, page, per_page, kind=None, referenced=None, q=None):
        stmt = self._visible()
        if kind:
            stmt = stmt.where(Asset.kind == kind)
        active = select(AssetReference.asset_id).where(AssetReference.released_at.is_(None))
        if referenced is True:
            stmt = stmt.where(Asset.id.in_(active))
        elif referenced is False:
            stmt = stmt.where(Asset.id.not_in(active))
        if q:
            # The words as typed: % and _ match themselves, not any text.
            like = "%" + _LIKE_SPECIAL.sub(r"\\\g<0>", q.lower()) + "%"
            stmt = stmt.where(
                or_(
                    *(
                        func.lower(func.coalesce(column, "")).like(like, escape="\\")
                        for column in (Asset.caption, Asset.filename, Asset.credit_name)
                    )
                )
            )
        return paginate(self.session, stmt.order_by(Asset.created_at.desc(), Asset.id), page, per_page)

    def id_by_hash(self, tenant_id, sha256):
        """The id of the tenant's stored asset with these bytes, or None: one column, no entity loaded."""
        return self.session.scalar(
            select(Asset.id).where(Asset.tenant_id == tenant_id, Asset.sha256 == sha256, Asset.status == "stored")
        )

    def pending_photo(self, asset_id):
        """``(tenant_id, format, renditions)`` of a stored photo whose renditions are pending, else None.
        Columns only (the media worker's read: no entity, no references loaded)."""
        try:
            ident = as_uuid(asset_id, "asset")
        except NotFound:
            return None
        return self.session.execute(
            select(Asset.tenant_id, Asset.format, Asset.renditions).where(
                Asset.id == ident, Asset.status == "stored", Asset.kind == "image", Asset.rendition_status == "pending"
            )
        ).one_or_none()

    def lock_renditions(self, asset_id):
        """``(renditions, rendition_status)`` of a stored asset, its row locked until the transaction
        ends; None when it is not stored (removed meanwhile). Columns only."""
        return self.session.execute(
            select(Asset.renditions, Asset.rendition_status)
            .where(Asset.id == as_uuid(asset_id, "asset"), Asset.status == "stored")
            .with_for_update()
        ).one_or_none()

    def set_renditions(self, asset_id, renditions, status):
        """The asset's renditions and their status, written with no entity loaded."""
        self.session.execute(
            update(Asset.__table__)
            .where(Asset.__table__.c.id == as_uuid(asset_id, "asset"))
            .values(renditions=renditions, rendition_status=status)
        )

    def any(self, asset_id):
        """A stored asset whatever its tenant — for public reads, which then check publication."""
        try:
            ident = as_uuid(asset_id, "asset")
        except NotFound:
            return None
        return self.session.scalars(select(Asset).where(Asset.id == ident, Asset.status == "stored")).one_or_none()

    def reference(self, asset, kind, ref_id):
        return self.session.scalars(
            select(AssetReference).where(
                AssetReference.asset_id == asset.id, AssetReference.ref_kind == kind, AssetReference.ref_id == ref_id
            )
        ).one_or_none()

    def unreferenced_before(self, cutoff, limit=200):
        """Stored assets older than ``cutoff`` that nothing uses, locked (other sweeps skip them)."""
        active = select(AssetReference.asset_id).where(AssetReference.released_at.is_(None))
        found = self.session.scalars(
            select(Asset)
            .where(Asset.status == "stored", Asset.created_at < cutoff, Asset.id.not_in(active))
            .order_by(Asset.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not found:
            return found
        # ``mark_referenced`` locks the asset but does not change its row, so a reference it
        # committed after the statement above began is not re-checked by the lock: asked again,
        # now that the rows are ours (a new statement sees every commit before the lock).
        used = set(self.session.scalars(active.where(AssetReference.asset_id.in_([a.id for a in found]))).all())
        return [a for a in found if a.id not in used]

    def removed_before(self, cutoff, limit=200):
        return self.session.scalars(
            select(Asset)
            .where(Asset.status == "removed", Asset.removed_at < cutoff)
            .order_by(Asset.removed_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
