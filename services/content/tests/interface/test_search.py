"""Vietnamese search (``platform_shared.search``) on both databases: the same matches in the
same order on SQLite and PostgreSQL (rows come from a VALUES list, no table is created)."""

import pytest
from sqlalchemy import Integer, String, column, create_engine, select, values
from sqlalchemy.exc import OperationalError

from platform_shared.search import Query, parse_query, rank_expression, search_columns, where_clause

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
