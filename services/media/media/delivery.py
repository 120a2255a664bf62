"""How bytes leave the media service: the headers of a rendition. No nameko here.

A photo is cleaned by us (a JPEG rebuilt from its image segments, others re-encoded) and
shown inline. Everything else — a PDF, a Word file, a video — comes as the client sent it,
so it may carry active content (a PDF's ``OpenAction`` JavaScript, a polyglot that is also
HTML). It is served as an attachment, under a sandboxing Content-Security-Policy, and never
sniffed:

* ``Content-Disposition: attachment; filename="…"; filename*=UTF-8''…`` — the name
  the person gave, with the extension of what the bytes really are (a PDF named
  ``x.html`` downloads as ``x.html.pdf``, so it never opens as a web page);
* ``X-Content-Type-Options: nosniff`` and ``Content-Security-Policy: sandbox`` —
  if a browser renders it anyway, it runs in an opaque origin with scripts off.

``<video src>`` and ``<img src>`` ignore Content-Disposition, so embedding still works.
The same disposition goes into S3 presigned URLs (``response-content-disposition``),
which the bucket's server then answers with.
"""

import re
import unicodedata
from urllib.parse import quote

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
SANDBOX = "sandbox"
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9 ._()+-]")


def inline(asset):
    """Photos are shown in the page; anything else is downloaded."""
    return asset.kind == "image"


def download_name(asset, rendition):
    """The person's file name (or the asset id), the rendition, and the extension of the real format."""
    extension = EXTENSIONS.get(asset.renditions[rendition]["content_type"], asset.format)
    stem = asset.filename or str(asset.id)
    if stem.lower().endswith(f".{extension}") or (extension == "jpg" and stem.lower().endswith(".jpeg")):
        stem = stem[: stem.rindex(".")]
    if rendition != "original":
        stem = f"{stem}-{rendition}"
    return f"{stem}.{extension}"


def content_disposition(asset, rendition):
    """``inline`` or ``attachment`` with an ASCII fallback name and the exact UTF-8 one (RFC 6266)."""
    name = download_name(asset, rendition)
    folded = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
    fallback = _NOT_TOKEN.sub("_", folded.encode("ascii", "ignore").decode())
    kind = "inline" if inline(asset) else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def headers(asset, rendition):
    """Headers of an answer carrying the bytes of ``rendition``."""
    out = {
        "Content-Type": asset.renditions[rendition]["content_type"],
        "Content-Disposition": content_disposition(asset, rendition),
        "X-Content-Type-Options": "nosniff",
    }
    if not inline(asset):
        out["Content-Security-Policy"] = SANDBOX
    return out


def presign_overrides(asset, rendition):
    """What an S3 presigned GET makes the bucket's server answer with (S3 can override only these)."""
    return {
        "response-content-disposition": content_disposition(asset, rendition),
        "response-content-type": asset.renditions[rendition]["content_type"],
    }
