"""Which services exist, found through the ``platform.services`` entry points.

Each service package declares ``<name> = <package>.manifest:MANIFEST``; tools
(``platform migrate``, ``platform relay``, the test plugin) iterate over them
instead of hard-coding paths.
"""

import importlib
import os
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from platform_shared.config import load_config
from platform_shared.logs import logging_config

ORDER = ("accounts", "content", "media", "feedback", "polls", "royalties", "notifications")


@dataclass(frozen=True)
class ServiceManifest:
    name: str
    service_class: str  # "accounts.service:AccountsService"
    root: Path  # the service folder: config.yml, migrations/
    # Other process types of the service, by name: ``(("worker", "media.worker:MediaWorker"),)``
    # runs as ``platform run media worker``. Each is a nameko service class of its own (its
    # own name, so its own queues) on the service's config and database.
    processes: tuple = ()

    @property
    def config_path(self):
        return self.root / "config.yml"

    @property
    def migrations_dir(self):
        return self.root / "migrations"

    @property
    def database_env(self):
        return f"{self.name.upper()}_DATABASE_URL"

    def load_class(self, process=None):
        """The service class, or that of the process type ``process``."""
        if process is None:
            path = self.service_class
        else:
            path = dict(self.processes).get(process)
            if path is None:
                known = ", ".join(name for name, _ in self.processes) or "none"
                raise SystemExit(f"{self.name} has no process {process!r}; its processes: {known}")
        module, _, attr = path.partition(":")
        return getattr(importlib.import_module(module), attr)

    def classes(self):
        """Every nameko class of the service: the service's, then its other processes'."""
        return [self.load_class()] + [self.load_class(name) for name, _ in self.processes]

    def config(self, **overrides):
        """Platform defaults, then the service's config.yml, then ``overrides``."""
        cfg = platform_defaults(self.name)
        cfg.update(load_config(self.config_path))
        cfg.update(overrides)
        return cfg

    def database_url(self):
        return self.config().get("DATABASE_URL")


def platform_defaults(service):
    """Settings every service shares; a service's config.yml may override any of them."""
    env = os.environ.get
    return {
        "AMQP_URI": env("AMQP_URI") or "amqp://guest:guest@127.0.0.1:5672//",
        "DATABASE_URL": env(f"{service.upper()}_DATABASE_URL") or f"sqlite:///var/{service}.db",
        "DATABASE_POOL_SIZE": int(env(f"{service.upper()}_DATABASE_POOL_SIZE") or 10),
        "max_workers": int(env(f"{service.upper()}_MAX_WORKERS") or 10),
        "RPC_TIMEOUT": float(env("RPC_TIMEOUT") or 10),
        "EVENT_MAX_ATTEMPTS": int(env("EVENT_MAX_ATTEMPTS") or 5),
        "LOGGING": logging_config(service, env("LOG_LEVEL") or "INFO"),
    }


def manifests(names=None):
    """Installed service manifests in platform order, optionally only ``names``."""
    found = {ep.name: ep.load() for ep in entry_points(group="platform.services")}
    unknown = set(names or ()) - set(found)
    if unknown:
        raise SystemExit(f"unknown service(s): {', '.join(sorted(unknown))}; installed: {', '.join(sorted(found))}")
    ordered = sorted(found.values(), key=lambda m: ORDER.index(m.name) if m.name in ORDER else 99)
    return [m for m in ordered if not names or m.name in names]
