"""The rendered copies of readers' pages (``PublicCache.page_lookup``/``page_store``): kept while
every topic the page read is at the generation it was read at, dropped by a fact of any of them,
never kept when a fact arrived while the page was being built. The broker listener is replaced
by a stand-in that is connected (its own behaviour is tested against RabbitMQ)."""

import pytest

from gateway.public_cache import PublicCache, RenderedPage


class Connected:
    connected = True

    def ensure_started(self):
        pass

    def close(self):
        pass


@pytest.fixture
def cache():
    made = PublicCache("memory://", ttl=300)
    made.listener = Connected()
    return made


def rendered(cache, *topics, text="<html>trang</html>"):
    return RenderedPage(text, 'W/"x"', {}, "text/html", {t: cache.generation_now(t) for t in topics})


def test_a_kept_page_is_served_while_its_topics_are_unchanged(cache):
    cache.page_store(("h", "/tin-tuc?"), rendered(cache, "content"))
    found = cache.page_lookup(("h", "/tin-tuc?"))
    assert found is not None and found.text == "<html>trang</html>" and cache.page_hits == 1
    assert cache.page_lookup(("h", "/chuyen-de?")) is None


def test_a_fact_of_a_topic_the_page_read_drops_it_and_other_topics_do_not(cache):
    cache.page_store(("h", "/"), rendered(cache, "content", "polls"))
    cache.page_store(("h", "/hoi-dap?"), rendered(cache, "questions"))
    cache.invalidate("polls")
    assert cache.page_lookup(("h", "/")) is None
    assert cache.page_lookup(("h", "/hoi-dap?")) is not None
    cache.invalidate(None)  # the listener reconnected: nothing is known
    assert cache.page_lookup(("h", "/hoi-dap?")) is None


def test_a_page_built_while_a_fact_arrived_is_not_kept(cache):
    building = rendered(cache, "comments")
    cache.invalidate("comments")
    cache.page_store(("h", "/bai-viet/a?"), building)
    assert cache.page_lookup(("h", "/bai-viet/a?")) is None


def test_nothing_is_kept_or_served_while_the_listener_is_away(cache):
    cache.page_store(("h", "/"), rendered(cache, "content"))
    cache.listener.connected = False
    assert cache.page_lookup(("h", "/")) is None
    cache.page_store(("h", "/van-ban?"), rendered(cache, "content"))
    cache.listener.connected = True
    assert cache.page_lookup(("h", "/van-ban?")) is None
