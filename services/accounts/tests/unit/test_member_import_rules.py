"""Member import jobs without a database: batching arithmetic and resuming, the sealed tokens,
reading XLSX files (Excel's types, the sheet's row numbers), refused files, the slips' line wrap."""

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from accounts import member_imports as jobs
from accounts.member_files import cell_text, read_member_file
from accounts.member_sheets import template_csv, template_xlsx, wrap
from platform_shared.errors import InvalidInput

TODAY = date(2026, 11, 26)


def test_batches_cover_every_row_once_and_the_last_one_is_short():
    assert jobs.batch_range(0, 1200, 500) == (0, 500)
    assert jobs.batch_range(500, 1200, 500) == (500, 1000)
    assert jobs.batch_range(1000, 1200, 500) == (1000, 1200)
    assert jobs.batch_range(1200, 1200, 500) is None
    assert jobs.batch_count(1200, 500) == 3 and jobs.batch_count(1000, 500) == 2 and jobs.batch_count(1, 500) == 1
    with pytest.raises(ValueError):
        jobs.batch_range(0, 10, 0)


@pytest.mark.parametrize("crash_after", [0, 1, 2, 4, 5])
def test_a_job_resumed_after_a_crash_applies_each_row_exactly_once(crash_after):
    """A crash loses the batch in flight (its transaction rolls back with its ``done_rows``); the job
    resumes from the last committed ``done_rows``, whatever batch size the restarted service uses."""
    total, applied, done = 2345, [], 0
    for _ in range(crash_after):  # committed batches before the crash
        first, stop = jobs.batch_range(done, total, 500)
        applied.extend(range(first, stop))
        done = stop
    if jobs.batch_range(done, total, 500):
        jobs.batch_range(done, total, 500)  # the batch in flight: rolled back, nothing kept
    while (span := jobs.batch_range(done, total, 300)) is not None:  # the restarted service
        applied.extend(range(*span))
        done = span[1]
    assert applied == list(range(total)) and done == total


def test_progress_reaches_100_percent_only_at_the_end():
    assert [jobs.percent(d, 1000) for d in (0, 500, 999, 1000)] == [0, 50, 99, 100]
    assert jobs.percent(0, 0) == 100
    assert jobs.Tally(1, 2, 3, 0, 1) + jobs.Tally(1, 0, 0, 2, 0) == jobs.Tally(2, 2, 3, 2, 1)


def test_a_sealed_token_opens_only_for_its_job_and_row_and_never_shows_in_clear():
    sealer = jobs.Sealer({"2026-01-01": b"k" * 32, "2026-06-01": b"n" * 32}, "2026-06-01")
    seal = sealer.for_job("job-1")
    token = "Z3fK-plain-activation-token-0123456789abcdef"
    sealed = seal.seal(7, token)
    assert token not in sealed and "Z3fK" not in sealed
    assert seal.open(7, sealed) == token
    assert seal.open(8, sealed) is None  # moved to another row
    assert sealer.for_job("job-2").open(7, sealed) is None  # another job's key
    assert sealer.for_job("job-1", "2026-01-01").open(7, sealed) is None  # another signing key
    assert sealer.for_job("job-1", "gone") is None  # a key no longer in TOKEN_KEYS_DIR
    assert seal.open(7, sealed[:-2] + "AA") is None and seal.open(7, None) is None
    assert seal.seal(7, token) != sealed  # a fresh nonce each time


def workbook(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["Số thẻ đoàn viên", "Họ và tên", "Ngày sinh", "Số điện thoại", "Mã đơn vị"]


def test_an_xlsx_file_reads_as_a_person_typed_it():
    content = workbook(
        [
            HEADER,
            ["HN-1", "Nguyễn Thị Hoa", datetime(1991, 4, 12), 912000001, "CDCS-CANON"],
            [],
            [1002, "Trần Văn Nam", "30/09/1988", "0912 000 002", None],
            ["HN-3", "Lê Thu", None, 84912000003, None],
        ]
    )
    parsed, fmt = read_member_file(content, max_rows=100, today=TODAY)
    assert fmt == "xlsx"
    hoa, nam, thu = parsed.rows
    assert (hoa.row, hoa.number, hoa.birth_date, hoa.phone, hoa.unit_code) == (
        2,
        "HN-1",
        date(1991, 4, 12),
        "0912000001",
        "CDCS-CANON",
    )
    assert (nam.row, nam.number, nam.phone, nam.birth_date) == (4, "1002", "0912000002", date(1988, 9, 30))
    assert thu.phone == "+84912000003"
    assert parsed.names["member_number"] == "Số thẻ đoàn viên"


def test_bad_rows_of_a_workbook_are_named_by_the_sheets_row_and_column():
    content = workbook([HEADER, ["HN-1", "An Bình", None, "0912000001"], [], ["HN-1", "X", "32/13/1990", "12"]])
    with pytest.raises(InvalidInput) as refused:
        read_member_file(content, max_rows=100, today=TODAY)
    assert refused.value.code == "IMPORT_INVALID"
    assert [(e["row"], e["column"]) for e in refused.value.details["errors"]] == [(4, "Số thẻ đoàn viên")]
    content = workbook([HEADER, ["HN-2", "X", "32/13/1990", "12", None]])
    with pytest.raises(InvalidInput) as refused:
        read_member_file(content, max_rows=100, today=TODAY)
    assert {(e["row"], e["column"]) for e in refused.value.details["errors"]} == {
        (2, "Họ và tên"),
        (2, "Ngày sinh"),
        (2, "Số điện thoại"),
    }


def test_files_that_are_not_a_member_table_are_refused_naming_the_file_or_the_first_row():
    def refused(content):
        with pytest.raises(InvalidInput) as info:
            read_member_file(content, max_rows=100, today=TODAY)
        assert info.value.code == "IMPORT_INVALID"
        return info.value.details["errors"]

    assert refused(b"")[0]["row"] == 1 and refused(b"  \n")[0]["message"].startswith("Tệp rỗng")
    assert refused(workbook([]))[0]["row"] == 1
    assert "file" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)  # Excel 97-2003
    assert "file" in refused(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    assert "file" in refused(b"%PDF-1.4\n\xe2\xe3\xcf\xd3\n")
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "file" in refused(other_zip.getvalue())
    assert "file" in refused(b"PK\x03\x04 broken")
    assert "file" in refused("mã,tên\n1,An\n".encode("utf-16"))


def test_cells_become_text_as_typed():
    assert cell_text(None) == "" and cell_text(12.0) == "12" and cell_text(1.5) == "1.5"
    assert cell_text(date(1990, 1, 2)) == "1990-01-02" and cell_text(datetime(1990, 1, 2, 8)) == "1990-01-02"
    assert cell_text(912345678, phone=True) == "0912345678" and cell_text(912345678) == "912345678"
    assert cell_text(2438123456, phone=True) == "02438123456"


def test_the_templates_read_back_without_a_problem():
    for content in (template_csv(), template_xlsx()):
        parsed, _ = read_member_file(content, max_rows=10, today=TODAY)
        assert [r.full_name for r in parsed.rows] == ["Nguyễn Thị Hoa", "Trần Văn Nam"]
        assert parsed.rows[0].phone == "0912000001"


def test_slip_lines_wrap_at_words_and_cut_the_last_one():
    measure = len  # one unit per character
    assert wrap("Công đoàn cơ sở Công ty May", 12, measure, 3) == ["Công đoàn cơ", "sở Công ty", "May"]
    assert wrap("Công đoàn cơ sở Công ty May", 12, measure, 2) == ["Công đoàn cơ", "sở Công ty…"]
    assert wrap("abcdefghijklmnop", 6, measure, 3) == ["abcdef", "ghijkl", "mnop"]
