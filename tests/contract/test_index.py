"""Every publisher whose events a service handles has its contract test here, named
``test_<publisher>_events.py`` (which checks that its table lists every such handler)."""

from pathlib import Path

import pytest

from platform_shared.contracts import PUBLISHERS
from platform_shared.testing.contracts import handlers_of

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("publisher", PUBLISHERS)
def test_a_publisher_with_consumers_has_a_contract_test(publisher):
    if handlers_of(publisher):
        assert (HERE / f"test_{publisher}_events.py").is_file(), f"{publisher}'s events are handled: add its test"
