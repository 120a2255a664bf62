"""The media service's calls that run meanwhile (``dependencies.green``): a photo's put and the
duplicate lookup start at once, not when the caller next waits."""

import eventlet
import pytest

from media.dependencies import green


def test_a_green_call_runs_up_to_its_first_wait_before_the_caller_goes_on():
    steps = []

    def call():
        steps.append("started")
        eventlet.sleep(0.01)  # a query sent, bytes on the wire: the caller goes on meanwhile
        steps.append("answered")
        return 42

    pending = green(call)
    assert steps == ["started"]
    assert pending.wait() == 42 and steps == ["started", "answered"]


def test_a_green_calls_error_is_raised_by_wait():
    def fail():
        raise ConnectionError("the S3 server went away")

    pending = green(fail)
    with pytest.raises(ConnectionError):
        pending.wait()
