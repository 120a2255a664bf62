"""``EventSchema.load_fast`` gives what ``load`` gives, for every contract and any payload.

Payloads are drawn from each schema's own fields, at several levels of noise: every
value canonical (the fast path), or some keys dropped, set to None, given a wrong type
or another type marshmallow converts (a number as text, 3.0, "true"), extra keys. For each, either both loads return the same dict or
both raise marshmallow's ``ValidationError``.
"""

import importlib
import inspect
import pkgutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError, fields

import platform_shared.contracts as contracts
from platform_shared.contracts import EventSchema


def _schemas():
    found = {}
    for module in pkgutil.iter_modules(contracts.__path__):
        loaded = importlib.import_module(f"platform_shared.contracts.{module.name}")
        for name, value in vars(loaded).items():
            if inspect.isclass(value) and issubclass(value, EventSchema) and value is not EventSchema:
                found[f"{module.name}.{name}"] = value
    return found


SCHEMAS = _schemas()

text = st.text(alphabet="aăâđeêoôơuưy 0123456789-:TZ", max_size=12)
wrong = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False), text, st.just([]), st.just({})
)


def _alternative(field):
    """A value of another type that marshmallow may still accept (converting it) or refuse."""
    if isinstance(field, fields.Integer):
        return st.one_of(st.integers(0, 99).map(str), st.just(3.0), st.just(2.5), st.booleans())
    if isinstance(field, fields.Boolean):
        return st.sampled_from(["true", "false", 1, 0, "yes"])
    if isinstance(field, fields.String):
        return st.sampled_from([b"bytes", 5])
    return wrong


def _good(data, field, noise):
    if isinstance(field, fields.Nested):
        return _draw(data, field.schema, noise)
    if isinstance(field, fields.List):
        return [_maybe(data, field.inner, noise) for _ in range(data.draw(st.integers(0, 3)))]
    if isinstance(field, fields.Boolean):
        return data.draw(st.booleans())
    if isinstance(field, fields.Integer):
        return data.draw(st.integers(-(2**40), 2**40))
    return data.draw(text)


_ABSENT = object()


def _maybe(data, field, noise):
    """Mostly a canonical value; with probability ``noise`` absent, None/wrong, or another type."""
    roll = data.draw(st.floats(0, 1))
    if roll < noise / 3:
        return _ABSENT
    if roll < 2 * noise / 3:
        return data.draw(wrong)
    if roll < noise:
        return data.draw(_alternative(field))
    return _good(data, field, noise)


def _draw(data, schema, noise):
    payload = {}
    for name, field in schema.fields.items():
        value = _maybe(data, field, noise)
        if value is not _ABSENT:
            payload[field.data_key or name] = value
    if data.draw(st.floats(0, 1)) < noise:
        payload["x_future_field"] = data.draw(text)
    return payload


def _both(schema, payload):
    try:
        expected = ("ok", schema.load(payload))
    except ValidationError:
        expected = ("invalid", None)
    try:
        got = ("ok", schema.load_fast(payload))
    except ValidationError:
        got = ("invalid", None)
    return expected, got


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_load_fast_agrees_with_load(name):
    schema = SCHEMAS[name]()

    @settings(max_examples=80, deadline=None, database=None)
    @given(st.data())
    def check(data):
        payload = _draw(data, schema, data.draw(st.sampled_from([0.0, 0.03, 0.1, 0.4])))
        expected, got = _both(schema, payload)
        assert got == expected, payload

    check()


def test_every_contract_takes_the_fast_path():
    """The plan covers every contract today; a new field type would silently fall back to ``load``."""
    from platform_shared.contracts import _UNSUPPORTED, _plan_of

    slow = [name for name, cls in SCHEMAS.items() if _plan_of(cls()) in (None, _UNSUPPORTED)]
    assert slow == []


def test_a_payload_missing_a_required_field_raises_the_usual_error():
    from platform_shared.contracts.content import ArticlePublished

    with pytest.raises(ValidationError) as raised:
        ArticlePublished().load_fast({"event_id": "e1"})
    assert "article_id" in raised.value.messages


def test_an_instance_with_options_loads_as_marshmallow_does():
    from marshmallow import RAISE

    payload = {"event_id": "e1", "event_type": "accounts.tenant_created", "occurred_at": "t", "schema_version": 1}
    assert EventSchema().load_fast(payload | {"extra": 1}) == payload  # the class's plan, built and used
    assert EventSchema(only=("event_id",)).load_fast(payload) == {"event_id": "e1"}
    with pytest.raises(ValidationError):
        EventSchema(unknown=RAISE).load_fast(payload | {"extra": 1})
