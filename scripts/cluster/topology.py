"""Where every part of the one-machine cluster listens (``make cluster``, ``make cluster-test``).

Everything lives under ``var/cluster/`` and on loopback ports of its own, so the machine's
own RabbitMQ (5672) and PostgreSQL (5432), ``make run`` (8000) and the test suite are left
alone. Ports can be moved with ``CLUSTER_PORT_BASE`` (default 5700: RabbitMQ nodes on
5701–5703, their Erlang distribution on 25701–25703, …) when something else uses them.
"""

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = Path(os.environ.get("CLUSTER_VAR") or ROOT / "var" / "cluster").resolve()
BIN = ROOT / ".venv" / "bin"

SERVICES = ("accounts", "content", "media", "feedback", "polls", "royalties", "notifications")
REPLICAS = int(os.environ.get("CLUSTER_REPLICAS", "2"))
VHOST = "platform"
COOKIE_FILE = VAR / "erlang.cookie"

_BASE = int(os.environ.get("CLUSTER_PORT_BASE", "5700"))


@dataclass(frozen=True)
class RabbitNode:
    index: int

    @property
    def name(self):
        return f"cdp{self.index}@localhost"

    @property
    def amqp_port(self):
        return _BASE + self.index

    @property
    def dist_port(self):
        return 20000 + _BASE + self.index

    @property
    def home(self):
        return VAR / "rabbitmq" / f"node{self.index}"

    def uri(self, vhost=VHOST):
        return f"amqp://guest:guest@127.0.0.1:{self.amqp_port}/{vhost}"


RABBIT_NODES = tuple(RabbitNode(i) for i in (1, 2, 3))

# PostgreSQL: one server (its own data folder and port) per service, as in production.
PG_PORTS = {service: _BASE - 260 + i for i, service in enumerate(SERVICES, start=1)}  # 5441…5447
S3_PORT = _BASE + 1401  # 7101, moto's S3 server
BALANCER_PORT = int(os.environ.get("CLUSTER_PORT") or _BASE + 2400)  # 8100: the portal, API and pages
GATEWAY_PORTS = tuple(BALANCER_PORT + i for i in range(1, REPLICAS + 1))  # 8101, 8102
MEDIA_BALANCER_PORT = BALANCER_PORT + 10  # 8110: media's internal HTTP port behind the balancer
MEDIA_PORTS = tuple(MEDIA_BALANCER_PORT + i for i in range(1, REPLICAS + 1))  # 8111, 8112
STATS_PORT = BALANCER_PORT + 99  # 8199: HAProxy's statistics page
METRICS_BASE = _BASE + 3500  # 9200: metrics ports, one per process (see metrics_port)


def metrics_port(kind, index, replica):
    """A metrics port per process: services 92x0+r, relays 93x0+r, media workers 9280+r, gateways 9290+r."""
    offset = {"service": 0, "relay": 100, "worker": 80, "gateway": 90}[kind]
    return METRICS_BASE + offset + (index * 10 if kind in ("service", "relay") else 0) + replica


def amqp_uri():
    """Every node, in order: kombu fails over to the next one when a node is lost."""
    return ";".join(node.uri() for node in RABBIT_NODES)


def database_url(service):
    return f"postgresql+psycopg2://postgres@127.0.0.1:{PG_PORTS[service]}/{service}"
