"""What the public portal (issue 13) reads from content, through the gateway's JSON API with
the real services, as an anonymous visitor: the directory of sub-sites, an article with its
corrections and related items, and the public document library (its files downloadable by
anyone, its facts in the outbox). Another tenant's document that is not public is 404 here
for everyone, signed in or not; bad filters are a 422 naming the field."""

import io
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import select

from platform_shared.actor import SYSTEM
from platform_shared.contracts import content as contracts
from platform_shared.tables import outbox
from platform_shared.testing.waiting import wait_for

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "media" / "tests"))
import samples  # noqa: E402

NEWS = {
    "section": "news",
    "genre": "news",
    "body": "<p>Công đoàn trao quà cho công nhân có hoàn cảnh khó khăn.</p>",
}
DIRECTIVE = {
    "number": "1197/TLĐ",
    "doc_type": "directive",
    "issued_on": "2026-11-20",
    "effective_on": "2026-11-20",
    "abstract": "Về việc tổ chức chăm lo Tết Nguyên đán cho đoàn viên, người lao động năm 2027",
    "all_tenants": True,
}


@pytest.fixture
def media_backend(tmp_path):
    """One backend is enough here: nothing below depends on the storage."""
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


@pytest.fixture
def content_rpc(content_service):
    with ServiceRpcProxy("content", {"AMQP_URI": content_service.config["AMQP_URI"]}, timeout=20) as proxy:
        yield proxy


def upload_pdf(client, name="Chi-thi.pdf"):
    form = {"file": (io.BytesIO(samples.pdf()), name, "application/octet-stream")}
    response = client.post("/api/v1/media", data=form, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return response.json["id"]


def assert_refused(response, field):
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


# -- the directory of sub-sites --------------------------------------------------------------


def test_the_sub_sites_are_the_active_federations_and_unions_by_kind_then_name(api, login, content_rpc):
    response = api.get("/api/v1/public/sites")
    assert response.status_code == 200, response.json
    sites = response.json
    assert [(s["kind"], s["slug"]) for s in sites["items"]] == [
        ("provincial_federation", "da-nang"),  # Đà Nẵng before Hà Nội before Hồ Chí Minh
        ("provincial_federation", "ha-noi"),
        ("provincial_federation", "tp-ho-chi-minh"),
        ("sectoral_union", "giao-thong-van-tai"),
        ("corporate_union", "dien-luc"),
    ]  # the confederation, its departments and the newspaper have no sub-site
    assert sites["total"] == 5
    hanoi = sites["items"][1]
    assert hanoi["name"] == "Liên đoàn Lao động thành phố Hà Nội"
    assert hanoi["kind_label"] == "Liên đoàn Lao động tỉnh, thành phố"
    assert hanoi["parent"]["slug"] == "tong-lien-doan" and uuid.UUID(hanoi["id"])
    assert api.get("/api/v1/public/sites", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304

    unions = api.get("/api/v1/public/sites", query_string={"kind": "sectoral_union"}).json
    assert [s["slug"] for s in unions["items"]] == ["giao-thong-van-tai"]
    assert_refused(api.get("/api/v1/public/sites", query_string={"kind": "department"}), "kind")
    assert_refused(api.get("/api/v1/public/sites", query_string={"khac": "1"}), "khac")

    # A suspended tenant has no sub-site; a re-parented one shows its new parent.
    office = api.as_(login("admin"))
    ids = {t["code"]: t["id"] for t in office.get("/api/v1/tenants?per_page=100").json["items"]}
    assert office.patch(f"/api/v1/tenants/{ids['LDLD-DN']}", json={"status": "suspended"}).status_code == 200
    moved = office.patch(f"/api/v1/tenants/{ids['CD-EVN']}", json={"parent_id": ids["CD-GTVT"]})
    assert moved.status_code == 200, moved.json
    content_rpc.sync_tenants(SYSTEM.dump())
    after = {s["slug"]: s for s in api.get("/api/v1/public/sites").json["items"]}
    assert "da-nang" not in after
    assert after["dien-luc"]["parent"] == {
        "id": ids["CD-GTVT"],
        "slug": "giao-thong-van-tai",
        "name": "Công đoàn Giao thông Vận tải Việt Nam",
    }
    # the existing sub-site path still answers for a slug
    assert api.get("/api/v1/public/sites/ha-noi").json["tenant"]["slug"] == "ha-noi"


# -- an article: corrections, related items, pen names -----------------------------------------


def publish(api, login, title, *, section="news", **fields):
    contributor = api.as_(login("hanoi.contributor"))
    created = contributor.post("/api/v1/articles", json={**NEWS, "section": section, "title": title, **fields})
    assert created.status_code == 201, created.json
    article = created.json
    assert contributor.post(f"/api/v1/articles/{article['id']}/submit").status_code == 200
    desk = api.as_(login("laodong.editor" if section == "news" else "tuyengiao.editor"))
    for action in ("open", "approve", "publish"):
        response = desk.post(f"/api/v1/articles/{article['id']}/{action}")
        assert response.status_code == 200, response.json
    return article


def test_an_article_tells_its_corrections_and_its_related_items(api, login, content_service):
    me = api.as_(login("hanoi.contributor")).get("/api/v1/me").json["user"]
    older = publish(api, login, "Công đoàn Thủ đô thăm hỏi công nhân khu công nghiệp")
    newer = publish(api, login, "Công đoàn Thủ đô tổ chức Chợ Tết Công đoàn")
    other_section = publish(api, login, "Chuyên đề: nhà ở cho công nhân", section="thematic")
    pen_name = [{"user_id": me["id"], "pen_name": "Bình Minh", "share": 100}]
    article = publish(api, login, "Công đoàn Thủ đô trao quà Tết cho công nhân", authors=pen_name)
    unpublished = publish(api, login, "Tin sẽ bị gỡ khỏi chuyên mục")
    desk = api.as_(login("laodong.editor"))
    assert desk.post(f"/api/v1/articles/{unpublished['id']}/unpublish", json={"reason": "Trùng tin"}).status_code == 200

    path = f"/api/v1/articles/{article['id']}/correct"
    first = desk.post(path, json={"title": "Công đoàn Thủ đô trao 2.000 suất quà Tết", "note": "Sửa số suất quà."})
    assert first.status_code == 200, first.json
    second = desk.post(path, json={"summary": "Hơn 2.000 suất quà", "note": "Bổ sung phần tóm tắt."})
    assert second.status_code == 200, second.json

    page = api.get(f"/api/v1/public/articles/{article['slug']}")
    assert page.status_code == 200, page.json
    read = page.json
    assert [(c["revision"], c["note"]) for c in read["corrections"]] == [
        (3, "Bổ sung phần tóm tắt."),
        (2, "Sửa số suất quà."),
    ]
    assert all(datetime.fromisoformat(c["corrected_at"]).tzinfo for c in read["corrections"])
    assert read["corrections"][0]["corrected_at"] >= read["corrections"][1]["corrected_at"]
    # the same section and site, published, newest first, never the article itself
    assert [r["id"] for r in read["related"]] == [newer["id"], older["id"]]
    assert other_section["id"] not in {r["id"] for r in read["related"]}
    related = read["related"][0]
    assert related["slug"] == newer["slug"] and related["title"] == newer["title"]
    assert related["site"] == "portal" and related["tenant"]["slug"] == "ha-noi" and related["published_at"]
    assert read["authors"] == [{"pen_name": "Bình Minh"}]  # no user id, no share

    plain = api.get(f"/api/v1/public/articles/{older['slug']}").json
    assert plain["corrections"] == []
    assert [r["id"] for r in plain["related"]] == [article["id"], newer["id"]]
    listed = api.get("/api/v1/public/articles", query_string={"section": "news"}).json["items"]
    assert listed and all("related" not in item and "corrections" not in item for item in listed)


def test_related_items_are_at_most_five(api, login, content_service):
    titles = [f"Tin hoạt động công đoàn cơ sở số {n}" for n in range(1, 8)]
    published = [publish(api, login, title) for title in titles]
    read = api.get(f"/api/v1/public/articles/{published[0]['slug']}").json
    assert [r["id"] for r in read["related"]] == [a["id"] for a in reversed(published[2:])]


# -- the public document library -----------------------------------------------------------------


@pytest.fixture
def library(api, login, content_service):
    """The Propaganda Dept's public directive with a file, the Office's public plan, and a
    directive of the Office to all tenants that is not public."""
    tuyengiao = api.as_(login("tuyengiao.editor"))
    office = api.as_(login("admin"))
    file_id = upload_pdf(tuyengiao)
    directive = tuyengiao.post("/api/v1/documents", json={**DIRECTIVE, "asset_id": file_id, "public": True})
    plan = office.post(
        "/api/v1/documents",
        json={
            "number": "25/KH-TLĐ",
            "doc_type": "plan",
            "issued_on": "2025-03-02",
            "abstract": "Kế hoạch tổ chức Tháng Công nhân năm 2025",
            "all_tenants": True,
            "public": True,
        },
    )
    internal = office.post(
        "/api/v1/documents",
        json={**DIRECTIVE, "number": "1200/TLĐ", "abstract": "Về việc chăm lo Tết: danh sách nội bộ"},
    )
    for response in (directive, plan, internal):
        assert response.status_code == 201, response.json
    assert (directive.json["public"], plan.json["public"], internal.json["public"]) == (True, True, False)
    return {"directive": directive.json, "plan": plan.json, "internal": internal.json, "file_id": file_id}


def numbers(response):
    assert response.status_code == 200, response.json
    return [d["number"] for d in response.json["items"]]


def test_anyone_reads_the_public_library_newest_first(api, library):
    response = api.get("/api/v1/public/documents")
    assert numbers(response) == ["1197/TLĐ", "25/KH-TLĐ"]  # the internal directive is not there
    page = response.json
    assert (page["total"], page["page"], page["per_page"]) == (2, 1, 20)
    assert page["issuers"] == ["Ban Tuyên giáo Tổng Liên đoàn", "Văn phòng Tổng Liên đoàn"]
    directive = page["items"][0]
    assert directive == {
        "id": library["directive"]["id"],
        "number": "1197/TLĐ",
        "doc_type": "directive",
        "doc_type_label": "Chỉ thị",
        "issuer": "Ban Tuyên giáo Tổng Liên đoàn",
        "abstract": DIRECTIVE["abstract"],
        "issued_on": "2026-11-20",
        "effective_on": "2026-11-20",
        "asset_id": library["file_id"],
        "tenant": {
            "id": library["directive"]["tenant_id"],
            "slug": "ban-tuyen-giao",
            "name": "Ban Tuyên giáo Tổng Liên đoàn",
        },
    }
    assert api.get("/api/v1/public/documents", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304

    one = api.get(f"/api/v1/public/documents/{library['directive']['id']}")
    assert one.status_code == 200 and one.json == directive
    # its file is downloadable by anyone
    file = api.get(f"/api/v1/media/{library['file_id']}/content")
    assert file.status_code == 200 and file.get_data() == samples.pdf()


def test_the_library_filters(api, library):
    def found(**query):
        return numbers(api.get("/api/v1/public/documents", query_string=query))

    assert found(q="cham lo tet") == ["1197/TLĐ"]  # without diacritics
    assert found(q="Chăm lo Tết") == ["1197/TLĐ"]
    assert found(q="1197") == ["1197/TLĐ"]  # by its number
    assert found(q="tuyen giao") == ["1197/TLĐ"]  # by its issuer
    assert found(q="danh sách nội bộ") == []  # the internal directive is never found
    assert found(doc_type="plan") == ["25/KH-TLĐ"]
    assert found(doc_type="decision") == []
    assert found(issuer="Văn phòng Tổng Liên đoàn") == ["25/KH-TLĐ"]
    assert found(year=2026) == ["1197/TLĐ"]
    assert found(year=2025, doc_type="plan") == ["25/KH-TLĐ"]
    assert found(tenant="ban-tuyen-giao") == ["1197/TLĐ"]
    assert found(per_page=1, page=2) == ["25/KH-TLĐ"]
    assert api.get("/api/v1/public/documents", query_string={"tenant": "khong-co"}).status_code == 404


@pytest.mark.parametrize(
    "query, field",
    [
        ({"doc_type": "memo"}, "doc_type"),
        ({"year": 1800}, "year"),
        ({"year": 2101}, "year"),
        ({"year": "năm nay"}, "year"),
        ({"page": 0}, "page"),
        ({"per_page": 101}, "per_page"),
        ({"q": "Tết\x00"}, "q"),
        ({"q": " ".join(["tet"] * 13)}, "q"),
        ({"issuer": "V"}, "issuer"),
        ({"sort": "number"}, "sort"),
    ],
)
def test_a_bad_filter_is_a_422_naming_it(api, content_service, query, field):
    assert_refused(api.get("/api/v1/public/documents", query_string=query), field)


def test_a_document_that_is_not_public_is_404_for_everyone(api, login, library):
    internal = library["internal"]["id"]
    assert api.get(f"/api/v1/public/documents/{internal}").status_code == 404
    # another tenant's member, even one the document is addressed to, and its issuer
    for who in ("hanoi.member", "hanoi.admin", "tuyengiao.editor", "admin"):
        response = api.as_(login(who)).get(f"/api/v1/public/documents/{internal}")
        assert response.status_code == 404, (who, response.json)
    assert api.as_(login("hanoi.admin")).get(f"/api/v1/documents/{internal}").status_code == 200  # as a recipient


@pytest.mark.parametrize("ident", ["khong-phai-uuid", "1197", str(uuid.uuid4()), "x" * 300])
def test_an_id_that_names_no_public_document_is_404(api, content_service, ident):
    response = api.get(f"/api/v1/public/documents/{ident}")
    assert response.status_code == 404, response.json
    assert response.json["code"] == "DOCUMENT_NOT_FOUND"


def test_a_public_document_records_its_fact_with_it_and_only_then(api, library, databases):
    with databases.sessions("content").transaction() as session:
        facts = (
            session.execute(select(outbox.c.payload).where(outbox.c.event_type == contracts.DOCUMENT_PUBLISHED))
            .scalars()
            .all()
        )
    loaded = sorted((contracts.DocumentPublished().load(f) for f in facts), key=lambda f: f["number"])
    assert [(f["number"], f["document_id"], f["asset_ids"]) for f in loaded] == [
        ("1197/TLĐ", library["directive"]["id"], [library["file_id"]]),
        ("25/KH-TLĐ", library["plan"]["id"], []),
    ]
    assert loaded[0]["issued_on"] == "2026-11-20" and loaded[0]["tenant_id"] == library["directive"]["tenant_id"]


def test_a_refused_document_records_no_fact_and_changes_nothing(api, login, content_service, databases):
    office = api.as_(login("admin"))
    refused = office.post("/api/v1/documents", json={**DIRECTIVE, "public": True, "effective_on": "2026-11-01"})
    assert_refused(refused, "effective_on")
    assert_refused(office.post("/api/v1/documents", json={**DIRECTIVE, "public": "có"}), "public")
    assert api.get("/api/v1/public/documents").json["total"] == 0
    with databases.sessions("content").transaction() as session:
        assert not session.execute(
            select(outbox.c.event_id).where(outbox.c.event_type == contracts.DOCUMENT_PUBLISHED)
        ).all()


def test_media_makes_the_file_public_from_the_fact_alone(api, login, media_service, content_event):
    """Content also tells media by RPC after commit, best effort; the fact is what does not get lost."""
    file_id = upload_pdf(api.as_(login("tuyengiao.editor")), "Ke-hoach.pdf")
    assert api.get(f"/api/v1/media/{file_id}/content").status_code == 404  # nothing publishes it yet
    at = datetime(2026, 11, 20, 3, 0, tzinfo=UTC).isoformat()
    content_event(
        {
            "event_id": str(uuid.uuid4()),
            "event_type": contracts.DOCUMENT_PUBLISHED,
            "occurred_at": at,
            "schema_version": 1,
            "tenant_id": str(uuid.uuid4()),
            "document_id": str(uuid.uuid4()),
            "number": "30/KH-TLĐ",
            "doc_type": "plan",
            "issuer": "Ban Tuyên giáo Tổng Liên đoàn",
            "issued_on": "2026-11-20",
            "published_at": at,
            "asset_ids": [file_id],
        }
    )
    wait_for(
        lambda: api.get(f"/api/v1/media/{file_id}/content").status_code == 200,
        message="media to follow content.document_published",
    )
