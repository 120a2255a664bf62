"""The contract tests' checks (``platform_shared.testing.contracts``) fail when a publisher
drops, renames or stops requiring a field a consumer reads, and pass while it sends them."""

import pytest
from marshmallow import fields

from platform_shared import contracts
from platform_shared.contracts import EventSchema
from platform_shared.contracts import content as content_events
from platform_shared.testing.contracts import assert_consumer_reads, example

SCRATCH = "scratch.thing_happened"


class Person(contracts.Schema):
    user_id = fields.String(required=True)
    name = fields.String(allow_none=True, load_default=None)


class ThingHappened(EventSchema):
    thing_id = fields.String(required=True)
    count = fields.Integer(required=True)
    note = fields.String(load_default="")
    people = fields.List(fields.Nested(Person), required=True)


@pytest.fixture
def scratch(monkeypatch):
    """``scratch.thing_happened`` known to the contracts, for as long as the test runs."""
    contracts.contract_for(content_events.ARTICLE_PUBLISHED)  # the table is filled on first use
    monkeypatch.setitem(contracts._BY_TYPE, SCRATCH, ThingHappened)
    return ThingHappened


def reads(payload, **kw):
    return assert_consumer_reads(payload, ThingHappened().load, consumer="a consumer", **kw)


def test_the_example_is_the_required_fields_and_passes_the_outbox_check(scratch):
    payload = example(SCRATCH)
    assert set(payload) == {"event_id", "event_type", "occurred_at", "schema_version", "thing_id", "count", "people"}
    assert payload["event_type"] == SCRATCH and set(payload["people"][0]) == {"user_id"}
    contracts.check(SCRATCH, payload)
    with pytest.raises(contracts.ContractViolation):
        example(SCRATCH, unknown_field=1)  # nothing the contract does not document


def test_what_the_publisher_sends_passes(scratch):
    loaded = reads(
        example(SCRATCH), needs=("thing_id", "count", "people[].user_id"), tolerates=("note", "people[].name")
    )
    assert loaded["note"] == ""


def test_a_dropped_field_fails(scratch):
    payload = example(SCRATCH)
    del payload["count"]
    with pytest.raises(AssertionError, match="cannot load"):
        reads(payload, needs=("count",))


def test_a_field_the_publisher_may_leave_out_is_not_one_to_need(scratch):
    with pytest.raises(AssertionError, match="note is not in the payload"):
        reads(example(SCRATCH), needs=("note",))


def test_a_renamed_field_fails_for_the_consumer_that_reads_the_old_name(scratch):
    with pytest.raises(AssertionError, match="thing_ref is not in the payload"):
        reads(example(SCRATCH), needs=("thing_ref",))
    with pytest.raises(AssertionError, match="remark .* is no field of the publisher's contract"):
        reads(example(SCRATCH), tolerates=("remark",))


def test_a_field_of_every_element_of_a_list_is_checked(scratch):
    payload = example(SCRATCH)
    payload["people"] = [{"user_id": "u1"}, {"name": "Lê Ảnh"}]
    with pytest.raises(AssertionError, match=r"people\[\]\.user_id is not in the payload"):
        assert_consumer_reads(payload, lambda p: p, consumer="a consumer", needs=("people[].user_id",))
    with pytest.raises(AssertionError, match="no element"):
        reads(example(SCRATCH, people=[]), needs=("people[].user_id",))


def test_a_consumer_schema_that_wants_more_than_is_sent_fails(scratch):
    class Stricter(ThingHappened):
        colour = fields.String(required=True)

    with pytest.raises(AssertionError, match="colour"):
        assert_consumer_reads(example(SCRATCH), Stricter().load, consumer="a stricter consumer")


def test_a_real_contract_example_reads_as_its_consumers_expect():
    payload = example(content_events.ARTICLE_PUBLISHED)
    loaded = assert_consumer_reads(
        payload,
        content_events.ArticlePublished().load_fast,
        consumer="royalties",
        needs=("article_id", "authors[].share"),
        tolerates=("photo_credits[].name",),
    )
    assert loaded["asset_ids"] == payload["asset_ids"] != []  # required: the publisher promises it
