"""Media through the gateway, on both storage backends: upload, credits, renditions,
presigned and public reads, isolation between tenants, hostile files."""

import io
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from nameko.standalone.rpc import ServiceRpcProxy
from PIL import ExifTags, Image
from sqlalchemy import select

from platform_shared import transport  # noqa: F401
from platform_shared.actor import SYSTEM
from platform_shared.contracts import media as contracts
from platform_shared.tables import outbox

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import samples  # noqa: E402


def upload(client, data, filename="anh.jpg", content_type="image/jpeg", **fields):
    form = {**fields, "file": (io.BytesIO(data), filename, content_type)}
    return client.post("/api/v1/media", data=form, content_type="multipart/form-data")


@pytest.fixture
def contributor(api, login, media_service):
    return api.as_(login("hanoi.contributor"))


def fetch(api, url):
    """Follow a presigned URL: a gateway path (filesystem backend) or the S3 server's."""
    if url.startswith("/"):
        response = api.get(url)
        return response.status_code, response.data
    response = requests.get(url, timeout=10)
    return response.status_code, response.content


def test_a_contributor_uploads_a_credited_photo_and_sees_its_thumbnail(api, login, contributor, databases, relay):
    me = contributor.get("/api/v1/me").json["user"]
    photo = samples.jpeg_with_gps()
    created = upload(
        contributor,
        photo,
        filename="Đại hội CĐCS May 10.jpg",
        caption="Đại hội Công đoàn cơ sở Tổng công ty May 10",
        credit_user_id=me["id"],
    )
    assert created.status_code == 201, created.json
    asset = created.json
    assert (asset["kind"], asset["format"], asset["width"], asset["height"]) == ("image", "jpeg", 1600, 1200)
    assert asset["credit_user_id"] == me["id"] and asset["credit_name"] == "Trần Văn Bình"  # from accounts
    assert asset["filename"] == "Đại hội CĐCS May 10.jpg"
    # Answered once the clean original is stored; the worker makes the rest after the answer.
    assert list(asset["renditions"]) == ["original"]
    assert (asset["rendition_status"], asset["renditions_pending"]) == ("pending", ["medium", "thumb"])

    relay("media")  # media.asset_stored reaches the media worker
    asset = samples.ready(contributor, asset)
    assert (asset["rendition_status"], asset["renditions_pending"]) == ("ready", [])
    assert set(asset["renditions"]) == {"original", "medium", "thumb"}
    status, thumb = fetch(api, asset["renditions"]["thumb"]["url"])
    assert status == 200 and max(Image.open(io.BytesIO(thumb)).size) == 320
    status, original = fetch(api, asset["renditions"]["original"]["url"])
    assert status == 200
    stored = Image.open(io.BytesIO(original))
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) and b"Canon" not in original
    assert stored.tobytes() == Image.open(io.BytesIO(photo)).tobytes()  # not re-encoded: the same pixels

    with databases.sessions("media").transaction() as session:
        (event,) = (
            session.execute(select(outbox.c.payload).where(outbox.c.event_type == contracts.ASSET_STORED))
            .scalars()
            .all()
        )
    loaded = contracts.AssetStored().load(event)
    assert loaded["asset_id"] == asset["id"] and loaded["credit_user_id"] == me["id"]


def test_the_same_file_twice_returns_the_existing_asset(contributor, media_storage):
    data = samples.jpeg_with_gps(seed=7)
    first = upload(contributor, data)
    again = upload(contributor, data, filename="ten-khac.jpg")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"] and again.json["duplicate"] is True
    assert [key.split("/")[1] for key in media_storage.keys()] == [first.json["id"]]  # its original only


def form(*parts, boundary="order-test-boundary"):
    """A multipart body with its parts in exactly the order given: ``(name, text)`` or
    ``(name, (filename, bytes))``; and its content type."""
    body = b""
    for name, value in parts:
        if isinstance(value, tuple):
            filename, data = value
            head = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\nContent-Type: image/jpeg'
        else:
            head, data = f'Content-Disposition: form-data; name="{name}"', value.encode()
        body += f"--{boundary}\r\n{head}\r\n\r\n".encode() + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post_form(client, *parts):
    body, content_type = form(*parts)
    return client.post("/api/v1/media", data=body, content_type=content_type)


ORDERS = {
    "fields before the file": lambda fields, file: [*fields, file],
    "fields after the file": lambda fields, file: [file, *fields],
    "fields around the file": lambda fields, file: [*fields[:2], file, *fields[2:]],
}


def stored_events(databases):
    with databases.sessions("media").transaction() as session:
        rows = session.execute(select(outbox.c.payload).where(outbox.c.event_type == contracts.ASSET_STORED))
        return [contracts.AssetStored().load(payload) for payload in rows.scalars()]


@pytest.mark.parametrize("order", ORDERS)
def test_metadata_counts_the_same_wherever_it_comes_in_the_form(contributor, databases, order):
    me = contributor.get("/api/v1/me").json["user"]
    fields = [
        ("caption", "Đại hội Công đoàn cơ sở Tổng công ty May 10"),
        ("credit_user_id", me["id"]),
        ("alt_text", "Hội trường đại hội"),
        ("source", "LĐLĐ Hà Nội"),
        ("rights", "CC BY 4.0"),
    ]
    file = ("file", ("dai-hoi.jpg", samples.jpeg_with_gps()))
    response = post_form(contributor, *ORDERS[order](fields, file))
    assert response.status_code == 201, response.json
    expected = {**dict(fields), "credit_name": "Trần Văn Bình"}  # the name from accounts
    assert {k: response.json[k] for k in expected} == expected
    read = contributor.get(f"/api/v1/media/{response.json['id']}").json
    assert {k: read[k] for k in expected} == expected
    # What royalties learns of the photo: the credit travels with the stored fact itself.
    (event,) = stored_events(databases)
    assert (event["asset_id"], event["credit_user_id"], event["credit_name"]) == (
        response.json["id"],
        me["id"],
        "Trần Văn Bình",
    )


def test_a_form_sent_with_or_without_a_content_length_is_stored_the_same(api, login, contributor, media_storage):
    """The gateway forwards a form of known length as it came, one of unknown length (a chunked
    client) in chunked encoding: the media service reads both to the same asset."""
    token = login("hanoi.contributor")["access_token"]
    answers = []
    for seed, length in ((11, True), (12, False)):
        body, content_type = form(("caption", "Ảnh"), ("file", ("anh.jpg", samples.jpeg_with_gps(seed=seed))))
        answers.append(
            api.client.post(
                "/api/v1/media",
                input_stream=io.BytesIO(body),
                content_length=len(body) if length else None,
                content_type=content_type,
                headers={"Authorization": f"Bearer {token}"},
                environ_overrides={}
                if length
                else {"wsgi.input_terminated": True},  # as gunicorn says of a chunked body
            )
        )
    assert [a.status_code for a in answers] == [201, 201], [a.json for a in answers]
    assert [a.json["caption"] for a in answers] == ["Ảnh", "Ảnh"]
    assert sorted(k.split("/")[1] for k in media_storage.keys()) == sorted(a.json["id"] for a in answers)


@pytest.mark.parametrize("order", ["fields before the file", "fields after the file"])
@pytest.mark.parametrize(
    "field, value",
    [("caption", "Đại hội\x00"), ("credit_user_id", "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c")],
    ids=["NUL in the caption", "unknown photographer"],
)
def test_a_bad_field_refuses_the_upload_wherever_it_comes_and_nothing_is_stored(
    contributor, media_storage, databases, order, field, value
):
    fields = [("alt_text", "Hội trường"), (field, value)]
    response = post_form(contributor, *ORDERS[order](fields, ("file", ("a.jpg", samples.jpeg_with_gps()))))
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == [field]
    assert media_storage.keys() == [] and stored_events(databases) == []
    assert contributor.get("/api/v1/media").json["total"] == 0


def test_fields_sent_with_a_duplicate_leave_the_existing_asset_as_it_was_in_either_order(contributor):
    data = samples.jpeg_with_gps(seed=11)
    first = post_form(contributor, ("caption", "Ảnh gốc"), ("file", ("a.jpg", data)))
    assert first.status_code == 201, first.json
    for order in ("fields before the file", "fields after the file"):
        again = post_form(contributor, *ORDERS[order]([("caption", "Chú thích khác")], ("file", ("b.jpg", data))))
        assert (again.status_code, again.json["id"], again.json["duplicate"]) == (200, first.json["id"], True)
        assert again.json["caption"] == "Ảnh gốc"
    assert contributor.get(f"/api/v1/media/{first.json['id']}").json["caption"] == "Ảnh gốc"


def test_a_second_file_in_the_form_is_refused_and_nothing_is_stored(contributor, media_storage):
    response = post_form(
        contributor,
        ("file", ("a.jpg", samples.jpeg_with_gps(seed=3))),
        ("caption", "Hai tệp"),
        ("file", ("b.jpg", samples.jpeg_with_gps(seed=4))),
    )
    assert response.status_code == 422 and response.json["code"] == "ONE_FILE", response.json
    assert "file" in response.json["errors"] and media_storage.keys() == []


def test_patch_describes_an_asset_and_refuses_an_unknown_photographer(contributor):
    asset = upload(contributor, samples.webp()).json
    patched = contributor.patch(
        f"/api/v1/media/{asset['id']}",
        json={"caption": "Công nhân KCN Thăng Long", "credit_name": "Phóng viên Minh Anh", "source": "LĐLĐ Hà Nội"},
    )
    assert patched.status_code == 200
    assert (patched.json["caption"], patched.json["credit_name"]) == ("Công nhân KCN Thăng Long", "Phóng viên Minh Anh")
    unknown = contributor.patch(
        f"/api/v1/media/{asset['id']}", json={"credit_user_id": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c"}
    )
    assert unknown.status_code == 422 and "credit_user_id" in unknown.json["errors"]
    extra = contributor.patch(f"/api/v1/media/{asset['id']}", json={"width": 5})
    assert extra.status_code == 422 and "width" in extra.json["errors"]


@pytest.mark.parametrize(
    "data, filename, content_type",
    [
        (samples.mp4(), "clip.mp4", "video/mp4"),
        (samples.webm(), "clip.webm", "video/webm"),
        (samples.pdf(), "1197-TLD.pdf", "application/pdf"),
        (samples.docx(), "cong-van.docx", "application/octet-stream"),
    ],
)
def test_videos_and_documents_are_stored_as_they_came(api, contributor, data, filename, content_type):
    created = upload(contributor, data, filename=filename, content_type=content_type)
    assert created.status_code == 201, created.json
    assert list(created.json["renditions"]) == ["original"]
    status, body = fetch(api, created.json["renditions"]["original"]["url"])
    assert status == 200 and body == data


HOSTILE = [
    pytest.param(samples.png_bomb, "bomb.png", "IMAGE_TOO_LARGE", 422, id="20000x20000 png"),
    pytest.param(samples.truncated_jpeg, "cut.jpg", "INVALID_IMAGE", 422, id="truncated jpeg"),
    pytest.param(samples.jpeg_header_then_html, "x.jpg", "INVALID_IMAGE", 422, id="jpeg header then html"),
    pytest.param(samples.zip_file, "anh.png", "UNSUPPORTED_FILE_TYPE", 422, id="zip sent as png"),
    pytest.param(lambda: b"", "empty.jpg", "EMPTY_FILE", 422, id="empty file"),
    pytest.param(lambda: b"GIF89a" + bytes(100), "a.gif", "UNSUPPORTED_FILE_TYPE", 422, id="gif"),
    pytest.param(samples.png, "../../etc/passwd.png", "INVALID_FILE_NAME", 422, id="file name with ../"),
    pytest.param(
        lambda: samples.jpeg_claiming(10000, 7000), "bom.jpg", "IMAGE_TOO_LARGE", 422, id="jpeg claiming 70 Mpx"
    ),
    pytest.param(samples.jpeg_of_endless_scans, "quet.jpg", "INVALID_IMAGE", 422, id="jpeg of 101 scans"),
]


@pytest.mark.parametrize("maker, filename, code, status", HOSTILE)
def test_hostile_uploads_are_refused_and_leave_nothing_stored(
    contributor, media_storage, maker, filename, code, status
):
    response = upload(contributor, maker(), filename=filename, content_type="image/png")
    assert response.status_code == status, response.json
    assert response.json["code"] == code and "file" in response.json["errors"]
    assert media_storage.keys() == []
    assert contributor.get("/api/v1/media").json["total"] == 0


class CountingBody(io.BytesIO):
    """A request body that remembers how much of it the server read."""

    def __init__(self, data):
        super().__init__(data)
        self.taken = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk

    def readline(self, size=-1):
        chunk = super().readline(size)
        self.taken += len(chunk)
        return chunk


def test_a_file_over_its_cap_is_refused_before_it_is_read_whole(
    api, login, start_service, media_settings, accounts_service
):
    container = start_service("media", MEDIA_MAX_IMAGE_BYTES=200_000, **media_settings)
    from media.dependencies import make_storage

    storage = make_storage(container.config)
    boundary = "cap-test-boundary"
    big = samples.jpeg_with_gps()[:64] + bytes(40_000_000)  # a JPEG header, then 40 MB
    body = CountingBody(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode()
        + big
        + f"\r\n--{boundary}--\r\n".encode()
    )
    size = len(body.getvalue())
    token = login("hanoi.contributor")["access_token"]
    response = api.client.post(
        "/api/v1/media",
        input_stream=body,
        content_length=size,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413 and response.json["code"] == "FILE_TOO_LARGE"
    assert "file" in response.json["errors"]
    assert response.headers.get("Connection") == "close"
    assert body.taken < size // 4, f"the gateway read {body.taken} of {size} bytes before refusing"
    assert storage.keys() == []


def test_not_multipart_or_without_a_file_is_refused(contributor):
    assert contributor.post("/api/v1/media", json={"file": "x"}).status_code == 422
    no_file = contributor.post("/api/v1/media", data={"caption": "x"}, content_type="multipart/form-data")
    assert no_file.status_code == 422 and "file" in no_file.json["errors"]
    broken = contributor.post("/api/v1/media", data=b"--zz\r\nnot a part", content_type="multipart/form-data")
    assert broken.status_code in (400, 422)


def test_a_member_cannot_upload(api, login, media_service):
    response = upload(api.as_(login("hanoi.member")), samples.png())
    assert response.status_code == 403


def test_another_tenant_reaches_nothing(api, login, contributor, media_storage):
    asset = upload(contributor, samples.jpeg_with_gps()).json
    other = api.as_(login("danang.admin"))
    assert other.get(f"/api/v1/media/{asset['id']}").status_code == 404
    assert other.patch(f"/api/v1/media/{asset['id']}", json={"caption": "x"}).status_code == 404
    for rendition in ("original", "medium", "thumb"):
        assert other.get(f"/api/v1/media/{asset['id']}/content?rendition={rendition}").status_code == 404
        assert api.get(f"/api/v1/media/{asset['id']}/content?rendition={rendition}").status_code == 404
    assert other.get("/api/v1/media").json["total"] == 0
    assert other.get("/api/v1/media/not-a-uuid").status_code == 404


def test_a_published_asset_is_public_through_its_public_renditions_only(api, contributor, media_service, relay):
    relay("media")
    asset = samples.ready(contributor, upload(contributor, samples.jpeg_with_gps()).json)
    with ServiceRpcProxy("media", {"AMQP_URI": media_service.config["AMQP_URI"]}, timeout=10) as media:
        media.mark_referenced(SYSTEM.dump(), [asset["id"]], {"kind": "article", "id": "a-1", "published": True})
    thumb = api.get(f"/api/v1/media/{asset['id']}/content?rendition=thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert thumb.headers["Cache-Control"].startswith("public") and thumb.headers["ETag"]
    again = api.get(
        f"/api/v1/media/{asset['id']}/content?rendition=thumb", headers={"If-None-Match": thumb.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
    assert api.get(f"/api/v1/media/{asset['id']}/content?rendition=original").status_code == 404
    assert api.get(f"/api/v1/media/{asset['id']}").status_code == 401  # metadata stays private
    described = contributor.get(f"/api/v1/media/{asset['id']}").json
    assert "public" in described, described
    assert described["public"] is True and described["renditions"]["thumb"]["public_url"]


def test_presigned_urls_are_short_lived_and_tamper_proof(api, contributor, media_backend):
    asset = upload(contributor, samples.png()).json
    url = asset["renditions"]["original"]["url"]
    if media_backend["MEDIA_STORAGE"] == "s3":
        assert "X-Amz-Expires=300" in url and "X-Amz-Signature" in url
        return
    query = dict(part.split("=") for part in urlsplit(url).query.split("&"))
    base = f"/api/v1/media/{asset['id']}/content?rendition=original"
    assert api.get(url).status_code == 200
    assert api.get(f"{base}&expires={query['expires']}&signature={'0' * 64}").status_code == 404
    assert api.get(f"{base}&expires=1000&signature={query['signature']}").status_code == 404  # expired
    assert (
        api.get(
            f"/api/v1/media/{asset['id']}/content?rendition=thumb&expires={query['expires']}"
            f"&signature={query['signature']}"
        ).status_code
        == 404
    )  # signed for another rendition
    assert api.get(f"/api/v1/media/{asset['id']}/content?rendition=poster").status_code == 422


def test_other_services_check_mark_and_release_assets(contributor, api, login, media_service):
    mine = upload(contributor, samples.png()).json
    theirs = upload(api.as_(login("danang.admin")), samples.png(100, 100)).json
    hanoi_actor = {"user_id": "u", "tenant_id": mine["tenant_id"], "roles": ["contributor"]}
    with ServiceRpcProxy("media", {"AMQP_URI": media_service.config["AMQP_URI"]}, timeout=10) as media:
        checked = media.check_assets(hanoi_actor, [mine["id"], theirs["id"], "not-an-id"])
        assert checked["all_usable"] is False
        assert [a["usable"] for a in checked["assets"]] == [True, False, False]
        media.mark_referenced(hanoi_actor, [mine["id"]], {"kind": "article", "id": "draft-9"})
        assert media.get_asset(hanoi_actor, mine["id"])["referenced"] is True
        assert media.release(hanoi_actor, [mine["id"]], {"kind": "article", "id": "draft-9"}) == [mine["id"]]
        assert media.get_asset(hanoi_actor, mine["id"])["referenced"] is False
        from platform_shared.errors import InvalidInput, NotFound

        with pytest.raises(NotFound):
            media.mark_referenced(hanoi_actor, [theirs["id"]], {"kind": "article", "id": "x"})
        with pytest.raises(InvalidInput):
            media.mark_referenced(hanoi_actor, [mine["id"]], {"kind": "Bad Kind!", "id": "x"})


def test_the_desk_reviewing_an_article_reads_its_photo_until_the_article_lets_it_go(
    api, contributor, media_service, relay
):
    """content marks an article's photo with the desk of its section once submitted: that desk's
    editors read the photo (metadata and renditions) by its id, nothing else of the library, and
    not after the photo is released."""
    import uuid

    from platform_shared.errors import Forbidden, NotFound

    photo = upload(contributor, samples.jpeg_with_gps(seed=11), caption="Trao quà Tết", alt_text="Công nhân nhận quà")
    kept = upload(contributor, samples.png()).json  # in the library, used by nothing the desk reviews
    relay("media")
    photo = samples.ready(contributor, photo.json)
    desk = str(uuid.uuid4())
    editor = {"user_id": str(uuid.uuid4()), "tenant_id": desk, "roles": ["editor"]}
    other_desk = {"user_id": str(uuid.uuid4()), "tenant_id": str(uuid.uuid4()), "roles": ["editor"]}
    desk_contributor = {**editor, "roles": ["contributor"]}
    hanoi = {"user_id": photo["uploaded_by"], "tenant_id": photo["tenant_id"], "roles": ["contributor"]}
    reference = {"kind": "article", "id": "bai-1", "published": False, "reviewer_tenant_id": desk}
    with ServiceRpcProxy("media", {"AMQP_URI": media_service.config["AMQP_URI"]}, timeout=10) as media:
        with pytest.raises(NotFound):
            media.get_asset(editor, photo["id"])
        media.mark_referenced(hanoi, [photo["id"]], reference | {"reviewer_tenant_id": None})
        with pytest.raises(NotFound):
            media.get_asset(editor, photo["id"])  # a draft's photo: no desk yet
        media.mark_referenced(hanoi, [photo["id"]], reference)  # submitted: the desk is named

        seen = media.get_asset(editor, photo["id"])
        assert (seen["caption"], seen["alt_text"], seen["uploaded_by"]) == ("Trao quà Tết", "Công nhân nhận quà", None)
        assert set(seen["renditions"]) == {"original", "medium", "thumb"} and seen["public"] is False
        for name in ("medium", "original"):
            status, body = fetch(api, seen["renditions"][name]["url"])
            assert status == 200 and body[:2] == b"\xff\xd8", name
        assert media.list_assets(editor)["total"] == 0  # its library is its own
        with pytest.raises(Forbidden):
            media.update_asset(editor, photo["id"], {"caption": "Sửa của ban biên tập"})
        with pytest.raises(NotFound):
            media.get_asset(editor, kept["id"])
        for outsider in (other_desk, desk_contributor):
            with pytest.raises(NotFound):
                media.get_asset(outsider, photo["id"])
        assert media.check_assets(editor, [photo["id"]])["all_usable"] is False

        media.release(SYSTEM.dump(), [photo["id"]], {"kind": "article", "id": "bai-1"})
        with pytest.raises(NotFound):
            media.get_asset(editor, photo["id"])
        assert media.get_asset(hanoi, photo["id"])["caption"] == "Trao quà Tết"


# -- the media worker: renditions after the answer ---------------------------------------------


def read_object(storage, key):
    handle, _ = storage.open(key)
    try:
        return handle.read()
    finally:
        handle.close()


def asset_stored_payload(databases, asset_id):
    with databases.sessions("media").transaction() as session:
        rows = session.execute(select(outbox.c.payload).where(outbox.c.event_type == contracts.ASSET_STORED))
        return next(p for p in rows.scalars() if p["asset_id"] == asset_id)


def test_renditions_are_made_once_whatever_is_delivered_twice(contributor, media_worker, media_storage, databases):
    """The worker fed the same event twice (a redelivery), after a crash had left a half-written
    rendition behind: the renditions are written once, over the leftover, and then nothing changes."""
    from nameko.testing.services import entrypoint_hook

    asset = upload(contributor, samples.jpeg_with_gps(seed=21)).json
    payload = asset_stored_payload(databases, asset["id"])
    media_storage.put(f"{asset['tenant_id']}/{asset['id']}/thumb", b"half written", "image/jpeg")  # the crash

    with entrypoint_hook(media_worker, "handle_asset_stored") as handle:
        assert handle(payload) == ["medium", "thumb"]
    ready = contributor.get(f"/api/v1/media/{asset['id']}").json
    assert ready["rendition_status"] == "ready" and set(ready["renditions"]) == {"original", "medium", "thumb"}
    keys = media_storage.keys()
    assert sorted(k.rsplit("/", 1)[1] for k in keys) == ["medium", "original", "thumb"]
    thumb = read_object(media_storage, f"{asset['tenant_id']}/{asset['id']}/thumb")
    assert max(Image.open(io.BytesIO(thumb)).size) == 320  # the leftover was replaced

    with entrypoint_hook(media_worker, "handle_asset_stored") as handle:
        assert handle(payload) == []  # the redelivery changes nothing
    again = contributor.get(f"/api/v1/media/{asset['id']}").json
    assert {n: r["size"] for n, r in again["renditions"].items()} == {
        n: r["size"] for n, r in ready["renditions"].items()
    }
    assert media_storage.keys() == keys


def test_a_photo_no_larger_than_the_medium_size_is_its_own_medium(contributor, media_storage, relay):
    asset = upload(contributor, samples.jpeg_with_gps(800, 600, seed=5)).json
    assert set(asset["renditions"]) == {"original", "medium"} and asset["renditions_pending"] == ["thumb"]
    assert asset["renditions"]["medium"]["size"] == asset["renditions"]["original"]["size"]
    relay("media")
    seen = samples.ready(contributor, asset)
    assert (seen["renditions"]["thumb"]["width"], seen["renditions"]["thumb"]["height"]) == (320, 240)
    assert sorted(k.rsplit("/", 1)[1] for k in media_storage.keys()) == ["original", "thumb"]  # one full-size object


def test_a_photo_that_is_also_a_web_page_is_stored_as_a_photo_only(api, contributor, media_storage):
    data = samples.jpeg_polyglot()
    asset = upload(contributor, data, filename="anh.jpg").json
    (key,) = media_storage.keys()
    stored = read_object(media_storage, key)
    for needle in (b"<script>", b"<html>", b"Canon"):
        assert needle not in stored
    assert stored.endswith(b"\xff\xd9") and asset["renditions"]["original"]["size"] == len(stored)
    assert Image.open(io.BytesIO(stored)).tobytes() == Image.open(io.BytesIO(data)).tobytes()


def test_while_its_renditions_are_made_the_original_stands_in_for_who_may_see_it(api, contributor, media_service):
    """No worker runs here: the renditions stay pending. Staff asking for the thumb get the
    original, not to be cached; the public, for a published photo, gets the medium when the
    original is small enough to be it — never the full-size original."""
    big = upload(contributor, samples.jpeg_with_gps(1600, 1200, seed=31)).json
    small = upload(contributor, samples.jpeg_with_gps(800, 600, seed=32)).json
    stand_in = contributor.get(f"/api/v1/media/{big['id']}/content?rendition=thumb")
    assert stand_in.status_code == 200 and stand_in.headers["Cache-Control"] == "private, no-cache"
    assert Image.open(io.BytesIO(stand_in.data)).size == (1600, 1200)

    with ServiceRpcProxy("media", {"AMQP_URI": media_service.config["AMQP_URI"]}, timeout=10) as media:
        media.mark_referenced(
            SYSTEM.dump(), [big["id"], small["id"]], {"kind": "article", "id": "a-9", "published": True}
        )
    assert api.get(f"/api/v1/media/{big['id']}/content?rendition=thumb").status_code == 404
    assert api.get(f"/api/v1/media/{big['id']}/content?rendition=medium").status_code == 404
    public = api.get(f"/api/v1/media/{small['id']}/content?rendition=thumb")
    assert public.status_code == 200 and public.headers["Cache-Control"] == "public, no-cache"
    assert Image.open(io.BytesIO(public.data)).size == (800, 600)
