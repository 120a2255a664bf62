"""content.report_figures: the content part of a tenant's semiannual report."""

import uuid
from datetime import timedelta

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from content.models import Article
from platform_shared import transport  # noqa: F401  (errors cross RPC as themselves)
from platform_shared.actor import SYSTEM
from platform_shared.errors import Forbidden, InvalidInput, NotFound

NEWS = {
    "section": "news",
    "genre": "news",
    "title": "Công đoàn Thủ đô chăm lo Tết cho công nhân",
    "body": "<p>Hơn 2.000 suất quà được trao tận tay người lao động.</p>",
}


@pytest.fixture
def content(content_service):
    with ServiceRpcProxy("content", {"AMQP_URI": content_service.config["AMQP_URI"]}, timeout=20) as proxy:
        yield proxy


def _tenant_ids(api, login):
    office = api.as_(login("admin"))
    return {t["code"]: t["id"] for t in office.get("/api/v1/tenants?per_page=100").json["items"]}


def _submitted_news(api, login, title, *, publish=False):
    contributor = api.as_(login("hanoi.contributor"))
    article = contributor.post("/api/v1/articles", json={**NEWS, "title": title}).json
    assert contributor.post(f"/api/v1/articles/{article['id']}/submit").status_code == 200
    if publish:
        editor = api.as_(login("laodong.editor"))
        for action in ("open", "approve", "publish"):
            assert editor.post(f"/api/v1/articles/{article['id']}/{action}").status_code == 200
    return article["id"]


def _move_back(databases, article_id, days):
    """The article was first submitted (and published) ``days`` earlier: a week that has ended."""
    with databases.sessions("content").transaction() as session:
        article = session.get(Article, uuid.UUID(article_id))
        article.first_submitted_at -= timedelta(days=days)
        if article.first_published_at is not None:
            article.first_published_at -= timedelta(days=days)


def test_items_submitted_and_used_per_section_and_quota_weeks_met(api, login, content, databases):
    ids = _tenant_ids(api, login)
    used = _submitted_news(api, login, "Tin đã đăng", publish=True)
    _submitted_news(api, login, "Tin chờ duyệt")
    _move_back(databases, used, 14)  # two weeks ago: that week's quota is met

    figures = content.report_figures(SYSTEM.dump(), ids["LDLD-HN"], "2026-07-01", "2027-01-01")
    sections = {s["section"]: s for s in figures["sections"]}
    assert sections["news"] == {"section": "news", "name": "Tin tức – Đa phương tiện", "submitted": 2, "used": 1}
    assert sections["thematic"]["submitted"] == 0 and set(sections) == {"news", "thematic", "directives"}
    # Weeks with their Monday from 1 July (W27 starts 29 June, so W28 is the first) that have ended by now.
    weeks = figures["quota_weeks"]
    assert weeks["met"] == 1 and weeks["total"] >= 1
    assert (
        weeks["total"]
        == content.report_figures(SYSTEM.dump(), ids["LDLD-DN"], "2026-07-01", "2027-01-01")["quota_weeks"]["total"]
    )

    first_half = content.report_figures(SYSTEM.dump(), ids["LDLD-HN"], "2026-01-01", "2026-07-01")
    assert {s["section"]: s["submitted"] for s in first_half["sections"]}["news"] == 0
    assert first_half["quota_weeks"] == {"total": 26, "met": 0}  # the Mondays 5 Jan … 29 Jun 2026
    department = content.report_figures(SYSTEM.dump(), ids["BTG"], "2026-01-01", "2026-07-01")
    assert department["quota_weeks"]["total"] == 26  # the thematic rule, once a week


def test_report_figures_are_for_the_system_and_the_tenants_own_admins(api, login, content):
    ids = _tenant_ids(api, login)
    hanoi_admin = {
        "user_id": "00000000-0000-0000-0000-000000000001",
        "tenant_id": ids["LDLD-HN"],
        "roles": ["tenant_admin"],
    }
    assert content.report_figures(hanoi_admin, ids["LDLD-HN"], "2026-01-01", "2026-07-01")["quota_weeks"]["total"] == 26
    with pytest.raises(Forbidden):
        content.report_figures(hanoi_admin, ids["LDLD-DN"], "2026-01-01", "2026-07-01")
    with pytest.raises(NotFound):
        content.report_figures(SYSTEM.dump(), "8c0e3c3e-0000-4000-8000-000000000000", "2026-01-01", "2026-07-01")
    with pytest.raises(InvalidInput) as bad:
        content.report_figures(SYSTEM.dump(), ids["LDLD-HN"], "2026-13-01", "2026-07-01")
    assert bad.value.details["errors"] == {"start": ["Ngày không hợp lệ (định dạng YYYY-MM-DD)."]}
    with pytest.raises(InvalidInput) as backwards:
        content.report_figures(SYSTEM.dump(), ids["LDLD-HN"], "2026-07-01", "2026-01-01")
    assert "end" in backwards.value.details["errors"]
    for start, end, field in (("0001-01-01", "2026-07-01", "start"), ("2026-01-01", "9999-12-31", "end")):
        with pytest.raises(InvalidInput) as far:  # a range check, not an overflow further on
            content.report_figures(SYSTEM.dump(), ids["LDLD-HN"], start, end)
        assert list(far.value.details["errors"]) == [field]


def test_contributors_in_period_are_the_authors_of_the_items_first_submitted_then(api, login, content, databases):
    """polls' grassroots coverage asks who wrote what each tenant submitted in a half-year."""
    ids = _tenant_ids(api, login)
    me = api.as_(login("hanoi.contributor")).get("/api/v1/me").json["user"]["id"]
    early = _submitted_news(api, login, "Tin tháng trước")
    _submitted_news(api, login, "Tin tuần này")
    api.as_(login("hanoi.contributor")).post("/api/v1/articles", json={**NEWS, "title": "Bản nháp chưa gửi"})

    found = content.contributors_in_period(SYSTEM.dump(), [ids["LDLD-HN"], ids["LDLD-DN"]], "2026-07-01", "2027-01-01")
    assert found == {ids["LDLD-HN"]: [me], ids["LDLD-DN"]: []}  # one author, once; a draft does not count
    _move_back(databases, early, 400)  # first submitted over a year ago
    assert content.contributors_in_period(SYSTEM.dump(), [ids["LDLD-HN"]], "2026-07-01", "2027-01-01") == {
        ids["LDLD-HN"]: [me]
    }
    assert content.contributors_in_period(SYSTEM.dump(), [ids["LDLD-HN"]], "2020-01-01", "2020-07-01") == {
        ids["LDLD-HN"]: []
    }
    danang_admin = {"user_id": me, "tenant_id": ids["LDLD-DN"], "roles": ["tenant_admin"]}
    with pytest.raises(Forbidden):
        content.contributors_in_period(danang_admin, [ids["LDLD-HN"]], "2026-07-01", "2027-01-01")
    with pytest.raises(InvalidInput) as bad:
        content.contributors_in_period(SYSTEM.dump(), ["not-an-id"], "2026-07-01", "2027-01-01")
    assert list(bad.value.details["errors"]) == ["tenant_ids"]
