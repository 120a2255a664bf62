"""Photos: decode safely, re-encode without metadata, make renditions. Pillow only.

A worker's photo must not reveal where it was taken: the original is never
stored as uploaded. It is decoded (only JPEG, PNG and WebP decoders are allowed),
checked against a pixel cap *before* any pixel is decoded (decompression bombs),
turned upright by its EXIF orientation, and written again with no EXIF, GPS,
XMP or comments. The renditions are made from that clean image.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from platform_shared.errors import InvalidInput

PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
RENDITIONS = (("medium", 1024), ("thumb", 320))


@dataclass(frozen=True)
class Encoded:
    name: str  # original, medium, thumb
    data: bytes
    content_type: str
    width: int
    height: int


def _invalid(message, code="INVALID_IMAGE"):
    return InvalidInput.field("file", message, code=code)


def process(path, fmt, *, max_pixels):
    """The clean original and its renditions, or ``InvalidInput`` naming what is wrong."""
    pillow_format = PILLOW_FORMATS[fmt]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=[pillow_format]) as image:
                width, height = image.size
                if width * height > max_pixels or width < 1 or height < 1:
                    raise _invalid(
                        f"Ảnh {width}×{height} điểm ảnh vượt giới hạn {max_pixels:,} điểm ảnh.".replace(",", "."),
                        code="IMAGE_TOO_LARGE",
                    )
                image.load()  # a truncated or corrupt file fails here, before anything is stored
                upright = ImageOps.exif_transpose(image)
        except InvalidInput:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _invalid(
                f"Ảnh vượt giới hạn {max_pixels:,} điểm ảnh.".replace(",", "."), code="IMAGE_TOO_LARGE"
            ) from None
        except UnidentifiedImageError:
            raise _invalid("Tệp không phải ảnh hợp lệ.") from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise _invalid(f"Ảnh bị hỏng hoặc không đầy đủ ({exc}).".replace("..", ".")) from None
    upright = _normalise_mode(upright, fmt)
    results = [_encode("original", upright, fmt)]
    for name, size in RENDITIONS:
        copy = upright.copy()
        copy.thumbnail((size, size), Image.Resampling.LANCZOS)
        results.append(_encode(name, copy, fmt))
    return results


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
        clean.save(buffer, "JPEG", quality=85, optimize=True)
    elif fmt == "png":
        clean.save(buffer, "PNG", optimize=True)
    else:
        clean.save(buffer, "WEBP", quality=85, method=4)
    content_type = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[fmt]
    return Encoded(name, buffer.getvalue(), content_type, clean.width, clean.height)
