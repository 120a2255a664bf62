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


def queue_settled(rabbit_manager, vhost, queue, *, acked=None):
    """True when ``queue`` holds no message, delivered-unacked or ready (every delivery was handled).

    The management API's figures are a snapshot taken every few seconds: just after a publish
    they may still show the empty queue of before. ``acked``, how many deliveries must have
    been acknowledged (a count that only grows), keeps such an old snapshot from passing for a
    settled queue; give it whenever the test knows how many messages it sent.
    """
    info = rabbit_manager.get_queue(vhost, queue)
    if acked is not None and (info.get("message_stats") or {}).get("ack", 0) < acked:
        return False
    return (
        info.get("messages", 1) == 0
        and info.get("messages_unacknowledged", 1) == 0
        and info.get("messages_ready", 1) == 0
    )
