"""The media library through the gateway, as an outside probe tried it (issue 12).

* It is for the staff of the owning tenant. A member, who could read the whole library
  (``GET /media``, ``/media/{id}``, ``/media/{id}/content`` → 200) while ``POST /media``
  was 403, now sees only published assets' public renditions: 404 for anything else
  (never 403 — no existence oracle), 403 for the list. The full table per role below.
* Upload file names lose their markup; a control character in one (NUL, C0, DEL) is refused.
* Bad input — metadata, list filters, content arguments — is a 4xx naming the field,
  never a 500; a NUL byte in a caption or a credit is 422.
* Documents are sandboxed attachments, through the gateway too (the last test).
"""

import io
import json
import sys
from pathlib import Path

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from gateway.app import DATA_POLICY
from platform_shared.actor import SYSTEM
from platform_shared.schemas import UNSTORABLE_MESSAGE

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "media" / "tests"))
import samples  # noqa: E402


@pytest.fixture
def media_backend(tmp_path):
    """One backend is enough here: the rules are the service's, not the storage's."""
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


def upload(client, data, filename="anh.jpg", **fields):
    form = {**fields, "file": (io.BytesIO(data), filename, "application/octet-stream")}
    return client.post("/api/v1/media", data=form, content_type="multipart/form-data")


@pytest.fixture
def library(api, login, media_service, relay):
    """Hà Nội's library: a photo no article uses yet and one a published article shows."""
    contributor = api.as_(login("hanoi.contributor"))
    relay("media")  # the photos' renditions are made by media's worker after the upload
    draft = upload(contributor, samples.jpeg_with_gps(seed=1), "nhap.jpg", caption="Ảnh chưa đăng")
    published = upload(contributor, samples.jpeg_with_gps(seed=2), "da-dang.jpg", caption="Ảnh đã đăng")
    assert (draft.status_code, published.status_code) == (201, 201), (draft.json, published.json)
    draft, published = samples.ready(contributor, draft.json), samples.ready(contributor, published.json)
    with ServiceRpcProxy("media", {"AMQP_URI": media_service.config["AMQP_URI"]}, timeout=10) as media:
        media.mark_referenced(SYSTEM.dump(), [published["id"]], {"kind": "article", "id": "a-1", "published": True})
    return {"draft": draft, "published": published}


# -- who may do what -------------------------------------------------------------------------

ACTIONS = (
    "list",
    "get draft",
    "get published",
    "draft thumb",
    "draft original",
    "published thumb",
    "published original",
    "upload",
    "patch draft",
    "patch published",
)
# hanoi.contributor uploaded both photos; hanoi.moderator is staff who did not; laodong.editor
# is an editor of another federation.
TABLE = {
    "hanoi.member": (403, 404, 200, 404, 404, 200, 404, 403, 404, 403),
    "hanoi.contributor": (200, 200, 200, 200, 200, 200, 200, 201, 200, 200),
    "hanoi.moderator": (200, 200, 200, 200, 200, 200, 200, 403, 403, 403),
    "laodong.editor": (200, 404, 404, 404, 404, 200, 404, 201, 404, 404),
    "anonymous": (401, 401, 401, 404, 404, 200, 404, 401, 401, 401),
}


def attempt(client, action, library):
    if action == "list":
        return client.get("/api/v1/media")
    if action == "upload":
        return upload(client, samples.png(321, 123), "moi.png")
    verb, which = action.split()
    if verb in ("draft", "published"):
        verb, which, rendition = "content", verb, which
    path = f"/api/v1/media/{library[which]['id']}"
    if verb == "get":
        return client.get(path)
    if verb == "patch":
        return client.patch(path, json={"caption": "Chú thích mới"})
    return client.get(f"{path}/content", query_string={"rendition": rendition})


@pytest.mark.parametrize("who", TABLE)
def test_each_role_may_do_what_the_media_policy_says(api, login, library, who):
    client = api.as_(None if who == "anonymous" else login(who))
    got = {}
    for action in ACTIONS:
        response = attempt(client, action, library)
        response.get_data()  # read the relayed bytes to their end, as a browser would
        got[action] = response.status_code
    assert got == dict(zip(ACTIONS, TABLE[who], strict=True))


def test_a_member_is_told_the_library_is_for_staff_whatever_the_filters(api, login, library):
    member = api.as_(login("hanoi.member"))
    for query in ({}, {"kind": "image"}, {"referenced": "true"}, {"q": "Ảnh"}):
        response = member.get("/api/v1/media", query_string=query)
        assert response.status_code == 403 and response.json["code"] == "ROLE_REQUIRED"
        assert "cán bộ" in response.json["message"]


def test_the_openapi_document_says_the_list_answers_a_member_403(api):
    responses = api.get("/api/v1/openapi.json").json["paths"]["/api/v1/media"]["get"]["responses"]
    assert responses["403"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_a_member_reads_a_published_photo_by_its_public_renditions_only(api, login, library):
    seen = api.as_(login("hanoi.member")).get(f"/api/v1/media/{library['published']['id']}").json
    assert seen["id"] == library["published"]["id"] and seen["public"] is True
    assert set(seen["renditions"]) == {"medium", "thumb"}  # never the full-size original
    for rendition in seen["renditions"].values():
        assert rendition["url"] == rendition["public_url"] and "signature" not in rendition["url"]
    assert seen["uploaded_by"] is None


def test_an_unpublished_asset_is_404_for_a_member_as_if_it_did_not_exist(api, login, library):
    member = api.as_(login("hanoi.member"))
    missing = member.get("/api/v1/media/6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c")
    draft = member.get(f"/api/v1/media/{library['draft']['id']}")
    assert (missing.status_code, draft.status_code) == (404, 404)
    assert missing.json["code"] == draft.json["code"] == "ASSET_NOT_FOUND"


def test_staff_still_see_the_whole_library_with_presigned_urls(api, login, library):
    listed = api.as_(login("hanoi.moderator")).get("/api/v1/media")
    assert {a["id"] for a in listed.json["items"]} == {library["draft"]["id"], library["published"]["id"]}
    draft = next(a for a in listed.json["items"] if a["id"] == library["draft"]["id"])
    assert set(draft["renditions"]) == {"original", "medium", "thumb"}
    assert "signature=" in draft["renditions"]["original"]["url"]
    assert api.get(draft["renditions"]["original"]["url"]).status_code == 200
    foreign = api.as_(login("laodong.editor")).get("/api/v1/media")
    assert foreign.status_code == 200 and foreign.json["total"] == 0


# -- file names ------------------------------------------------------------------------------


def test_markup_is_taken_out_of_an_upload_file_name(api, login, media_service):
    contributor = api.as_(login("hanoi.contributor"))
    created = upload(contributor, samples.png(), "<script>alert(1)</script>.jpg")
    assert created.status_code == 201, created.json
    assert created.json["filename"] == "alert(1).jpg"
    listed = contributor.get("/api/v1/media", query_string={"q": "alert"})
    assert [a["filename"] for a in listed.json["items"]] == ["alert(1).jpg"]
    assert "<" not in listed.get_data(as_text=True)
    vietnamese = upload(contributor, samples.png(100, 100), "Ảnh <b>Đại hội</b> Công đoàn.png")
    assert vietnamese.json["filename"] == "Ảnh Đại hội Công đoàn.png"


@pytest.mark.parametrize("name", ["anh\x00.php.jpg", "anh\x01.jpg", "anh\x1b[31m.jpg", "anh\x7f.jpg"])
def test_a_control_character_in_an_upload_file_name_is_refused_not_stripped(
    api, login, media_service, media_storage, name
):
    response = upload(api.as_(login("hanoi.contributor")), samples.png(), name)
    assert response.status_code == 422, response.json
    assert response.json["code"] == "INVALID_FILE_NAME"
    assert response.json["errors"] == {"file": ["Tên tệp không hợp lệ. " + UNSTORABLE_MESSAGE]}
    assert media_storage.keys() == []


# -- bad input: 4xx naming the field, never 500 -----------------------------------------------

BAD_METADATA = [
    ({"caption": "Đại hội\x00<script>"}, "caption"),
    ({"credit_name": "Minh\x00Anh"}, "credit_name"),
    ({"alt_text": "ảnh\x1b[31m"}, "alt_text"),
    ({"source": "\ud800"}, "source"),
    ({"rights": "CC\x7fBY"}, "rights"),
    ({"credit_user_id": "không-phải-mã"}, "credit_user_id"),
    ({"credit_user_id": 12}, "credit_user_id"),
    ({"caption": 12}, "caption"),
    ({"caption": ["x"]}, "caption"),
    ({"caption": {"vi": "x"}}, "caption"),
    ({"caption": ""}, "caption"),
    ({"alt_text": "x" * 501}, "alt_text"),
    ({"credit_name": "x"}, "credit_name"),
    ({"filename": "x.html"}, "filename"),
    ({"status": "removed"}, "status"),
]


@pytest.mark.parametrize("body, field", BAD_METADATA, ids=[f"{f}-{i}" for i, (_, f) in enumerate(BAD_METADATA)])
def test_bad_metadata_is_422_naming_the_field(api, login, library, body, field):
    contributor = api.as_(login("hanoi.contributor"))
    path = f"/api/v1/media/{library['draft']['id']}"
    # Sent as JSON text: "\ud800" (a lone surrogate) travels escaped, as a client would send it.
    response = contributor.patch(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert contributor.get(path).json["caption"] == "Ảnh chưa đăng"


def test_a_metadata_body_that_is_not_an_object_is_refused(api, login, library):
    contributor = api.as_(login("hanoi.contributor"))
    path = f"/api/v1/media/{library['draft']['id']}"
    for body in ([1, 2], "chú thích", 12):
        assert contributor.patch(path, json=body).status_code in (400, 422)
    broken = contributor.patch(path, data=b'{"caption": ', content_type="application/json")
    assert broken.status_code == 400


def test_a_nul_byte_in_upload_fields_is_refused_before_anything_is_stored(api, login, media_service, media_storage):
    contributor = api.as_(login("hanoi.contributor"))
    for field, value in (("caption", "Đại hội\x00"), ("credit_name", "Minh\x00Anh"), ("credit_user_id", "x")):
        response = upload(contributor, samples.png(), "a.png", **{field: value})
        assert response.status_code == 422 and field in response.json["errors"], response.json
    assert media_storage.keys() == []


BAD_FILTERS = [
    ({"kind": "exe"}, "kind"),
    ({"referenced": "có lẽ"}, "referenced"),
    ({"q": "ảnh\x00"}, "q"),
    ({"q": "x" * 101}, "q"),
    ({"page": "0"}, "page"),
    ({"page": "9" * 5000}, "page"),
    ({"page": "1e3"}, "page"),
    ({"per_page": "1000"}, "per_page"),
    ({"per_page": "-1"}, "per_page"),
    ({"sort": "id"}, "sort"),
]


@pytest.mark.parametrize("query, field", BAD_FILTERS, ids=[f for _, f in BAD_FILTERS])
def test_bad_list_filters_are_422_naming_the_field(api, login, library, query, field):
    response = api.as_(login("hanoi.contributor")).get("/api/v1/media", query_string=query)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_like_wildcards_in_the_search_match_themselves(api, login, library):
    contributor = api.as_(login("hanoi.contributor"))
    for q in ("%", "_", "\\"):
        response = contributor.get("/api/v1/media", query_string={"q": q})
        assert response.status_code == 200 and response.json["total"] == 0, q
    assert contributor.get("/api/v1/media", query_string={"q": "chưa"}).json["total"] == 1


@pytest.mark.parametrize(
    "query, status",
    [
        ({"rendition": "poster"}, 422),
        ({"expires": "mai"}, 422),
        ({"expires": "9" * 5000, "signature": "0" * 64}, (404, 422)),
        ({"expires": "99999999999", "signature": "é" * 64}, 404),
        ({"expires": "99999999999", "signature": "\x00" * 64}, 422),
        ({"signature": "s" * 129}, 422),
    ],
)
def test_bad_content_arguments_are_4xx_never_500(api, library, query, status):
    response = api.get(f"/api/v1/media/{library['draft']['id']}/content", query_string=query)
    assert response.status_code in (status if isinstance(status, tuple) else (status,)), response.json


@pytest.mark.parametrize("ident", ["khong-co", "%00", "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c", "x" * 2000])
def test_an_asset_id_that_names_nothing_is_404_everywhere(api, login, media_service, ident):
    contributor = api.as_(login("hanoi.contributor"))
    assert contributor.get(f"/api/v1/media/{ident}").status_code == 404
    assert contributor.patch(f"/api/v1/media/{ident}", json={"caption": "x"}).status_code == 404
    assert api.get(f"/api/v1/media/{ident}/content").status_code == 404


# -- documents are downloaded, not opened --------------------------------------------------


def test_a_published_pdf_with_a_script_comes_through_the_gateway_as_a_sandboxed_attachment(api, login, media_service):
    contributor = api.as_(login("hanoi.contributor"))
    pdf = upload(contributor, samples.pdf_with_open_action(), "Thông báo.pdf").json
    with ServiceRpcProxy("media", {"AMQP_URI": media_service.config["AMQP_URI"]}, timeout=10) as media:
        media.mark_referenced(SYSTEM.dump(), [pdf["id"]], {"kind": "article", "id": "a-2", "published": True})
    for client in (api, contributor):
        response = client.get(f"/api/v1/media/{pdf['id']}/content")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.get_data() == samples.pdf_with_open_action()
        assert response.headers["Content-Disposition"] == (
            "attachment; filename=\"Thong bao.pdf\"; filename*=UTF-8''Th%C3%B4ng%20b%C3%A1o.pdf"
        )
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "sandbox"
    photo = upload(contributor, samples.png(), "Ảnh.png").json
    thumb = contributor.get(f"/api/v1/media/{photo['id']}/content", query_string={"rendition": "thumb"})
    assert thumb.get_data() and thumb.headers["Content-Disposition"].startswith("inline; ")
    # not sandboxed by media; the gateway's own policy for any non-page answer still applies
    assert thumb.headers["Content-Security-Policy"] == DATA_POLICY
