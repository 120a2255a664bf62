"""gunicorn settings of the gateway; the figures in DESIGN.md §9 use exactly these."""

import os

# GATEWAY_PORT first: process managers such as honcho rewrite PORT for each process.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('GATEWAY_PORT') or os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GATEWAY_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GATEWAY_THREADS", "8"))
keepalive = 5
timeout = 60
graceful_timeout = 10
accesslog = os.environ.get("GATEWAY_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
