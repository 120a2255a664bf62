"""Hostile input to the content API: a NUL or another control character in any text, and
dates, moments and weeks out of any sensible range (year 0, year 9999, week 54). Each is a 422
naming the field — never stored (SQLite would store a NUL, PostgreSQL would fail with a 500)
and never an overflow further on."""

from datetime import UTC, datetime, timedelta

import pytest

NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công nhân may mặc được tăng lương từ tháng Giêng",
    "body": "<p>Doanh nghiệp cam kết tăng lương tối thiểu 7% cho người lao động.</p>",
}
DOCUMENT = {
    "number": "1197/TLĐ",
    "doc_type": "directive",
    "abstract": "Về việc chăm lo Tết cho đoàn viên, người lao động",
    "issued_on": "2026-11-20",
    "all_tenants": True,
}


@pytest.fixture
def media_backend(tmp_path):
    return {"MEDIA_STORAGE": "filesystem", "MEDIA_FS_ROOT": str(tmp_path / "media"), "MEDIA_URL_SIGNING_KEY": "k" * 32}


@pytest.fixture
def contributor(api, login, content_service):
    return api.as_(login("hanoi.contributor"))


@pytest.fixture
def desk(api, login, content_service):
    return api.as_(login("laodong.editor"))


def assert_refused(response, field):
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b"], ids=repr)
@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": "Công nhân {} tăng lương"}, "title"),
        ({"summary": "Tóm tắt {} của tin"}, "summary"),
        ({"body": "<p>Nội dung {} của tin</p>"}, "body"),
        ({"topic": "Tiền {} lương"}, "topic"),
        ({"tags": ["tiền lương", "Tết{}"]}, "tags"),
    ],
)
def test_a_control_character_in_an_article_is_refused_and_never_stored(contributor, change, field, bad):
    value = change[field]
    poisoned = [v.format(bad) for v in value] if isinstance(value, list) else value.format(bad)
    assert_refused(contributor.post("/api/v1/articles", json={**NEWS, field: poisoned}), field)
    assert contributor.get("/api/v1/articles").json["total"] == 0

    draft = contributor.post("/api/v1/articles", json=NEWS).json
    assert_refused(contributor.patch(f"/api/v1/articles/{draft['id']}", json={field: poisoned}), field)
    kept = contributor.get(f"/api/v1/articles/{draft['id']}").json
    assert kept["revision"] == 1 and bad not in str(kept)


def test_every_other_text_of_the_workflow_is_checked_too(api, login, contributor, desk):
    article = contributor.post("/api/v1/articles", json=NEWS).json
    path = f"/api/v1/articles/{article['id']}"
    author = {"user_id": contributor.get("/api/v1/me").json["user"]["id"], "pen_name": "Minh\x00An", "share": 100}
    assert_refused(contributor.patch(path, json={"authors": [author]}), "authors")
    assert contributor.post(f"{path}/submit").status_code == 200
    assert desk.post(f"{path}/open").status_code == 200
    assert_refused(desk.post(f"{path}/return", json={"comment": "Bổ sung\x00số liệu"}), "comment")
    assert_refused(desk.post(f"{path}/reject", json={"reason": "Sai\x00số liệu"}), "reason")
    for action in ("approve", "publish"):
        assert desk.post(f"{path}/{action}").status_code == 200
    assert_refused(desk.post(f"{path}/correct", json={"note": "Đính chính\x00số liệu"}), "note")
    assert_refused(desk.post(f"{path}/unpublish", json={"reason": "Gỡ\x00bài"}), "reason")
    assert contributor.get(f"{path}/revisions").json[-1]["number"] == 1
    assert_refused(contributor.get("/api/v1/articles", query_string={"q": "lương\x00"}), "q")
    hanoi_admin = api.as_(login("hanoi.admin"))
    assert_refused(hanoi_admin.post("/api/v1/sections", json={"key": "tin-co-so", "name": "Tin\x00cơ sở"}), "name")
    assert hanoi_admin.get("/api/v1/sections").json[-1]["key"] != "tin-co-so"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"number": "1197\x00/TLĐ"}, "number"),
        ({"abstract": "Về việc\x00chăm lo Tết"}, "abstract"),
        ({"issuer": "Ban\x1bTuyên giáo"}, "issuer"),
        ({"issued_on": "9999-12-31"}, "issued_on"),
        ({"issued_on": "0000-01-01"}, "issued_on"),
        ({"issued_on": "0001-01-01"}, "issued_on"),
        ({"effective_on": "9999-12-31"}, "effective_on"),
    ],
)
def test_a_document_with_a_control_character_or_an_impossible_date_is_refused(
    api, login, content_service, change, field
):
    issuer = api.as_(login("tuyengiao.editor"))
    assert_refused(issuer.post("/api/v1/documents", json={**DOCUMENT, **change}), field)
    assert issuer.get("/api/v1/documents").json["total"] == 0


@pytest.mark.parametrize("week", ["0000-W01", "9999-W52", "2026-W54", "2025-W53", "1900-W10"])
def test_a_week_out_of_range_is_refused_naming_it(api, login, content_service, week):
    assert_refused(api.as_(login("hanoi.admin")).get("/api/v1/quotas/compliance", query_string={"week": week}), "week")


@pytest.mark.parametrize("args, field", [({"since": "0001-01-01"}, "since"), ({"until": "9999-12-31"}, "until")])
def test_public_reading_refuses_impossible_days(api, content_service, args, field):
    assert_refused(api.get("/api/v1/public/articles", query_string=args), field)


def test_public_reading_refuses_control_characters(api, content_service):
    assert_refused(api.get("/api/v1/public/articles", query_string={"q": "Tết\x00"}), "q")
    assert_refused(api.get("/api/v1/public/articles/tin-tet", query_string={"site": "ha-noi\x00"}), "site")
    assert api.get("/api/v1/public/articles/tin%00tet").status_code == 404
    assert api.get("/api/v1/public/sites/ha%00noi").status_code == 404


@pytest.mark.parametrize(
    "publish_at", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+07:00", "0000-01-01T08:00:00+07:00"]
)
def test_a_publication_time_out_of_range_is_refused(contributor, desk, publish_at):
    article = contributor.post("/api/v1/articles", json=NEWS).json
    path = f"/api/v1/articles/{article['id']}"
    assert contributor.post(f"{path}/submit").status_code == 200
    for action in ("open", "approve"):
        assert desk.post(f"{path}/{action}").status_code == 200
    assert_refused(desk.post(f"{path}/schedule", json={"publish_at": publish_at}), "publish_at")
    later = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    assert desk.post(f"{path}/schedule", json={"publish_at": later}).json["status"] == "scheduled"
