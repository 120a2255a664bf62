"""Every publisher whose events a service handles, or the gateway's own listeners hear, has its
contract test here, named ``test_<publisher>_events.py`` (which checks that its table lists every
such handler)."""

from pathlib import Path

import pytest

from platform_shared.contracts import PUBLISHERS
from platform_shared.testing.contracts import handlers_of

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("publisher", PUBLISHERS)
def test_a_publisher_with_consumers_has_a_contract_test(publisher):
    if handlers_of(publisher):
        assert (HERE / f"test_{publisher}_events.py").is_file(), f"{publisher}'s events are handled: add its test"


def gateway_listens_to():
    """Publishers whose facts the gateway's listeners hear by type (public cache, ended sessions)."""
    from gateway import public_cache, sessions

    types = [fact for _, facts in public_cache.TOPICS.values() for fact in facts]
    types += [key for _, keys in sessions.BINDINGS for key in keys]
    return {t.partition(".")[0] for t in types}


@pytest.mark.parametrize("publisher", PUBLISHERS)
def test_a_publisher_the_gateway_listens_to_has_a_contract_test(publisher):
    if publisher in gateway_listens_to():
        assert (HERE / f"test_{publisher}_events.py").is_file(), f"the gateway hears {publisher}'s events: add its test"
