"""Arithmetic of the grassroots coverage: shares rounded half up, empty federations, national totals
as shares of sums, sorting, merged tenants folded as the reports fold them, the report's rows."""

from datetime import date

import pytest

from polls import render
from polls.coverage import domain
from polls.reports import domain as periods
from polls.reports.domain import Merge, Slice


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 3, 33.3),
        (2, 3, 66.7),
        (1, 8, 12.5),
        (49, 400, 12.3),  # 12.25: half up, not the banker's 12.2
        (1, 1600, 0.1),  # 0.0625
        (0, 7, 0.0),
        (7, 7, 100.0),
        (0, 0, None),  # no grassroots units: no share, not 0 % and not 100 %
        (3, None, None),
    ],
)
def test_a_share_is_a_percentage_with_one_decimal_rounded_half_up(part, whole, expected):
    assert domain.share(part, whole) == expected


def test_a_federation_without_units_or_members_has_counts_of_zero_and_no_shares():
    empty = domain.figures(domain.fold([]))
    assert empty == {
        "available": True,
        "grassroots": 0,
        "with_admin": 0,
        "with_members": 0,
        "contributing": 0,
        "members": 0,
        "respondents": 0,
        "with_admin_share": None,
        "with_members_share": None,
        "contributing_share": None,
        "respondents_share": None,
    }


def test_the_national_totals_are_shares_of_the_sums_not_means_of_the_shares():
    big = domain.with_shares({"grassroots": 2000, "with_admin": 1000, "members": 100000, "respondents": 5000})
    small = domain.with_shares({"grassroots": 20, "with_admin": 20, "members": 100, "respondents": 100})
    none = domain.with_shares({})  # a federation with nothing yet
    assert (big["with_admin_share"], small["with_admin_share"], none["with_admin_share"]) == (50.0, 100.0, None)
    totals = domain.totals([big, small, none])
    assert (totals["grassroots"], totals["with_admin"]) == (2020, 1020)
    assert totals["with_admin_share"] == 50.5  # 1020 / 2020, not (50 + 100) / 2
    assert totals["respondents_share"] == 5.1  # 5100 / 100100 = 5.0949…
    assert domain.totals([]) == domain.with_shares({})


def test_rows_sort_by_a_share_with_ties_by_name_and_unknown_shares_last():
    rows = [
        {"tenant_name": "Đà Nẵng", "tenant_code": "DN", "grassroots": 10, "with_admin_share": 40.0},
        {"tenant_name": "Cần Thơ", "tenant_code": "CT", "grassroots": 0, "with_admin_share": None},
        {"tenant_name": "An Giang", "tenant_code": "AG", "grassroots": 5, "with_admin_share": 80.0},
        {"tenant_name": "Bắc Ninh", "tenant_code": "BN", "grassroots": 20, "with_admin_share": 40.0},
    ]
    codes = lambda ordered: [r["tenant_code"] for r in ordered]  # noqa: E731
    assert codes(domain.sort_rows(rows, "admin", "desc")) == ["AG", "BN", "DN", "CT"]
    assert codes(domain.sort_rows(rows, "admin", "asc")) == ["BN", "DN", "AG", "CT"]
    assert codes(domain.sort_rows(rows, "grassroots", "desc")) == ["BN", "DN", "AG", "CT"]
    assert codes(domain.sort_rows(rows)) == ["AG", "BN", "CT", "DN"]  # by name
    assert codes(domain.sort_rows(rows, "name", "desc")) == ["DN", "CT", "BN", "AG"]


def test_a_merged_tenant_is_folded_into_the_survivor_from_its_merge_day():
    """Đà Nẵng merged into Hà Nội on 15 September: Hà Nội's half-year counts Đà Nẵng's authors and
    respondents from that day; content is asked once per distinct range of days."""
    period = periods.parse_period("2026-H2")
    merges = {"DN": Merge("DN", "HN", date(2026, 9, 15))}
    pieces = {"HN": periods.slices("HN", merges, period), "HCM": periods.slices("HCM", merges, period)}
    assert pieces["HN"] == [
        Slice("HN", date(2026, 7, 1), date(2027, 1, 1)),
        Slice("DN", date(2026, 9, 15), date(2027, 1, 1)),
    ]
    ranges = domain.ranges(pieces)
    assert ranges == {
        (date(2026, 7, 1), date(2027, 1, 1)): ["HN", "HCM"],
        (date(2026, 9, 15), date(2027, 1, 1)): ["DN"],
    }
    answers = {
        (date(2026, 7, 1), date(2027, 1, 1)): {"HN": ["u1", "u2"], "HCM": ["u9"]},
        (date(2026, 9, 15), date(2027, 1, 1)): {"DN": ["u2", "u3"]},
    }
    # Every slice of Hà Nội's row names all its authors: the units moved with the merge are
    # counted where they live now, once; Hồ Chí Minh City's authors stay its own.
    assert domain.authors_by_tenant(pieces, answers) == {
        "HN": ["u1", "u2", "u3"],
        "DN": ["u1", "u2", "u3"],
        "HCM": ["u9"],
    }
    folded = domain.figures(
        domain.fold(
            [
                {
                    "grassroots": 4,
                    "with_admin": 1,
                    "with_members": 3,
                    "contributing": 2,
                    "members": 90,
                    "respondents": 9,
                },
                {
                    "grassroots": 0,
                    "with_admin": 0,
                    "with_members": 0,
                    "contributing": 0,
                    "members": 0,
                    "respondents": 3,
                },
            ]
        )
    )
    assert (folded["grassroots"], folded["with_admin_share"], folded["contributing_share"]) == (4, 25.0, 50.0)
    assert (folded["respondents"], folded["respondents_share"]) == (12, 13.3)


def test_the_report_shows_the_coverage_as_its_fourth_part_and_the_evaluation_fifth():
    coverage = domain.figures(
        {"grassroots": 1234, "with_admin": 617, "with_members": 1000, "contributing": 0, "members": 0, "respondents": 0}
    )
    report = {"figures": {"content": {"available": False}, "feedback": {"available": False},
                          "polls": {"available": False}, "coverage": coverage}}  # fmt: skip
    title, rows = render.report_sections(report)[3]
    assert title == "IV. Phổ cập Cổng thông tin đến công đoàn cơ sở"
    assert dict(rows) == {
        "Số công đoàn cơ sở đang hoạt động": "1.234",
        "Công đoàn cơ sở có quản trị viên đã kích hoạt tài khoản": "617 (50,0%)",
        "Công đoàn cơ sở đã có đoàn viên trong sổ đoàn viên": "1.000 (81,0%)",
        "Công đoàn cơ sở có tin, bài gửi lên Cổng trong kỳ": "0 (0,0%)",
        "Số đoàn viên trong sổ đoàn viên": "0",
        "Đoàn viên đã trả lời trưng cầu ý kiến trong kỳ": "0",  # no members: no share
    }
    assert render.evaluation_title(report) == "V. Đánh giá của đơn vị"
    report["figures"]["coverage"] = domain.unavailable()
    assert render.report_sections(report)[3][1] == [("Phổ cập Cổng thông tin đến công đoàn cơ sở", "chưa có số liệu")]
    del report["figures"]["coverage"]  # a report submitted before the coverage part existed
    assert len(render.report_sections(report)) == 3 and render.evaluation_title(report) == "IV. Đánh giá của đơn vị"
