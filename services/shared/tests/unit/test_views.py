import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from platform_shared.errors import NotFound
from platform_shared.views import iso, page, parse_time, text, uuid_or_none

ID = uuid.UUID("6f1c1e2a-9b3d-4c5e-8f7a-6b5c4d3e2f1a")


def test_a_page_carries_its_items_total_and_position():
    assert page(["a"], 21, {"page": 3, "per_page": 10}) == {"items": ["a"], "total": 21, "page": 3, "per_page": 10}


def test_ids_are_read_from_text_or_kept_and_empty_is_none():
    assert uuid_or_none(str(ID)) == ID
    assert uuid_or_none(ID) is ID
    assert uuid_or_none(None) is None and uuid_or_none("") is None


def test_a_malformed_id_names_the_missing_thing_when_a_kind_is_given():
    with pytest.raises(NotFound) as caught:
        uuid_or_none("not-an-id", "article")
    assert caught.value.code == "ARTICLE_NOT_FOUND"
    with pytest.raises(ValueError):
        uuid_or_none("not-an-id")


def test_text_and_iso_leave_none_alone():
    assert (text(ID), text(None)) == (str(ID), None)
    assert (iso(date(2026, 12, 2)), iso(None)) == ("2026-12-02", None)


def test_times_are_read_aware_and_in_utc_when_naive():
    assert parse_time("2026-12-02T09:00:00Z") == datetime(2026, 12, 2, 9, tzinfo=UTC)
    assert parse_time("2026-12-02T16:00:00+07:00") == datetime(2026, 12, 2, 16, tzinfo=timezone(timedelta(hours=7)))
    assert parse_time("2026-12-02T09:00:00") == datetime(2026, 12, 2, 9, tzinfo=UTC)
    assert parse_time("hôm qua") is None and parse_time(None) is None and parse_time("") is None
