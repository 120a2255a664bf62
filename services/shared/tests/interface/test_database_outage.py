"""A service whose database is away answers 503 «try again», never 500, and serves again by
itself once the database is back (seen in ``make cluster-test``: a PostgreSQL restart made
requests in flight answer 500)."""

import sys
from pathlib import Path

import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy.engine import make_url

from platform_shared.database import outage
from platform_shared.errors import Unavailable
from platform_shared.testing.tcpproxy import TcpProxy

sys.path.insert(0, str(Path(__file__).parent))
from probe import Probe  # noqa: E402


@pytest.fixture
def probe_behind_proxy(container_factory, service_config, databases):
    url = make_url(databases.url("content"))
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    config = service_config(
        "content", DATABASE_URL=url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    )
    container = container_factory(Probe, config)
    container.start()
    yield config, proxy
    proxy.restore()
    proxy.close()


def test_a_request_that_meets_a_database_outage_is_answered_503_and_the_next_one_after_it_works(
    probe_behind_proxy,
):
    config, proxy = probe_behind_proxy
    with ServiceRpcProxy("probe", {"AMQP_URI": config["AMQP_URI"]}, timeout=10) as rpc:
        assert rpc.quick() == 42  # a pooled connection exists

        proxy.cut()  # the server restarts: its connections are cut, new ones refused
        with pytest.raises(Unavailable) as refused:
            rpc.quick()
        assert refused.value.code == "DATABASE_UNAVAILABLE"
        assert "thử lại" in refused.value.message

        proxy.restore()
        assert rpc.quick() == 42  # the pool dropped the dead connection and reconnected


def test_only_the_database_being_away_is_an_outage():
    from sqlalchemy import exc

    refused = exc.OperationalError("SELECT 1", {}, Exception("connection refused"))
    broken_rule = exc.IntegrityError("INSERT", {}, Exception("duplicate key"))
    assert isinstance(outage(refused), Unavailable)
    assert outage(broken_rule) is None
    assert outage(ValueError("a bug")) is None
