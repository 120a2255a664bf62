"""Deadlines carried by RPCs: when a request is late, and what deadline an onward call gets."""

from platform_shared import deadlines


def test_a_request_before_its_deadline_is_not_late():
    assert deadlines.lateness(1000.0, now=999.5) is None
    assert deadlines.lateness(1000.0, now=1000.0) is None


def test_a_request_past_its_deadline_is_late_by_the_difference():
    assert deadlines.lateness(1000.0, now=1002.5) == 2.5
    assert deadlines.lateness("1000", now=1001) == 1


def test_no_deadline_or_a_garbled_one_is_never_late():
    for value in (None, "", "soon", [], True, float("nan")):
        assert deadlines.lateness(value, now=10**12) is None


def test_an_onward_call_keeps_the_sooner_of_its_callers_deadline_and_its_own_timeout():
    assert deadlines.for_call(10, inherited=None, now=100.0) == 110.0
    assert deadlines.for_call(10, inherited=104.0, now=100.0) == 104.0
    assert deadlines.for_call(10, inherited=500.0, now=100.0) == 110.0
    assert deadlines.for_call(10, inherited="bad", now=100.0) == 110.0
