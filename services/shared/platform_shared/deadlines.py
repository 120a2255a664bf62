"""Deadlines carried by RPCs (DESIGN 7b): the caller's absolute deadline, epoch seconds, in the
context header ``nameko.deadline``. A service drops a request whose deadline has passed instead
of doing it late: its caller has already answered 503 and may be retrying. No nameko here.

Epoch seconds, not a relative timeout, so the deadline survives queues and hops; the hosts'
clocks must agree (NTP) to well under the RPC timeout.
"""

import time

HEADER = "deadline"
"""The context key (``nameko.deadline`` on the wire)."""


def parse(value):
    """The deadline from a header value, or None when absent or not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        deadline = float(value)
    except (TypeError, ValueError):
        return None
    return deadline if deadline == deadline else None  # NaN is no deadline


def lateness(deadline, now=None):
    """Seconds past ``deadline`` (a header value), or None while there is still time (or no deadline)."""
    deadline = parse(deadline)
    if deadline is None:
        return None
    late = (time.time() if now is None else now) - deadline
    return late if late > 0 else None


def for_call(timeout, inherited=None, now=None):
    """The deadline of an outgoing call: ``now + timeout``, never later than the caller's own."""
    own = (time.time() if now is None else now) + timeout
    inherited = parse(inherited)
    return own if inherited is None else min(own, inherited)
