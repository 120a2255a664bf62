"""A file a workspace form received, sent on to the media service as the API's upload is: one
multipart form streamed chunk by chunk (``gateway.media_client``), its described fields before
the file. The library's upload page (``media``) and an article's photos (``articles``) use it;
each says in its own words what a refusal means for its form."""

import re
import secrets

from flask import current_app, g

from gateway.api.media import READ_SIZE
from gateway.media_client import MediaUpload


def send_to_media(actor, storage, fields=None, *, name_limit=300):
    """Media's answer to ``storage`` (the form's file) with ``fields`` (name → text; blank ones
    left out) as ``(status, body)``, ``body`` its JSON or ``{}``. The file's name is cut at
    ``name_limit`` characters; media judges the rest of it."""
    settings = current_app.extensions["settings"]
    boundary = secrets.token_hex(16)
    name = re.sub(r'["\\\r\n]', "_", storage.filename)[:name_limit]
    upload = MediaUpload(
        settings.media_http_url, actor, f"multipart/form-data; boundary={boundary}", g.get("request_id")
    )
    try:
        for field, value in (fields or {}).items():
            if value:
                upload.send(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"\r\n\r\n'.encode()
                    + value.encode()
                    + b"\r\n"
                )
        upload.send(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: {storage.mimetype or 'application/octet-stream'}\r\n\r\n".encode()
        )
        while chunk := storage.stream.read(READ_SIZE):
            upload.send(chunk)
        upload.send(f"\r\n--{boundary}--\r\n".encode())
        relayed = upload.finish()
    finally:
        upload.close()
    try:
        return relayed.status, relayed.json()
    except ValueError:
        return relayed.status, {}
