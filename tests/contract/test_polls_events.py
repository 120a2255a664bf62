"""polls → the gateway's cache of poll definitions: any ``polls.*`` fact drops the poll it
names (``DefinitionCache._on_event`` reads ``poll_id``, and drops every poll without one).
polls (its semiannual reports) → notifications: the reminder tells the tenant's administrators."""

import pytest

from platform_shared.contracts import polls as events
from platform_shared.contracts import reports as report_events
from platform_shared.testing.contracts import assert_consumer_reads, example, handlers_of

# notifications.domain._report_reminder
CONSUMERS = {
    ("notifications", "handle_report_reminder_due"): (
        report_events.REPORT_REMINDER_DUE,
        report_events.ReportReminderDue().load,
        {"needs": ("event_id", "tenant_id", "period", "period_label", "due_on")},
    ),
}


def test_every_handler_of_polls_events_is_in_the_table():
    assert handlers_of("polls") == {handler: row[0] for handler, row in CONSUMERS.items()}


@pytest.mark.parametrize("handler", sorted(CONSUMERS), ids=".".join)
def test_the_handler_reads_only_what_polls_sends(handler):
    event_type, load, reads = CONSUMERS[handler]
    assert_consumer_reads(example(event_type), load, consumer=".".join(handler), **reads)


@pytest.mark.parametrize("event_type", sorted(events.SCHEMAS))
def test_every_polls_fact_names_the_poll_the_gateway_drops(event_type):
    assert_consumer_reads(
        example(event_type),
        lambda payload: payload,  # the gateway reads the raw payload, with no schema
        consumer="gateway.intake.DefinitionCache",
        needs=("poll_id",),
    )


def test_the_public_cache_is_cleared_by_facts_polls_publishes():
    from gateway.public_cache import POLLS_INVALIDATING

    assert POLLS_INVALIDATING and set(POLLS_INVALIDATING) <= set(events.SCHEMAS)
