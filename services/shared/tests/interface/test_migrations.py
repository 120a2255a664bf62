"""Migrations are the only way tables come to exist, so they must match the models."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from platform_shared.manifest import manifests
from platform_shared.migrations import upgrade
from platform_shared.tables import metadata as platform_metadata

SERVICES = [m.name for m in manifests()]


def _metadata(manifest):
    module = __import__(f"{manifest.name}.models", fromlist=["Base"])
    return [module.Base.metadata, platform_metadata]


@pytest.mark.parametrize("name", SERVICES)
def test_the_migrated_postgres_schema_equals_the_models(name, platform_databases):
    (manifest,) = manifests([name])
    engine = sa.create_engine(platform_databases.url(name))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), _metadata(manifest))
    engine.dispose()
    assert diff == []


@pytest.mark.parametrize("name", SERVICES)
def test_migrations_build_the_embedded_sqlite_database_too(name, tmp_path):
    (manifest,) = manifests([name])
    url = f"sqlite:///{tmp_path / (name + '.db')}"
    upgrade(manifest.migrations_dir, url)
    upgrade(manifest.migrations_dir, url)  # idempotent
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), _metadata(manifest))
        tables = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    assert diff == []
    assert {"outbox", "inbox", "parked_event"} <= tables
