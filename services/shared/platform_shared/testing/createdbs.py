"""Create (``--recreate``: drop and create) one PostgreSQL test database per service.

``make test`` runs it before pytest, so every run migrates from an empty database.
"""

import argparse

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from platform_shared.manifest import manifests
from platform_shared.testing.plugin import TEST_DATABASE_SETTINGS, test_database_url


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--recreate", action="store_true")
    args = parser.parse_args(argv)
    for m in manifests():
        url = make_url(test_database_url(m.name))
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if args.recreate:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname=:d"), {"d": url.database}).first():
                conn.execute(sa.text(f"CREATE DATABASE \"{url.database}\" ENCODING 'UTF8' TEMPLATE template0"))
            conn.execute(sa.text(TEST_DATABASE_SETTINGS.format(database=url.database)))
        admin.dispose()
        print(f"test database {url.database} ready")


if __name__ == "__main__":
    main()
