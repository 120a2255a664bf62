"""The upload form read in one pass: the file streamed, the fields before and after it kept."""

import io

import pytest

from media.forms import MAX_FIELD_BYTES, UploadForm
from platform_shared.errors import BadRequest, InvalidInput

BOUNDARY = "form-test-boundary"
FILE = ("file", ("ảnh.jpg", b"\xff\xd8\xff" + bytes(range(256)) * 1000))


def body(*parts, end=True):
    out = b""
    for name, value in parts:
        if isinstance(value, tuple):
            filename, data = value
            head = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'
        else:
            head, data = f'Content-Disposition: form-data; name="{name}"', value
            data = data.encode() if isinstance(data, str) else data
        out += f"--{BOUNDARY}\r\n{head}\r\n\r\n".encode() + data + b"\r\n"
    return out + (f"--{BOUNDARY}--\r\n".encode() if end else b"")


def read_all(form, size=1000):
    data = b""
    while chunk := form.read(size):
        assert len(chunk) <= size
        data += chunk
    return data


def form_of(*parts, end=True):
    return UploadForm(io.BytesIO(body(*parts, end=end)), BOUNDARY, read_size=4096)


def test_fields_before_the_file_are_known_when_it_starts_and_after_it_at_the_end():
    form = form_of(("caption", "Đại hội"), FILE, ("rights", "CC BY 4.0"), ("alt_text", "Hội trường"))
    assert form.start() == {"caption": "Đại hội"}
    assert form.filename == "ảnh.jpg"
    assert read_all(form) == FILE[1][1]
    assert form.finish() == {"caption": "Đại hội", "rights": "CC BY 4.0", "alt_text": "Hội trường"}


def test_finish_reads_past_a_file_not_read_to_its_end():
    form = form_of(FILE, ("caption", "sau tệp"))
    form.start()
    assert form.read(10) == FILE[1][1][:10]
    assert form.finish() == {"caption": "sau tệp"}


def test_other_fields_are_read_past_and_a_field_sent_twice_keeps_the_last():
    form = form_of(("submit", "Tải lên"), ("caption", "một"), FILE, ("caption", "hai"), ("x", "y" * 50_000))
    form.start()
    read_all(form)
    assert form.finish() == {"caption": "hai"}


@pytest.mark.parametrize(
    "parts, field, code",
    [
        ((("caption", "x"),), "file", "INVALID_INPUT"),  # no file at all
        ((("file", "chữ, không phải tệp"),), "file", "INVALID_INPUT"),
        ((FILE, ("file", ("b.jpg", b"\xff\xd8\xff"))), "file", "ONE_FILE"),
        ((FILE, ("caption", b"\xff\xfe")), "caption", "INVALID_INPUT"),
        ((FILE, ("source", "x" * (MAX_FIELD_BYTES + 1))), "source", "INVALID_INPUT"),
    ],
)
def test_a_form_without_one_file_or_with_a_bad_field_is_refused_naming_it(parts, field, code):
    form = form_of(*parts)
    with pytest.raises(InvalidInput) as refused:
        form.start()
        read_all(form)
        form.finish()
    assert field in refused.value.details["errors"] and refused.value.code == code


def test_a_body_that_ends_early_or_is_no_form_is_a_bad_request():
    cut = form_of(FILE, end=False)
    cut.start()
    with pytest.raises(BadRequest):
        read_all(cut)
        cut.finish()
    with pytest.raises(BadRequest):
        UploadForm(io.BytesIO(b"not a form"), BOUNDARY).start()
    with pytest.raises(BadRequest):
        UploadForm(io.BytesIO(b""), "")
