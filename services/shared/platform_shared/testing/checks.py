"""Checks every service must pass; each service's own tests call them."""

from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import inspect

from platform_shared import transport  # noqa: F401
from platform_shared.actor import SYSTEM


def assert_service_runs_on_its_own_database(name, start_service, databases, **settings):
    """The service starts, answers ``ping`` over RabbitMQ, and owns its migrated database."""
    container = start_service(name, **settings)
    with ServiceRpcProxy(name, {"AMQP_URI": container.config["AMQP_URI"]}, timeout=10) as proxy:
        assert proxy.ping() == {"service": name, "ok": True}
        assert proxy.list_parked_events(SYSTEM.dump()) == []
    assert container.config["DATABASE_URL"] == databases.url(name) and databases.url(name).endswith(f"_{name}")
    tables = set(inspect(databases.sessions(name).engine).get_table_names())
    assert {"outbox", "inbox", "parked_event", "alembic_version"} <= tables
