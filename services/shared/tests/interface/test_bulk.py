"""``bulk_insert`` / ``bulk_update``: many rows in one statement, the same result on PostgreSQL
(rows sent as one JSON document) as on SQLite (multi-row INSERT).

The table is a temporary scratch table of the test's own connection, not a service table:
what is tested is the helper, for every column type the services hand it.
"""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import BigInteger, Column, Date, Integer, MetaData, Numeric, String, Table, Uuid, exc, select

from platform_shared.database import JSONType, SessionFactory, UTCDateTime, bulk_insert, bulk_update, make_engine

scratch = Table(
    "bulk_scratch",
    MetaData(),
    Column("id", Uuid, primary_key=True),
    Column("code", String(8), nullable=False, unique=True),
    Column("title", String(200)),
    Column("amount", BigInteger),
    Column("coefficient", Numeric(6, 2)),
    Column("share", Integer),
    Column("published_at", UTCDateTime),
    Column("published_on", Date),
    Column("adjustments", JSONType, nullable=False),
    prefixes=["TEMPORARY"],
)


def _scratch_session(url):
    sessions = SessionFactory(make_engine(url, pool_size=1))
    with sessions.transaction() as session:
        scratch.create(session.connection())
        yield session
        session.rollback()  # the temporary table goes with the connection's transaction
    sessions.dispose()


@pytest.fixture(params=["postgresql", "sqlite"])
def session(request, databases):
    yield from _scratch_session(databases.url("accounts") if request.param == "postgresql" else "sqlite://")


@pytest.fixture
def postgres_session(databases):
    yield from _scratch_session(databases.url("accounts"))


def _row(n, **changes):
    return {
        "id": uuid.UUID(int=n),
        "code": f"C{n:03d}",
        "title": f"Công đoàn cơ sở số {n} — “nhuận bút”",
        "amount": 2_340_000 * n,
        "coefficient": Decimal("12.50"),
        "share": 100,
        "published_at": datetime(2026, 11, 26, 3, 4, 5, 123456, tzinfo=UTC),
        "published_on": date(2026, 11, 26),
        "adjustments": [{"kind": "children", "percent": 15}, {"note": "dân tộc thiểu số"}],
    } | changes


def _stored(session):
    return [dict(r._mapping) for r in session.execute(select(scratch).order_by(scratch.c.code))]


def test_every_column_type_comes_back_as_it_went_in(session):
    rows = [_row(1), _row(2, title=None, coefficient=None, published_at=None, published_on=None, adjustments={})]
    bulk_insert(session, scratch, rows)
    assert _stored(session) == rows


def test_rows_conflicting_on_the_key_are_skipped_and_only_new_ones_returned(session):
    bulk_insert(session, scratch, [_row(1), _row(2)])
    inserted = bulk_insert(
        session, scratch, [_row(2, id=uuid.uuid4()), _row(3)], skip_conflicts=["code"], returning="id"
    )
    assert inserted == [uuid.UUID(int=3)]
    assert [r["code"] for r in _stored(session)] == ["C001", "C002", "C003"]


def test_a_conflict_without_skip_fails_the_whole_statement(session):
    bulk_insert(session, scratch, [_row(1)])
    with pytest.raises(exc.IntegrityError):
        bulk_insert(session, scratch, [_row(2), _row(1, id=uuid.uuid4())])


def test_a_value_longer_than_its_column_is_refused_not_cut(postgres_session):
    # PostgreSQL only: SQLite does not enforce VARCHAR lengths at all.
    with pytest.raises(exc.DataError):
        bulk_insert(postgres_session, scratch, [_row(1, code="TOO-LONG-CODE")])


def test_a_naive_time_is_refused(session):
    with pytest.raises((ValueError, exc.StatementError)):
        bulk_insert(session, scratch, [_row(1, published_at=datetime(2026, 11, 26, 3, 4, 5))])


def test_rows_are_updated_by_their_key_and_the_others_left_alone(session):
    bulk_insert(session, scratch, [_row(n) for n in range(1, 4)])
    bulk_update(
        session,
        scratch,
        [
            {"id": uuid.UUID(int=2), "title": "Đã sửa", "amount": 7, "adjustments": []},
            {"id": uuid.UUID(int=3), "title": None, "amount": 0, "adjustments": {"a": 1}},
        ],
    )
    stored = {r["code"]: r for r in _stored(session)}
    assert stored["C001"] == _row(1)
    assert stored["C002"] == _row(2, title="Đã sửa", amount=7, adjustments=[])
    assert stored["C003"] == _row(3, title=None, amount=0, adjustments={"a": 1})


def test_nothing_to_insert_is_no_statement(session):
    assert bulk_insert(session, scratch, [], returning="id") == []
    assert bulk_insert(session, scratch, []) is None
    bulk_update(session, scratch, [])
    assert _stored(session) == []


def test_uuid_columns_take_canonical_strings_too(session):
    row = _row(1)
    bulk_insert(session, scratch, [row | {"id": str(row["id"])}])
    assert _stored(session) == [row]
