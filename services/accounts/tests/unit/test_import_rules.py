"""Parsing and planning a tenant import: all or nothing, every problem named by row and column."""

import pytest

from accounts.domain import ExistingTenant, parse_tenant_csv, plan_import
from platform_shared.errors import InvalidInput

HEADER = "code,name,kind,parent_code,admin_name,admin_email\n"
TLD = ExistingTenant(id="tld-id", code="TLD", slug="tong-lien-doan", status="active")


def errors_of(callable_, *args):
    with pytest.raises(InvalidInput) as info:
        callable_(*args)
    assert info.value.code == "IMPORT_INVALID"
    return [(e["row"], e["column"]) for e in info.value.details["errors"]]


def test_a_good_file_parses_with_normalised_text():
    rows = parse_tenant_csv(
        "\ufeff" + HEADER + "LDLD-HN, Liên đoàn Lao động  Hà Nội ,provincial_federation,TLD,"
        "Nguyễn Văn A,Admin.HN@Example.vn\n\n"
    )
    (row,) = rows
    assert (row.row, row.code, row.name, row.admin_email, row.slug) == (
        2,
        "LDLD-HN",
        "Liên đoàn Lao động Hà Nội",
        "admin.hn@example.vn",
        "ldld-hn",
    )


def test_missing_and_unknown_columns_are_named():
    assert errors_of(parse_tenant_csv, "code,name,kind,parent_code,admin_name,mail\nA,B,C,D,E,F\n") == [
        (1, "admin_email"),
        (1, "mail"),
    ]


@pytest.mark.parametrize(
    "line, column",
    [
        ("A!,Tên,provincial_federation,TLD,Nguyễn A,a@x.vn", "code"),
        ("AB,T,provincial_federation,TLD,Nguyễn A,a@x.vn", "name"),
        ("AB,Tên đơn vị,federation,TLD,Nguyễn A,a@x.vn", "kind"),
        ("AB,Tên đơn vị,confederation,TLD,Nguyễn A,a@x.vn", "kind"),
        ("AB,Tên đơn vị,provincial_federation,,Nguyễn A,a@x.vn", "parent_code"),
        ("AB,Tên đơn vị,provincial_federation,TLD,N,a@x.vn", "admin_name"),
        ("AB,Tên đơn vị,provincial_federation,TLD,Nguyễn A,not-an-email", "admin_email"),
    ],
)
def test_a_bad_value_is_named_by_row_and_column(line, column):
    assert errors_of(parse_tenant_csv, HEADER + line + "\n") == [(2, column)]


def test_a_row_with_the_wrong_number_of_values_is_refused():
    assert errors_of(parse_tenant_csv, HEADER + "AB,Tên,provincial_federation\n") == [(2, None)]


@pytest.mark.parametrize("text", ["", "   \n", HEADER])
def test_an_empty_file_is_refused(text):
    with pytest.raises(InvalidInput):
        parse_tenant_csv(text)


def plan(csv_body, existing=None, usernames=()):
    existing = existing or {"TLD": TLD}
    rows = parse_tenant_csv(HEADER + csv_body)
    return plan_import(rows, existing, {t.slug for t in existing.values()}, set(usernames))


def test_children_may_come_before_their_parent_in_the_file():
    result = plan(
        "CDCS-1,Công đoàn cơ sở 1,corporate_union,CD-X,Lê B,b@x.vn\nCD-X,Công đoàn X,sectoral_union,TLD,Trần A,a@x.vn\n"
    )
    assert [r.code for r in result.create] == ["CD-X", "CDCS-1"]


def test_codes_already_present_are_unchanged_not_errors():
    hn = ExistingTenant(id="hn", code="LDLD-HN", slug="ldld-hn", status="active")
    result = plan("LDLD-HN,Hà Nội,provincial_federation,TLD,Trần A,a@x.vn\n", {"TLD": TLD, "LDLD-HN": hn})
    assert (result.create, result.unchanged) == ([], ["LDLD-HN"])


def test_duplicates_unknown_parents_taken_emails_and_cycles_are_all_reported_at_once():
    body = (
        "A1,Đơn vị A1,sectoral_union,TLD,Trần A,a@x.vn\n"
        "A1,Đơn vị A1 lặp,sectoral_union,TLD,Trần A,b@x.vn\n"
        "B1,Đơn vị B1,sectoral_union,NOPE,Trần B,c@x.vn\n"
        "C1,Đơn vị C1,sectoral_union,TLD,Trần C,taken@x.vn\n"
        "D1,Đơn vị D1,sectoral_union,E1,Trần D,d@x.vn\n"
        "E1,Đơn vị E1,sectoral_union,D1,Trần E,e@x.vn\n"
    )
    found = errors_of(plan, body, None, {"taken@x.vn"})
    assert (3, "code") in found
    assert (4, "parent_code") in found
    assert (5, "admin_email") in found
    assert any(row in (6, 7) and col == "parent_code" for row, col in found)


def test_a_merged_parent_is_refused():
    gone = ExistingTenant(id="old", code="OLD", slug="old", status="merged")
    assert errors_of(plan, "N1,Đơn vị mới,corporate_union,OLD,Trần A,a@x.vn\n", {"TLD": TLD, "OLD": gone}) == [
        (2, "parent_code")
    ]
