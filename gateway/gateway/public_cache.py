"""The gateway's cache of public reading paths, invalidated by publication events.

Portal pages, article lists, search and sub-sites must not cost an RPC per
request (DESIGN §9: the RPC hop bounds every path that needs one). Each gunicorn
worker keeps the JSON answers it served, keyed by path and query, each with an
ETag (a hash of the body). A consumer thread listens to ``content.events``
(``article_published``, ``article_unpublished``, ``article_corrected``,
``site_updated`` after a merge or a rename) on an
exclusive queue of its own; every such fact starts a new *generation*, and
entries of an older generation are not served again. While that listener is not
connected (broker restart), nothing is served from the cache — correctness
first. Entries also expire after ``ttl`` seconds as a safety net, and the least
recently used go first past ``max_entries`` (a cachetools ``TTLCache``). The listener
is the messaging toolkit's ``EventListener`` (kombu's ``ConsumerMixin``).
"""

import hashlib
import logging
import threading

from cachetools import TTLCache

from platform_shared.messaging import EventListener

log = logging.getLogger("gateway.cache")

INVALIDATING = (
    "content.article_published",
    "content.article_unpublished",
    "content.article_corrected",
    "content.site_updated",
)
# The public Q&A (GET /api/v1/public/questions) changes when an answer is published or withdrawn.
FEEDBACK_INVALIDATING = ("feedback.question_published", "feedback.question_unpublished")


class Entry:
    __slots__ = ("body", "etag", "generation")

    def __init__(self, body, etag, generation):
        self.body, self.etag, self.generation = body, etag, generation


def etag_of(body):
    return '"' + hashlib.blake2b(body.encode(), digest_size=12).hexdigest() + '"'


class PublicCache:
    def __init__(self, amqp_uri, *, ttl=300.0, max_entries=5000, enabled=True):
        self.ttl = ttl
        self.max_entries = max_entries
        self.enabled = enabled
        self.generation = 0
        self.invalidations = 0
        self.hits = 0
        self._entries = TTLCache(maxsize=max_entries, ttl=max(ttl, 0.001))
        self._lock = threading.Lock()
        self.listener = EventListener(
            amqp_uri,
            [("content.events", INVALIDATING), ("feedback.events", FEEDBACK_INVALIDATING)],
            lambda payload: self.invalidate(),
            name="gateway-public-cache",
            on_connect=self.invalidate,  # whatever happened while disconnected is unknown: start afresh
        )

    @property
    def connected(self):
        return self.listener.connected

    def lookup(self, key):
        """A fresh entry for ``key``, or None."""
        if not self.enabled:
            return None
        self.listener.ensure_started()
        if not self.connected:
            return None
        with self._lock:  # cachetools caches are not thread-safe (a lookup reorders them)
            entry = self._entries.get(key)
        if entry is None or entry.generation != self.generation:
            return None
        self.hits += 1
        return entry

    def generation_now(self):
        return self.generation

    def store(self, key, body, generation):
        """Keep ``body`` unless a publication happened while it was being fetched."""
        entry = Entry(body, etag_of(body), generation)
        if not self.enabled or not self.connected or generation != self.generation:
            return entry
        with self._lock:
            if generation == self.generation:
                self._entries[key] = entry
        return entry

    def invalidate(self):
        with self._lock:
            self.generation += 1
            self.invalidations += 1
            self._entries.clear()

    def close(self):
        self.listener.close()
