"""The media service as content uses it: assets are checked before a transaction opens,
and media is told of references after the change has committed.

No call to another service happens while a content transaction is open: the media
service may be slow or away, and a row lock must not wait for it. Telling media is
best effort — the change is committed and the reply must not fail for it — and media
also follows ``content.article_published/corrected/unpublished``, whose ``asset_ids``
mark the photos of every published article (its sweep only removes old uploads nothing
references).
"""

import logging
from dataclasses import dataclass, field

from platform_shared.actor import SYSTEM
from platform_shared.errors import InvalidInput

log = logging.getLogger("content")


class NoMedia:
    """Stands in for the media service where no asset is involved: every asset is unknown."""

    def check_assets(self, actor, ids):
        return {"all_usable": not ids, "assets": [{"id": str(i), "usable": False, "reason": "not_found"} for i in ids]}

    def mark_referenced(self, actor, ids, reference):
        return []

    def release(self, actor, ids, reference):
        return []


@dataclass(frozen=True)
class CheckedAssets:
    """Assets an item may carry, in the order given, and the credits of the photos among them."""

    ids: list = field(default_factory=list)
    credits: list = field(default_factory=list)


@dataclass
class References:
    """What to tell media once the transaction has committed."""

    actor: dict | None = None
    reference: dict | None = None
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)


class Assets:
    """``media`` has ``check_assets``, ``mark_referenced`` and ``release`` (the RPC proxy)."""

    def __init__(self, media=None):
        self.media = media or NoMedia()

    def check(self, actor, asset_ids):
        """The assets exist, are stored, and belong to the writer's tenant (platform admins: any).

        Raises InvalidInput naming ``field`` (``ASSET_NOT_USABLE``), Unavailable (media)."""
        ids = [str(i) for i in dict.fromkeys(asset_ids or [])]
        if not ids:
            return CheckedAssets()
        result = self.media.check_assets(actor.dump(), ids)
        bad = [
            a["id"]
            for a in result["assets"]
            if not a["usable"] or (not actor.is_platform_admin and a.get("tenant_id") != actor.tenant_id)
        ]
        if bad:
            raise InvalidInput.field(
                "asset_ids",
                "Tệp không tồn tại hoặc thuộc đơn vị khác: " + ", ".join(bad) + ".",
                code="ASSET_NOT_USABLE",
            )
        photos = [a for a in result["assets"] if a.get("kind") == "image"]
        credits = [
            {"asset_id": a["id"], "user_id": a.get("credit_user_id"), "name": a.get("credit_name")} for a in photos
        ]
        return CheckedAssets(ids, credits)

    def tell(self, references):
        """After commit: media records the new references and releases the dropped ones.

        A failure is logged, not raised: the change is committed, and media learns of a
        published item's assets from its events anyway."""
        if references is None:
            return
        if references.added:
            self._safely("mark_referenced", references.actor, references.added, references.reference)
        if references.removed:
            self._safely("release", SYSTEM.dump(), references.removed, references.reference)

    def _safely(self, method, actor, ids, reference):
        try:
            getattr(self.media, method)(actor, ids, reference)
        except Exception:  # noqa: BLE001 — committed already; see the docstring
            log.warning(
                "media.%s failed after commit (a published item's assets still reach media through its events)",
                method,
                extra={"reference": reference, "asset_ids": ids},
                exc_info=True,
            )
