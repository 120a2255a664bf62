"""accounts → its consumers: the tenant events every service's tenant copy follows, the
merge the polls reports attribute figures by, and the ended sessions the gateway refuses.

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


# The gateway's table of ended sessions (gateway.revocations.RevocationTable.apply_event).
GATEWAY_SESSIONS = {
    events.USER_SESSIONS_REVOKED: (
        events.UserSessionsRevoked,
        {"needs": ("event_type", "user_id", "session_version", "revoked_at")},
    ),
    events.TENANT_SESSIONS_REVOKED: (
        events.TenantSessionsRevoked,
        {"needs": ("event_type", "tenant_id", "revoked_at")},
    ),
}


def test_the_gateway_listens_to_the_session_facts_accounts_publishes():
    from gateway.sessions import BINDINGS

    (exchange, keys), *others = BINDINGS
    assert (exchange, set(keys), others) == ("accounts.events", set(GATEWAY_SESSIONS), [])
    assert set(GATEWAY_SESSIONS) <= set(events.SCHEMAS)


@pytest.mark.parametrize("event_type", sorted(GATEWAY_SESSIONS))
def test_the_gateway_reads_only_what_accounts_sends_of_ended_sessions(event_type):
    from gateway.revocations import RevocationTable

    schema, reads = GATEWAY_SESSIONS[event_type]
    payload = example(event_type)
    assert_consumer_reads(payload, schema().load, consumer="gateway.sessions", **reads)
    assert RevocationTable(960).apply_event(payload)


# The gateway's cache of GET /me and GET /tenants (gateway.public_cache, issue 18): a user fact
# drops that user's entry by its user_id; the tenant facts renew the topics whatever they carry.
GATEWAY_CACHE_USER_FACTS = (events.USER_UPDATED, events.USER_DEACTIVATED, events.USER_SESSIONS_REVOKED)


def test_the_gateway_cache_listens_to_the_facts_that_change_me_and_the_tenant_lists():
    from gateway.public_cache import ACCOUNTS_TOPICS, KEYED

    heard = {fact for _, facts in ACCOUNTS_TOPICS.values() for fact in facts} | set(KEYED)
    assert heard <= set(events.SCHEMAS)
    assert {exchange for exchange, _ in ACCOUNTS_TOPICS.values()} == {"accounts.events"}
    assert set(KEYED) == set(GATEWAY_CACHE_USER_FACTS)
    assert {events.TENANT_UPDATED, events.TENANT_MERGED} <= set(ACCOUNTS_TOPICS["me"][1])
    assert {events.TENANT_CREATED, events.TENANT_UPDATED, events.TENANT_MERGED} <= set(ACCOUNTS_TOPICS["tenants"][1])


@pytest.mark.parametrize("event_type", sorted(GATEWAY_CACHE_USER_FACTS))
def test_the_gateway_cache_reads_only_what_accounts_sends_of_a_user(event_type):
    from gateway.public_cache import KEYED

    topic, key = KEYED[event_type]
    payload = example(event_type)
    schema = events.SCHEMAS[event_type]
    assert_consumer_reads(payload, schema().load, consumer="gateway.public_cache", needs=("event_type", key))
