"""gunicorn entry point: ``gunicorn -c gateway/gunicorn.conf.py gateway.wsgi:app``."""

from gateway.app import create_app
from gateway.settings import Settings
from platform_shared import logs

_settings = Settings()
logs.setup("gateway", _settings.log_level)
app = create_app(_settings)
