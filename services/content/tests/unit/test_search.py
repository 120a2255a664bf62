"""Vietnamese search: the two search columns, query parsing, and the same matches and order
on SQLite and PostgreSQL (rows come from a VALUES list, no table is created)."""

import pytest
from sqlalchemy import Integer, String, column, create_engine, select, values
from sqlalchemy.exc import OperationalError

from content.search import Query, parse_query, rank_expression, search_columns, where_clause
from platform_shared.errors import InvalidInput

POSTGRES_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"

TITLES = {
    1: "Công đoàn Đà Nẵng chăm lo Tết cho công nhân",
    2: "Cổng đoàn kết khu công nghiệp",
    3: "Doanh nghiệp hoàn thành kế hoạch",
    4: "Hoạt động của Công Đoàn ngành Giáo dục",
    5: "Khoan giếng nước sạch cho người lao động",
    6: "Tăng lương 100% từ mã_số_2026",
    7: "Cổng đoàn kết ở khu chế xuất Tân Thuận",
}


# -- pure ------------------------------------------------------------------------------


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


# -- database: the same ids in the same order on both backends ------------------------


def _docs():
    rows = [(ident, *search_columns(title)) for ident, title in TITLES.items()]
    # SQLite does not accept "(VALUES …) AS docs (id, …)"; as a CTE the VALUES list works on both.
    return (
        values(column("id", Integer), column("exact", String), column("folded", String), name="docs")
        .data(rows)
        .cte("docs")
    )


def _search(connection, query):
    docs = _docs()
    statement = (
        select(docs.c.id)
        .where(where_clause(query, docs.c.exact, docs.c.folded))
        .order_by(rank_expression(query, docs.c.exact), docs.c.id)
    )
    return [row.id for row in connection.execute(statement)]


@pytest.fixture(scope="module")
def engines():
    made = {"sqlite": create_engine("sqlite://"), "postgresql": create_engine(POSTGRES_URL)}
    yield made
    for engine in made.values():
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def search(request, engines):
    """``search("công đoàn")`` → matching ids, best first, on the parametrised backend."""
    try:
        connection = engines[request.param].connect()
    except OperationalError as error:  # pragma: no cover - only without a local server
        pytest.fail(f"{request.param} is not reachable: {error}")

    def run(q):
        query = parse_query(q) if isinstance(q, str) else q
        return _search(connection, query)

    yield run
    connection.close()


@pytest.fixture
def both(engines):
    """Runs a query on both backends and checks they agree; returns the common answer."""

    def run(q):
        query = parse_query(q) if isinstance(q, str) else q
        answers = {}
        for name, engine in engines.items():
            with engine.connect() as connection:
                answers[name] = _search(connection, query)
        assert answers["sqlite"] == answers["postgresql"], answers
        return answers["sqlite"]

    return run


@pytest.mark.parametrize("q", ["cong doan", "CÔNG ĐOÀN", "công đoàn", "Công Đoàn", "CONG DOAN", "cong đoan"])
def test_every_spelling_of_cong_doan_finds_the_cong_doan_items(search, q):
    found = search(q)
    assert {1, 4} <= set(found)
    assert 3 not in found


def test_diacritics_in_the_query_rank_exact_items_before_near_misses(search):
    # "cổng đoàn" folds to "cong doan" too, so item 7 is found, but after the "công đoàn" items.
    assert search("công đoàn") == [1, 2, 4, 7]
    assert search("CÔNG ĐOÀN") == [1, 2, 4, 7]
    assert search("cổng đoàn") == [2, 7, 1, 4]


def test_ranking_looks_at_words_not_at_the_phrase(search):
    # "Cổng đoàn kết khu công nghiệp" holds both "công" and "đoàn", just not side by side,
    # so for "công đoàn" it ranks with the exact items; "Cổng đoàn kết ở khu chế xuất" does not.
    assert search("công đoàn")[:3] == [1, 2, 4]
    assert search("công đoàn")[3:] == [7]


def test_a_query_without_diacritics_keeps_id_order(search):
    # No row holds the unaccented words as typed, so every row ranks 1 and the id decides.
    assert search("cong doan") == [1, 2, 4, 7]


def test_words_must_start_a_word(search):
    assert search("oan") == []  # inside "đoàn", "hoàn", "khoan"
    # "đoàn" and, as a prefix, "doanh"; "doanh" holds "doan" as typed, so it ranks first.
    assert search("doan") == [3, 1, 2, 4, 7]
    assert search("hoan") == [3]  # "hoàn", not the "hoan" inside "khoan"
    assert search("khoan") == [5]
    assert search("ông") == []
    assert search("cô") == [1, 2, 4, 7]  # công first (1, 2, 4), then cổng (7)
    assert search("cổ") == [2, 7, 1, 4]
    assert search("co") == [1, 2, 4, 7]


def test_every_word_of_the_query_must_match(search):
    assert search("công nhân") == [1]
    assert search("công giáo dục") == [4]
    assert search("công đoàn hà nội") == []


@pytest.mark.parametrize("q", ["đà nẵng", "da nang", "ĐÀ NẴNG", "Đà-Nẵng!", "da nẵng", "nang"])
def test_da_nang_finds_the_da_nang_item(search, q):
    assert search(q) == [1]


def test_like_wildcards_in_a_query_are_literal(search):
    # Written by hand, because the columns and parse_query never keep "%" or "\".
    assert search(Query(("c%",), ("c%",), False)) == []
    assert search(Query(("%",), ("%",), False)) == []
    assert search(Query(("\\",), ("\\",), False)) == []
    assert search(Query(("c_ng",), ("c_ng",), False)) == []
    # Parsed: "_" is part of a word and matches only itself.
    assert search("c_ng") == []
    assert search("ma_so") == [6]
    assert search("ma_s") == [6]
    assert search("ma_so_2026") == [6]
    assert search("100%") == [6]  # "%" separates words: the query is "100"
    assert search("%ng") == search("ng") == [2, 3, 4, 5]  # the query is "ng": nghiệp, ngành, người


@pytest.mark.parametrize(
    "q",
    ["cong doan", "CÔNG ĐOÀN", "công đoàn", "cổng đoàn", "oan", "doan", "hoan", "đà nẵng", "da nang", "ng", "c_ng"],
)
def test_sqlite_and_postgresql_agree(both, q):
    both(q)


def test_sqlite_and_postgresql_agree_on_the_ranking(both):
    assert both("công đoàn") == [1, 2, 4, 7]
    assert both("cổng đoàn") == [2, 7, 1, 4]
    assert both("đoàn") == [1, 2, 4, 7, 3]
    assert both("doan") == [3, 1, 2, 4, 7]
