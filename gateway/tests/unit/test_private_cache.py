"""The private topics of the gateway's cache (``GET /me``, ``GET /tenants``; issue 18): an entry
is served only to the scope it was kept for, a fact about one user drops that user's entry only,
a tenant fact renews the topics, an answer fetched while a fact arrived is not kept, and the
private topics are on or off apart from the public ones. The broker listener is replaced by a
stand-in that is connected (its own behaviour is tested against RabbitMQ)."""

import uuid

import pytest

from gateway.public_cache import ACCOUNTS_TOPICS, PublicCache, RenderedPage
from platform_shared.contracts import accounts as events


class Connected:
    connected = True

    def ensure_started(self):
        pass

    def close(self):
        pass


def made(**options):
    cache = PublicCache("memory://", ttl=300, private=ACCOUNTS_TOPICS, **options)
    cache.listener = Connected()
    return cache


@pytest.fixture
def cache():
    return made()


def fact(event_type, **fields):
    return {"event_id": str(uuid.uuid4()), "event_type": event_type, "schema_version": 1, **fields}


def kept(cache, topic, key, body, scope=None):
    return cache.answer(topic, key, lambda: body, scope)


def test_an_answer_is_kept_with_an_etag_and_served_to_its_scope_only(cache):
    first = kept(cache, "me", "u1", '{"user": 1}', scope="t1")
    assert first.etag.startswith('"')
    assert cache.lookup("u1", "me", scope="t1").body == '{"user": 1}'
    assert cache.lookup("u1", "me", scope="t2") is None  # the same user named by another tenant's token
    assert cache.lookup("u2", "me", scope="t1") is None


def test_a_fact_about_one_user_drops_that_users_entry_only(cache):
    kept(cache, "me", "u1", "a", scope="t")
    kept(cache, "me", "u2", "b", scope="t")
    kept(cache, "tenants", ("*", ()), "list")
    for kind in (events.USER_UPDATED, events.USER_DEACTIVATED, events.USER_SESSIONS_REVOKED):
        kept(cache, "me", "u1", "a", scope="t")
        cache._heard(fact(kind, user_id="u1", tenant_id="t"))
        assert cache.lookup("u1", "me", scope="t") is None, kind
    assert cache.lookup("u2", "me", scope="t").body == "b"
    assert cache.lookup(("*", ()), "tenants").body == "list"


@pytest.mark.parametrize("kind", [events.TENANT_UPDATED, events.TENANT_MERGED, events.TENANT_SESSIONS_REVOKED])
def test_a_tenant_fact_renews_me_and_the_tenant_lists(cache, kind):
    kept(cache, "me", "u1", "a", scope="t")
    kept(cache, "tenants", ("tenant:t", ()), "list")
    cache._heard(fact(kind, tenant_id="t"))
    assert cache.lookup("u1", "me", scope="t") is None
    assert cache.lookup(("tenant:t", ()), "tenants") is None


def test_an_import_of_members_renews_me_and_not_the_tenant_lists(cache):
    kept(cache, "me", "u1", "a", scope="t")
    kept(cache, "tenants", ("*", ()), "list")
    cache._heard(fact(events.MEMBERS_IMPORTED, tenant_id="t"))
    assert cache.lookup("u1", "me", scope="t") is None
    assert cache.lookup(("*", ()), "tenants") is not None


def test_an_answer_fetched_while_a_fact_about_anyone_arrived_is_not_kept(cache):
    def load_while_a_user_changes():
        cache._heard(fact(events.USER_UPDATED, user_id="u9", tenant_id="t", changed=["full_name"]))
        return "stale?"

    assert cache.answer("me", "u1", load_while_a_user_changes, "t").body == "stale?"
    assert cache.lookup("u1", "me", scope="t") is None

    def load_while_a_tenant_changes():
        cache._heard(fact(events.TENANT_UPDATED, tenant_id="t"))
        return "stale?"

    cache.answer("tenants", ("*", ()), load_while_a_tenant_changes)
    assert cache.lookup(("*", ()), "tenants") is None


def test_public_facts_leave_the_private_topics_alone(cache):
    kept(cache, "me", "u1", "a", scope="t")
    cache._heard(fact("content.article_published"))
    assert cache.lookup("u1", "me", scope="t") is not None
    cache.invalidate(None)  # the listener reconnected: nothing is known
    assert cache.lookup("u1", "me", scope="t") is None


def test_the_private_topics_are_on_or_off_apart_from_the_public_ones():
    private_only = PublicCache("memory://", ttl=0, enabled=False, private=ACCOUNTS_TOPICS)
    bound = dict(private_only.listener.bindings)
    assert set(bound) == {"accounts.events"} and events.USER_UPDATED in bound["accounts.events"]
    private_only.listener = Connected()
    kept(private_only, "me", "u1", "a")
    assert private_only.lookup("u1", "me") is not None
    assert private_only.fetch("content", "k", lambda: "x") == "x" and private_only.lookup("k", "content") is None

    public_only = PublicCache("memory://", ttl=300)
    public_only.listener = Connected()
    assert kept(public_only, "me", "u1", "a").etag  # answered, with its ETag, but not kept
    assert public_only.lookup("u1", "me") is None
    public_only.page_store(("h", "/"), RenderedPage("<html/>", 'W/"x"', {}, "text/html", {"content": 0}))
    public_only.invalidate("me")  # a write through this process with the private topics off
    assert public_only.page_lookup(("h", "/")) is not None
