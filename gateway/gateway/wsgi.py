"""gunicorn entry point: ``gunicorn -c gateway/gunicorn.conf.py gateway.wsgi:app``."""

import gc

from gateway.app import create_app
from gateway.settings import Settings
from platform_shared import logs

_settings = Settings()
logs.setup("gateway", _settings.log_level)
app = create_app(_settings)
# The app is built (~270,000 objects that live as long as the worker): out of the collector's
# reach from now on. A full collection walked them all, ~140-240 ms with the worker's every
# thread stopped, a latency spike for each request in flight (issue 18, the 202 path's p99).
gc.freeze()
