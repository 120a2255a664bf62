"""gunicorn settings of the gateway; the figures in DESIGN.md §9 use exactly these.

Metrics (``METRICS_PORT`` set, ``METRICS_ADDRESS`` default 127.0.0.1): the workers count in
prometheus-client's multiprocess mode, in files under ``PROMETHEUS_MULTIPROC_DIR`` (a fresh
temporary folder per gateway instance unless it is set; a given one is emptied at start), and
the master serves their sum on that port — never on the public one. A worker that exits is
marked dead (its gauges drop out; its counters stay in the sums).
"""

import glob
import os
import shutil
import tempfile

from gateway.worker import chosen_class

# GATEWAY_PORT first: process managers such as honcho rewrite PORT for each process.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('GATEWAY_PORT') or os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GATEWAY_WORKERS", "2"))
# gateway.worker's gthread whose threads keep serving their kept-alive connection (issue 18: gthread
# hands every kept-alive connection back to its main loop between requests); GATEWAY_WORKER=gthread
# goes back to gunicorn's own.
worker_class = chosen_class()
threads = int(os.environ.get("GATEWAY_THREADS", "8"))
keepalive = 5
timeout = 60
graceful_timeout = 10
accesslog = os.environ.get("GATEWAY_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

_metrics_port = (os.environ.get("METRICS_PORT") or "").strip()
_own_metrics_dir = None
if _metrics_port:
    # Before any worker imports prometheus_client: the multiprocess mode is chosen at import.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        for stale in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
            os.remove(stale)  # a previous run's counts would be summed with this one's
    else:
        _own_metrics_dir = tempfile.mkdtemp(prefix="gateway-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_metrics_dir


def when_ready(server):
    if not _metrics_port:
        return
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    address = os.environ.get("METRICS_ADDRESS") or "127.0.0.1"
    start_http_server(int(_metrics_port), addr=address, registry=registry)
    server.log.info("metrics of the workers on http://%s:%s/metrics", address, _metrics_port)


def child_exit(server, worker):
    if _metrics_port:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(_own_metrics_dir, ignore_errors=True)
