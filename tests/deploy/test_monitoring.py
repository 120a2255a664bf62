"""Static checks of the monitoring files: deploy/prometheus and deploy/grafana.

deploy/prometheus/metrics.yml is the one list of the platform's metric names; the
Grafana dashboard and the alert rules may name nothing else. Where promtool is
installed (Debian's ``prometheus`` package), the rules are checked and unit-tested
by it (alerts.test.yml) and every dashboard query is parsed by it; without it those
tests skip and the YAML/JSON structure checks still run.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
METRICS_FILE = PROMETHEUS / "metrics.yml"
ALERTS_FILE = PROMETHEUS / "alerts.yml"
ALERT_TESTS_FILE = PROMETHEUS / "alerts.test.yml"
CONFIG_FILE = PROMETHEUS / "prometheus.yml"
DASHBOARD_FILE = ROOT / "deploy" / "grafana" / "platform-dashboard.json"
README = ROOT / "deploy" / "README.md"

# Labels Prometheus itself puts on every series of the platform (prometheus.yml).
TARGET_LABELS = {"job", "instance", "app", "component", "namespace", "pod"}
# Series Prometheus makes, not the platform.
PROMETHEUS_SERIES = {"up"}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
SEVERITIES = {"warning", "critical"}
# What the alerts must watch: a metric each, in some rule.
WATCHED = {
    "outbox age": "platform_outbox_oldest_age_seconds",
    "parked events": "platform_events_parked",
    "poll intake queue": "platform_poll_intake_queue_depth",
    "HTTP 5xx": "platform_http_requests_total",
    "RPC errors": "platform_rpc_calls_total",
    "a target down": "up",
}


def promtool():
    found = shutil.which("promtool")
    if found is None:
        pytest.skip("promtool is not installed (Debian: apt-get install --no-install-recommends prometheus)")
    return found


def run_promtool(*args, cwd=PROMETHEUS):
    result = subprocess.run([promtool(), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# ------------------------------------------------------------- the metric list


def metrics():
    with open(METRICS_FILE, encoding="utf-8") as fh:
        return {m["name"]: m for m in yaml.safe_load(fh)["metrics"]}


def series_metric(name):
    """The listed metric a series name belongs to (histograms: _bucket/_sum/_count), or None."""
    listed = metrics()
    if name in listed:
        return listed[name]
    for suffix in HISTOGRAM_SUFFIXES:
        base = name.removesuffix(suffix)
        if base != name and listed.get(base, {}).get("type") == "histogram":
            return listed[base]
    return None


def test_the_metric_list_is_well_formed():
    with open(METRICS_FILE, encoding="utf-8") as fh:
        entries = yaml.safe_load(fh)["metrics"]
    names = [m["name"] for m in entries]
    assert len(names) == len(set(names)), "a metric is listed twice"
    for m in entries:
        assert re.fullmatch(r"platform_[a-z0-9_]+", m["name"]), m["name"]
        assert m["type"] in ("counter", "gauge", "histogram"), m["name"]
        assert (m["type"] == "counter") == m["name"].endswith("_total"), f"{m['name']}: only counters end in _total"
        assert m["help"].strip(), m["name"]
        assert not set(m["labels"]) & TARGET_LABELS, f"{m['name']}: a label Prometheus sets itself"
        assert set(m.get("values", {})) <= set(m["labels"]), m["name"]


# ---------------------------------------------------------------------- PromQL

_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset"}
_KEYWORDS |= {"inf", "nan"}
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
_SELECTOR = re.compile(r"([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}")
_MATCHER = re.compile(r'([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')


def grafana_free(expr):
    """Grafana's variables as a value Prometheus accepts."""
    return expr.replace("$__rate_interval", "5m").replace("$service", ".*")


def parse_promql(expr):
    """(series names, [(series name or None, label, op, value)], grouping labels) of an expression.

    Not a PromQL parser: enough of one for the platform's own queries, which
    promtool parses for real where it is installed."""
    expr = grafana_free(expr)
    matchers = []
    for name, body in _SELECTOR.findall(expr):
        for label, op, value in _MATCHER.findall(body):
            matchers.append((name or None, label, op, value))
    grouping = {label.strip() for _, labels in _GROUPING.findall(expr) for label in labels.split(",") if label.strip()}
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    bare = re.sub(r"\{[^}]*\}", "", bare)
    bare = _GROUPING.sub("", bare)
    bare = re.sub(r"\[[^\]]*\]", "", bare)
    names = {
        m.group(1)
        for m in re.finditer(r"(?<![\w.])([a-zA-Z_:][\w:]*)\s*(\()?", bare)
        if not m.group(2) and m.group(1).lower() not in _KEYWORDS
    }
    return names, matchers, grouping


def check_expression(expr, where):
    names, matchers, grouping = parse_promql(expr)
    assert names, f"{where}: names no metric: {expr}"
    all_labels = TARGET_LABELS | {"le"} | {label for m in metrics().values() for label in m["labels"]}
    for name in names:
        assert name in PROMETHEUS_SERIES or series_metric(name), f"{where}: {name} is not in {METRICS_FILE.name}"
    for name, label, op, value in matchers:
        if name is None or name in PROMETHEUS_SERIES:
            assert label in all_labels, f"{where}: label {label}"
            continue
        metric = series_metric(name)
        known = set(metric["labels"]) | TARGET_LABELS | ({"le"} if name.endswith("_bucket") else set())
        assert label in known, f"{where}: {name} has no label {label}"
        closed = metric.get("values", {}).get(label)
        if closed and op in ("=", "=~", "!=", "!~"):
            for alternative in value.split("|") if "~" in op else [value]:
                assert alternative in closed, f"{where}: {name}{{{label}}} is never {alternative!r}"
    assert grouping <= all_labels, f"{where}: grouping by {sorted(grouping - all_labels)}"


def test_the_promql_reader_finds_names_labels_and_values():
    names, matchers, grouping = parse_promql(
        'sum by (service) (rate(platform_rpc_calls_total{outcome="error"}[$__rate_interval])) '
        "/ on (service) histogram_quantile(0.95, sum by (le) (rate(platform_rpc_duration_seconds_bucket[5m]))) > 1e3"
    )
    assert names == {"platform_rpc_calls_total", "platform_rpc_duration_seconds_bucket"}
    assert matchers == [("platform_rpc_calls_total", "outcome", "=", "error")]
    assert grouping == {"service", "le"}
    with pytest.raises(AssertionError, match="never 'failed'"):
        check_expression('platform_rpc_calls_total{outcome="failed"}', "example")
    with pytest.raises(AssertionError, match="platform_rpc_calls is not"):
        check_expression("rate(platform_rpc_calls[5m])", "example")


# -------------------------------------------------------------------- dashboard


def dashboard():
    return json.loads(DASHBOARD_FILE.read_text(encoding="utf-8"))


def all_panels():
    for panel in dashboard()["panels"]:
        yield panel
        yield from panel.get("panels", [])


def queries():
    """(where, expression) of every panel target and every query variable."""
    for panel in all_panels():
        for target in panel.get("targets", []):
            yield f"panel {panel['title']!r} {target['refId']}", target["expr"]
    for variable in dashboard()["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
            metric, label = re.fullmatch(r"label_values\((\w+),\s*(\w+)\)", query).groups()
            yield f"variable {variable['name']}", f"count by ({label}) ({metric})"


def test_the_dashboard_is_a_grafana_dashboard_with_a_datasource_variable():
    board = dashboard()
    assert board["schemaVersion"] >= 36
    assert board["uid"] and board["title"]
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    ids = [p["id"] for p in all_panels()]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in all_panels():
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
        assert panel["targets"], panel["title"]
        assert panel.get("description"), f"{panel['title']}: say what the panel shows"
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        for target in panel["targets"]:
            assert target.get("datasource", panel["datasource"]) == panel["datasource"]


def test_every_dashboard_query_names_only_listed_metrics():
    found = list(queries())
    assert found
    for where, expr in found:
        check_expression(expr, where)


def test_the_dashboard_shows_every_listed_metric():
    shown = set()
    for _, expr in queries():
        names, _, _ = parse_promql(expr)
        shown |= {series_metric(n)["name"] for n in names if series_metric(n)}
    assert shown == set(metrics()), f"not on the dashboard: {sorted(set(metrics()) - shown)}"


def test_promtool_parses_every_dashboard_query(tmp_path):
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {"record": f"dashboard:query_{i}", "expr": grafana_free(expr)}
                    for i, (_, expr) in enumerate(queries())
                ],
            }
        ]
    }
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    run_promtool("check", "rules", str(path), cwd=tmp_path)


# ----------------------------------------------------------------- alert rules


def alert_rules():
    with open(ALERTS_FILE, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    assert set(doc) == {"groups"}
    return [(group["name"], rule) for group in doc["groups"] for rule in group["rules"]]


def test_alert_rules_have_the_rule_file_structure():
    with open(ALERTS_FILE, encoding="utf-8") as fh:
        groups = yaml.safe_load(fh)["groups"]
    assert len({g["name"] for g in groups}) == len(groups), "group names must be unique"
    names = []
    for group in groups:
        assert set(group) <= {"name", "interval", "limit", "rules"} and group["rules"], group["name"]
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
            assert re.fullmatch(r"[A-Z][A-Za-z]+", rule["alert"])
            assert re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]
            assert rule["labels"]["severity"] in SEVERITIES, rule["alert"]
            assert set(rule["annotations"]) == {"summary", "runbook"}, rule["alert"]
            assert rule["annotations"]["runbook"] == f"deploy/README.md#{rule['alert'].lower()}"
            names.append(rule["alert"])
    assert len(names) == len(set(names)), "alert names must be unique"


def test_alert_rules_name_only_listed_metrics():
    for _, rule in alert_rules():
        check_expression(rule["expr"], rule["alert"])


def test_alerts_watch_what_operators_need():
    used = set()
    for _, rule in alert_rules():
        used |= parse_promql(rule["expr"])[0]
    missing = {what for what, metric in WATCHED.items() if metric not in used}
    assert not missing, f"no alert on {sorted(missing)}"


def readme_headings():
    return {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }


def test_every_alert_has_its_section_in_the_readme():
    headings = readme_headings()
    for _, rule in alert_rules():
        assert rule["alert"].lower() in headings, f"deploy/README.md has no section «{rule['alert']}»"


def test_every_alert_is_unit_tested():
    with open(ALERT_TESTS_FILE, encoding="utf-8") as fh:
        cases = yaml.safe_load(fh)
    assert cases["rule_files"] == [ALERTS_FILE.name]
    fired = {check["alertname"] for case in cases["tests"] for check in case["alert_rule_test"] if check["exp_alerts"]}
    assert fired == {rule["alert"] for _, rule in alert_rules()}


def test_promtool_accepts_the_alert_rules():
    assert "SUCCESS" in run_promtool("check", "rules", ALERTS_FILE.name)


def test_alert_rules_fire_as_their_unit_tests_say():
    assert "SUCCESS" in run_promtool("test", "rules", ALERT_TESTS_FILE.name)


# ------------------------------------------------------------------ scrape config


def scrape_config():
    with open(CONFIG_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def test_scrape_config_finds_the_platform_pods_by_their_metrics_port():
    config = scrape_config()
    assert config["rule_files"] == [ALERTS_FILE.name]
    (job,) = config["scrape_configs"]
    assert job["job_name"] == "congdoan", "the alerts select job=congdoan"
    (discovery,) = job["kubernetes_sd_configs"]
    assert discovery["role"] == "pod" and discovery["namespaces"]["names"] == ["congdoan"]
    keeps = {tuple(r["source_labels"]): r["regex"] for r in job["relabel_configs"] if r.get("action") == "keep"}
    assert keeps[("__meta_kubernetes_pod_annotation_prometheus_io_scrape",)] == "true"
    assert keeps[("__meta_kubernetes_pod_container_port_name",)] == "metrics"
    targets = {r["target_label"] for r in job["relabel_configs"] if r.get("target_label")}
    own = {t for t in targets if not t.startswith("__")}
    assert own <= TARGET_LABELS
    clash = {label for m in metrics().values() for label in m["labels"]} & own
    assert not clash, f"target labels {sorted(clash)} would rename the platform's own"


def test_promtool_accepts_the_scrape_config(tmp_path):
    """Debian's promtool is built without Kubernetes discovery: the check swaps it for
    a static target and parses the rest (relabelling, rule files)."""
    config = scrape_config()
    for job in config["scrape_configs"]:
        job.pop("kubernetes_sd_configs")
        job["static_configs"] = [{"targets": ["127.0.0.1:9100"]}]
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    shutil.copy(ALERTS_FILE, tmp_path / ALERTS_FILE.name)
    run_promtool("check", "config", str(path), cwd=tmp_path)
