"""The gateway under gunicorn with METRICS_PORT: the workers count in multiprocess mode and the
master serves their sum on the metrics port; the public port serves no metrics."""

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from platform_shared.testing.processes import stop
from platform_shared.testing.waiting import wait_for

ROOT = Path(__file__).resolve().parents[3]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return None, b""


@pytest.fixture
def gunicorn(rabbit_config, tmp_path):
    public, metrics = free_port(), free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PROMETHEUS_MULTIPROC_DIR", "PORT", "OTEL_EXPORTER_OTLP_ENDPOINT")
    }
    env.update(
        GATEWAY_PORT=str(public),
        HOST="127.0.0.1",
        METRICS_PORT=str(metrics),
        GATEWAY_WORKERS="2",
        AMQP_URI=rabbit_config["AMQP_URI"],
        POLLS_RECEIPT_SECRET="test-receipts-key",
        PUBLIC_CACHE_TTL_SECONDS="0",
    )
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c",
        "gateway/gateway/gunicorn.conf.py",
        "gateway.wsgi:app",
    ]
    with (tmp_path / "gunicorn.log").open("wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            wait_for(lambda: get(public, "/healthz")[0] == 200, timeout=60, message="the gateway to answer")
            yield public, metrics
        finally:
            stop(proc)


def healthz_count(port):
    status, body = get(port, "/metrics")
    if status != 200:
        return None
    for family in text_string_to_metric_families(body.decode()):
        for s in family.samples:
            if s.name == "platform_http_requests_total" and s.labels == {
                "route": "/healthz",
                "method": "GET",
                "status": "200",
            }:
                return s.value
    return 0.0


def test_the_workers_requests_are_summed_on_the_metrics_port_and_not_served_on_the_public_one(gunicorn):
    public, metrics = gunicorn
    before = wait_for(lambda: healthz_count(metrics), message="the metrics port")  # the readiness wait counted 1+
    for _ in range(6):
        assert get(public, "/healthz")[0] == 200
    assert healthz_count(metrics) == before + 6
    _, body = get(public, "/metrics")
    assert b"platform_http_requests_total" not in body
