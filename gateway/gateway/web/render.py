"""Rendering a page: the template with the visitor's parts, validators (ETag, Last-Modified), 304s."""

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from flask import Response, render_template, request, session

from gateway.web.format import moment
from gateway.web.session import visitor


def etag_of(text):
    return 'W/"' + hashlib.blake2b(text.encode(), digest_size=12).hexdigest() + '"'


def _not_modified_since(last_modified):
    header = request.headers.get("If-Modified-Since")
    if not header or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= since


def page(template, *, status=200, last_modified=None, mimetype="text/html", headers=None, **context):
    """The rendered page; 304 when the browser's copy is current (If-None-Match, else If-Modified-Since).

    Pages are revalidated on every visit (``no-cache``): the check costs a render but no RPC,
    and a publication shows at once. A page with the visitor's own parts (their name, a CSRF
    token) is private to their browser."""
    context.setdefault("visitor", visitor())
    text = render_template(template, **context)
    tag = etag_of(text)
    personal = bool(session) or context["visitor"] is not None
    out = {
        "ETag": tag,
        "Cache-Control": ("private, no-cache" if personal else "public, no-cache"),
        "Vary": "Cookie, Accept-Encoding",
        **(headers or {}),
    }
    modified = moment(last_modified) if last_modified else None
    if isinstance(modified, datetime):
        out["Last-Modified"] = format_datetime(modified.astimezone(UTC), usegmt=True)
    if status == 200 and request.method in ("GET", "HEAD"):
        tags = [t.strip() for t in request.headers.get("If-None-Match", "").split(",") if t.strip()]
        if tag in tags or (not tags and isinstance(modified, datetime) and _not_modified_since(modified)):
            return Response(status=304, headers=out)
    return Response(text, status=status, mimetype=mimetype, headers=out)
