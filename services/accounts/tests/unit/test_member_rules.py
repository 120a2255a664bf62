"""Parsing and planning a member import: Vietnamese headers, every problem named by row and column."""

import uuid
from datetime import date

import pytest

from accounts.members import ExistingMember, member_username, parse_member_csv, plan_members
from platform_shared.errors import InvalidInput

TODAY = date(2026, 11, 26)
VI_HEADER = "Số thẻ đoàn viên,Họ và tên,Ngày sinh,Giới tính,Số điện thoại,E-mail,Mã đơn vị,Ngày vào Công đoàn\n"
EN_HEADER = "member_number,full_name,phone,email,unit_code\n"
CANON = (uuid.uuid4(), "active")
ARCHIVED = (uuid.uuid4(), "archived")
UNITS = {"CDCS-CANON": CANON, "CDCS-CU": ARCHIVED}


def parse(text, max_rows=1000):
    return parse_member_csv(text, max_rows=max_rows, today=TODAY)


def errors_of(text, **kwargs):
    with pytest.raises(InvalidInput) as info:
        parse(text, **kwargs)
    assert info.value.code == "IMPORT_INVALID"
    return [(e["row"], e["column"]) for e in info.value.details["errors"]]


def existing(number, **fields):
    base = dict(
        id=uuid.uuid4(),
        user_id=uuid.uuid4(),
        number=number,
        user_status="invited",
        full_name="Nguyễn Thị Lan",
        birth_date=None,
        gender=None,
        phone="0912345678",
        email=None,
        unit_id=None,
        joined_on=None,
    )
    return ExistingMember(**{**base, **fields})


def test_vietnamese_headers_and_values_parse_into_normalised_rows():
    parsed = parse(
        "\ufeff"
        + VI_HEADER
        + "dv-0001, Nguyễn  Thị Lan ,05/03/1990,Nữ,091 234 5678,Lan@Example.VN,CDCS-CANON,2012-07-01\n\n"
    )
    (row,) = parsed.rows
    assert (row.row, row.number, row.full_name, row.birth_date, row.gender) == (
        2,
        "DV-0001",
        "Nguyễn Thị Lan",
        date(1990, 3, 5),
        "female",
    )
    assert (row.phone, row.email, row.unit_code, row.joined_on) == (
        "0912345678",
        "lan@example.vn",
        "CDCS-CANON",
        date(2012, 7, 1),
    )
    assert parsed.names["member_number"] == "Số thẻ đoàn viên"


def test_headers_match_without_diacritics_or_case():
    parsed = parse("SO THE DOAN VIEN,ho ten,Dien thoai\n7,Trần Văn Bình,0987654321\n")
    assert parsed.rows[0].number == "7" and set(parsed.names) == {"member_number", "full_name", "phone"}


def test_a_wrong_header_names_the_missing_and_unknown_columns():
    assert errors_of("số thẻ,quê quán\n1,Hà Nội\n") == [(1, "quê quán"), (1, "full_name"), (1, "phone")]


def test_a_duplicate_column_is_refused():
    assert (1, "member_number") in errors_of("member_number,số thẻ,full_name,phone\n1,1,An Bình,0912345678\n")


def test_every_bad_value_is_named_by_row_and_column():
    text = (
        VI_HEADER
        + "1,A,31/02/1990,Nam,0912345678,,,\n"  # name too short, no such date
        + "2,Lê Văn Hùng,,Trai,12345,,,\n"  # gender, phone
        + "3,Lê Thị Mai,,,,mai@,,\n"  # e-mail
        + "4 4,Phạm Minh,,,0912345678,,,01/01/2099\n"  # number, joined in the future
        + "5,Đỗ Văn Tú,,,,,,\n"  # neither phone nor e-mail
    )
    assert errors_of(text) == [
        (2, "Họ và tên"),
        (2, "Ngày sinh"),
        (3, "Giới tính"),
        (3, "Số điện thoại"),
        (4, "E-mail"),
        (5, "Số thẻ đoàn viên"),
        (5, "Ngày vào Công đoàn"),
        (6, "Số điện thoại"),
    ]


def test_a_member_number_twice_in_the_file_names_the_second_row():
    text = EN_HEADER + "100,An Bình,0912345678,,\n101,Chi Dũng,0912345679,,\n100,An Bình Khác,0912345670,,\n"
    assert errors_of(text) == [(4, "member_number")]


def test_empty_and_data_less_files_are_refused():
    assert errors_of("") == [(1, None)]
    assert errors_of(EN_HEADER) == [(2, None)]


def test_a_row_with_a_wrong_number_of_values_is_refused():
    assert errors_of(EN_HEADER + "1,An Bình,0912345678\n") == [(2, None)]


def test_too_many_rows_are_refused():
    rows = "".join(f"{n},Người số {n},09123456{n:02d},,\n" for n in range(3))
    assert errors_of(EN_HEADER + rows, max_rows=2) == [(4, None)]


def test_new_numbers_are_created_and_unknown_or_archived_units_refused():
    parsed = parse(EN_HEADER + "1,An Bình,0912345678,,CDCS-CANON\n2,Chi Dũng,0912345679,,\n")
    plan = plan_members(parsed, {}, UNITS)
    assert [r.number for r in plan.create] == ["1", "2"] and plan.update == [] and plan.unchanged == []

    bad = parse(EN_HEADER + "1,An Bình,0912345678,,CDCS-KHONG\n2,Chi Dũng,0912345679,,CDCS-CU\n")
    with pytest.raises(InvalidInput) as info:
        plan_members(bad, {}, UNITS)
    assert [(e["row"], e["column"]) for e in info.value.details["errors"]] == [(2, "unit_code"), (3, "unit_code")]


def test_a_known_number_is_unchanged_when_equal_and_updated_when_it_differs():
    same = existing("1", full_name="An Bình", unit_id=CANON[0])
    moved = existing("2", full_name="Chi Dũng", phone="0912345679")
    parsed = parse(EN_HEADER + "1,An Bình,0912345678,,CDCS-CANON\n2,Chi Dũng Mới,0912345679,,CDCS-CANON\n")
    plan = plan_members(parsed, {"1": same, "2": moved}, UNITS)
    assert plan.create == [] and plan.unchanged == [same]
    ((member, changes),) = plan.update
    assert member is moved and changes == {"full_name": "Chi Dũng Mới", "unit_id": CANON[0]}


def test_a_column_the_file_lacks_leaves_that_field_alone():
    known = existing("1", full_name="An Bình", unit_id=CANON[0], email="an@example.vn")
    plan = plan_members(parse("member_number,full_name,phone\n1,An Bình,0912345678\n"), {"1": known}, UNITS)
    assert plan.unchanged == [known] and plan.update == []


def test_reissue_only_for_members_not_yet_activated():
    waiting = existing("1", full_name="An Bình")
    active = existing("2", full_name="Chi Dũng", user_status="active", phone="0912345679")
    parsed = parse("member_number,full_name,phone\n1,An Bình,0912345678\n2,Chi Dũng,0912345679\n")
    assert plan_members(parsed, {"1": waiting, "2": active}, UNITS).reissue == []
    assert plan_members(parsed, {"1": waiting, "2": active}, UNITS, reissue=True).reissue == [waiting]


def test_the_user_name_comes_from_the_number_and_the_tenant():
    assert member_username("DV-0001", "ha-noi") == "dv-0001@ha-noi"


def test_a_binary_file_is_not_taken_for_csv():
    with pytest.raises(InvalidInput) as info:
        parse("PK\x03\x04\x14\x00\x06\x00[Content_Types].xml")
    assert "file" in info.value.details["errors"]
