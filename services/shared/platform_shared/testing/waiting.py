"""Waiting for asynchronous effects in tests, without timing assertions.

The timeout only turns a hang into a clear failure; nothing asserts how fast.
"""

import time


def wait_for(predicate, timeout=30.0, interval=0.05, message="condition"):
    """Poll ``predicate`` (cooperatively) until it returns a truthy value, and return it."""
    import eventlet

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {message}; last value: {value!r}")
        eventlet.sleep(interval)


def queue_settled(rabbit_manager, vhost, queue):
    """True when ``queue`` holds no message, delivered-unacked or ready (every delivery was handled)."""
    info = rabbit_manager.get_queue(vhost, queue)
    return (
        info.get("messages", 1) == 0
        and info.get("messages_unacknowledged", 1) == 0
        and info.get("messages_ready", 1) == 0
    )
