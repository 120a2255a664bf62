"""How the media service hands out bytes, on both backends: documents as sandboxed
attachments (the probe's PDF with an ``OpenAction`` script was served inline), photos
inline, never sniffed — from its own HTTP port and from S3 presigned URLs alike."""

import io
import json
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from nameko.standalone.rpc import ServiceRpcProxy

from platform_shared.actor import SYSTEM

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import samples  # noqa: E402


@pytest.fixture
def contributor(api, login, media_service):
    return api.as_(login("hanoi.contributor"))


def upload(client, data, filename):
    form = {"file": (io.BytesIO(data), filename, "application/octet-stream")}
    response = client.post("/api/v1/media", data=form, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return response.json


def staff_of(asset):
    return {"user_id": asset["uploaded_by"], "tenant_id": asset["tenant_id"], "roles": ["contributor"]}


def member_of(asset):
    return {"user_id": "8b0e5a4e-3c3f-4b8e-9a51-0c6f2f1d0a11", "tenant_id": asset["tenant_id"], "roles": ["member"]}


def direct(media_http_address, asset, rendition="original", actor=None, headers=None, **params):
    """GET the media service's internal content port, as the gateway does."""
    headers = dict(headers or {})
    if actor:
        headers["X-Platform-Actor"] = json.dumps(actor)
    return requests.get(
        f"http://{media_http_address}/content/{asset['id']}/{rendition}", params=params, headers=headers, timeout=10
    )


def publish(media_service, asset):
    with ServiceRpcProxy("media", {"AMQP_URI": media_service.config["AMQP_URI"]}, timeout=10) as media:
        media.mark_referenced(SYSTEM.dump(), [asset["id"]], {"kind": "article", "id": "a-1", "published": True})


def assert_sandboxed_attachment(headers, name):
    assert headers["Content-Disposition"].startswith('attachment; filename="')
    assert headers["Content-Disposition"].endswith(f"filename*=UTF-8''{name}")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "sandbox"


def test_a_pdf_with_a_script_is_a_sandboxed_attachment(contributor, media_http_address):
    data = samples.pdf_with_open_action()
    pdf = upload(contributor, data, "Thông báo.pdf")
    response = direct(media_http_address, pdf, actor=staff_of(pdf))
    assert response.status_code == 200 and response.content == data
    assert response.headers["Content-Type"] == "application/pdf"
    assert_sandboxed_attachment(response.headers, "Th%C3%B4ng%20b%C3%A1o.pdf")
    again = direct(media_http_address, pdf, actor=staff_of(pdf), headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert_sandboxed_attachment(again.headers, "Th%C3%B4ng%20b%C3%A1o.pdf")


def test_a_document_named_like_a_web_page_downloads_as_what_it_is(contributor, media_http_address):
    docx = upload(contributor, samples.docx(), "trang.html")
    response = direct(media_http_address, docx, actor=staff_of(docx))
    assert response.status_code == 200
    assert_sandboxed_attachment(response.headers, "trang.html.docx")


def test_a_published_photo_stays_inline_and_is_never_sniffed(contributor, media_service, media_http_address, relay):
    relay("media")
    photo = samples.ready(contributor, upload(contributor, samples.png(), "Đại hội.png"))
    publish(media_service, photo)
    response = direct(media_http_address, photo, "thumb")  # anonymous, as the public reads it
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline; ")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_published_document_is_an_attachment_for_the_public_too(contributor, media_service, media_http_address):
    pdf = upload(contributor, samples.pdf_with_open_action(), "x.pdf")
    assert direct(media_http_address, pdf, actor=member_of(pdf)).status_code == 404  # not yet published
    publish(media_service, pdf)
    for actor in (None, member_of(pdf)):
        response = direct(media_http_address, pdf, actor=actor)
        assert response.status_code == 200
        assert_sandboxed_attachment(response.headers, "x.pdf")


def test_presigned_urls_answer_with_the_attachment_headers(contributor, media_backend, media_http_address):
    pdf = upload(contributor, samples.pdf_with_open_action(), "Quyết định.pdf")
    url = pdf["renditions"]["original"]["url"]
    if media_backend["MEDIA_STORAGE"] == "s3":
        response = requests.get(url, timeout=10)  # the bucket's server answers, as the signed URL asks
        assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
        assert response.headers["Content-Disposition"].startswith('attachment; filename="')
        assert response.headers["Content-Disposition"].endswith("Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf")
        return
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}  # a gateway URL, relayed from here
    response = direct(media_http_address, pdf, expires=query["expires"], signature=query["signature"])
    assert response.status_code == 200
    assert_sandboxed_attachment(response.headers, "Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf")


@pytest.mark.parametrize("signature", ["é" * 64, "g" * 64, "", "0" * 4000])
def test_a_malformed_signature_is_404_not_a_server_error(contributor, media_http_address, signature):
    pdf = upload(contributor, samples.pdf(), "a.pdf")
    response = direct(media_http_address, pdf, expires="99999999999", signature=signature)
    assert response.status_code == 404 and response.json()["code"] == "ASSET_NOT_FOUND"
    huge = direct(media_http_address, pdf, expires="9" * 5000, signature="0" * 64)
    assert huge.status_code == 404
