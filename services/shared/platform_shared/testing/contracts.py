"""Contract tests between a publisher and its consumers (``tests/contract/``).

A publisher's payload is what its contract documents and nothing else: ``outbox.add``
refuses any other (``contracts.check``). What every publisher is bound to send is therefore
the contract's *required* fields, which :func:`example` builds. :func:`assert_consumer_reads`
loads that payload the way a consumer's handler does and checks each field the handler reads:

* ``needs``: fields the handler cannot do without. Each must be in the payload itself, not
  null: a value a load default fills in does not count, since the publisher may leave it out;
* ``tolerates``: fields read with a fallback (``payload.get(...)``). Each must still be a field
  of the publisher's contract, or the consumer reads something no one sends any more.

So the check fails when a publisher drops, renames or stops requiring a field a consumer
needs. A path names a nested field: ``authors[].user_id`` is the ``user_id`` of every author.

:func:`handlers_of` lists the nameko handlers that subscribe to a publisher's events, so a
contract test can also check that its table of consumers is complete.
"""

import inspect
import uuid

from marshmallow import ValidationError, fields

from platform_shared import contracts

AT = "2026-11-20T03:00:00+00:00"


def example(event_type, **values):
    """The smallest payload the publisher of ``event_type`` may send (its contract's required
    fields, each with a typical value); ``values`` set or override fields. It passes the
    outbox's check, as any real payload must."""
    schema = contracts.contract_for(event_type)()
    payload = _required(schema) | {"event_type": event_type, "schema_version": 1} | values
    contracts.check(event_type, payload)
    return payload


def _required(schema):
    return {
        field.data_key or name: _value(name, field)
        for name, field in schema.fields.items()
        if field.required and not field.dump_only
    }


def _value(name, field):
    if isinstance(field, fields.Nested):
        return _required(field.schema)
    if isinstance(field, fields.List):
        return [_value(name.removesuffix("s"), field.inner)]
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, fields.Integer):
        return 1
    if name == "id" or name.endswith("_id"):
        return str(uuid.uuid4())
    if name.endswith("_at"):
        return AT
    return f"{name} (example)"


def assert_consumer_reads(payload, load, *, consumer, needs=(), tolerates=()):
    """``load(payload)`` (the consumer's schema, as its handler calls it) succeeds and every
    field in ``needs`` and ``tolerates`` is there for it (see the module's docstring)."""
    event_type = payload.get("event_type", "?")
    try:
        loaded = load(payload)
    except ValidationError as error:
        raise AssertionError(
            f"{consumer} cannot load the payload of {event_type} its publisher sends: {error.messages}"
        ) from None
    problems = []
    for need in needs:
        lacking = _missing(payload, need)
        problems += [f"{path} is not in the payload" for path in lacking]
        if not lacking:
            problems += [f"{path} is lost when the consumer loads the payload" for path in _missing(loaded, need)]
    contract = contracts.contract_for(event_type)() if event_type != "?" else None
    problems += [
        f"{path} (read with a fallback) is no field of the publisher's contract"
        for path in tolerates
        if contract is None or not _known(contract, path)
    ]
    if problems:
        raise AssertionError(
            f"{consumer} reads fields of {event_type} its publisher does not send: " + "; ".join(problems)
        )
    return loaded


def _missing(data, path):
    """The parts of ``path`` absent (or null) in ``data``, named in full."""
    head, _, rest = path.partition(".")
    many = head.endswith("[]")
    key = head.removesuffix("[]")
    if not isinstance(data, dict) or data.get(key) is None:
        return [path]
    if not rest:
        return []
    items = data[key] if many else [data[key]]
    if many and (not isinstance(items, list) or not items):
        return [f"{path} (no element to read it from)"]
    return sorted({f"{head}.{m}" for item in items for m in _missing(item, rest)})


def _known(schema, path):
    """True when ``path`` names a field of ``schema`` (through nested schemas and lists)."""
    head, _, rest = path.partition(".")
    field = schema.fields.get(head.removesuffix("[]"))
    if field is None:
        return False
    if not rest:
        return True
    if isinstance(field, fields.List):
        field = field.inner
    return isinstance(field, fields.Nested) and _known(field.schema, rest)


def handlers_of(publisher):
    """``{(service, method): event_type}`` of every nameko handler of ``publisher``'s events in
    the platform's services (the handlers' names are part of their queues' names)."""
    from nameko.events import EventHandler

    from platform_shared.manifest import manifests

    found = {}
    for manifest in manifests():
        for service_cls in manifest.classes():  # its other processes' too (media's worker)
            for name, method in inspect.getmembers(service_cls, inspect.isfunction):
                for entrypoint in getattr(method, "nameko_entrypoints", ()):
                    if isinstance(entrypoint, EventHandler) and entrypoint.source_service == publisher:
                        found[(manifest.name, name)] = entrypoint.event_type
    return found
