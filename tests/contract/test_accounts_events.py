"""accounts → its consumers: the tenant events every service's tenant copy follows, and the
merge the polls reports attribute figures by.

One row per handler, with the fields it reads; ``platform_shared.testing.contracts`` says how
they are checked against what accounts is bound to send. When a handler starts reading
another field, add it to its row."""

import pytest

from platform_shared.contracts import accounts as events
from platform_shared.testing.contracts import assert_consumer_reads, example, handlers_of

# The shared tenant copy (platform_shared.tenant_directory: TenantDirectory.apply and
# record_merge) is what content, feedback, polls and royalties run for these events.
TENANT_COPIES = ("content", "feedback", "polls", "royalties")
APPLY = {"needs": ("event_id", "tenant_id", "code", "name"), "tolerates": ("slug", "kind", "parent_id", "status")}
MERGE = {"needs": ("event_id", "tenant_id", "into_tenant_id"), "tolerates": ("merged_at",)}

CONSUMERS = {
    **{(s, "handle_tenant_created"): (events.TENANT_CREATED, events.TenantCreated, APPLY) for s in TENANT_COPIES},
    **{(s, "handle_tenant_updated"): (events.TENANT_UPDATED, events.TenantUpdated, APPLY) for s in TENANT_COPIES},
    **{(s, "handle_tenant_merged"): (events.TENANT_MERGED, events.TenantMerged, MERGE) for s in TENANT_COPIES},
    # polls.reports: Reports.record_merge dates the merge and moves drafts by tenant
    ("polls", "handle_tenant_merged_for_reports"): (
        events.TENANT_MERGED,
        events.TenantMerged,
        {"needs": ("event_id", "tenant_id", "into_tenant_id", "merged_at")},
    ),
}


def test_every_handler_of_accounts_events_is_in_the_table():
    assert handlers_of("accounts") == {handler: row[0] for handler, row in CONSUMERS.items()}


@pytest.mark.parametrize("handler", sorted(CONSUMERS), ids=".".join)
def test_the_handler_reads_only_what_accounts_sends(handler):
    event_type, schema, reads = CONSUMERS[handler]
    assert_consumer_reads(example(event_type), schema().load, consumer=".".join(handler), **reads)
