"""The shared errors survive the trip through nameko's RPC serialisation."""

import pytest
from nameko.exceptions import deserialize, serialize

from platform_shared import transport  # noqa: F401  (registers the classes)
from platform_shared.errors import ALL_ERRORS, InvalidInput, NotFound, RateLimited


@pytest.mark.parametrize("cls", ALL_ERRORS)
def test_every_shared_error_comes_back_as_itself(cls):
    original = cls("Thông điệp tiếng Việt.", code="SOME_CODE", details={"errors": {"x": ["sai"]}})
    rebuilt = deserialize(serialize(original))
    assert type(rebuilt) is cls
    assert (rebuilt.message, rebuilt.code, rebuilt.details) == (
        "Thông điệp tiếng Việt.",
        "SOME_CODE",
        {"errors": {"x": ["sai"]}},
    )


def test_field_error_names_the_field():
    error = InvalidInput.field("email", "E-mail không hợp lệ.")
    assert error.status == 422
    assert error.to_dict()["errors"] == {"email": ["E-mail không hợp lệ."]}


def test_not_found_names_the_kind_in_vietnamese():
    error = NotFound.of("unit", "abc")
    assert error.code == "UNIT_NOT_FOUND"
    assert "công đoàn cơ sở" in error.message


def test_rate_limited_carries_retry_after():
    assert RateLimited(details={"retry_after": 42}).retry_after == 42
