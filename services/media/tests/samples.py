"""Files the media tests upload: real ones made on the fly, and hostile ones."""

import io
import struct
import time
import zipfile
import zlib

from PIL import ExifTags, Image

GPS = {1: "N", 2: (21.0, 1.0, 30.0), 3: "E", 4: (105.0, 51.0, 0.0)}


def jpeg_with_gps(width=1600, height=1200, color=(180, 20, 20), orientation=None, seed=0):
    """A photo carrying a camera make and GPS coordinates in its EXIF."""
    image = Image.new("RGB", (width, height), color)
    for x in range(0, width, 50):  # some detail so the encoder has work (and sizes differ by seed)
        image.putpixel((x, (x * 7 + seed) % height), (seed % 255, 200, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS R6"
    exif[ExifTags.IFD.GPSInfo] = GPS
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def jpeg_claiming(width, height):
    """A small JPEG whose frame header claims ``width`` × ``height`` pixels (a bomb by its header)."""
    data = jpeg_with_gps(100, 80)
    sof = data.index(b"\xff\xc0")
    return data[: sof + 5] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + data[sof + 9 :]


def jpeg_of_endless_scans(scans=101):
    """A JPEG whose one scan is repeated ``scans`` times: each makes a decoder go over the image again."""
    data = jpeg_with_gps(64, 64)
    sos = data.index(b"\xff\xda")
    return data[:sos] + data[sos:-2] * scans + b"\xff\xd9"


def jpeg_polyglot():
    """A real photo that is also a web page: a script in a comment and HTML after its end."""
    image = Image.new("RGB", (400, 300), (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", comment=b"<script>alert(document.cookie)</script>", exif=_camera_exif())
    return buffer.getvalue() + b"<html><body><script>alert('polyglot')</script></body></html>"


def _camera_exif():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.IFD.GPSInfo] = GPS
    return exif


def ready(client, asset, timeout=30):
    """The asset (``GET /api/v1/media/{id}`` as ``client`` sees it) once the media worker has made
    its renditions. The media relay must run (``relay("media")``): the worker is fed by it."""
    deadline = time.monotonic() + timeout
    while True:
        seen = client.get(f"/api/v1/media/{asset['id']}").json
        if seen.get("rendition_status") != "pending":
            return seen
        if time.monotonic() > deadline:
            raise AssertionError(f"the renditions are still pending after {timeout} s: {seen}")
        time.sleep(0.05)


def png(width=640, height=480, alpha=False):
    image = Image.new("RGBA" if alpha else "RGB", (width, height), (20, 120, 200, 128) if alpha else (20, 120, 200))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def webp(width=500, height=500):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 10)).save(buffer, "WEBP")
    return buffer.getvalue()


def png_bomb(width=20000, height=20000):
    """A tiny PNG that claims 400 million pixels (all black): a decompression bomb."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def truncated_jpeg():
    data = jpeg_with_gps(800, 600)
    return data[: len(data) * 6 // 10]


def jpeg_header_then_html():
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"<html><script>alert('x')</script></html>" * 20


def zip_file():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "không phải ảnh")
    return buffer.getvalue()


def docx():
    """A minimal Word package."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def pdf():
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n" + "Quyết định 1197/TLĐ".encode() + b"\n%%EOF\n"


def pdf_with_open_action():
    """A PDF that runs JavaScript when opened (an ``OpenAction``), as the probe uploaded."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"3 0 obj<</S/JavaScript/JS(app.alert\\(document.cookie\\))>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def mp4(size=300_000):
    """An MP4-shaped file: an ftyp box, then filler."""
    header = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2"
    return header + bytes(size - len(header))


def webm(size=200_000):
    header = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm"
    return header + bytes(size - len(header))
