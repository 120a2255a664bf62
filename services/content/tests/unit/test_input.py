"""What the content API accepts, checked by its schemas before anything is stored: no NUL or
other control character in any text (PostgreSQL refuses NUL, SQLite would store it), and
every date, moment and week in the years content works in (year 0, year 9999 and week 54
are a 422 naming the field, never an overflow further on)."""

import pytest

from content.quotas.domain import parse_week
from platform_shared.errors import InvalidInput
from platform_shared.schemas import content as api
from platform_shared.schemas import load

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
AUTHOR = {"user_id": "6f1c1c1c-1c1c-4c1c-8c1c-1c1c1c1c1c1c", "pen_name": "Minh An", "share": 100}
BAD_CHARACTERS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\ud800"]


def refused(schema, data):
    with pytest.raises(InvalidInput) as raised:
        load(schema, data)
    return raised.value.details["errors"]


@pytest.mark.parametrize("bad", BAD_CHARACTERS, ids=repr)
@pytest.mark.parametrize(
    "schema, data, field",
    [
        (api.ArticleCreate, NEWS, "title"),
        (api.ArticleCreate, NEWS | {"summary": "Tóm tắt"}, "summary"),
        (api.ArticleCreate, NEWS, "body"),
        (api.ArticleCreate, NEWS | {"topic": "Tiền lương"}, "topic"),
        (api.ArticleCreate, NEWS, "section"),
        (api.ArticleUpdate, {"title": "Tiêu đề mới của bài"}, "title"),
        (api.ArticleUpdate, {"body": "<p>Nội dung mới</p>"}, "body"),
        (api.Correction, {"note": "Đính chính số liệu"}, "note"),
        (api.Comment, {"comment": "Bổ sung số liệu"}, "comment"),
        (api.Reason, {"reason": "Sai số liệu"}, "reason"),
        (api.ArticleListArgs, {"q": "lương"}, "q"),
        (api.SectionCreate, {"key": "tin-co-so", "name": "Tin cơ sở"}, "name"),
        (api.SectionUpdate, {"name": "Tin cơ sở"}, "name"),
        (api.DocumentCreate, DOCUMENT, "number"),
        (api.DocumentCreate, DOCUMENT, "abstract"),
        (api.DocumentCreate, DOCUMENT | {"issuer": "Văn phòng"}, "issuer"),
        (api.DocumentListArgs, {"q": "Tết"}, "q"),
        (api.PublicArticleArgs, {"q": "Tết"}, "q"),
        (api.PublicArticleArgs, {"tenant": "ha-noi"}, "tenant"),
        (api.PublicArticleRef, {"site": "ha-noi"}, "site"),
    ],
)
def test_a_control_character_in_any_text_is_refused_naming_the_field(schema, data, field, bad):
    value = data[field]
    errors = refused(schema, data | {field: value[:3] + bad + value[3:]})
    assert errors == {field: [api.UNSTORABLE_MESSAGE]}


@pytest.mark.parametrize("bad", ["\x00", "\x1f"], ids=repr)
def test_nested_and_listed_texts_are_refused_too(bad):
    assert "authors" in refused(api.ArticleCreate, NEWS | {"authors": [AUTHOR | {"pen_name": f"Minh{bad}An"}]})
    assert "tags" in refused(api.ArticleCreate, NEWS | {"tags": ["lương", f"Tết{bad}"]})


def test_tabs_and_line_breaks_are_text():
    body = "<p>Dòng một\r\nDòng hai\n\tthụt lề</p>"
    assert load(api.ArticleCreate, NEWS | {"body": body})["body"] == body
    assert api.is_storable("a\tb\nc\r\n") and not api.is_storable("a\x00b")


@pytest.mark.parametrize(
    "schema, data, field",
    [
        (api.DocumentCreate, DOCUMENT | {"issued_on": "9999-12-31"}, "issued_on"),
        (api.DocumentCreate, DOCUMENT | {"issued_on": "0001-01-01"}, "issued_on"),
        (api.DocumentCreate, DOCUMENT | {"issued_on": "0000-01-01"}, "issued_on"),
        (api.DocumentCreate, DOCUMENT | {"effective_on": "9999-12-31"}, "effective_on"),
        (api.PublicArticleArgs, {"since": "0001-01-01"}, "since"),
        (api.PublicArticleArgs, {"until": "9999-12-31"}, "until"),
        (api.ReportPeriod, {"start": "0001-01-01", "end": "2026-07-01"}, "start"),
        (api.ReportPeriod, {"start": "2026-01-01", "end": "9999-12-31"}, "end"),
        (api.Schedule, {"publish_at": "9999-12-31T23:00:00-05:00"}, "publish_at"),
        (api.Schedule, {"publish_at": "0001-01-01T00:00:00+07:00"}, "publish_at"),
        (api.Schedule, {"publish_at": "0000-01-01T00:00:00+00:00"}, "publish_at"),
        (api.ComplianceArgs, {"week": "0000-W01"}, "week"),
        (api.ComplianceArgs, {"week": "9999-W52"}, "week"),
        (api.ComplianceArgs, {"week": "2026-W54"}, "week"),
        (api.ComplianceArgs, {"week": "2025-W53"}, "week"),  # 2025 has 52 ISO weeks
        (api.ComplianceArgs, {"week": "2026-W00"}, "week"),
    ],
)
def test_dates_moments_and_weeks_out_of_range_are_refused_naming_the_field(schema, data, field):
    assert list(refused(schema, data)) == [field]


def test_dates_moments_and_weeks_in_range_are_taken():
    assert str(load(api.DocumentCreate, DOCUMENT | {"issued_on": "1950-01-01"})["issued_on"]) == "1950-01-01"
    assert load(api.ComplianceArgs, {"week": "2026-W53"})["week"] == "2026-W53"
    assert load(api.ComplianceArgs, {"week": "2100-W52"})["week"] == "2100-W52"
    assert load(api.Schedule, {"publish_at": "2100-12-31T23:00:00+07:00"})["publish_at"].year == 2100
    period = load(api.ReportPeriod, {"start": "2026-01-01", "end": "2026-07-01"})
    assert (str(period["start"]), str(period["end"])) == ("2026-01-01", "2026-07-01")
    assert list(refused(api.ReportPeriod, {"start": "2026-07-01", "end": "2026-01-01"})) == ["end"]


@pytest.mark.parametrize("text", ["9999-W52", "1949-W10", "2101-W01"])
def test_the_quota_weeks_keep_to_the_same_years(text):
    with pytest.raises(InvalidInput) as raised:
        parse_week(text)
    assert raised.value.code == "INVALID_WEEK" and list(raised.value.details["errors"]) == ["week"]
