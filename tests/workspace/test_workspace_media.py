"""The media library in the workspace (``/quan-tri/thu-vien``): a contributor uploads a photo with
its description (the form posted whole, and the script's streamed request) and finds it in the
grid; a file media refuses — too big, not a type it takes, not what it claims — is named beside
the file field with nothing stored; describing a file afterwards; who may see and describe what.
Real accounts and media services (media on the filesystem, its image cap lowered to 20 kB)."""

import io
import re
import sys
from pathlib import Path

import pytest

from tests.workspace.conftest import csrf_of

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "media" / "tests"))
import samples  # noqa: E402

HOME = "/quan-tri/thu-vien"
UPLOAD = f"{HOME}/tai-len"
CAP = 20_000


@pytest.fixture
def media_backend(tmp_path):
    return {
        "MEDIA_STORAGE": "filesystem",
        "MEDIA_FS_ROOT": str(tmp_path / "media"),
        "MEDIA_URL_SIGNING_KEY": "k" * 32,
        "MEDIA_MAX_IMAGE_BYTES": str(CAP),
    }


@pytest.fixture
def library(staff_as, media_service):
    return staff_as


def text(response):
    return response.get_data(as_text=True)


def photo(seed=1):
    data = samples.jpeg_with_gps(900, 600, seed=seed)
    assert len(data) < CAP
    return data


def send(client, data, name="anh.jpg", mimetype="image/jpeg", **fields):
    form = client.get(UPLOAD)
    assert form.status_code == 200, text(form)[:300]
    body = {"csrf_token": csrf_of(form), "file": (io.BytesIO(data), name, mimetype), **fields}
    return client.post(UPLOAD, data=body, content_type="multipart/form-data")


def asset_id_in(html, caption):
    (card,) = [c for c in html.split('<li class="media-card">')[1:] if caption in c]
    return re.search(r'href="/quan-tri/thu-vien/([0-9a-f-]{36})"', card).group(1)


def test_a_contributor_uploads_a_photo_and_a_document_and_finds_them_in_the_grid(library):
    writer = library("hanoi.contributor")
    assert "Chưa có tệp nào" in text(writer.get(HOME))
    form = text(writer.get(UPLOAD))
    assert "EXIF/GPS" in form and "Tôi — Trần Văn Bình" in form and 'id="tai-len"' not in form
    assert 'accept="image/jpeg,image/png,image/webp,video/mp4,video/webm,application/pdf,.docx"' in form

    done = send(
        writer,
        photo(),
        "le-ky-thoa-uoc.jpg",
        caption="Lễ ký thỏa ước lao động tập thể",
        alt_text="Đại diện công đoàn và doanh nghiệp ký thỏa ước",
        credit_name="Minh Hà",
        source="Báo Lao Động",
        rights="© Công đoàn Hà Nội",
    )
    assert done.status_code == 303 and done.headers["Location"] == HOME
    grid = text(writer.get(HOME))
    assert "Đã tải lên «le-ky-thoa-uoc.jpg»" in grid and "EXIF/GPS" in grid
    assert "Lễ ký thỏa ước lao động tập thể" in grid and "Tác giả: Minh Hà" in grid and "900 × 600 px" in grid
    thumb = re.search(r'<img src="([^"]+)" alt="Đại diện công đoàn và doanh nghiệp ký thỏa ước"', grid).group(1)
    assert writer.get(thumb.replace("&amp;", "&")).mimetype.startswith("image/")
    asset_id = asset_id_in(grid, "Lễ ký thỏa ước lao động tập thể")
    original = writer.get(f"{HOME}/{asset_id}/tep")
    assert original.status_code == 303 and f"/api/v1/media/{asset_id}/content" in original.headers["Location"]

    again = send(writer, photo(), "ban-sao.jpg", caption="Bản sao")
    assert again.status_code == 303 and again.headers["Location"] == f"{HOME}/{asset_id}"
    assert "Thư viện đã có đúng tệp này" in text(writer.get(again.headers["Location"]))

    # Past the gateway's 5 MB body limit: the form takes what media takes (50 MB for a document).
    large = samples.pdf().replace(b"\n", b"\n" + (b"%" + b"0" * 99 + b"\n") * 61_440, 1)
    assert len(large) > 6_000_000
    assert send(writer, large, "quy-che.pdf", "application/pdf", caption="Quy chế dân chủ").status_code == 303
    grid = text(writer.get(HOME))
    assert grid.count('class="media-card"') == 2 and ">PDF</span>" in grid
    documents = text(writer.get(HOME, query_string={"loai": "document"}))
    assert "Quy chế dân chủ" in documents and "Lễ ký thỏa ước" not in documents
    found = text(writer.get(HOME, query_string={"q": "thỏa ước"}))
    assert "Lễ ký thỏa ước" in found and "Quy chế dân chủ" not in found
    assert writer.get(HOME, query_string={"loai": "am-thanh"}).status_code == 404


def test_the_pages_script_streams_the_upload_and_hears_media_in_json(library):
    writer = library("hanoi.contributor")
    token = csrf_of(writer.get(UPLOAD))
    headers = {"X-CSRF-Token": token, "Accept": "application/json"}
    data = {"caption": "Hội nghị người lao động", "file": (io.BytesIO(photo(2)), "hoi-nghi.jpg", "image/jpeg")}
    answer = writer.post(UPLOAD, data=data, headers=headers, content_type="multipart/form-data")
    assert answer.status_code == 200 and answer.json["location"] == HOME
    assert "Hội nghị người lao động" in text(writer.get(HOME))
    big = {"file": (io.BytesIO(samples.jpeg_with_gps(seed=3)), "to.jpg", "image/jpeg")}
    refused = writer.post(UPLOAD, data=big, headers=headers, content_type="multipart/form-data")
    assert refused.status_code == 413 and "vượt quá giới hạn" in refused.json["errors"]["file"]


def test_a_refused_file_is_named_beside_the_file_field_and_nothing_is_stored(library):
    writer = library("hanoi.contributor")
    cases = (
        (samples.jpeg_with_gps(seed=3), "to-qua.jpg", "image/jpeg", 413, "vượt quá giới hạn"),
        (samples.zip_file(), "tai-lieu.zip", "application/zip", 422, None),
        (samples.jpeg_header_then_html(), "anh-gia.jpg", "image/jpeg", 422, None),
    )
    for data, name, mimetype, status, words in cases:
        refused = send(writer, data, name, mimetype, caption="Chú thích giữ lại", credit_name="Minh Hà")
        page = text(refused)
        assert refused.status_code == status, (name, page[:300])
        assert 'id="loi-file"' in page and re.search(r'id="file"[^>]*aria-invalid="true"', page), name
        assert "Chú thích giữ lại" in page and 'value="Minh Hà"' in page, name
        if words:
            assert words in page
    token = csrf_of(writer.get(UPLOAD))
    empty = writer.post(
        UPLOAD, data={"csrf_token": token, "caption": "Không có tệp"}, content_type="multipart/form-data"
    )
    assert empty.status_code == 422 and 'id="loi-file"' in text(empty) and "Không có tệp" in text(empty)
    bad_text = send(writer, photo(4), caption="Chú\x00thích")
    assert bad_text.status_code == 422 and 'id="loi-caption"' in text(bad_text)
    assert "Chưa có tệp nào" in text(writer.get(HOME))


def test_describing_a_file_and_who_may(library):
    admin = library("hanoi.admin")
    assert send(admin, photo(5), "dai-hoi.jpg", caption="Đại hội Công đoàn", credit_name="Minh Hà").status_code == 303
    asset_id = asset_id_in(text(admin.get(HOME)), "Đại hội Công đoàn")
    path = f"{HOME}/{asset_id}"
    page = admin.get(path)
    assert 'id="form-thong-tin-tep"' in text(page)
    form = {"csrf_token": csrf_of(page), "caption": "Đại hội Công đoàn thành phố lần thứ XVII", "alt_text": ""}
    form |= {"credit_user_id": "", "credit_name": "", "source": "", "rights": "CC BY 4.0"}
    saved = admin.post(path, data=form)
    assert saved.status_code == 303 and saved.headers["Location"] == path
    shown = text(admin.get(path))
    assert "Đã lưu thông tin của «dai-hoi.jpg»." in shown and "lần thứ XVII" in shown and 'value="CC BY 4.0"' in shown
    assert 'id="credit_name" name="credit_name" type="text" maxlength="200" value=""' in shown  # cleared

    bad = admin.post(path, data={**form, "credit_name": "A"})
    assert bad.status_code == 422 and 'id="loi-credit_name"' in text(bad) and 'value="A"' in text(bad)
    assert 'value="A"' not in text(admin.get(path))

    writer = library("hanoi.contributor")
    assert "Xem thông tin" in text(writer.get(HOME))  # someone else's file: read, not describe
    assert 'id="form-thong-tin-tep"' not in text(writer.get(path))
    refused = writer.post(path, data={**form, "csrf_token": csrf_of(writer.get(HOME)), "caption": "Chiếm"})
    assert refused.status_code == 403

    danang = library("danang.admin")
    for suffix in ("", "/tep"):
        assert danang.get(path + suffix).status_code == 404, suffix
    assert danang.post(path, data={**form, "csrf_token": csrf_of(danang.get(HOME))}).status_code == 404
    assert library("hanoi.member").get(HOME).status_code == 403
    assert admin.post(path, data={k: v for k, v in form.items() if k != "csrf_token"}).status_code == 400
    assert admin.post(UPLOAD, data={"file": (io.BytesIO(photo(6)), "x.jpg")}).status_code == 400
    assert "lần thứ XVII" in text(admin.get(path))
