"""The media use cases. Plain Python: sessions, a storage backend, the rules.

Uploads are spooled while they arrive — in memory up to a few MB, then to a temporary
file (a video is never held whole in memory): the kind is read from the first bytes, the size cap is checked as bytes
come in (the upload is refused the moment it passes), the SHA-256 is computed on
the way. Bytes the tenant already has are answered as the existing asset at once,
before any image work. Only a file that passed every check reaches storage, so a
refused upload leaves nothing behind. A photo's renditions are made after the
upload is answered (``make_renditions``, from ``media.asset_stored``).
"""

import hashlib
import logging
import tempfile
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from media import delivery, imaging, inspection, policy
from media.models import Asset, AssetReference
from media.storage import NotStored, object_key
from media.store import AssetStore
from platform_shared import inbox, outbox
from platform_shared.actor import SYSTEM
from platform_shared.contracts import media as events
from platform_shared.errors import InvalidInput, NotFound
from platform_shared.schemas import load
from platform_shared.schemas import media as api
from platform_shared.views import text

log = logging.getLogger("media")

CHUNK = 64 * 1024
MB = 1024 * 1024
IN_MEMORY_BYTES = 8 * MB  # an upload spooled in memory up to this size, then to a temporary file


@dataclass(frozen=True)
class Settings:
    max_image_bytes: int = 20 * MB
    max_video_bytes: int = 1024 * MB
    max_document_bytes: int = 50 * MB
    max_image_pixels: int = 60_000_000
    presign_seconds: int = 300
    unreferenced_ttl_hours: float = 72
    purge_after_hours: float = 168
    tmp_dir: str | None = None

    @classmethod
    def from_config(cls, config):
        get = config.get
        return cls(
            max_image_bytes=int(get("MEDIA_MAX_IMAGE_BYTES", 20 * MB)),
            max_video_bytes=int(get("MEDIA_MAX_VIDEO_BYTES", 1024 * MB)),
            max_document_bytes=int(get("MEDIA_MAX_DOCUMENT_BYTES", 50 * MB)),
            max_image_pixels=int(get("MEDIA_MAX_IMAGE_PIXELS", 60_000_000)),
            presign_seconds=int(get("MEDIA_PRESIGN_SECONDS", 300)),
            unreferenced_ttl_hours=float(get("MEDIA_UNREFERENCED_TTL_HOURS", 72)),
            purge_after_hours=float(get("MEDIA_PURGE_AFTER_HOURS", 168)),
            tmp_dir=get("MEDIA_TMP_DIR") or None,
        )

    def cap(self, kind):
        return {"image": self.max_image_bytes, "video": self.max_video_bytes, "document": self.max_document_bytes}[kind]


def _inline(fn, *args, **kwargs):
    return fn(*args, **kwargs)


class Done:
    """The outcome of a call, kept to be taken later: ``wait()`` returns its result or raises its error."""

    def __init__(self, fn, *args, **kwargs):
        try:
            self._result, self._error = fn(*args, **kwargs), None
        except Exception as exc:
            self._result, self._error = None, exc

    def wait(self):
        if self._error is not None:
            raise self._error
        return self._result


_VIEW_COLUMNS = (
    *("id", "tenant_id", "kind", "format", "content_type", "filename", "size", "sha256", "width", "height"),
    *("caption", "alt_text", "credit_user_id", "credit_name", "source", "rights", "status", "uploaded_by"),
    *("created_at", "updated_at"),
)
_PUBLIC_COLUMNS = ("id", "kind", "width", "height", "caption", "alt_text", "credit_name", "source", "rights")
MAX_PUBLIC_ASSETS = 50  # an article has at most 50 assets
_METADATA = api.AssetMetadata()
_METADATA_PARTIAL = api.AssetMetadata(partial=True)
_LIST_ARGS = api.AssetListArgs()
_REFERENCE = api.Reference()


class Media:
    def __init__(self, sessions, storage, *, settings, clock, offload=_inline, spawn=Done, find_user=None):
        self.sessions = sessions
        self.storage = storage
        self.settings = settings
        self.clock = clock
        self.offload = offload  # a CPU-heavy call, off the hub
        self.spawn = spawn  # a call that runs meanwhile: ``spawn(fn, *args).wait()`` (inline by default)
        self.find_user = find_user  # user id -> full name, or None when no such user

    # -- upload -------------------------------------------------------------------

    def upload(self, actor, form):
        """Store the file of ``form`` (a ``forms.UploadForm`` being read) as a new asset of the
        actor's tenant, described by the form's metadata fields.

        The fields count wherever they come in the body. Those before the file are checked
        when it starts (a bad one refuses the upload before its bytes are read); all of them
        once the body has ended, before anything is stored. Returns ``(asset, created)``;
        ``created`` is False when the tenant already has these exact bytes (its metadata
        stays as it was). Raises InvalidInput (type, content, file name, metadata),
        PayloadTooLarge (cap), BadRequest (not a form), Forbidden (role).
        """
        policy.require_uploader(actor)
        if not actor.tenant_id:
            raise InvalidInput("Tài khoản hệ thống không có đơn vị để lưu tệp.", code="NO_TENANT")
        load(_METADATA, _given(form.start()))
        filename = inspection.check_filename(form.filename)
        tenant_id = uuid.UUID(actor.tenant_id)
        # A photo of a few MB stays in memory (it is read whole to be cleaned anyway): no temporary
        # file to create, write, read back and remove. Anything larger goes on to disk.
        with tempfile.SpooledTemporaryFile(IN_MEMORY_BYTES, prefix="upload-", dir=self.settings.tmp_dir) as spool:
            fmt, size, digest = self._spool(form, spool)
            meta = self._metadata(form.finish())
            name, kind, content_type = fmt
            # The digest is known once the body is spooled: whether the tenant has these bytes is
            # asked now, and answered while the file is checked (one database round trip less
            # on the way to the put). Known bytes are not stored again: nothing is put before
            # the answer, and the existing asset is the upload's answer.
            known = self.spawn(self._by_hash, actor, tenant_id, digest)
            encoded = None
            try:
                if kind == "document":
                    inspection.check_document(fmt, spool)
                elif kind == "image":
                    spool.seek(0)
                    encoded = self._clean(spool.read(), name)
            except InvalidInput:
                existing = known.wait()
                if existing is None:
                    raise
                return self._fresh(actor, existing), False  # known bytes: answered as they were before
            existing = known.wait()
            if existing is not None:
                return self._fresh(actor, existing), False
            asset_id = uuid.uuid4()
            if encoded is None:
                renditions, stored = self._store(tenant_id, asset_id, spool, size, digest, content_type), None
            else:
                # A photo is in memory by now: its put runs while the row and its fact are
                # written, and the commit waits for the put (no row names an object not stored).
                key = object_key(tenant_id, asset_id, encoded.name)
                stored = self.spawn(self._put_original, key, encoded)
                renditions = _photo_renditions(tenant_id, asset_id, encoded)
        now = self.clock.now()
        original = renditions["original"]
        pending = kind == "image" and any(n not in renditions for n, _ in imaging.RENDITIONS)
        asset = Asset(
            id=asset_id,
            tenant_id=tenant_id,
            kind=kind,
            format=name,
            content_type=content_type,
            filename=filename,
            size=size,
            sha256=digest,
            width=original.get("width"),
            height=original.get("height"),
            renditions=renditions,
            rendition_status="pending" if pending else "ready",
            status="stored",
            uploaded_by=uuid.UUID(actor.user_id) if actor.user_id else None,
            created_at=now,
            updated_at=now,
            references=[],  # a new asset: nothing uses it yet (and the answer is made from this row)
            **meta,
        )
        try:
            with self.sessions.transaction() as session:
                session.add(asset)
                session.flush()
                outbox.add(session, events.ASSET_STORED, _stored_event(asset), aggregate_id=asset.id, now=now)
                if stored is not None:
                    stored.wait()  # a failed put raises here: nothing is committed
        except IntegrityError:
            # The same bytes arrived twice at once; the other upload won.
            self._settle(stored)
            self._delete_objects(renditions)
            existing = self._by_hash(actor, tenant_id, digest)
            if existing is None:
                raise
            return self._fresh(actor, existing), False
        except BaseException:
            if stored is not None:  # what the put may have written goes with the row not written
                self._settle(stored)
                self._delete_objects(renditions)
            raise
        log.info("asset stored", extra={"asset_id": str(asset_id), "kind": kind, "bytes": size})
        return asset, True  # as committed: no second read for the answer (sessions keep it loaded)

    def _by_hash(self, actor, tenant_id, digest):
        """The id of the tenant's stored asset with these bytes, or None."""
        with self.sessions.read() as session:
            return AssetStore(session, actor).id_by_hash(tenant_id, digest)

    def _clean(self, data, fmt):
        """The photo checked and its metadata stripped (``imaging.clean``). A JPEG is cleaned at
        segment level, in Python, holding the GIL from start to end (~1 ms per MB): a thread would
        add its hand-over (1-2 ms measured) and let nothing else run meanwhile. PNG and WebP are
        decoded and encoded again, in C that lets the GIL go: off the hub."""
        max_pixels = self.settings.max_image_pixels
        if fmt == "jpeg":
            return imaging.clean(data, fmt, max_pixels=max_pixels)
        return self.offload(imaging.clean, data, fmt, max_pixels=max_pixels)

    def _spool(self, stream, spool):
        head = b""
        while len(head) < inspection.SNIFF_BYTES:
            chunk = stream.read(inspection.SNIFF_BYTES - len(head))
            if not chunk:
                break
            head += chunk
        if not head:
            raise InvalidInput.field("file", "Tệp rỗng.", code="EMPTY_FILE")
        fmt = inspection.sniff(head)
        if fmt is None:
            raise inspection.refuse_type()
        cap = self.settings.cap(fmt[1])
        digest = hashlib.sha256(head)
        spool.write(head)
        size = len(head)
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                raise inspection.too_large(fmt[1], cap)  # stop reading here, not at the end
            digest.update(chunk)
            spool.write(chunk)
        if size > cap:
            raise inspection.too_large(fmt[1], cap)
        spool.flush()
        return fmt, size, digest.hexdigest()

    def _store(self, tenant_id, asset_id, spool, size, digest, content_type):
        """A video's or a document's original, streamed from the spool, before its row is written."""
        key = object_key(tenant_id, asset_id, "original")
        spool.seek(0)
        try:
            self.storage.put(key, spool, content_type, length=size)
        except Exception:
            self._delete_objects({"original": {"key": key}})  # a put cut short may have left a part
            raise
        return {"original": {"key": key, "size": size, "content_type": content_type, "sha256": digest}}

    def _put_original(self, key, encoded):
        self.storage.put(key, encoded.data, encoded.content_type, length=len(encoded.data))

    @staticmethod
    def _settle(pending):
        """Let a put still running end (its error, if any, is not this caller's to raise)."""
        if pending is None:
            return
        try:
            pending.wait()
        except Exception:
            log.debug("the put of an upload that was not stored failed", exc_info=True)

    def _delete_objects(self, renditions):
        for key in dict.fromkeys(r["key"] for r in renditions.values()):  # a reused original once
            try:
                self.storage.delete(key)
            except Exception:
                log.warning("could not remove %s", key, exc_info=True)

    # -- renditions (the media worker) ----------------------------------------------------

    def make_renditions(self, handler, event_id, asset_id):
        """From ``media.asset_stored``: make and store the photo's missing renditions, then mark
        them ready. Once per asset: a redelivered event (the inbox) or an asset whose renditions
        are no longer pending changes nothing. Object keys are fixed by the asset and the
        rendition, so a crash between the puts and the commit is repaired by the redelivery
        writing the same objects again. Returns the names of the renditions added.

        An original that cannot be decoded (it passed the upload's checks, so this is rare)
        marks the renditions ``failed``: retrying would fail the same way; the original
        stands in for them."""
        # Columns, not the asset entity (and its references): the ORM cost as much CPU here as
        # the image work of a 980 px photo.
        with self.sessions.read() as session:
            found = AssetStore(session, SYSTEM).pending_photo(asset_id)
        if found is None:
            return []
        tenant_id, fmt, renditions = found
        original = renditions["original"]
        missing = [name for name, _ in imaging.RENDITIONS if name not in renditions]
        handle, _ = self.storage.open(original["key"])
        try:
            data = handle.read()
        finally:
            handle.close()
        status = "ready"
        try:
            encoded = self.offload(imaging.renditions, data, fmt, missing, max_pixels=self.settings.max_image_pixels)
        except InvalidInput as exc:
            log.error("renditions of asset %s cannot be made: %s", asset_id, exc)
            encoded, status = [], "failed"
        made = {}
        for item in encoded:
            key = object_key(tenant_id, uuid.UUID(str(asset_id)), item.name)
            self.storage.put(key, item.data, item.content_type, length=len(item.data))
            made[item.name] = _rendition(key, item)
        with self.sessions.transaction() as session:
            if inbox.seen(session, handler, event_id):
                return []
            store = AssetStore(session, SYSTEM)
            row = store.lock_renditions(asset_id)
            if row is None or row.rendition_status != "pending":
                if row is None:  # removed meanwhile: its purge would not know these objects
                    self._delete_objects(made)
                return []
            store.set_renditions(asset_id, {**row.renditions, **made}, status)
        log.info("renditions stored", extra={"asset_id": str(asset_id), "renditions": sorted(made)})
        return sorted(made)

    def _metadata(self, data):
        return self._credit(load(_METADATA, _given(data)))

    def _credit(self, meta):
        """The credited photographer must be a user; their full name is the default credit."""
        if meta.get("credit_user_id") and self.find_user is not None:
            name = self.find_user(str(meta["credit_user_id"]))
            if name is None:
                raise InvalidInput.field(
                    "credit_user_id", "Không có tài khoản này để ghi tên tác giả ảnh.", code="CREDIT_USER_NOT_FOUND"
                )
            if not meta.get("credit_name"):
                meta["credit_name"] = name
        return meta

    # -- reading --------------------------------------------------------------------

    def _fresh(self, actor, asset_id):
        with self.sessions.read() as session:
            return AssetStore(session, actor).get(asset_id)

    def get(self, actor, asset_id):
        """An asset the actor may know exists (for a member: a published one; for a desk: one it
        reviews); else NotFound."""
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            return AssetStore(session, actor).get(asset_id, reviewed=True)

    def list(self, actor, args):
        """The tenant's library, for its staff (Forbidden for a member)."""
        policy.require_library_reader(actor)
        args = load(_LIST_ARGS, args or {})
        with self.sessions.read() as session:
            items, total = AssetStore(session, actor).list(**args)
            return items, total, args

    def update(self, actor, asset_id, data):
        if not isinstance(data, dict):
            raise InvalidInput("Dữ liệu gửi lên phải là một đối tượng JSON.", code="INVALID_BODY")
        policy.require_signed_in(actor)
        meta = load(_METADATA_PARTIAL, _given(data))
        with self.sessions.read() as session:
            # Who may edit is settled before a credited user is looked up: the lookup
            # must not tell a member which user ids exist.
            policy.require_may_edit(actor, AssetStore(session, actor).get(asset_id, reviewed=True))
        meta = self._credit(meta)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            asset = AssetStore(session, actor).get(asset_id, for_update=True, reviewed=True)
            policy.require_may_edit(actor, asset)
            for key, value in meta.items():
                setattr(asset, key, value)
            asset.updated_at = now
            return asset

    def public_assets(self, asset_ids):
        """The published assets among ``asset_ids``, in that order, as anyone may see them: their
        description (caption, alt text, credit, source) and public renditions. Anything else —
        unknown, unpublished, removed, a malformed id — is left out, never an error: a portal page
        shows what is public and nothing about the rest."""
        ids = [i for i in dict.fromkeys(str(i) for i in (asset_ids or [])[:MAX_PUBLIC_ASSETS]) if _is_uuid(i)]
        if not ids:
            return []
        with self.sessions.read() as session:
            found = AssetStore(session, SYSTEM).many(ids)
            out = []
            for ident in ids:
                asset = found.get(uuid.UUID(ident))
                if asset is None or asset.status != "stored" or not asset.public:
                    continue
                renditions = self.urls(asset, public_only=True)
                if not renditions:
                    # A photo published in the second its renditions are being made: the public
                    # never gets the full-size original, so it shows once they exist.
                    continue
                out.append({**{name: getattr(asset, name) for name in _PUBLIC_COLUMNS}, "renditions": renditions})
            return out

    def view(self, actor, asset, **extra):
        """An asset as ``AssetRead`` shows it to ``actor``: its columns, public and referenced, URLs
        of its renditions. The tenant's staff and the desk reviewing it see every rendition; anyone
        else (a member reading a published asset) only the public ones, by their public URL. Who
        uploaded it is for the tenant's staff (``policy.sees_uploader``)."""
        view = {
            **{name: getattr(asset, name) for name in _VIEW_COLUMNS},
            "public": asset.public,
            "referenced": bool(asset.active_references),
            "renditions": self.urls(asset, public_only=not policy.may_read_privately(actor, asset)),
            "rendition_status": asset.rendition_status,
            "renditions_pending": pending_renditions(asset),
            **extra,
        }
        if not policy.sees_uploader(actor, asset):
            view["uploaded_by"] = None
        return view

    def urls(self, asset, *, public_only=False):
        """Short-lived presigned URLs of every rendition, and public URLs of the public ones.

        ``public_only``: just the public renditions, whose ``url`` is their public URL."""
        out = {}
        for name, rendition in asset.renditions.items():
            public_url = (
                f"/api/v1/media/{asset.id}/content?rendition={name}" if policy.publicly_readable(asset, name) else None
            )
            if public_only and public_url is None:
                continue
            entry = {k: rendition.get(k) for k in ("size", "content_type", "width", "height")}
            entry["url"] = public_url or self.storage.presigned_url(
                asset.id,
                name,
                rendition["key"],
                self.settings.presign_seconds,
                overrides=delivery.presign_overrides(asset, name),
            )
            entry["public_url"] = public_url
            out[name] = entry
        return out

    def open_content(self, actor, asset_id, rendition, *, expires=None, signature=None):
        """``(file, size, rendition info, headers)`` for someone allowed to read it; else NotFound.

        ``headers``: Cache-Control, and how the bytes may be shown (``delivery.headers``)."""
        with self.sessions.read() as session:
            asset = AssetStore(session, actor).any(asset_id)
        if asset is None:
            raise NotFound.of("asset", asset_id)
        private = policy.may_read_privately(actor, asset)
        served = rendition if rendition in asset.renditions else _stand_in(asset, rendition, private)
        if served is None:
            raise NotFound.of("asset", asset_id)
        if policy.publicly_readable(asset, rendition) and policy.publicly_readable(asset, served):
            cache = "public, max-age=86400"
        elif private or (
            served == rendition and self.storage.signature_valid(asset.renditions[rendition]["key"], expires, signature)
        ):
            cache = "private, max-age=300"
        else:
            raise NotFound.of("asset", asset_id)
        if served != rendition:
            # A stand-in while the rendition is being made: not to be kept, so the real one
            # replaces it at the next look (its ETag differs).
            cache = cache.split(",")[0] + ", no-cache"
        info = asset.renditions[served]
        try:
            handle, size = self.storage.open(info["key"])
        except NotStored:
            log.error("asset %s rendition %s is missing from storage", asset.id, served)
            raise NotFound.of("asset", asset_id) from None
        return handle, size, info, {"Cache-Control": cache, **delivery.headers(asset, served)}

    # -- for other services ---------------------------------------------------------------

    def check_assets(self, actor, asset_ids):
        """Whether each asset may be attached by ``actor``: exists, ready, same tenant or public."""
        policy.require_signed_in(actor)
        ids = list(dict.fromkeys(str(i) for i in asset_ids or []))
        with self.sessions.read() as session:
            store = AssetStore(session, actor)
            found = store.many([i for i in ids if _is_uuid(i)])
            results = []
            for ident in ids:
                asset = found.get(uuid.UUID(ident)) if _is_uuid(ident) else None
                if asset is None or asset.status != "stored" or not policy.may_attach(actor, asset):
                    results.append({"id": ident, "usable": False, "reason": "not_found"})
                    continue
                results.append(
                    {
                        "id": ident,
                        "usable": True,
                        "reason": None,
                        "kind": asset.kind,
                        "tenant_id": str(asset.tenant_id),
                        "credit_user_id": text(asset.credit_user_id),
                        "credit_name": asset.credit_name,
                        "content_type": asset.content_type,
                    }
                )
        return {"all_usable": all(r["usable"] for r in results), "assets": results}

    def mark_referenced(self, actor, asset_ids, reference):
        """Record that ``reference`` (e.g. an article) uses the assets; published ones make them public,
        and ``reviewer_tenant_id`` (its desk, as the reference says it now) may read them."""
        ref = load(_REFERENCE, reference or {})
        now = self.clock.now()
        with self.sessions.transaction() as session:
            store = AssetStore(session, actor)
            assets = [store.get(i, for_update=True) for i in dict.fromkeys(str(i) for i in asset_ids)]
            for asset in assets:
                row = store.reference(asset, ref["kind"], ref["id"])
                if row is None:
                    session.add(
                        AssetReference(
                            asset_id=asset.id,
                            tenant_id=asset.tenant_id,
                            ref_kind=ref["kind"],
                            ref_id=ref["id"],
                            published=ref["published"],
                            reviewer_tenant_id=ref["reviewer_tenant_id"],
                            created_at=now,
                            updated_at=now,
                        )
                    )
                else:
                    row.published, row.released_at, row.updated_at = ref["published"], None, now
                    row.reviewer_tenant_id = ref["reviewer_tenant_id"]
            return [a.id for a in assets]

    def release(self, actor, asset_ids, reference):
        """The reference no longer uses the assets (they may then be swept when old and unused)."""
        ref = load(_REFERENCE, reference or {})
        now = self.clock.now()
        with self.sessions.transaction() as session:
            store = AssetStore(session, actor)
            released = []
            for ident in dict.fromkeys(str(i) for i in asset_ids):
                asset = store.get(ident)
                row = store.reference(asset, ref["kind"], ref["id"])
                if row is not None and row.released_at is None:
                    row.released_at, row.published, row.updated_at = now, False, now
                    released.append(asset.id)
            return released

    def follow_publication(self, handler, event_id, asset_ids, ref_kind, ref_id, published):
        """From content's events: the assets of a (un)published article become (non-)public.

        Once per event (the inbox record commits with the change). Tolerant on purpose:
        an asset removed meanwhile is skipped, not an error that would park the event.
        """
        now = self.clock.now()
        with self.sessions.transaction() as session:
            if inbox.seen(session, handler, event_id):
                return
            store = AssetStore(session, SYSTEM)
            for asset in store.many([i for i in asset_ids if _is_uuid(i)]).values():
                row = store.reference(asset, ref_kind, ref_id)
                if row is None:
                    session.add(
                        AssetReference(
                            asset_id=asset.id,
                            tenant_id=asset.tenant_id,
                            ref_kind=ref_kind,
                            ref_id=ref_id,
                            published=published,
                            created_at=now,
                            updated_at=now,
                        )
                    )
                else:
                    row.published, row.released_at, row.updated_at = published, None, now

    # -- lifecycle ------------------------------------------------------------------

    def sweep(self, actor):
        """Soft-remove old unreferenced uploads, then purge the files of long-removed ones."""
        now = self.clock.now()
        removed, purged = [], []
        with self.sessions.transaction() as session:
            store = AssetStore(session, actor)
            for asset in store.unreferenced_before(now - timedelta(hours=self.settings.unreferenced_ttl_hours)):
                asset.status, asset.removed_at, asset.removal_reason, asset.updated_at = (
                    "removed",
                    now,
                    "unreferenced",
                    now,
                )
                outbox.add(
                    session,
                    events.ASSET_REMOVED,
                    {"asset_id": str(asset.id), "tenant_id": str(asset.tenant_id), "reason": "unreferenced"},
                    aggregate_id=asset.id,
                    now=now,
                )
                removed.append(asset)
        for asset in removed:
            log.info(
                "asset removed (unreferenced)",
                extra={
                    "asset_id": str(asset.id),
                    "tenant_id": str(asset.tenant_id),
                    "created_at": asset.created_at.isoformat(),
                },
            )
        with self.sessions.transaction() as session:
            store = AssetStore(session, actor)
            for asset in store.removed_before(now - timedelta(hours=self.settings.purge_after_hours)):
                self._delete_objects(asset.renditions)
                asset.status, asset.purged_at, asset.updated_at = "purged", now, now
                purged.append(asset)
        for asset in purged:
            log.info("asset files purged", extra={"asset_id": str(asset.id), "tenant_id": str(asset.tenant_id)})
        return {"removed": [str(a.id) for a in removed], "purged": [str(a.id) for a in purged]}


def pending_renditions(asset):
    """The renditions of a photo still to come from the media worker (none once ready or failed)."""
    if asset.kind != "image" or asset.rendition_status != "pending":
        return []
    return [name for name, _ in imaging.RENDITIONS if name not in asset.renditions]


# What stands in for a rendition the worker has not made yet: the next larger one the reader
# may see (the public never gets the original of a photo: ``policy.PUBLIC_RENDITIONS``).
_STAND_INS = {"thumb": ("medium", "original"), "medium": ("original",)}


def _stand_in(asset, rendition, private):
    if asset.kind != "image":  # a photo's pending (or failed) rendition, nothing else
        return None
    for name in _STAND_INS.get(rendition, ()):
        if name in asset.renditions and (private or policy.publicly_readable(asset, name)):
            return name
    return None


def _photo_renditions(tenant_id, asset_id, encoded):
    """A clean photo's renditions as its row names them: the original, and the renditions it
    stands in for — those that would not be smaller (same object: no second encode, no second put)."""
    original = _rendition(object_key(tenant_id, asset_id, encoded.name), encoded)
    return {"original": original, **{n: dict(original) for n in imaging.reuses_original(encoded.width, encoded.height)}}


def _rendition(key, item):
    return {
        "key": key,
        "size": len(item.data),
        "content_type": item.content_type,
        "width": item.width,
        "height": item.height,
        "sha256": hashlib.sha256(item.data).hexdigest(),
    }


def _stored_event(asset):
    return {
        "asset_id": str(asset.id),
        "tenant_id": str(asset.tenant_id),
        "kind": asset.kind,
        "content_type": asset.content_type,
        "size": asset.size,
        "sha256": asset.sha256,
        "width": asset.width,
        "height": asset.height,
        "credit_user_id": text(asset.credit_user_id),
        "credit_name": asset.credit_name,
        "uploaded_by": text(asset.uploaded_by),
    }


def _given(data):
    """Metadata fields with a value: an empty form field means "not given"."""
    return {k: v for k, v in data.items() if v != ""}


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False
