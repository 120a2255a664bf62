"""Retries with backoff, on tenacity: one policy for every loop that must outlive an outage.

``Backoff(start, maximum)`` waits ``start``, ``2 × start``, ``4 × start``, … at most
``maximum`` seconds. It is used three ways, so that the relay, the batch consumers, the
event handlers and the broker connections all back off alike:

* ``until_done(fn, stopped=...)`` calls ``fn`` until it succeeds, waiting between failures;
  ``keep_running(fn, stopped=...)`` runs ``fn`` again and again until ``stopped()``: at
  once after it returns, after the next wait when it raised (the wait starts over after a
  success). The loops of the relay and of the batch consumers are built on them.
* ``Backoff.delay(attempt)``: the wait before attempt ``attempt + 1``, for retries counted
  elsewhere (an event handler counts attempts in a message header).
* ``Backoff.kombu()``: the same intervals as keyword arguments of kombu's
  ``Connection.ensure_connection`` (see ``platform_shared.messaging``).

No nameko and no eventlet here: tenacity sleeps with ``time.sleep`` (green when eventlet
has patched it) unless the caller gives a ``sleep`` (e.g. ``threading.Event.wait``, so a
stop request cuts the wait short).
"""

import logging
import time
from dataclasses import dataclass
from types import SimpleNamespace

from tenacity import Retrying, retry_if_exception, wait_exponential

log = logging.getLogger("platform.retry")


@dataclass(frozen=True)
class Backoff:
    start: float = 0.5
    maximum: float = 30.0

    def wait(self):
        """The tenacity wait strategy of this policy."""
        return wait_exponential(multiplier=self.start, min=self.start, max=self.maximum)

    def delay(self, attempt):
        """Seconds to wait after failed attempt number ``attempt`` (1, 2, ...)."""
        return self.wait()(SimpleNamespace(attempt_number=max(1, int(attempt))))

    def kombu(self):
        """kombu's ``ensure_connection`` intervals (kombu grows them linearly: start, 2 × start, …)."""
        return {"interval_start": self.start, "interval_step": self.start, "interval_max": self.maximum}


BROKER = Backoff(0.5, 10.0)  # reconnecting to RabbitMQ
RELAY = Backoff(0.5, 30.0)  # the outbox relay (database or broker away)
CONSUMER = Backoff(0.2, 5.0)  # batch consumers: come back quickly, a backlog is waiting


class Stopped(Exception):
    """Raised inside a retry loop to leave it because its owner is stopping."""


def _retryable(exc):
    # Only ordinary failures: GreenletExit, KeyboardInterrupt and SystemExit end the loop.
    return isinstance(exc, Exception) and not isinstance(exc, Stopped)


def until_done(fn, *, stopped, backoff=RELAY, sleep=time.sleep, name=None, logger=None, quiet=(Exception,)):
    """``fn()``'s result once a call succeeds; a failure is logged and retried after ``backoff``.

    Raises ``Stopped`` when ``stopped()`` turns true first. ``quiet``: the exception classes
    logged without a traceback (an expected outage; by default all of them)."""
    logger = logger or log
    name = name or getattr(fn, "__qualname__", "loop")

    def report(state):
        exc = state.outcome.exception()
        logger.warning(
            "%s: %s: %s; retrying in %.1fs",
            name,
            type(exc).__name__,
            exc,
            state.upcoming_sleep,
            exc_info=None if isinstance(exc, quiet) else exc,
        )

    retrying = Retrying(
        retry=retry_if_exception(_retryable),
        stop=lambda state: stopped(),
        wait=backoff.wait(),
        sleep=sleep,
        before_sleep=report,
        reraise=True,
    )
    if stopped():
        raise Stopped()
    try:
        return retrying(fn)
    except Exception as exc:
        if stopped() and not isinstance(exc, Stopped):  # it failed while its owner was stopping
            raise Stopped() from exc
        raise


def keep_running(fn, *, stopped, **options):
    """Run ``fn()`` again and again until ``stopped()``: at once after it returns, after the
    policy's wait when it raised (the wait starts over after a success). Options as ``until_done``."""
    try:
        while not stopped():
            until_done(fn, stopped=stopped, **options)
    except Stopped:
        return
