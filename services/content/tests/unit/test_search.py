"""Vietnamese search (``platform_shared.search``): the two search columns and query parsing.
The matches and their order on SQLite and PostgreSQL: ``tests/interface/test_search.py``."""

import pytest

from platform_shared.errors import InvalidInput
from platform_shared.search import Query, parse_query, search_columns


def test_search_columns_example():
    assert search_columns("Công đoàn Đà Nẵng!") == (" công đoàn đà nẵng ", " cong doan da nang ")


def test_search_columns_joins_parts_and_replaces_punctuation_with_single_spaces():
    exact, folded = search_columns(
        "  «Tết sum vầy» — 2026 ",
        "Đoàn viên, người lao động… (khu công nghiệp)",
        None,
        "tag-một/tag-hai",
    )
    assert exact == " tết sum vầy 2026 đoàn viên người lao động khu công nghiệp tag một tag hai "
    assert folded == " tet sum vay 2026 doan vien nguoi lao dong khu cong nghiep tag mot tag hai "


def test_search_columns_normalises_decomposed_text_and_case():
    decomposed = "CÔNG ĐOÀN".replace("Ô", "O\u0302").replace("À", "A\u0300")
    assert search_columns(decomposed) == (" công đoàn ", " cong doan ")


def test_search_columns_of_nothing():
    assert search_columns() == (" ", " ")
    assert search_columns("", "—!?", None) == (" ", " ")


def test_search_columns_percent_and_backslash_separate_words_underscore_does_not():
    assert search_columns("100% a\\b mã_số") == (" 100 a b mã_số ", " 100 a b ma_so ")


def test_parse_query_with_and_without_diacritics():
    assert parse_query("  CÔNG   Đoàn! ") == Query(("công", "đoàn"), ("cong", "doan"), True)
    assert parse_query("cong doan") == Query(("cong", "doan"), ("cong", "doan"), False)
    assert parse_query("Đà-Nẵng") == Query(("đà", "nẵng"), ("da", "nang"), True)
    assert parse_query("d") == Query(("d",), ("d",), False)
    assert parse_query("đ") == Query(("đ",), ("d",), True)


@pytest.mark.parametrize("q", ["", "   ", "!?", "«—»", "%", "\\", None])
def test_parse_query_without_words_is_none(q):
    assert parse_query(q) is None


def test_parse_query_allows_twelve_words_and_two_hundred_characters():
    assert len(parse_query(" ".join(["từ"] * 12)).words_exact) == 12
    assert parse_query("a" * 200).words_exact == ("a" * 200,)
    assert parse_query("a" * 200 + "   ") is not None  # surrounding blanks do not count


@pytest.mark.parametrize("q", [" ".join(["từ"] * 13), "a" * 201, "công đoàn " * 21])
def test_parse_query_refuses_long_queries(q):
    with pytest.raises(InvalidInput) as raised:
        parse_query(q)
    assert raised.value.code == "QUERY_TOO_LONG"
    assert list(raised.value.details["errors"]) == ["q"]
    assert "quá dài" in raised.value.message
