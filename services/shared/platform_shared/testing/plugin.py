"""pytest plugin of the platform (registered as ``platform_shared`` in pytest11).

* applies eventlet's monkey patch before anything else is imported, as
  ``nameko run`` does, so containers started in tests behave as in production;
* gives each service a PostgreSQL test database (``cdp_test_<service>`` on
  ``TEST_POSTGRES_URL``), created when missing and migrated with alembic once
  per session, emptied before every test;
* builds service configurations bound to the per-test RabbitMQ vhost of
  nameko's ``rabbit_config`` fixture and starts real service containers;
* keeps the unit layer free of the network: a test under ``tests/unit/`` that
  connects to PostgreSQL, RabbitMQ or anything else fails (``layers.py``).
"""

import os
import warnings

import pytest


def pytest_load_initial_conftests(early_config, parser, args):
    warnings.filterwarnings("ignore", message="(?s).*Eventlet is deprecated")
    import eventlet
    from eventlet import hubs

    hubs.use_hub(os.environ.get("EVENTLET_HUB", "poll"))  # as `platform run` does
    eventlet.monkey_patch()


def pytest_configure(config):
    config.option.suppress_eventlet_notification = True
    config.addinivalue_line("markers", "slow: long-running scenario (subprocesses, restarts)")
    from platform_shared.testing import layers

    layers.install()
    config.pluginmanager.register(layers, "platform_shared.layers")
    _share_url_builders()


def _share_url_builders():
    """Werkzeug compiles two URL-building functions per route (an AST, then ``compile``): about
    0.25 s of the 0.3 s a gateway app takes to build, and the suite builds one or more per test
    (~1,400 apps). A process of the platform builds its app once, so only tests pay it. The
    function depends only on the rule's parsed parts and the names of its defaults; this reuses
    the one compiled for the same parts (bound to each rule as before), and compiles anew any rule
    whose dynamic part has a default (the builder inlines that value)."""
    try:
        from werkzeug.routing.rules import Rule
    except ImportError:  # the kit without the gateway's dependencies
        return
    if getattr(Rule._compile_builder, "shared_by_tests", False):
        return
    compile_builder = Rule._compile_builder
    built = {}

    def shared(self, append_unknown=True):
        defaults = self.defaults or {}
        if any(dynamic and part in defaults for dynamic, part in self._trace):
            return compile_builder(self, append_unknown)
        key = (append_unknown, tuple(self._trace), tuple(str(name) for name in defaults))
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    shared.shared_by_tests = True
    Rule._compile_builder = shared


TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432")
FAST_ARGON2 = {"ARGON2_MEMORY_KIB": 19456, "ARGON2_TIME_COST": 2, "ARGON2_PARALLELISM": 1}


def _checkout_tag():
    """Test databases are per checkout, so two clones can run their suites at once."""
    import hashlib
    from pathlib import Path

    tag = os.environ.get("TEST_DATABASE_TAG")
    if tag:
        return tag
    root = Path(__file__).resolve().parents[4]
    return hashlib.sha1(str(root).encode()).hexdigest()[:6]


def test_database_url(service):
    return f"{TEST_POSTGRES_URL}/cdp_test_{_checkout_tag()}_{service}"


_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"

# The tables of public by their foreign keys: {order} ASC puts each after those it points to (a
# self-reference is checked at the end of its statement), DESC before; whether each has a
# GENERATED ALWAYS identity column, and whether a trigger of its own guards its rows from DELETE
# (royalties' append-only ledger).
_TABLES_BY_REFERENCES = """
WITH RECURSIVE
    tables AS (
        SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'alembic_version'
    ),
    depth (oid, level) AS (
        SELECT oid, 0 FROM tables
        UNION ALL
        SELECT f.conrelid, d.level + 1 FROM depth d
        JOIN pg_constraint f ON f.contype = 'f' AND f.confrelid = d.oid AND f.conrelid <> f.confrelid
        WHERE d.level < 50
    )
SELECT
    t.relname,
    EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attidentity = 'a') AS identity,
    EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = t.oid AND NOT g.tgisinternal AND g.tgtype & 8 <> 0) AS guarded
FROM tables t JOIN depth d ON d.oid = t.oid
GROUP BY t.oid, t.relname ORDER BY max(d.level) {order}, t.relname
"""
_TABLES_IN_INSERT_ORDER = _TABLES_BY_REFERENCES.format(order="ASC")

# Emptying a database before each test, server-side in one DO block (one round trip a database,
# seven before every test). Only the tables holding rows are touched, with DELETE in the order of
# their references (rows pointing to others first): TRUNCATE makes new files for each table and
# its indexes, 50-95 ms for the demo's seven tables against 2-3 ms to delete their rows. A table
# whose trigger refuses DELETE (an append-only ledger), and a cycle of references that DELETE
# cannot untie, are truncated as before. Every sequence restarts (one left alone by a table keeps
# its position otherwise): the state TRUNCATE ... RESTART IDENTITY of every table gave.
_EMPTY_DATABASE = (
    """
DO $$
DECLARE
    found_table record;
    holding text[] := '{}';
    guarded text[] := '{}';
    found boolean;
BEGIN
    FOR found_table IN """
    + _TABLES_BY_REFERENCES.format(order="DESC")
    + """
    LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM public.%I)', found_table.relname) INTO found;
        IF found AND found_table.guarded THEN
            guarded := guarded || format('public.%I', found_table.relname);
        ELSIF found THEN
            holding := holding || format('public.%I', found_table.relname);
        END IF;
    END LOOP;
    IF cardinality(guarded) > 0 THEN
        EXECUTE 'TRUNCATE ' || array_to_string(guarded, ', ') || ' CASCADE';
    END IF;
    BEGIN
        FOR i IN 1 .. coalesce(cardinality(holding), 0) LOOP
            EXECUTE 'DELETE FROM ' || holding[i];
        END LOOP;
    EXCEPTION WHEN foreign_key_violation THEN
        EXECUTE 'TRUNCATE ' || array_to_string(holding, ', ') || ' CASCADE';
    END;
    PERFORM setval(s.seqrelid, s.seqstart, false) FROM pg_sequence s;
END
$$
"""
)


def _holding_rows(conn):
    import sqlalchemy as sa

    tables = conn.execute(sa.text(_TABLES)).scalars().all()
    return (
        bool(tables)
        and conn.execute(
            sa.text("SELECT " + " OR ".join(f'EXISTS (SELECT 1 FROM public."{t}")' for t in tables))
        ).scalar()
    )


_INSERTABLE_COLUMNS = """
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = CAST(:table AS regclass) AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
ORDER BY attnum
"""


class Databases:
    """The services' test databases: URLs, session factories, and emptying between tests."""

    def __init__(self, urls):
        self.urls = urls
        self._factories = {}

    def url(self, service):
        return self.urls[service]

    def sessions(self, service):
        from platform_shared.database import SessionFactory, make_engine

        if service not in self._factories:
            self._factories[service] = SessionFactory(make_engine(self.urls[service], pool_size=2))
        return self._factories[service]

    def empty_all(self):
        """Every table but ``alembic_version`` empty, every sequence at its start: one statement
        per database (a DO block), so the round trips do not grow with the tables."""
        import sqlalchemy as sa

        for service in self.urls:
            with self.sessions(service).engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text(_EMPTY_DATABASE))

    def snapshot(self, service):
        """The rows of the service's database and where its sequences stand, for :meth:`restore`:
        a fixture that builds the same rows before many tests builds them once and restores them."""
        import sqlalchemy as sa

        with self.sessions(service).engine.connect() as conn:
            tables = []
            for name, identity, _ in conn.execute(sa.text(_TABLES_IN_INSERT_ORDER)):
                columns = conn.execute(sa.text(_INSERTABLE_COLUMNS), {"table": f'public."{name}"'}).all()
                # Each value as its text (what COPY writes): a SQL NULL stays apart from a JSON null.
                values = ", ".join(f'"{column}"::text' for column, _ in columns)
                rows = conn.execute(sa.text(f'SELECT json_agg(ARRAY[{values}])::text FROM public."{name}"')).scalar()
                if rows is not None:
                    tables.append((name, identity, columns, rows))
            sequences = [
                (name, *conn.execute(sa.text(f"SELECT last_value, is_called FROM {name}")).one())
                for name in conn.execute(sa.text("SELECT seqrelid::regclass::text FROM pg_sequence")).scalars()
            ]
        return {"tables": tables, "sequences": sequences}

    def holds_no_row(self, service):
        """True when no table of the service's database (but ``alembic_version``) holds a row."""
        with self.sessions(service).engine.connect() as conn:
            return not _holding_rows(conn)

    def restore(self, service, snapshot):
        """Put a :meth:`snapshot`'s rows back into the service's database, in one transaction, if
        no table holds a row (as after emptying); False, and nothing done, if one does."""
        import sqlalchemy as sa

        with self.sessions(service).engine.begin() as conn:
            if _holding_rows(conn):
                return False
            for name, identity, columns, rows in snapshot["tables"]:
                listed = ", ".join(f'"{column}"' for column, _ in columns)
                values = ", ".join(f"CAST(r->>{i} AS {kind})" for i, (_, kind) in enumerate(columns))
                overriding = "OVERRIDING SYSTEM VALUE " if identity else ""
                conn.execute(
                    sa.text(
                        f'INSERT INTO public."{name}" ({listed}) {overriding}'
                        f"SELECT {values} FROM json_array_elements(CAST(:rows AS json)) r"
                    ),
                    {"rows": rows},
                )
            for name, last_value, is_called in snapshot["sequences"]:
                conn.execute(
                    sa.text("SELECT setval(:name, :value, :called)"),
                    {"name": name, "value": last_value, "called": is_called},
                )
        return True

    def dispose(self):
        for factory in self._factories.values():
            factory.dispose()


# A test database need not outlive a crash of the machine: a commit does not wait for its WAL
# to reach the disk (~0.5-1.3 ms less per commit here, hundreds of commits a test). What another
# connection sees is unchanged: a committed transaction is visible at once, as with the default.
TEST_DATABASE_SETTINGS = 'ALTER DATABASE "{database}" SET synchronous_commit = off'


def _ensure_database(url):
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname=:d"), {"d": target.database}).first():
            conn.execute(sa.text(f"CREATE DATABASE \"{target.database}\" ENCODING 'UTF8' TEMPLATE template0"))
        conn.execute(sa.text(TEST_DATABASE_SETTINGS.format(database=target.database)))
    admin.dispose()


@pytest.fixture(scope="session")
def platform_databases():
    """Every service's test database, migrated to head once per session."""
    from platform_shared.manifest import manifests
    from platform_shared.migrations import upgrade

    urls = {}
    for m in manifests():
        url = test_database_url(m.name)
        _ensure_database(url)
        upgrade(m.migrations_dir, url)
        urls[m.name] = url
    dbs = Databases(urls)
    yield dbs
    dbs.dispose()


@pytest.fixture
def databases(platform_databases):
    """The test databases, emptied before the test."""
    platform_databases.empty_all()
    return platform_databases


@pytest.fixture(scope="session")
def token_keys_dir(tmp_path_factory):
    """A ``TOKEN_KEYS_DIR`` for accounts: one Ed25519 key ``2026-01-01.pem``, as ``accounts keygen``
    writes it. Made here with ``cryptography``: the kit must not import a service."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    directory = tmp_path_factory.mktemp("token-keys")
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (directory / "2026-01-01.pem").write_bytes(pem)
    return str(directory)


@pytest.fixture
def service_config(rabbit_config, databases, token_keys_dir):
    """``service_config("accounts", KEY=value)``: the service's real configuration, bound to
    the test's vhost and database, with test-friendly costs (OWASP-minimum Argon2id)."""
    from platform_shared.manifest import manifests

    by_name = {m.name: m for m in manifests()}

    def make(service, **overrides):
        values = {
            "AMQP_URI": rabbit_config["AMQP_URI"],
            "DATABASE_URL": databases.url(service),
            "TOKEN_KEYS_DIR": token_keys_dir,
            "EVENT_RETRY_BASE_DELAY": 0.01,
            "RPC_TIMEOUT": 5,
            **FAST_ARGON2,
        }
        values.update(overrides)
        return by_name[service].config(**values)

    return make


@pytest.fixture
def start_service(container_factory, service_config):
    """``start_service("accounts", service_cls=None, **config)`` → a running container."""
    from platform_shared.manifest import manifests

    by_name = {m.name: m for m in manifests()}

    def start(service, service_cls=None, **overrides):
        config = service_config(service, **overrides)
        container = container_factory(service_cls or by_name[service].load_class(), config)
        container.start()
        return container

    return start
