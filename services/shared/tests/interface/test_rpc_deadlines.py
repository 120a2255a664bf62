"""The shared @rpc drops a request whose caller's deadline passed while it waited for a worker,
and service-to-service calls carry the sooner deadline and never the caller's Idempotency-Key."""

import logging
import time

import eventlet
import pytest
from nameko.extensions import DependencyProvider
from nameko.standalone.rpc import ServiceRpcProxy

from platform_shared.context import RequestContext, current_worker
from platform_shared.dependencies import Database
from platform_shared.rpc import ServiceRpc, rpc
from platform_shared.testing.waiting import wait_for

RAN = []


class Stall(DependencyProvider):
    """Holds a worker between its setup and its method (``stall`` seconds from the caller's
    context), as a worker that waited for a free slot of a busy pool is held."""

    def worker_setup(self, worker_ctx):
        seconds = worker_ctx.data.get("stall")
        if seconds:
            eventlet.sleep(float(seconds))


class Guarded:
    name = "guarded"
    request = RequestContext()
    stall = Stall()
    db = Database()
    echo = ServiceRpc("echo", timeout=5)

    @rpc
    def work(self, n):
        RAN.append(n)
        return n

    @rpc
    def ask_echo(self):
        return self.echo.context()


class Echo:
    name = "echo"
    request = RequestContext()

    @rpc
    def context(self):
        """The context this call arrived with."""
        return dict(current_worker.get().data)


@pytest.fixture
def config(rabbit_config, databases):
    return {**rabbit_config, "DATABASE_URL": databases.url("feedback")}


@pytest.fixture
def guarded(container_factory, config):
    RAN.clear()
    container = container_factory(Guarded, config)
    container.start()
    return container


def test_a_request_that_waited_past_its_deadline_is_dropped_before_its_body(guarded, config, caplog):
    caplog.set_level(logging.WARNING, logger="platform_shared.rpc")
    late = {"deadline": time.time() + 0.5, "stall": 1.0}
    with ServiceRpcProxy("guarded", config, context_data=late, timeout=30) as proxy:
        proxy.work.call_async(1)

        def dropped():
            return [r for r in caplog.records if "guarded.work dropped after waiting for a worker" in r.getMessage()]

        (line,) = wait_for(dropped, message="the late worker dropped")
    assert line.exc_info is None
    with ServiceRpcProxy("guarded", config, timeout=30) as proxy:
        assert proxy.work(2) == 2  # the container lives on
    assert RAN == [2]


def test_a_request_in_time_runs(guarded, config):
    with ServiceRpcProxy("guarded", config, context_data={"deadline": time.time() + 30}, timeout=30) as proxy:
        assert proxy.work(3) == 3
    assert RAN == [3]


def test_an_onward_call_carries_the_sooner_deadline_and_not_the_callers_key(guarded, container_factory, config):
    container_factory(Echo, config).start()
    keyed = {"idempotency_key": "k-1", "idempotency_caller": "u-1", "idempotency_fingerprint": "f" * 64}
    far = time.time() + 60
    with ServiceRpcProxy("guarded", config, context_data={"deadline": far, **keyed}, timeout=30) as proxy:
        seen = proxy.ask_echo()
    assert seen["deadline"] < far  # its own 5 s timeout comes first
    assert not set(keyed) & set(seen)
    near = time.time() + 3
    with ServiceRpcProxy("guarded", config, context_data={"deadline": near}, timeout=30) as proxy:
        assert proxy.ask_echo()["deadline"] == near
