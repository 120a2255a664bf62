"""MediaService: the nameko boundary of the media service. Thin on purpose.

Two doors:
* RPC (``@rpc``) for metadata and for other services — every method takes ``actor`` first.
* An internal HTTP port (``WEB_SERVER_ADDRESS``) for bytes, which do not belong on
  a message queue: ``POST /uploads`` (the gateway streams the upload form in) and
  ``GET /content/<asset_id>/<rendition>`` (it streams one out). The gateway passes
  the actor in ``X-Platform-Actor``: this port must only be reachable by the
  gateway, as the broker is (see deploy/).

A photo's renditions are not made here: ``media.asset_stored`` goes to the media worker,
a process of its own (``media.worker``, ``platform run media worker``).
"""

import json

from nameko.web.handlers import http
from werkzeug.wrappers import Response
from werkzeug.wsgi import wrap_file

from media.dependencies import MediaApp
from media.forms import UploadForm
from platform_shared import transport
from platform_shared.actor import SYSTEM, Actor
from platform_shared.contracts import content as content_events
from platform_shared.dependencies import Database
from platform_shared.errors import InvalidInput, NotFound, PlatformError
from platform_shared.handlers import handle_event
from platform_shared.operations import ServiceOperations
from platform_shared.rpc import ServiceRpc, rpc
from platform_shared.schemas import media as api
from platform_shared.timers import every
from platform_shared.views import page

_asset, _check = api.AssetRead(), api.AssetCheckRead()
_public_assets = api.PublicAssetRead(many=True)


class MediaService(ServiceOperations):
    name = "media"

    db = Database()
    app = MediaApp()
    accounts = ServiceRpc("accounts")

    def _media(self):
        media = self.app
        media.find_user = self._user_name
        return media

    def _user_name(self, user_id):
        try:
            return self.accounts.get_user(SYSTEM.dump(), user_id)["full_name"]
        except NotFound:
            return None

    def _dump(self, media, actor, asset, **extra):
        return _asset.dump(media.view(actor, asset, **extra))

    # -- RPC ------------------------------------------------------------------------

    @rpc(expected_exceptions=transport.EXPECTED)
    def get_asset(self, actor, asset_id):
        """One asset of the actor's tenant, with presigned URLs (a member: a published one, its
        public renditions only; a desk's editor: one its desk reviews). Raises NotFound."""
        media, actor = self._media(), Actor.load(actor)
        return self._dump(media, actor, media.get(actor, asset_id))

    @rpc(expected_exceptions=transport.EXPECTED)
    def public_assets(self, actor, asset_ids):
        """The published ones of ``asset_ids``, in order, for anyone (anonymous included): the
        portal's photos with caption, alt text and credit. The rest is left out, never raised."""
        return _public_assets.dump(self._media().public_assets(asset_ids))

    @rpc(expected_exceptions=transport.EXPECTED)
    def list_assets(self, actor, args=None):
        """The tenant's assets, newest first (``kind``, ``referenced``, ``q``); staff only (Forbidden)."""
        media, actor = self._media(), Actor.load(actor)
        items, total, args = media.list(actor, args)
        return page([self._dump(media, actor, a) for a in items], total, args)

    @rpc(expected_exceptions=transport.EXPECTED)
    def update_asset(self, actor, asset_id, data):
        """Caption, alt text, credit (photographer's user id and name), source, rights."""
        media, actor = self._media(), Actor.load(actor)
        return self._dump(media, actor, media.update(actor, asset_id, data))

    @rpc(expected_exceptions=transport.EXPECTED)
    def check_assets(self, actor, asset_ids):
        """For content: may the actor attach these? ``{"all_usable", "assets": [...]}``."""
        return _check.dump(self._media().check_assets(Actor.load(actor), asset_ids))

    @rpc(expected_exceptions=transport.EXPECTED)
    def mark_referenced(self, actor, asset_ids, reference):
        """``reference = {"kind": "article", "id": ..., "published": bool, "reviewer_tenant_id": uuid | None}``
        uses the assets; the reviewer's editors may read them while it does (``policy.reviews``)."""
        return [str(i) for i in self._media().mark_referenced(Actor.load(actor), asset_ids, reference)]

    @rpc(expected_exceptions=transport.EXPECTED)
    def release(self, actor, asset_ids, reference):
        """The reference stopped using the assets."""
        return [str(i) for i in self._media().release(Actor.load(actor), asset_ids, reference)]

    @every("MEDIA_SWEEP_INTERVAL_SECONDS", 3600)
    def sweep(self):
        """Soft-remove unreferenced uploads past their age; purge files of long-removed ones."""
        return self._media().sweep(SYSTEM)

    # -- events in ------------------------------------------------------------------------

    @handle_event("content", content_events.ARTICLE_PUBLISHED)
    def handle_article_published(self, payload):
        """A published article makes its photos' public renditions readable by everyone."""
        self._follow(payload, "handle_article_published", published=True)

    @handle_event("content", content_events.ARTICLE_CORRECTED)
    def handle_article_corrected(self, payload):
        self._follow(payload, "handle_article_corrected", published=True)

    @handle_event("content", content_events.ARTICLE_UNPUBLISHED)
    def handle_article_unpublished(self, payload):
        self._follow(payload, "handle_article_unpublished", published=False)

    @handle_event("content", content_events.DOCUMENT_PUBLISHED)
    def handle_document_published(self, payload):
        """A document of the portal's public library makes its file readable by everyone."""
        event = content_events.DocumentPublished().load(payload)
        self.app.follow_publication(
            "handle_document_published", event["event_id"], event["asset_ids"], "document", event["document_id"], True
        )

    def _follow(self, payload, handler, *, published):
        event = content_events.SCHEMAS[payload.get("event_type", "")]().load(payload)
        self.app.follow_publication(
            handler, event["event_id"], event["asset_ids"], "article", event["article_id"], published
        )

    # -- HTTP (internal) --------------------------------------------------------------

    @http("POST", "/uploads")
    def upload(self, request):
        """The client's upload form, as it sent it (``multipart/form-data``, streamed by the gateway)."""
        try:
            actor = _actor(request)
            if request.mimetype != "multipart/form-data":
                raise InvalidInput.field("file", "Gửi tệp trong trường «file» của một biểu mẫu multipart/form-data.")
            # eventlet's wsgi.input ends a chunked body itself but does not say so with
            # wsgi.input_terminated, so werkzeug's request.stream would look empty.
            body = request.environ["wsgi.input"] if request.content_length is None else request.stream
            media = self._media()
            asset, created = media.upload(actor, UploadForm(body, request.mimetype_params.get("boundary")))
            body = self._dump(media, actor, asset, duplicate=not created)
            return Response(
                json.dumps(body, ensure_ascii=False), status=201 if created else 200, mimetype="application/json"
            )
        except PlatformError as exc:
            return _error(exc)

    @http("GET", "/content/<asset_id>/<rendition>")
    def content(self, request, asset_id, rendition):
        """The bytes of one rendition, for whoever may read it; ETag and 304 on If-None-Match."""
        try:
            actor = _actor(request, required=False)
            handle, size, info, headers = self._media().open_content(
                actor, asset_id, rendition, expires=request.args.get("expires"), signature=request.args.get("signature")
            )
        except PlatformError as exc:
            return _error(exc)
        etag = f'"{info["sha256"]}"'
        headers = {**headers, "ETag": etag}
        if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            handle.close()
            headers.pop("Content-Type")
            return Response(status=304, headers=headers)
        headers["Content-Length"] = str(size)
        return Response(
            wrap_file(request.environ, handle, 256 * 1024), status=200, headers=headers, direct_passthrough=True
        )


def _actor(request, required=True):
    raw = request.headers.get("X-Platform-Actor")
    if not raw:
        if required:
            return Actor.load(None)  # raises Unauthorized
        return None
    try:
        return Actor.load(json.loads(raw))
    except json.JSONDecodeError:
        return Actor.load(None)


def _error(exc):
    body = exc.to_dict()
    return Response(json.dumps(body, ensure_ascii=False), status=exc.status, mimetype="application/json")
