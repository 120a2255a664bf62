"""Media area: upload (streamed), list, read, describe, and the content of renditions."""

from flask import Response, current_app, g, request, stream_with_context
from flask.views import MethodView
from werkzeug.http import dump_options_header

from gateway.api.common import Blueprint, documented, files, forward, query_args
from gateway.auth import current_actor
from gateway.errors import error_response
from gateway.media_client import MediaUpload, fetch_content
from platform_shared.errors import BadRequest, InvalidInput, NotFound
from platform_shared.schemas import media as api
from platform_shared.schemas import page_of

blp = Blueprint("media", __name__, url_prefix="/api/v1/media", description="Ảnh, video, tài liệu")
SECURED = [{"bearer": []}]
READ_SIZE = 256 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@blp.route("")
class Media(MethodView):
    @blp.arguments(api.AssetListArgs(), location="query")
    @blp.alt_response(200, schema=page_of(api.AssetRead), success=True)
    @blp.doc(security=SECURED)
    @documented(blp, 401, 403, 422, 503)
    def get(self, _args):
        """Tệp của đơn vị, mới nhất trước (cán bộ của đơn vị; hội viên: 403)."""
        return forward("media", "list_assets", current_actor(), query_args())

    @blp.alt_response(201, schema=api.AssetRead, success=True, description="Tệp mới")
    @blp.alt_response(200, schema=api.AssetRead, description="Đơn vị đã có đúng tệp này (duplicate: true)")
    @blp.doc(
        security=SECURED, requestBody={"required": True, "content": {"multipart/form-data": {"schema": api.UploadForm}}}
    )
    @documented(blp, 400, 401, 403, 413, 422, 503)
    def post(self):
        """Tải lên ảnh (JPEG, PNG, WebP), video (MP4, WebM) hoặc tài liệu (PDF, DOCX).

        Loại tệp được xác định theo nội dung. Ảnh được bỏ EXIF/GPS (JPEG: giữ nguyên điểm ảnh,
        chỉ giữ hướng xoay), rồi trả lời ngay; bản thu nhỏ (320 px) và bản vừa (1024 px) được
        tạo ngay sau đó: `rendition_status` là `pending` và `renditions_pending` kể tên các bản
        còn chờ cho đến khi có (trong lúc chờ, hiển thị bản gốc)."""
        return _upload(current_actor())


@blp.route("/<asset_id>")
class MediaById(MethodView):
    @blp.alt_response(200, schema=api.AssetRead, success=True)
    @blp.doc(security=SECURED)
    @documented(blp, 401, 404, 503)
    def get(self, asset_id):
        """Một tệp với các đường dẫn tải có thời hạn ngắn."""
        return forward("media", "get_asset", current_actor(), asset_id)

    @blp.arguments(api.AssetMetadata(partial=True))
    @blp.alt_response(200, schema=api.AssetRead, success=True)
    @blp.doc(security=SECURED)
    @documented(blp, 401, 403, 404, 422, 503)
    def patch(self, data, asset_id):
        """Chú thích, văn bản thay thế, tác giả ảnh (người dùng và bút danh), nguồn, bản quyền."""
        return forward("media", "update_asset", current_actor(), asset_id, data)


@blp.route("/<asset_id>/content", methods=["GET"])
@blp.arguments(api.ContentArgs(), location="query")
@files(blp, "image/*", "video/*", "application/pdf", DOCX, description="Nội dung tệp (ETag, Cache-Control)")
@blp.alt_response(304, description="Không đổi so với If-None-Match")
@documented(blp, 404, 422, 503)
def content(args, asset_id):
    """Nội dung một bản của tệp: công khai khi đã xuất bản, hoặc qua đường dẫn có chữ ký."""
    settings = current_app.extensions["settings"]
    relayed = fetch_content(
        settings.media_http_url,
        asset_id,
        args["rendition"],
        actor=current_actor(required=False) or None,
        expires=args.get("expires"),
        signature=args.get("signature"),
        if_none_match=request.headers.get("If-None-Match"),
        request_id=g.get("request_id"),
    )
    headers = {k: v for k, v in relayed.headers.items() if k.lower() in RELAYED_HEADERS}
    if relayed.status == 200:
        return Response(stream_with_context(relayed.body), status=200, headers=headers, direct_passthrough=True)
    if relayed.status == 304:
        return Response(status=304, headers=headers)
    return _relay_error(relayed)


# What the media service says about the bytes, passed on as it said it: a document is a
# sandboxed attachment (Content-Disposition, nosniff, CSP sandbox), a photo is inline.
RELAYED_HEADERS = (
    "content-type",
    "content-length",
    "etag",
    "cache-control",
    "content-disposition",
    "x-content-type-options",
    "content-security-policy",
)


def _relay_error(relayed):
    try:
        body = relayed.json()
        errors = body.pop("errors", None)
        return error_response(relayed.status, body.get("code", "MEDIA_ERROR"), body.get("message", ""), errors)
    except ValueError:
        raise NotFound.of("asset") from None


def _upload(actor):
    settings = current_app.extensions["settings"]
    if request.mimetype != "multipart/form-data":
        raise InvalidInput.field("file", "Gửi tệp trong trường «file» của một biểu mẫu multipart/form-data.")
    boundary = request.mimetype_params.get("boundary")
    if not boundary:
        raise BadRequest("Thiếu boundary của multipart/form-data.", code="INVALID_MULTIPART")
    request.max_content_length = settings.max_media_upload_bytes
    stream = request.stream
    # The form goes on as it arrives, untouched: the media service reads it whole — the
    # fields before the file, the file, the fields after it — before it stores anything.
    content_type = dump_options_header("multipart/form-data", {"boundary": boundary})
    upload = MediaUpload(
        settings.media_http_url, actor, content_type, g.get("request_id"), length=request.content_length
    )
    # Read into one buffer, sent before the next read: ``stream.read`` would allocate a buffer,
    # copy into it and copy it again into bytes, each time (1.8 ms of CPU per MB against 0.7).
    buffer = bytearray(READ_SIZE)
    view = memoryview(buffer)
    try:
        while not upload.answered_early():  # once refused, stop reading the client
            size = stream.readinto(buffer)
            if not size:
                break
            upload.send(view[:size])
        relayed = upload.finish()
    finally:
        upload.close()
    if relayed.status >= 400:
        response = _relay_error(relayed)
        response.headers["Connection"] = "close"  # the rest of a refused upload is not read
        return response
    return relayed.json(), relayed.status
