"""The one-machine cluster's configuration (scripts/cluster), checked without starting it:
every process has its replica and a port of its own, HAProxy accepts its configuration, and
supervisord's file names every program. ``make cluster-test`` runs the real thing."""

import configparser
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

CLUSTER = Path(__file__).resolve().parents[2] / "scripts" / "cluster"
sys.path.insert(0, str(CLUSTER))

import parts  # noqa: E402
import topology  # noqa: E402


@pytest.fixture
def var(tmp_path, monkeypatch):
    monkeypatch.setattr(parts, "VAR", tmp_path)
    (tmp_path / "logs").mkdir()
    return tmp_path


def test_two_replicas_of_every_service_two_relays_each_and_two_gateways():
    names = Counter(name.rsplit("-", 1)[0] for name, _, _ in parts.programs())
    expected = {
        **{s: 2 for s in topology.SERVICES},
        **{f"relay-{s}": 2 for s in topology.SERVICES},
        "media-worker": 2,
        "gateway": 2,
    }
    assert dict(names) == expected


def test_every_port_of_the_cluster_is_its_own():
    metrics = [int(extra["METRICS_PORT"]) for _, _, extra in parts.programs()]
    listening = [
        *metrics,
        *topology.GATEWAY_PORTS,
        *topology.MEDIA_PORTS,
        topology.BALANCER_PORT,
        topology.MEDIA_BALANCER_PORT,
        topology.STATS_PORT,
        topology.S3_PORT,
        *topology.PG_PORTS.values(),
        *(n.amqp_port for n in topology.RABBIT_NODES),
        *(n.dist_port for n in topology.RABBIT_NODES),
    ]
    assert len(listening) == len(set(listening))
    assert not {5672, 5432, 8000, 15672} & set(listening)  # the machine's broker, database, make run


def test_services_reach_every_broker_node_of_the_quorum_vhost():
    uris = topology.amqp_uri().split(";")
    assert [u.rsplit(":", 1)[1] for u in uris] == [f"{n.amqp_port}/platform" for n in topology.RABBIT_NODES]


def test_supervisord_names_every_program_with_its_own_settings(var):
    config = configparser.RawConfigParser()
    config.read(parts.Supervisor(env={}).config())
    programs = {s.split(":", 1)[1]: config[s] for s in config.sections() if s.startswith("program:")}
    assert set(programs) == {name for name, _, _ in parts.programs()}
    assert 'MEDIA_HTTP_ADDRESS="127.0.0.1:' in programs["media-2"]["environment"]
    assert 'PGAPPNAME="relay-content-1"' in programs["relay-content-1"]["environment"]
    assert all(p["autorestart"] == "true" for p in programs.values())


@pytest.mark.skipif(
    not (shutil.which("haproxy") or Path("/usr/sbin/haproxy").exists()),
    reason="HAProxy is not installed (scripts/ensure-cluster-tools.sh installs it)",
)
def test_haproxy_accepts_the_balancer_configuration_and_checks_the_gateways_on_readyz(var):
    path = parts.Balancer().config()
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    checked = subprocess.run([haproxy, "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = path.read_text()
    assert "option httpchk GET /readyz" in text
    for port in topology.GATEWAY_PORTS:
        assert f"127.0.0.1:{port} check" in text
