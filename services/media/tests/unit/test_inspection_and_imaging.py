"""The kind comes from the bytes; photos are cleaned and resized; hostile files are refused."""

import io
import sys
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageOps, PngImagePlugin

from media import imaging, inspection
from platform_shared.errors import InvalidInput

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import samples  # noqa: E402


@pytest.mark.parametrize(
    "data, name",
    [
        (samples.jpeg_with_gps(64, 64), "jpeg"),
        (samples.png(32, 32), "png"),
        (samples.webp(32, 32), "webp"),
        (samples.mp4(1000), "mp4"),
        (samples.webm(1000), "webm"),
        (samples.pdf(), "pdf"),
        (samples.docx(), "docx"),
    ],
)
def test_the_kind_comes_from_the_first_bytes(data, name):
    assert inspection.sniff(data[:64])[0] == name


@pytest.mark.parametrize("data", [b"", b"GIF89a......", b"<html></html>", b"\x00" * 64, b"MZ\x90\x00 an exe"])
def test_anything_else_is_not_accepted(data):
    assert inspection.sniff(data[:64]) is None


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b.jpg", "..\\x.png", "bad\x00name.jpg", "x" * 256])
def test_file_names_that_try_a_path_are_refused(name):
    with pytest.raises(InvalidInput):
        inspection.check_filename(name)


def test_a_normal_vietnamese_file_name_is_kept():
    assert inspection.check_filename("Ảnh Đại hội Công đoàn.JPG") == "Ảnh Đại hội Công đoàn.JPG"


def _process(tmp_path, data, fmt, max_pixels=60_000_000):
    """What an upload stores (the clean original) and what the worker adds, by name."""
    path = tmp_path / "upload"
    path.write_bytes(data)
    original = imaging.clean(str(path), fmt, max_pixels=max_pixels)
    reused = imaging.reuses_original(original.width, original.height)
    missing = [name for name, _ in imaging.RENDITIONS if name not in reused]
    made = imaging.renditions(original.data, fmt, missing, max_pixels=max_pixels)
    return {"original": original, **{name: original for name in reused}, **{e.name: e for e in made}}


def _clean(tmp_path, data, max_pixels=60_000_000):
    path = tmp_path / "upload.jpg"
    path.write_bytes(data)
    return imaging.clean(str(path), "jpeg", max_pixels=max_pixels)


def test_a_jpeg_loses_its_exif_and_gps_without_being_re_encoded(tmp_path):
    upload = samples.jpeg_with_gps(1600, 1200)
    original = _clean(tmp_path, upload)
    stored = Image.open(io.BytesIO(original.data))
    assert not stored.getexif()  # no EXIF at all: no camera, no GPS block
    assert b"Canon" not in original.data and b"EOS R6" not in original.data
    assert (original.width, original.height) == (1600, 1200)
    # The pixels are the upload's, bit for bit: its scan (entropy-coded data) is kept as it was.
    assert stored.tobytes() == Image.open(io.BytesIO(upload)).tobytes()
    scan = upload[upload.rindex(b"\xff\xda") :]
    assert original.data.endswith(scan)


def test_the_orientation_is_the_only_thing_kept_and_is_written_by_us(tmp_path):
    upload = samples.jpeg_with_gps(1600, 1200, orientation=6)
    original = _clean(tmp_path, upload)
    stored = Image.open(io.BytesIO(original.data))
    assert dict(stored.getexif()) == {ExifTags.Base.Orientation: 6}
    assert b"Canon" not in original.data
    assert stored.size == (1600, 1200)  # pixels not rotated (not re-encoded)...
    assert (original.width, original.height) == (1200, 1600)  # ...the asset is described upright
    assert ImageOps.exif_transpose(stored).size == (1200, 1600)


def test_comments_xmp_iptc_icc_and_what_follows_the_end_are_dropped(tmp_path):
    image = Image.new("RGB", (300, 200), (30, 60, 90))
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>21,1.5N</exif:GPSLatitude></x:xmpmeta>'
    image.save(buffer, "JPEG", comment=b"<script>alert(1)</script>", xmp=xmp, icc_profile=b"icc-Nikon-D850" * 10)
    data = buffer.getvalue()
    iptc = b"\xff\xedPhotoshop 3.0\x008BIM\x04\x04 Ha Noi, toa do 21.0N"
    data = data[:2] + iptc[:2] + (len(iptc)).to_bytes(2, "big") + iptc[2:] + data[2:]  # an APP13 segment
    data += b"<html><script>alert('after EOI')</script></html>"
    original = _clean(tmp_path, data)
    for needle in (b"<script>", b"GPSLatitude", b"Photoshop", b"Nikon", b"after EOI", b"JFIF"):
        assert needle not in original.data
    assert original.data.endswith(b"\xff\xd9")
    assert Image.open(io.BytesIO(original.data)).tobytes() == Image.open(io.BytesIO(data)).tobytes()


def test_a_progressive_jpeg_is_stripped_scan_by_scan(tmp_path):
    buffer = io.BytesIO()
    samples_image = Image.open(io.BytesIO(samples.jpeg_with_gps(640, 480, seed=3)))
    samples_image.save(buffer, "JPEG", progressive=True, exif=samples_image.info["exif"])
    upload = buffer.getvalue()
    original = _clean(tmp_path, upload)
    assert original.data.count(b"\xff\xda") == upload.count(b"\xff\xda") > 1
    assert Image.open(io.BytesIO(original.data)).tobytes() == Image.open(io.BytesIO(upload)).tobytes()
    assert b"Canon" not in original.data


def test_a_photo_claiming_more_pixels_than_the_cap_is_refused_from_its_header(tmp_path):
    data = samples.jpeg_with_gps(100, 80)
    sof = data.index(b"\xff\xc0")
    claims = data[: sof + 5] + (7000).to_bytes(2, "big") + (10000).to_bytes(2, "big") + data[sof + 9 :]
    with pytest.raises(InvalidInput) as info:
        _clean(tmp_path, claims)
    assert info.value.code == "IMAGE_TOO_LARGE"


def test_a_jpeg_of_endless_scans_is_refused(tmp_path):
    data = samples.jpeg_with_gps(64, 64)
    sos = data.index(b"\xff\xda")
    scan = data[sos:-2]
    with pytest.raises(InvalidInput) as info:
        _clean(tmp_path, data[:sos] + scan * (imaging.MAX_SCANS + 1) + b"\xff\xd9")
    assert info.value.code == "INVALID_IMAGE"


def test_renditions_are_upright_and_carry_no_metadata(tmp_path):
    out = _process(tmp_path, samples.jpeg_with_gps(1600, 1200, orientation=6), "jpeg")
    for name, size in (("medium", (768, 1024)), ("thumb", (240, 320))):
        made = Image.open(io.BytesIO(out[name].data))
        assert made.size == size and not made.getexif()


def test_a_photo_not_larger_than_a_rendition_is_that_rendition():
    assert imaging.reuses_original(980, 980) == ["medium"]
    assert imaging.reuses_original(1024, 300) == ["medium"]
    assert imaging.reuses_original(320, 200) == ["medium", "thumb"]
    assert imaging.reuses_original(1025, 700) == []


def test_small_images_are_not_enlarged_and_transparency_is_kept(tmp_path):
    out = _process(tmp_path, samples.png(200, 100, alpha=True), "png")
    assert (out["thumb"].width, out["thumb"].height) == (200, 100)
    assert Image.open(io.BytesIO(out["original"].data)).mode == "RGBA"


def test_a_png_is_still_written_again_without_its_metadata(tmp_path):
    image = Image.new("RGB", (400, 300), (1, 2, 3))
    info = PngImagePlugin.PngInfo()
    info.add_text("GPS", "21.0N 105.8E")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)
    out = _process(tmp_path, buffer.getvalue(), "png")
    assert b"105.8E" not in out["original"].data and set(out) == {"original", "medium", "thumb"}


@pytest.mark.parametrize(
    "maker, fmt, code",
    [
        (samples.png_bomb, "png", "IMAGE_TOO_LARGE"),
        (samples.truncated_jpeg, "jpeg", "INVALID_IMAGE"),
        (samples.jpeg_header_then_html, "jpeg", "INVALID_IMAGE"),
    ],
)
def test_hostile_images_are_refused_before_decoding_them_whole(tmp_path, maker, fmt, code):
    with pytest.raises(InvalidInput) as info:
        _process(tmp_path, maker(), fmt)
    assert info.value.code == code
    assert "file" in info.value.details["errors"]


def test_only_the_declared_decoder_is_used(tmp_path):
    with pytest.raises(InvalidInput):
        _process(tmp_path, samples.png(10, 10), "jpeg")  # a PNG is not decoded as a JPEG


def test_a_zip_that_is_not_a_word_file_is_refused(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(samples.zip_file())
    with pytest.raises(InvalidInput) as info:
        inspection.check_document(inspection.DOCX, str(path))
    assert info.value.code == "UNSUPPORTED_FILE_TYPE"
    path.write_bytes(samples.docx())
    inspection.check_document(inspection.DOCX, str(path))


def test_a_pdf_without_its_end_is_refused(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(samples.pdf()[:-8])
    with pytest.raises(InvalidInput):
        inspection.check_document(inspection.PDF, str(path))


def test_documents_are_checked_from_a_file_in_memory_as_from_one_on_disk():
    inspection.check_document(inspection.PDF, io.BytesIO(samples.pdf()))
    inspection.check_document(inspection.DOCX, io.BytesIO(samples.docx()))
    with pytest.raises(InvalidInput):
        inspection.check_document(inspection.PDF, io.BytesIO(samples.pdf()[:-50]))
    with pytest.raises(InvalidInput):
        inspection.check_document(inspection.DOCX, io.BytesIO(samples.zip_file()))


def test_a_photo_is_cleaned_from_its_bytes_as_from_its_file(tmp_path):
    data = samples.jpeg_with_gps(seed=3)
    path = tmp_path / "anh.jpg"
    path.write_bytes(data)
    from_bytes = imaging.clean(data, "jpeg", max_pixels=60_000_000)
    assert from_bytes == imaging.clean(str(path), "jpeg", max_pixels=60_000_000)
    assert imaging.clean(samples.png(), "png", max_pixels=60_000_000).content_type == "image/png"
