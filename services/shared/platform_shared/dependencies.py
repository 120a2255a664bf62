"""The kit's meeting points with nameko and eventlet: the ``Database`` provider,
``sessions_of`` for sibling extensions, ``in_thread`` for CPU-heavy work. A worker
gets a small API (``transaction()``, ``read()``); the domain never sees nameko."""

import logging

from nameko.extensions import DependencyProvider

from platform_shared.config import require
from platform_shared.database import SessionFactory, make_engine

log = logging.getLogger(__name__)

_psycopg_patched = False


def patch_psycopg_for_eventlet():
    """Make psycopg2 yield to the eventlet hub while it waits on the server.

    Without it one slow query freezes every worker of the process. Applied once,
    at service start, and only when eventlet has patched the socket module
    (``nameko run`` and the test plugin do).
    """
    global _psycopg_patched
    if _psycopg_patched:
        return True
    from eventlet import patcher

    if not patcher.is_monkey_patched("socket"):
        return False
    from psycogreen.eventlet import patch_psycopg

    patch_psycopg()
    _psycopg_patched = True
    return True


class Database(DependencyProvider):
    """One engine per container; each worker gets ``transaction()``.

    The URL comes from the config key ``DATABASE_URL`` (each service's config.yml
    maps it from ``<SERVICE>_DATABASE_URL``); a missing one stops the service at start.
    """

    def __init__(self, url_key="DATABASE_URL"):
        self.url_key = url_key
        self.sessions = None

    def setup(self):
        env = f"{self.container.service_name.upper()}_DATABASE_URL"
        url = require(self.container.config, self.url_key, env)
        if url.startswith("postgresql"):
            patch_psycopg_for_eventlet()
        pool = int(self.container.config.get("DATABASE_POOL_SIZE", 10))
        self.sessions = SessionFactory(make_engine(url, pool_size=pool))

    def stop(self):
        if self.sessions is not None:
            self.sessions.dispose()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return self.sessions


def sessions_of(container):
    """The session factory of the container's ``Database`` dependency (for sibling extensions)."""
    for dep in container.dependencies:
        if isinstance(dep, Database):
            return dep.sessions
    raise RuntimeError(f"{container.service_name} has no Database dependency")


def in_thread(fn, *args, **kwargs):
    """Run a CPU-heavy call (password hashing, image decoding) in a real thread, off the hub."""
    from eventlet import tpool

    return tpool.execute(fn, *args, **kwargs)
