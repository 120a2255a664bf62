"""RPC between services never hangs: a stopped or unknown service is ``Unavailable``."""

import pytest
from kombu import Connection, Exchange, Queue
from nameko.rpc import rpc
from nameko.standalone.rpc import ServiceRpcProxy

from platform_shared import transport  # noqa: F401
from platform_shared.errors import NotFound, Unavailable
from platform_shared.rpc import ServiceRpc


class Caller:
    name = "caller"
    target = ServiceRpc("target", timeout=1)
    ghost = ServiceRpc("never_deployed", timeout=1)

    @rpc
    def ask_target(self):
        try:
            return {"ok": self.target.answer()}
        except Unavailable as exc:
            return {"error": exc.code}

    @rpc
    def ask_ghost(self):
        try:
            return {"ok": self.ghost.answer()}
        except Unavailable as exc:
            return {"error": exc.code}

    @rpc
    def ask_missing_article(self):
        try:
            self.target.fail()
        except NotFound as exc:  # the shared class, not a RemoteError
            return {"error": exc.code}


class Target:
    name = "target"

    @rpc
    def answer(self):
        return 42

    @rpc
    def fail(self):
        raise NotFound.of("article", "x")


@pytest.fixture
def caller(container_factory, rabbit_config):
    container_factory(Caller, rabbit_config).start()
    with ServiceRpcProxy("caller", rabbit_config, timeout=30) as proxy:
        yield proxy


def test_a_running_service_answers_and_its_errors_keep_their_class(caller, container_factory, rabbit_config):
    container_factory(Target, rabbit_config).start()
    assert caller.ask_target() == {"ok": 42}
    assert caller.ask_missing_article() == {"error": "ARTICLE_NOT_FOUND"}


def test_a_stopped_service_is_unavailable_after_the_timeout(caller, rabbit_config):
    # The target ran once (its queue exists) but has no consumer now.
    with Connection(rabbit_config["AMQP_URI"]) as conn:
        Queue("rpc-target", Exchange("nameko-rpc", type="topic", durable=True), routing_key="target.*", durable=True)(
            conn.channel()
        ).declare()
    assert caller.ask_target() == {"error": "SERVICE_TIMEOUT"}


def test_a_service_that_never_ran_is_unavailable_at_once(caller):
    assert caller.ask_ghost() == {"error": "SERVICE_UNAVAILABLE"}


def test_a_service_mixing_nameko_rpc_with_the_platform_rpc_refuses_to_start(container_factory, rabbit_config):
    from nameko.rpc import rpc as nameko_rpc

    from platform_shared.errors import ConfigurationError
    from platform_shared.rpc import rpc

    class Mixed:
        name = "mixed"

        @rpc
        def one(self):
            return 1

        @nameko_rpc
        def two(self):
            return 2

    with pytest.raises(ConfigurationError, match="two"):
        container_factory(Mixed, rabbit_config).start()
