"""The shared tenant copy: applying accounts' events, merges and the periodic repair,
the same on PostgreSQL and SQLite, on a scratch model built from the shared mixin."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from platform_shared.clock import FrozenClock
from platform_shared.database import SessionFactory, make_base, make_engine
from platform_shared.tenant_directory import TenantDirectory, TenantDirectoryOperations, TenantDirectoryRow
from platform_shared.tenant_directory.models import align_tenant_table

Base = make_base()


class ScratchTenant(TenantDirectoryRow, Base):
    __tablename__ = "scratch_tenant_copy"

    answer_days: Mapped[int | None] = mapped_column(Integer)  # a service's own column beside the shared ones


NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
HANOI, HAIPHONG, VGCL = (uuid.UUID(int=n) for n in (1, 2, 3))


def _event(tenant_id, **changes):
    return {
        "tenant_id": str(tenant_id),
        "code": "HN",
        "slug": "ha-noi",
        "name": "Liên đoàn Lao động Thành phố Hà Nội",
        "kind": "provincial_federation",
        "parent_id": str(VGCL),
        "status": "active",
    } | changes


@pytest.fixture(params=["postgresql", "sqlite"])
def sessions(request, databases):
    url = databases.url("accounts") if request.param == "postgresql" else "sqlite://"
    factory = SessionFactory(make_engine(url, pool_size=1))
    Base.metadata.drop_all(factory.engine)
    Base.metadata.create_all(factory.engine)
    yield factory
    Base.metadata.drop_all(factory.engine)
    factory.dispose()


class App(TenantDirectoryOperations):
    tenant_model = ScratchTenant

    def __init__(self, sessions):
        self.sessions, self.clock, self.changes, self.merges = sessions, FrozenClock(NOW), [], []

    def on_tenant_changed(self, session, change):
        self.changes.append((change.created, change.renamed, change.reparented))

    def on_tenant_merged(self, session, merged_id, into_id, payload):
        self.merges.append((merged_id, into_id))


def test_a_created_then_renamed_tenant_is_reported_as_such(sessions):
    app = App(sessions)
    with sessions.transaction() as session:
        app.apply_tenant(session, _event(HANOI))
    with sessions.transaction() as session:
        app.apply_tenant(session, _event(HANOI, name="LĐLĐ Thành phố Hà Nội"))
    with sessions.transaction() as session:
        app.apply_tenant(session, _event(HANOI, name="LĐLĐ Thành phố Hà Nội", parent_id=str(HAIPHONG)))
    assert app.changes == [(True, False, False), (False, True, False), (False, False, True)]
    with sessions.read() as session:
        row = TenantDirectory(session, ScratchTenant).by_slug("ha-noi")
        assert (row.name, row.parent_id, row.updated_at) == ("LĐLĐ Thành phố Hà Nội", HAIPHONG, NOW)


def test_a_merge_marks_the_tenant_and_merges_are_followed_to_the_survivor(sessions):
    app = App(sessions)
    merged_at = (NOW - timedelta(days=1)).isoformat()
    with sessions.transaction() as session:
        app.apply_tenant(session, _event(HANOI))
        app.apply_tenant(session, _event(HAIPHONG, code="HP", slug="hai-phong", name="LĐLĐ Hải Phòng"))
        app.merge_tenant(session, {"tenant_id": str(HAIPHONG), "into_tenant_id": str(HANOI), "merged_at": merged_at})
    assert app.merges == [(HAIPHONG, HANOI)]
    with sessions.read() as session:
        tenants = TenantDirectory(session, ScratchTenant)
        row = tenants.get(HAIPHONG)
        assert (row.status, row.merged_into_id, row.merged_at) == ("merged", HANOI, NOW - timedelta(days=1))
        assert tenants.surviving(row).id == HANOI
        assert tenants.surviving_id(HAIPHONG) == HANOI
        assert tenants.surviving_id(uuid.UUID(int=99)) == uuid.UUID(int=99)  # unknown here: itself


def test_a_tenant_event_older_than_the_merge_applied_after_it_leaves_the_tenant_merged(sessions):
    app = App(sessions)
    with sessions.transaction() as session:
        app.apply_tenant(session, _event(HAIPHONG, code="HP", slug="hai-phong", name="LĐLĐ Hải Phòng"))
        app.merge_tenant(session, {"tenant_id": str(HAIPHONG), "into_tenant_id": str(HANOI)})
    with sessions.transaction() as session:  # its tenant_created, handled late by another worker
        app.apply_tenant(session, _event(HAIPHONG, code="HP", slug="hai-phong", name="LĐLĐ Hải Phòng"))
    with sessions.read() as session:
        row = TenantDirectory(session, ScratchTenant).get(HAIPHONG)
        assert (row.status, row.merged_into_id) == ("merged", HANOI)


def test_a_merge_of_a_tenant_never_seen_still_records_where_it_went(sessions):
    app = App(sessions)
    with sessions.transaction() as session:
        app.merge_tenant(session, {"tenant_id": str(HAIPHONG), "into_tenant_id": str(HANOI)})
    with sessions.read() as session:
        row = TenantDirectory(session, ScratchTenant).get(HAIPHONG)
        assert (row.status, row.merged_into_id, row.merged_at) == ("merged", HANOI, NOW)


def test_the_repair_writes_the_accounts_list_over_the_copy_and_keeps_the_services_own_columns(sessions):
    app = App(sessions)
    with sessions.transaction() as session:
        app.apply_tenant(session, _event(HANOI, name="tên cũ"))
        TenantDirectory(session, ScratchTenant).get(HANOI).answer_days = 7
    listed = [
        {
            "id": str(HANOI),
            "code": "HN",
            "slug": "ha-noi",
            "name": "Liên đoàn Lao động Thành phố Hà Nội",
            "kind": "provincial_federation",
            "parent_id": None,
            "status": "active",
            "merged_into_id": None,
            "merged_at": None,
        },
        {
            "id": str(HAIPHONG),
            "code": "HP",
            "slug": "hai-phong",
            "name": "LĐLĐ Hải Phòng",
            "kind": "provincial_federation",
            "parent_id": None,
            "status": "merged",
            "merged_into_id": str(HANOI),
            "merged_at": "2025-07-01T00:00:00+00:00",
        },
    ]
    assert app.sync_tenants(listed) == 2
    assert app.sync_tenants(listed) == 2  # a second run changes nothing
    with sessions.read() as session:
        tenants = TenantDirectory(session, ScratchTenant)
        assert tenants.count() == 2
        assert (tenants.get(HANOI).name, tenants.get(HANOI).answer_days) == ("Liên đoàn Lao động Thành phố Hà Nội", 7)
        assert tenants.get(HAIPHONG).merged_at == datetime(2025, 7, 1, tzinfo=UTC)
        assert {t.code for t in tenants.of_kinds(["provincial_federation"])} == {"HP", "HN"}


def test_align_brings_an_old_narrow_copy_to_the_shared_columns(databases):
    """A service's tenant table from before the kit (royalties' had no slug, kind or parent) is widened in place."""
    for url in (databases.url("accounts"), "sqlite://"):
        engine = make_engine(url, pool_size=1)
        uuid_type = "UUID" if engine.dialect.name == "postgresql" else "CHAR(32)"
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS old_tenant"))
            conn.execute(
                sa.text(
                    f"CREATE TABLE old_tenant (id {uuid_type} PRIMARY KEY, code VARCHAR(32) NOT NULL, "
                    f"name VARCHAR(255) NOT NULL, status VARCHAR(16) NOT NULL, merged_into_id {uuid_type}, "
                    "merged_at TIMESTAMP, updated_at TIMESTAMP NOT NULL)"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO old_tenant VALUES ('6f1c1e2a9b3d4c5e8f7a6b5c4d3e2f1a', 'HN', 'Hà Nội', 'active', NULL, NULL, '2026-01-01')"
                )
            )
            align_tenant_table(Operations(MigrationContext.configure(conn)), "old_tenant")
            inspector = sa.inspect(conn)
            columns = {c["name"]: c for c in inspector.get_columns("old_tenant")}
            assert {"slug", "kind", "parent_id"} <= set(columns)
            assert columns["name"]["type"].length == 300
            assert {tuple(i["column_names"]) for i in inspector.get_indexes("old_tenant")} >= {
                ("code",),
                ("slug",),
                ("parent_id",),
            }
            assert conn.execute(sa.text("SELECT name FROM old_tenant")).scalar() == "Hà Nội"
            conn.execute(sa.text("DROP TABLE old_tenant"))
        engine.dispose()


@pytest.fixture
def two_sessions(databases):
    """PostgreSQL with room for two transactions at once (the races below need a row lock)."""
    factory = SessionFactory(make_engine(databases.url("accounts"), pool_size=3))
    Base.metadata.drop_all(factory.engine)
    Base.metadata.create_all(factory.engine)
    yield factory
    Base.metadata.drop_all(factory.engine)
    factory.dispose()


def _while_blocked(factory, first, second):
    """Run ``first(session)`` in a transaction left open, then ``second`` in another transaction on
    a thread until it waits for the first's lock; commit the first, let the second finish."""
    import threading

    from platform_shared.testing.waiting import wait_for

    errors = []

    def run_second():
        try:
            with factory.transaction() as session:
                second(session)
        except Exception as exc:  # reported by the test, not lost in the thread
            errors.append(exc)

    with factory.transaction() as session:
        first(session)
        session.flush()
        thread = threading.Thread(target=run_second)
        thread.start()
        # Each look in a transaction of its own: PostgreSQL keeps one picture of pg_stat_activity
        # per transaction, so a watcher that first looked before the second began to wait would
        # never see it wait (this test failed so about one run in two).
        with factory.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
            waiting = sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )  # this database's backends only: the other suite beside this one has its own
            wait_for(
                lambda: errors or not thread.is_alive() or watcher.execute(waiting).scalar(),
                message="the second transaction to wait for the first one's lock",
            )
            assert not errors and thread.is_alive(), f"the second transaction did not wait: {errors}"
    thread.join(timeout=10)
    assert not thread.is_alive() and not errors, errors


def test_a_tenant_event_applied_while_the_merge_commits_leaves_the_tenant_merged(two_sessions):
    app = App(two_sessions)
    with two_sessions.transaction() as session:
        app.apply_tenant(session, _event(HAIPHONG, code="HP", slug="hai-phong", name="LĐLĐ Hải Phòng"))
    _while_blocked(
        two_sessions,
        lambda s: app.merge_tenant(s, {"tenant_id": str(HAIPHONG), "into_tenant_id": str(HANOI)}),
        # its tenant_updated, read the row as active before the merge committed
        lambda s: app.apply_tenant(s, _event(HAIPHONG, code="HP", slug="hai-phong", name="LĐLĐ TP Hải Phòng")),
    )
    with two_sessions.read() as session:
        row = TenantDirectory(session, ScratchTenant).get(HAIPHONG)
        assert (row.status, row.merged_into_id, row.name) == ("merged", HANOI, "LĐLĐ TP Hải Phòng")


def test_a_merge_applied_while_the_tenant_created_commits_keeps_the_tenants_names(two_sessions):
    app = App(two_sessions)
    _while_blocked(
        two_sessions,
        lambda s: app.apply_tenant(s, _event(HAIPHONG, code="HP", slug="hai-phong", name="LĐLĐ Hải Phòng")),
        lambda s: app.merge_tenant(s, {"tenant_id": str(HAIPHONG), "into_tenant_id": str(HANOI)}),
    )
    with two_sessions.read() as session:
        row = TenantDirectory(session, ScratchTenant).get(HAIPHONG)
        assert (row.status, row.merged_into_id, row.code, row.name) == ("merged", HANOI, "HP", "LĐLĐ Hải Phòng")
