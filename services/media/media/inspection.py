"""What an uploaded file is, decided from its bytes — never from its name or declared type.

Pure functions over the first bytes of a file (``sniff``) or a whole file, on disk or in memory
(``check_document``, ``check_filename``). No nameko, no storage.
"""

import os
import re
import unicodedata
import zipfile

from platform_shared.errors import InvalidInput, PayloadTooLarge
from platform_shared.schemas import UNSTORABLE_MESSAGE, is_storable

KINDS = ("image", "video", "document")
KIND_LABELS = {"image": "ảnh", "video": "video", "document": "tài liệu"}

# (format, kind, mime type)
JPEG = ("jpeg", "image", "image/jpeg")
PNG = ("png", "image", "image/png")
WEBP = ("webp", "image", "image/webp")
MP4 = ("mp4", "video", "video/mp4")
WEBM = ("webm", "video", "video/webm")
PDF = ("pdf", "document", "application/pdf")
DOCX = ("docx", "document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
FORMATS = {f[0]: f for f in (JPEG, PNG, WEBP, MP4, WEBM, PDF, DOCX)}

SNIFF_BYTES = 64
ACCEPTED = "JPEG, PNG, WebP, MP4, WebM, PDF, DOCX"


def sniff(head):
    """The format tuple of a file from its first bytes, or ``None`` when it is none we accept.

    A ZIP container is reported as DOCX here and confirmed by ``check_document``
    once the whole file is known (the ZIP directory is at its end).
    """
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12].isalnum():
        return MP4
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return WEBM
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return DOCX
    return None


def refuse_type(field="file"):
    return InvalidInput.field(
        field,
        f"Loại tệp không được chấp nhận. Chỉ nhận: {ACCEPTED} (xác định theo nội dung tệp).",
        code="UNSUPPORTED_FILE_TYPE",
    )


def check_document(fmt, source):
    """A PDF must end like one; a DOCX must be a Word package, not any ZIP. ``source``: the path
    of the file, or the file itself (binary, seekable)."""
    if fmt == PDF:
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as fh:
                tail = _tail(fh)
        else:
            tail = _tail(source)
        if b"%%EOF" not in tail:
            raise InvalidInput.field(
                "file", "Tệp PDF không hoàn chỉnh (thiếu phần kết thúc). Hãy xuất lại tệp.", code="CORRUPT_FILE"
            )
    elif fmt == DOCX:
        try:
            with zipfile.ZipFile(source) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            raise InvalidInput.field("file", "Tệp nén bị hỏng hoặc không đầy đủ.", code="CORRUPT_FILE") from None
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise refuse_type()


def _tail(fh, size=2048):
    fh.seek(0, 2)
    fh.seek(max(0, fh.tell() - size))
    return fh.read()


_PATH = re.compile(r"[/\\]")
_TAG = re.compile(r"<[^<>]*>")
_BLANKS = re.compile(r"\s+")
MAX_FILENAME = 255


def check_filename(name):
    """The name a person gave the file, kept for display only (and as the download name).

    Refused (422 naming ``file``) when it holds what the platform stores nowhere — NUL,
    another C0 control, DEL, a lone surrogate: the kit's ``storable`` check, as for every
    other string — or any other control character (a name is one line: no tab, line
    break or C1 control), tries a path (``..``, ``/``, ``\\``) or passes 255 characters.
    Markup is taken out (``<script>x</script>.jpg`` becomes ``x.jpg``), and so are
    invisible characters (a right-to-left override makes ``gpj.exe`` read as
    ``exe.jpg``); Vietnamese letters stay, NFC. ``None`` when nothing is left.
    """
    if not is_storable(name):  # the name as sent, before anything changes it
        raise InvalidInput.field("file", _UNSTORABLE_NAME, code="INVALID_FILE_NAME")
    if name is None or not str(name).strip():
        return None
    name = unicodedata.normalize("NFC", str(name)).strip()
    if any(unicodedata.category(ch) == "Cc" for ch in name) or len(name) > MAX_FILENAME:
        raise _bad_name()
    name = _TAG.sub("", name)  # first: "</script>" is markup, not a path
    name = "".join(ch for ch in name if ch not in "<>" and unicodedata.category(ch)[0] != "C")
    name = _BLANKS.sub(" ", name).strip()
    if ".." in name or _PATH.search(name):
        raise _bad_name()
    return name or None


_UNSTORABLE_NAME = "Tên tệp không hợp lệ. " + UNSTORABLE_MESSAGE


def _bad_name():
    return InvalidInput.field(
        "file",
        "Tên tệp không hợp lệ: không được chứa «..», «/», «\\» hay ký tự điều khiển, tối đa 255 ký tự.",
        code="INVALID_FILE_NAME",
    )


def too_large(kind, cap):
    """The error for a file of ``kind`` past its cap of ``cap`` bytes."""
    mb = cap / (1024 * 1024)
    size = f"{mb:.0f} MB" if mb < 1024 else f"{mb / 1024:.0f} GB"
    return PayloadTooLarge(
        f"Tệp {KIND_LABELS[kind]} vượt quá giới hạn {size}.",
        code="FILE_TOO_LARGE",
        details={"errors": {"file": [f"Tối đa {size} cho {KIND_LABELS[kind]}."]}, "limit": cap},
    )
