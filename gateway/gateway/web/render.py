"""Rendering a page: the template with the visitor's parts, validators (ETag, Last-Modified), 304s."""

import functools
import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from flask import Response, current_app, g, render_template, request, session

from gateway.public_cache import RenderedPage
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


def read_topic(topic):
    """Note that this request read ``topic``'s public data, at the generation it was read at."""
    read = g.setdefault("topics_read", {})
    if topic not in read:
        read[topic] = current_app.extensions["public_cache"].generation_now(topic)


def degraded():
    """This page shows a block whose service did not answer: it must not be kept rendered."""
    g.page_degraded = True


def _shared_key():
    return (request.host, request.full_path)


def shared(view):
    """A page every anonymous visitor sees alike, built only from ``common.public`` data.

    For a visitor without a session cookie the rendered text is kept per worker with the
    generations of the topics it read (``PublicCache.page_lookup``), and served again — or
    answered 304 — without the view, the RPCs or the template, until a fact of one of those
    topics is heard. Measured (``make bench`` portal): the render is most of a cached page's
    cost; a 304 that renders first costs as much as a 200."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method in ("GET", "HEAD") and not session:
            found = current_app.extensions["public_cache"].page_lookup(_shared_key())
            if found is not None:
                return _answer(found.text, found.etag, dict(found.headers), found.mimetype, 200)
            g.shared_page = True
        return view(*args, **kwargs)

    return wrapper


def _answer(text, tag, headers, mimetype, status):
    if status == 200 and request.method in ("GET", "HEAD"):
        tags = [t.strip() for t in request.headers.get("If-None-Match", "").split(",") if t.strip()]
        if tag in tags:
            return Response(status=304, headers=headers)
        if (
            not tags
            and "Last-Modified" in headers
            and _not_modified_since(parsedate_to_datetime(headers["Last-Modified"]))
        ):
            return Response(status=304, headers=headers)
    return Response(text, status=status, mimetype=mimetype, headers=headers)


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
    if status == 200 and g.get("shared_page") and not personal and not g.get("page_degraded"):
        rendered = RenderedPage(text, tag, out, mimetype, dict(g.get("topics_read") or {}))
        current_app.extensions["public_cache"].page_store(_shared_key(), rendered)
    return _answer(text, tag, dict(out), mimetype, status)
