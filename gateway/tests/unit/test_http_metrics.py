"""Every request is counted by its route pattern — never its raw path — with its method and status;
what matches no route is ``<unmatched>``; the public port serves no metrics."""

import pytest
from prometheus_client import REGISTRY

from gateway.app import create_app
from gateway.settings import Settings


@pytest.fixture(scope="module")
def app():
    app = create_app(Settings(amqp_uri="amqp://guest:guest@127.0.0.1:5672//", polls_receipt_secret="test-key"))
    app.testing = True
    yield app
    app.extensions["rpc"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def requests(route, method, status):
    return (
        REGISTRY.get_sample_value(
            "platform_http_requests_total", {"route": route, "method": method, "status": str(status)}
        )
        or 0.0
    )


def timed(route, method):
    return (
        REGISTRY.get_sample_value("platform_http_request_duration_seconds_count", {"route": route, "method": method})
        or 0.0
    )


def test_a_request_is_counted_under_its_route_and_timed(client):
    before, seen = requests("/healthz", "GET", 200), timed("/healthz", "GET")
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert requests("/healthz", "GET", 200) == before + 2
    assert timed("/healthz", "GET") == seen + 2


def test_two_paths_of_one_route_are_one_series_named_by_the_pattern(app, client):
    rule, _ = app.url_map.bind("localhost").match("/api/v1/tenants/abc", return_rule=True)
    assert "<" in rule.rule  # a pattern, e.g. /api/v1/tenants/<tenant_id>
    before = requests(rule.rule, "GET", 401)
    assert client.get("/api/v1/tenants/abc").status_code == 401  # no token: refused before any RPC
    assert client.get("/api/v1/tenants/xyz").status_code == 401
    assert requests(rule.rule, "GET", 401) == before + 2
    assert requests("/api/v1/tenants/abc", "GET", 401) == 0


def test_what_matches_no_route_is_unmatched_and_an_invented_method_is_other(client):
    before_missing = requests("<unmatched>", "GET", 404)
    before_other = requests("<unmatched>", "OTHER", 405)
    assert client.get("/api/v1/khong-co-duong-nay/123").status_code == 404
    assert client.open("/healthz", method="BREW").status_code == 405
    assert requests("<unmatched>", "GET", 404) == before_missing + 1
    assert requests("<unmatched>", "OTHER", 405) == before_other + 1


def test_the_public_app_has_no_metrics_route(app):
    # The metrics are served on METRICS_PORT by gunicorn's master (tests/interface: test_gunicorn_metrics).
    assert not [rule.rule for rule in app.url_map.iter_rules() if "metrics" in rule.rule]
