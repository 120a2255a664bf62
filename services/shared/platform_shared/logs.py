"""JSON logs with a request id on every line, for the gateway and the services."""

import contextvars
import json
import logging
import sys
import time

request_id_var = contextvars.ContextVar("request_id", default=None)

_STANDARD = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def __init__(self, service=None, **kwargs):
        super().__init__()
        self.service = service

    def format(self, record):
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if self.service:
            entry["service"] = self.service
        rid = getattr(record, "request_id", None) or request_id_var.get()
        if rid:
            entry["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and not key.startswith("_"):
                try:
                    json.dumps(value)
                    entry[key] = value
                except TypeError:
                    entry[key] = repr(value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def logging_config(service, level="INFO"):
    """A ``logging.config.dictConfig`` mapping: JSON lines on stderr with request ids."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "platform_shared.logs.RequestIdFilter"}},
        "formatters": {"json": {"()": "platform_shared.logs.JsonFormatter", "service": service}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "json",
                "filters": ["request_id"],
            },
        },
        "root": {"level": str(level).upper(), "handlers": ["stderr"]},
        "loggers": {
            "amqp": {"level": "WARNING"},
            "kombu": {"level": "WARNING"},
            "nameko": {"level": "WARNING"},
            "nameko.containers": {"level": "ERROR"},
            "alembic": {"level": "WARNING"},
        },
    }


def setup(service, level="INFO"):
    import logging.config

    logging.config.dictConfig(logging_config(service, level))
    sys.excepthook = lambda *exc: logging.getLogger(service).critical("uncaught", exc_info=exc)
