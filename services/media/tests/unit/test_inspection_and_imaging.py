"""The kind comes from the bytes; photos are cleaned and resized; hostile files are refused."""

import io
import sys
from pathlib import Path

import pytest
from PIL import ExifTags, Image

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
    path = tmp_path / "upload"
    path.write_bytes(data)
    return {e.name: e for e in imaging.process(str(path), fmt, max_pixels=max_pixels)}


def test_a_photo_loses_its_exif_and_gps_and_is_turned_upright(tmp_path):
    out = _process(tmp_path, samples.jpeg_with_gps(1600, 1200, orientation=6), "jpeg")
    original = Image.open(io.BytesIO(out["original"].data))
    exif = original.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Make not in exif and ExifTags.Base.Orientation not in exif
    assert b"Canon" not in out["original"].data
    assert original.size == (1200, 1600)  # orientation 6 applied, then dropped
    assert max(Image.open(io.BytesIO(out["medium"].data)).size) == 1024
    assert max(Image.open(io.BytesIO(out["thumb"].data)).size) == 320


def test_small_images_are_not_enlarged_and_transparency_is_kept(tmp_path):
    out = _process(tmp_path, samples.png(200, 100, alpha=True), "png")
    assert (out["thumb"].width, out["thumb"].height) == (200, 100)
    assert Image.open(io.BytesIO(out["original"].data)).mode == "RGBA"


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
