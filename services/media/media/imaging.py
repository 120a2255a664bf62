"""Photos: check safely, clean the original, make renditions. Pillow and the JPEG format only.

A worker's photo must not reveal where it was taken: the original is never stored
as uploaded. Two steps, in two places:

* **On the upload's request path** (``clean``), before anything is stored: only the
  declared format's decoder may open the file (JPEG, PNG, WebP), its dimensions are
  read from its header and checked against the pixel cap *before* any pixel is
  decoded (decompression bombs), and the original is cleaned:

  - **JPEG: at segment level** (``strip_jpeg``), with no decode and no re-encode: the
    file is walked marker by marker and rebuilt from the segments a decoder needs —
    quantisation and Huffman tables, the frame header, restart interval, the Adobe
    colour-transform flag, each scan with its entropy-coded data — ending at the
    first EOI. Every APPn segment (EXIF and its GPS block, XMP, IPTC/Photoshop APP13,
    ICC profiles, JFIF/JFXX with their embedded thumbnails, maker notes, MPF), every
    comment, and anything after EOI (appended HTML, a second picture) is dropped.
    The pixels are the upload's, bit for bit. A file whose structure is not a
    complete baseline/progressive JPEG — truncated, no EOI, junk where a marker
    must be, a scan before a frame, more than ``MAX_SCANS`` scans (a CPU bomb for
    the decoder), a second frame — is refused.
  - **The orientation decision:** the EXIF Orientation tag (1–8) is the only thing
    taken from the upload's metadata. When it is not 1 we write a *new* APP1 of our
    own holding just that tag (nothing else: no camera, no time, no GPS), so the
    photo displays upright exactly as the camera meant, without rotating (and so
    re-encoding) its pixels. The asset's width and height are the upright ones.
    The renditions are rotated for real (decoded anyway) and carry no EXIF at all.
  - PNG and WebP keep the old path: decoded whole (with the same cap) and written
    again with no metadata (a new image carries no text chunks, EXIF, XMP or ICC).

* **Off the request path** (``renditions``, the media worker): ``medium`` (1024 px)
  and ``thumb`` (320 px) are made from the clean original, turned upright, encoded
  with no metadata. A rendition that would not be smaller than the original is not
  made at all: the original is reused for it (``reuses_original``).
"""

import io
import re
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from platform_shared.errors import InvalidInput

PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
CONTENT_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
RENDITIONS = (("medium", 1024), ("thumb", 320))
# Bicubic, not Lanczos, for the renditions: for a downscale Pillow widens either filter's support
# by the scale, so both are anti-aliased; bicubic's is 2 pixels against 3. Measured (bench
# photos, 8 each, best of 3): the thumb of a 980 px photo 12.8 -> 11.6 ms (39.8 -> 37.4 kB),
# both renditions of a 2048 px one 36.3 -> 34.8 ms (medium unchanged: libjpeg's 1/2 draft
# already is 1024 px). Bicubic is Pillow's default for ``resize`` too.
RESAMPLE = Image.Resampling.BICUBIC
ORIENTATION = 0x0112
# A progressive JPEG from a camera or an encoder has about 10 scans (mozjpeg: up to ~20);
# thousands of tiny scans make libjpeg decode the whole image again for each one.
MAX_SCANS = 100


@dataclass(frozen=True)
class Encoded:
    name: str  # original, medium, thumb
    data: bytes
    content_type: str
    width: int
    height: int


def _invalid(message, code="INVALID_IMAGE"):
    return InvalidInput.field("file", message, code=code)


def _too_large(max_pixels, width=None, height=None):
    cap = f"{max_pixels:,}".replace(",", ".")
    if width is None:
        return _invalid(f"Ảnh vượt giới hạn {cap} điểm ảnh.", code="IMAGE_TOO_LARGE")
    return _invalid(f"Ảnh {width}×{height} điểm ảnh vượt giới hạn {cap} điểm ảnh.", code="IMAGE_TOO_LARGE")


def _corrupt(detail):
    return _invalid(f"Ảnh bị hỏng hoặc không đầy đủ ({detail}).".replace("..", "."))


class _Opened:
    """``Image.open`` limited to the declared format, with the pixel cap checked before any decode."""

    def __init__(self, source, fmt, max_pixels):
        self.source, self.fmt, self.max_pixels = source, fmt, max_pixels
        self._warnings = warnings.catch_warnings()

    def __enter__(self):
        self._warnings.__enter__()
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            self.image = Image.open(self.source, formats=[PILLOW_FORMATS[self.fmt]])
            width, height = self.image.size
            if width * height > self.max_pixels or width < 1 or height < 1:
                raise _too_large(self.max_pixels, width, height)
        except BaseException as exc:
            self._warnings.__exit__(None, None, None)
            if hasattr(self, "image"):
                self.image.close()
            raise _translate(exc, self.max_pixels) from None
        return self.image

    def __exit__(self, kind, exc, tb):
        self.image.close()
        self._warnings.__exit__(None, None, None)
        if exc is not None and not isinstance(exc, InvalidInput):
            translated = _translate(exc, self.max_pixels)
            if translated is not exc:
                raise translated from None
        return False


def _translate(exc, max_pixels):
    if isinstance(exc, InvalidInput):
        return exc
    if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        return _too_large(max_pixels)
    if isinstance(exc, UnidentifiedImageError):
        return _invalid("Tệp không phải ảnh hợp lệ.")
    if isinstance(exc, (OSError, SyntaxError, ValueError, struct.error)):
        return _corrupt(exc)
    return exc


# -- on the request path ----------------------------------------------------------------


def clean(source, fmt, *, max_pixels):
    """The clean original of the uploaded photo ``source`` (its bytes, or the path of a file
    holding them): an ``Encoded`` named ``original``, with its upright width and height, or
    ``InvalidInput`` naming what is wrong."""
    if not isinstance(source, (bytes, bytearray)):
        with open(source, "rb") as fh:
            source = fh.read()
    if fmt == "jpeg":
        data = source
        with _Opened(io.BytesIO(data), fmt, max_pixels) as image:  # header only: no pixel decoded
            orientation = image.getexif().get(ORIENTATION, 1)
        stripped, (width, height) = strip_jpeg(data, max_pixels=max_pixels, orientation=orientation)
        if orientation in (5, 6, 7, 8):
            width, height = height, width
        return Encoded("original", stripped, CONTENT_TYPES[fmt], width, height)
    with _Opened(io.BytesIO(source), fmt, max_pixels) as image:
        image.load()  # a truncated or corrupt file fails here, before anything is stored
        upright = _normalise_mode(ImageOps.exif_transpose(image), fmt)
        return _encode("original", upright, fmt)


_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
# Frame headers: baseline, extended, progressive, lossless; Huffman (C0-C3) and arithmetic (C9-CB).
_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCA, 0xCB}
# Tables a decoder needs: quantisation, Huffman, restart interval, arithmetic conditioning.
_TABLES = {0xDB, 0xC4, 0xDD, 0xCC}
_APP14 = 0xEE
# The end of entropy-coded data: 0xFF followed by anything but a stuffed 0x00, a restart
# marker (RST0-7, part of the data) or another 0xFF (fill).
_MARKER = re.compile(rb"\xff[^\x00\xff\xd0-\xd7]")


def strip_jpeg(data, *, max_pixels, orientation=1):
    """``(clean bytes, (width, height))`` of the JPEG ``data``: only the segments needed to decode
    it, from SOI to the first EOI, plus a minimal EXIF of our own with ``orientation`` when it
    is not 1. Raises ``InvalidInput`` when the file is not a complete JPEG or is too large."""
    if data[:2] != b"\xff\xd8":
        raise _invalid("Tệp không phải ảnh hợp lệ.")
    out = [b"\xff\xd8"]
    if orientation in range(2, 9):
        out.append(_orientation_segment(orientation))
    size, scans, pos, end = None, 0, 2, len(data)
    while True:
        if pos >= end or data[pos] != 0xFF:
            raise _corrupt("thiếu dấu kết thúc ảnh" if pos >= end else "cấu trúc JPEG sai")
        while pos < end and data[pos] == 0xFF:  # fill bytes before a marker
            pos += 1
        if pos >= end:
            raise _corrupt("thiếu dấu kết thúc ảnh")
        marker = data[pos]
        pos += 1
        if marker == _EOI:
            if scans == 0:
                raise _corrupt("ảnh không có dữ liệu điểm ảnh")
            out.append(b"\xff\xd9")
            return b"".join(out), size
        if pos + 2 > end:
            raise _corrupt("thiếu dấu kết thúc ảnh")
        (length,) = struct.unpack_from(">H", data, pos)
        if length < 2 or pos + length > end:
            raise _corrupt("đoạn JPEG bị cắt")
        segment = b"\xff" + bytes((marker,)) + data[pos : pos + length]
        body = data[pos + 2 : pos + length]
        pos += length
        if marker in _FRAMES:
            if size is not None:
                raise _corrupt("nhiều khung ảnh")
            if len(body) < 6:
                raise _corrupt("đầu khung ảnh sai")
            height, width = struct.unpack_from(">HH", body, 1)
            if width < 1 or height < 1:
                raise _corrupt("kích thước ảnh sai")
            if width * height > max_pixels:
                raise _too_large(max_pixels, width, height)
            size = (width, height)
            out.append(segment)
        elif marker in _TABLES:
            out.append(segment)
        elif marker == _APP14 and body.startswith(b"Adobe") and len(body) == 12:
            out.append(segment)  # only the colour transform flag: CMYK/YCCK files decode wrong without it
        elif 0xE0 <= marker <= 0xEF or marker == 0xFE:
            continue  # APPn (EXIF, GPS, XMP, IPTC, ICC, JFIF thumbnails...) and comments: dropped
        elif marker == _SOS:
            if size is None:
                raise _corrupt("dữ liệu ảnh trước đầu khung")
            scans += 1
            if scans > MAX_SCANS:
                raise _corrupt(f"quá {MAX_SCANS} lượt quét")
            found = _MARKER.search(data, pos)
            if found is None:
                raise _corrupt("thiếu dấu kết thúc ảnh")
            out.append(segment)
            out.append(data[pos : found.start()].rstrip(b"\xff"))
            pos = found.start()
        else:
            # DNL, hierarchical frames (DHP, EXP), JPEG-LS and reserved markers: not a photo we serve.
            raise _corrupt(f"dấu JPEG 0x{marker:02X} không được hỗ trợ")


def _orientation_segment(orientation):
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    payload = exif.tobytes()  # b"Exif\0\0" + a TIFF header and one IFD with one entry
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


# -- off the request path ----------------------------------------------------------------


def reuses_original(width, height):
    """Names of the renditions the original stands in for: those not smaller than it."""
    return [name for name, size in RENDITIONS if max(width, height) <= size]


def renditions(data, fmt, names, *, max_pixels):
    """``Encoded`` renditions ``names`` of the clean original ``data``: upright, no metadata."""
    wanted = [(name, size) for name, size in RENDITIONS if name in names]  # largest first
    if not wanted:
        return []
    out = []
    with _Opened(io.BytesIO(data), fmt, max_pixels) as image:
        # One decode for all of them. ``thumbnail`` before ``load`` lets the JPEG decoder scale
        # down while it decodes (``draft``, libjpeg's scaled IDCT) to the smallest 1/2, 1/4, 1/8
        # of the photo not below the size wanted; ``RESAMPLE`` does the rest. ``reducing_gap=1.0``
        # (Pillow's default 2.0 keeps twice the size before resampling): 13 ms instead of 21 for
        # the thumb of a 980 px photo, 29 instead of 77 for both renditions of a 2048 px one.
        image.thumbnail((wanted[0][1], wanted[0][1]), RESAMPLE, reducing_gap=1.0)
        current = _normalise_mode(ImageOps.exif_transpose(image), fmt)
        for name, size in wanted:
            if max(current.size) > size:
                current = current.copy()
                current.thumbnail((size, size), RESAMPLE)  # the thumb from the medium
            out.append(_encode(name, current, fmt))
    return out


def _normalise_mode(image, fmt):
    if fmt == "jpeg" and image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        return image.convert("RGBA" if image.mode.endswith("A") else "RGB")
    return image


def _encode(name, image, fmt):
    buffer = io.BytesIO()
    clean = Image.new(image.mode, image.size)
    clean.paste(image)  # a new image carries no info, EXIF, XMP or ICC text from the upload
    if fmt == "jpeg":
        # ``optimize`` (Huffman tables made for this image: a second pass over it) is kept: a
        # rendition is encoded once and sent at every view. Without it (measured, bench photos):
        # medium of a 2048 px photo 9.4 -> 4.0 ms but 378 -> 397 kB (+5 %), thumb 1.4 -> 0.6 ms
        # but +7 %; the 0.8 ms it would save on the thumb is ~1 % of a photo's CPU in the bench.
        clean.save(buffer, "JPEG", quality=85, optimize=True)
    elif fmt == "png":
        clean.save(buffer, "PNG", optimize=True)
    else:
        clean.save(buffer, "WEBP", quality=85, method=4)
    return Encoded(name, buffer.getvalue(), CONTENT_TYPES[fmt], clean.width, clean.height)
