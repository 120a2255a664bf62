"""nameko dependencies of the media service: the storage backend and the use cases."""

import logging
import os

from nameko.extensions import DependencyProvider

from media.operations import Media, Settings
from media.storage import FileStorage, S3Storage
from platform_shared.config import require
from platform_shared.dependencies import in_thread, sessions_of


def make_storage(config):
    """The backend named by ``MEDIA_STORAGE`` (``filesystem`` or ``s3``), ready to use."""
    backend = (config.get("MEDIA_STORAGE") or "filesystem").lower()
    if backend == "s3":
        storage = S3Storage(
            require(config, "MEDIA_S3_ENDPOINT", "MEDIA_S3_ENDPOINT"),
            require(config, "MEDIA_S3_ACCESS_KEY", "MEDIA_S3_ACCESS_KEY"),
            require(config, "MEDIA_S3_SECRET_KEY", "MEDIA_S3_SECRET_KEY"),
            require(config, "MEDIA_S3_BUCKET", "MEDIA_S3_BUCKET"),
            secure=bool(_flag(config.get("MEDIA_S3_SECURE"))),
            region=config.get("MEDIA_S3_REGION") or "us-east-1",
            public_endpoint=config.get("MEDIA_S3_PUBLIC_ENDPOINT") or None,
            public_secure=_flag(config.get("MEDIA_S3_PUBLIC_SECURE")),
        )
    elif backend == "filesystem":
        storage = FileStorage(
            require(config, "MEDIA_FS_ROOT", "MEDIA_FS_ROOT"),
            require(config, "MEDIA_URL_SIGNING_KEY", "MEDIA_URL_SIGNING_KEY"),
        )
    else:
        from platform_shared.errors import ConfigurationError

        raise ConfigurationError(f"MEDIA_STORAGE must be 'filesystem' or 's3', not {backend!r}")
    storage.ensure_bucket()  # the bucket (or folder) is created at start when missing
    return storage


log = logging.getLogger("media")


class BackgroundPriority(DependencyProvider):
    """Lowers the process's CPU priority once, at start, to ``MEDIA_WORKER_NICE`` (absolute nice
    value; 0 leaves it). For the media worker: where it shares a machine with the processes that
    answer uploads (make run, one compose host), making renditions takes only the CPU uploads
    leave, and they wait in the worker's queue meanwhile. The image threads (``in_thread``) are
    started later by this thread and inherit it; with ``MEDIA_WORKER_IDLE_IMAGES`` they go further
    down, to ``SCHED_IDLE`` (``in_idle_thread``)."""

    def setup(self):
        wanted = int(self.container.config.get("MEDIA_WORKER_NICE") or 0)
        current = os.getpriority(os.PRIO_PROCESS, 0)
        if wanted > current:
            os.setpriority(os.PRIO_PROCESS, 0, min(wanted, 19))
            log.info("media worker at nice %d", min(wanted, 19))


IDLE_POLICY = getattr(os, "SCHED_IDLE", None)  # Linux only; elsewhere the image work keeps its nice


def in_idle_thread(fn, *args, **kwargs):
    """``in_thread`` for the media worker's image work (decode, resize, encode): the real thread
    runs under Linux's ``SCHED_IDLE``, so it gets a core only when no other task of the machine
    wants it, where nice 10 still took a tenth of a busy core from each upload's process
    (measured, 120 photos at 4 clients: 48-52 MB/s with the worker's image work at nice 10, 60-64
    under ``SCHED_IDLE``; 65-71 with the worker stopped). The hub thread keeps its nice: broker
    heartbeats, the S3 requests and the database are not starved, only the CPU-heavy part waits.

    The policy is set once per thread and kept (an unprivileged thread may not leave
    ``SCHED_IDLE`` again): in the media worker's process the real threads do nothing else."""
    return in_thread(_as_idle, fn, args, kwargs)


_idle_refused = []  # the error, once the system refused the policy (a sandbox may): not asked again


def _as_idle(fn, args, kwargs):
    if IDLE_POLICY is not None and not _idle_refused and os.sched_getscheduler(0) != IDLE_POLICY:
        try:
            os.sched_setscheduler(0, IDLE_POLICY, os.sched_param(0))  # 0: this thread, not the process
        except OSError as exc:  # the renditions are still made, at the process's nice
            _idle_refused.append(exc)
            log.warning("SCHED_IDLE refused for the media worker's image threads (%s): they keep its nice", exc)
    return fn(*args, **kwargs)


def _flag(value):
    """True/False from a setting, None when unset (YAML may already have made it a bool)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "yes")


class MediaApp(DependencyProvider):
    """The use cases (``Media``) with their storage, settings and clock. ``background=True`` for
    the media worker: its image work runs at idle priority unless ``MEDIA_WORKER_IDLE_IMAGES`` is
    off. The media service's own image work (cleaning a PNG or WebP on the upload's request path)
    keeps the process's priority."""

    def __init__(self, *, background=False):
        super().__init__()
        self.background = background

    def setup(self):
        self.storage = make_storage(self.container.config)
        self.settings = Settings.from_config(self.container.config)
        idle = self.background and _flag(self.container.config.get("MEDIA_WORKER_IDLE_IMAGES")) is not False
        self.offload = in_idle_thread if idle else in_thread
        from platform_shared.clock import Clock

        self.clock = Clock()

    def get_dependency(self, worker_ctx):
        return Media(
            sessions_of(self.container),
            self.storage,
            settings=self.settings,
            clock=self.clock,
            offload=self.offload,
            spawn=green,
        )


class _Green:
    """A call running in a green thread of the service's hub; ``wait()`` gives its result or raises
    its error (caught in the green thread, so the hub does not print it as unhandled).

    The call starts at once: it runs until its first wait (a query sent, the first bytes of a put
    on the wire) before the caller goes on. Left to the hub it would start only when the caller
    next waits — after the caller's own CPU work (measured: a photo's put began 3-4 ms later)."""

    def __init__(self, fn, *args, **kwargs):
        import eventlet

        self._thread = eventlet.spawn(_outcome, fn, args, kwargs)
        eventlet.sleep(0)

    def wait(self):
        result, error = self._thread.wait()
        if error is not None:
            raise error
        return result


def _outcome(fn, args, kwargs):
    try:
        return fn(*args, **kwargs), None
    except Exception as exc:
        return None, exc


green = _Green
