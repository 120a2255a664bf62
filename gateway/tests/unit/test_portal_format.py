"""The portal writes dates, times and numbers the Vietnamese way, in Vietnam's time."""

from datetime import UTC, date, datetime

import pytest

from gateway.web import format as fmt


def test_a_moment_is_written_with_its_weekday_in_vietnams_time():
    # 09:45 UTC on Wednesday 2 December 2026 is 16:45 the same day in Hà Nội
    assert fmt.weekday_datetime("2026-12-02T09:45:00+00:00") == "Thứ Tư, 02/12/2026 16:45"
    assert fmt.weekday_datetime(datetime(2026, 12, 5, 17, 30, tzinfo=UTC)) == "Chủ Nhật, 06/12/2026 00:30"
    assert fmt.weekday_datetime("2026-12-02T09:45:00") == "Thứ Tư, 02/12/2026 16:45"  # naive: UTC


@pytest.mark.parametrize(
    ("value", "day", "day_time"),
    [
        ("2026-12-31T17:00:00Z", "01/01/2027", "01/01/2027 00:00"),
        (date(2026, 6, 30), "30/06/2026", "30/06/2026"),
        ("2026-06-30", "30/06/2026", "30/06/2026"),
        (None, "", ""),
        ("không phải ngày", "", ""),
    ],
)
def test_days_and_times(value, day, day_time):
    assert fmt.day(value) == day
    assert fmt.day_time(value) == day_time


def test_machine_forms_keep_the_offset_and_rss_uses_the_standards_english_form():
    assert fmt.iso("2026-12-02T09:45:00Z") == "2026-12-02T16:45:00+07:00"
    assert fmt.rfc822("2026-12-02T09:45:00Z") == "Wed, 02 Dec 2026 09:45:00 +0000"


@pytest.mark.parametrize(
    ("value", "written"), [(0, "0"), (999, "999"), (1000, "1.000"), (10_234_567, "10.234.567"), (12.5, "12,5")]
)
def test_numbers_group_thousands_with_dots(value, written):
    assert fmt.number(value) == written
