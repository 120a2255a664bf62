"""The metrics helpers count under the contract's names and labels; settings and sampled gauges
behave as documented. Counters are process-wide, so each test uses label values of its own."""

import math

import pytest
from prometheus_client import REGISTRY, generate_latest

from platform_shared import metrics


def value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_served_rpc_counts_its_outcome_and_its_time():
    metrics.rpc_served("unit-rpc", "get_article", "ok", 0.003)
    metrics.rpc_served("unit-rpc", "get_article", "expected_error", 0.002)
    metrics.rpc_served("unit-rpc", "get_article", "ok", 0.004)
    assert value("platform_rpc_calls_total", service="unit-rpc", method="get_article", outcome="ok") == 2
    assert value("platform_rpc_calls_total", service="unit-rpc", method="get_article", outcome="expected_error") == 1
    assert value("platform_rpc_duration_seconds_count", service="unit-rpc", method="get_article") == 3
    assert value("platform_rpc_duration_seconds_bucket", service="unit-rpc", method="get_article", le="0.0025") == 1


def test_a_dropped_rpc_counts_as_an_error_without_a_duration():
    metrics.rpc_served("unit-drop", "slow", "error")
    assert value("platform_rpc_calls_total", service="unit-drop", method="slow", outcome="error") == 1
    assert value("platform_rpc_duration_seconds_count", service="unit-drop", method="slow") == 0


def test_the_gateway_counts_its_calls_requests_and_cache_lookups():
    metrics.rpc_called("unit-target", "ping", "timeout", 1.0)
    metrics.http_request("/unit/<uuid:id>", "GET", 200, 0.001)
    metrics.http_request("/unit/<uuid:id>", "GET", 200, 0.001)
    metrics.cache_request("unit-cache", True)
    metrics.cache_request("unit-cache", False)
    metrics.cache_request("unit-cache", True)
    assert value("platform_rpc_client_calls_total", target="unit-target", method="ping", outcome="timeout") == 1
    assert value("platform_rpc_client_duration_seconds_count", target="unit-target", method="ping") == 1
    assert value("platform_http_requests_total", route="/unit/<uuid:id>", method="GET", status="200") == 2
    assert value("platform_http_request_duration_seconds_count", route="/unit/<uuid:id>", method="GET") == 2
    assert value("platform_cache_requests_total", cache="unit-cache", result="hit") == 2
    assert value("platform_cache_requests_total", cache="unit-cache", result="miss") == 1


def test_handler_deliveries_count_each_outcome():
    for outcome in metrics.HANDLER_OUTCOMES:
        metrics.handler_delivery("unit-handlers", "handle_x", outcome)
    for outcome in metrics.HANDLER_OUTCOMES:
        assert value("platform_handler_deliveries_total", service="unit-handlers", handler="handle_x", outcome=outcome)


def test_a_timer_run_is_ran_or_skipped_and_nothing_else():
    metrics.timer_run("unit-timers", "publish_scheduled", "ran")
    metrics.timer_run("unit-timers", "publish_scheduled", "skipped")
    metrics.timer_run("unit-timers", "publish_scheduled", "skipped")
    assert value("platform_timer_runs_total", service="unit-timers", timer="publish_scheduled", outcome="ran") == 1
    assert value("platform_timer_runs_total", service="unit-timers", timer="publish_scheduled", outcome="skipped") == 2
    with pytest.raises(ValueError, match="ran"):
        metrics.timer_run("unit-timers", "publish_scheduled", "done")


def test_the_poll_intake_counters_appear_once_used():
    before = value("platform_poll_intake_counted_total")
    metrics.poll_intake_counted(3)
    metrics.poll_intake_counted(0)
    metrics.poll_intake_accepted()
    metrics.poll_intake_queue_depth(42)
    assert value("platform_poll_intake_counted_total") == before + 3
    assert value("platform_poll_intake_accepted_total") >= 1
    assert value("platform_poll_intake_queue_depth") == 42


def test_a_duplicate_noted_by_the_inbox_is_taken_once():
    metrics.take_duplicate()  # whatever an earlier test's inbox check left in this thread's context
    assert metrics.take_duplicate() is False
    metrics.note_duplicate()
    assert metrics.take_duplicate() is True
    assert metrics.take_duplicate() is False


def test_a_sampled_gauge_reads_when_scraped_and_a_failing_read_is_nan_not_a_failed_scrape():
    backlog = [5]
    metrics.sample(metrics.OUTBOX_BACKLOG, "unit-sampled", lambda: backlog[0])
    assert value("platform_outbox_backlog", service="unit-sampled") == 5
    backlog[0] = 7
    assert value("platform_outbox_backlog", service="unit-sampled") == 7

    def away():
        raise ConnectionError("database away")

    metrics.sample(metrics.OUTBOX_BACKLOG, "unit-sampled", away)
    assert b"platform_outbox_backlog" in generate_latest(REGISTRY)
    assert math.isnan(REGISTRY.get_sample_value("platform_outbox_backlog", {"service": "unit-sampled"}))
    metrics.unsample(metrics.OUTBOX_BACKLOG, "unit-sampled")
    metrics.unsample(metrics.OUTBOX_BACKLOG, "unit-sampled")  # twice: nothing to remove, no error
    assert REGISTRY.get_sample_value("platform_outbox_backlog", {"service": "unit-sampled"}) is None


@pytest.mark.parametrize("setting, port", [(None, None), ("", None), ("  ", None), ("9464", 9464), (9101, 9101)])
def test_the_metrics_port_setting(setting, port):
    assert metrics.port_from(setting) == port


@pytest.mark.parametrize("setting", ["abc", "0", "70000"])
def test_a_metrics_port_that_is_not_one_is_refused(setting):
    with pytest.raises(ValueError):
        metrics.port_from(setting)


def test_the_port_comes_from_the_config_then_the_environment(monkeypatch):
    monkeypatch.setenv("METRICS_PORT", "9201")
    monkeypatch.delenv("METRICS_ADDRESS", raising=False)
    assert metrics.configured_port({"METRICS_PORT": "9300"}) == 9300
    assert metrics.configured_port({"METRICS_PORT": ""}) == 9201
    assert metrics.configured_port({}) == 9201
    monkeypatch.setenv("METRICS_PORT", "")
    assert metrics.configured_port({}) is None
    assert metrics.configured_address({}) == "127.0.0.1"
    assert metrics.configured_address({"METRICS_ADDRESS": "0.0.0.0"}) == "0.0.0.0"


def test_every_name_of_the_contract_is_exported():
    metrics.timer_run("unit-names", "t", "ran")
    exposition = generate_latest(REGISTRY).decode()
    for name in (
        "platform_rpc_calls_total",
        "platform_rpc_duration_seconds",
        "platform_rpc_client_calls_total",
        "platform_rpc_client_duration_seconds",
        "platform_http_requests_total",
        "platform_http_request_duration_seconds",
        "platform_handler_deliveries_total",
        "platform_events_parked",
        "platform_outbox_backlog",
        "platform_outbox_oldest_age_seconds",
        "platform_outbox_published_total",
        "platform_cache_requests_total",
        "platform_timer_runs_total",
    ):
        assert f"# TYPE {name} " in exposition, name


def test_the_code_defines_exactly_the_metrics_of_deploy_prometheus_metrics_yml():
    """The dashboards and alert rules are written against ``deploy/prometheus/metrics.yml``."""
    from pathlib import Path

    import yaml
    from prometheus_client.metrics import MetricWrapperBase

    listed = yaml.safe_load(
        (Path(__file__).resolve().parents[4] / "deploy" / "prometheus" / "metrics.yml").read_text(encoding="utf-8")
    )["metrics"]
    metrics.poll_intake_accepted()
    metrics.poll_intake_counted(1)
    metrics.poll_intake_queue_depth(0)
    defined = [m for m in vars(metrics).values() if isinstance(m, MetricWrapperBase)] + list(metrics._lazy.values())

    def exposed(metric):
        (family,) = metric.describe()
        return family.name + ("_total" if family.type == "counter" else ""), family.type

    assert sorted(exposed(m) for m in defined) == sorted((m["name"], m["type"]) for m in listed)
    labels = {exposed(m)[0]: list(m._labelnames) for m in defined}
    assert labels == {m["name"]: m["labels"] for m in listed}
