"""The desk reviewing an article reads its photos, and nothing else of the writer's library.

hanoi.contributor's photo is unpublished, so Hà Nội's alone until the article that uses it is
submitted to Báo Lao Động's news section: from then on laodong.editor reads its description and
its renditions (``GET /media/{id}``, ``/media/{id}/content``), while another federation and the
other desk (Ban Tuyên giáo) still get 404 — and so does the desk once the photo leaves the
article."""

import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "media" / "tests"))
import samples  # noqa: E402


@pytest.fixture
def media_backend(tmp_path):
    """One backend is enough here: the rule is the service's, not the storage's."""
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


def upload(client, data, filename="anh.jpg", **fields):
    form = {**fields, "file": (io.BytesIO(data), filename, "application/octet-stream")}
    response = client.post("/api/v1/media", data=form, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return response.json


def reads(client, asset_id):
    """(metadata status, medium rendition status) for ``client``."""
    return (
        client.get(f"/api/v1/media/{asset_id}").status_code,
        client.get(f"/api/v1/media/{asset_id}/content", query_string={"rendition": "medium"}).status_code,
    )


def test_the_desk_reads_the_photos_of_what_it_reviews_until_they_leave_the_article(api, login, content_service, relay):
    contributor = api.as_(login("hanoi.contributor"))
    relay("media")  # the photos' renditions are made by media's worker after the upload
    desk, other_desk = api.as_(login("laodong.editor")), api.as_(login("tuyengiao.editor"))
    other_federation = api.as_(login("danang.admin"))
    photo = upload(
        contributor,
        samples.jpeg_with_gps(seed=21),
        "trao-qua.jpg",
        caption="Trao quà Tết cho công nhân",
        alt_text="Chủ tịch công đoàn trao quà cho nữ công nhân",
        credit_name="Minh An",
    )
    unused = upload(contributor, samples.jpeg_with_gps(seed=22), "chua-dung.jpg")
    photo, unused = samples.ready(contributor, photo), samples.ready(contributor, unused)
    article = contributor.post(
        "/api/v1/articles",
        json={
            "section": "news",
            "genre": "news",
            "title": "Công đoàn Thủ đô trao quà Tết",
            "body": "<p>Hơn 2.000 suất quà được trao.</p>",
            "asset_ids": [photo["id"]],
        },
    )
    assert article.status_code == 201, article.json
    article_id = article.json["id"]
    assert reads(desk, photo["id"]) == (404, 404)  # a draft is the writer's

    assert contributor.post(f"/api/v1/articles/{article_id}/submit").status_code == 200
    seen = desk.get(f"/api/v1/media/{photo['id']}")
    assert seen.status_code == 200, seen.json
    assert (seen.json["caption"], seen.json["alt_text"], seen.json["credit_name"]) == (
        "Trao quà Tết cho công nhân",
        "Chủ tịch công đoàn trao quà cho nữ công nhân",
        "Minh An",
    )
    assert seen.json["uploaded_by"] is None and seen.json["public"] is False
    medium = desk.get(f"/api/v1/media/{photo['id']}/content", query_string={"rendition": "medium"})
    assert medium.status_code == 200 and medium.mimetype == "image/jpeg"
    assert medium.headers["Cache-Control"].startswith("private")
    assert api.get(seen.json["renditions"]["thumb"]["url"]).status_code == 200  # the short-lived URL, no token

    assert reads(other_federation, photo["id"]) == (404, 404)
    assert reads(other_desk, photo["id"]) == (404, 404)
    assert reads(api, photo["id"])[1] == 404  # anonymous
    assert reads(desk, unused["id"]) == (404, 404)  # the rest of the library stays Hà Nội's
    assert photo["id"] not in [a["id"] for a in desk.get("/api/v1/media").json["items"]]
    assert desk.patch(f"/api/v1/media/{photo['id']}", json={"caption": "Sửa"}).status_code == 403

    # Returned, the article is still the desk's to read; the writer takes the photo out.
    assert desk.post(f"/api/v1/articles/{article_id}/open").status_code == 200
    returned = desk.post(f"/api/v1/articles/{article_id}/return", json={"comment": "Ảnh chưa rõ, thay ảnh khác."})
    assert returned.status_code == 200, returned.json
    assert reads(desk, photo["id"]) == (200, 200)
    edited = contributor.patch(f"/api/v1/articles/{article_id}", json={"asset_ids": []})
    assert edited.status_code == 200, edited.json
    assert reads(desk, photo["id"]) == (404, 404)
    assert reads(contributor, photo["id"]) == (200, 200)
