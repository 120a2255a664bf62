"""The gateway's cache of public reading paths, invalidated by the facts that change them.

Portal pages, article lists, search, sub-sites, published Q&A and poll results must not
cost an RPC per request (DESIGN §9: the RPC hop bounds every path that needs one). Each
gunicorn worker keeps what it fetched, keyed by *topic* and key:

* the JSON API keeps the answer's text with an ETag (a hash of the body);
* the web pages keep the decoded answer (``fetch``) and render it per request, so a page can
  carry the visitor's own parts (the signed-in name, a form's CSRF token) around shared data;
* a page that every anonymous visitor sees alike is also kept rendered (``page_lookup`` /
  ``page_store``), with the generation of each topic it read: it is served again, or answered
  304, without running the view or the template until a fact of one of those topics is heard.

A consumer thread listens to the facts of each topic (``TOPICS``: content's publications and
documents, the published Q&A, the visible comments, the polls) on an exclusive queue
of its own; a fact starts a new *generation* of its topic, and entries of an older
generation are not served again — a new comment clears the comments, not every article.
While the listener is not connected (broker restart), nothing is served from the cache:
correctness first. Entries also expire after ``ttl`` seconds as a safety net, and the
least recently used go first past ``max_entries`` (a cachetools ``TTLCache``). The
listener is the messaging toolkit's ``EventListener`` (kombu's ``ConsumerMixin``).

Each lookup of an enabled cache is counted in ``platform_cache_requests_total{cache,result}``:
``cache="public"`` for the kept answers and data (``lookup``, ``fetch``), ``cache="pages"`` for
the rendered pages (``page_lookup``); a lookup while the listener is away is a miss.
"""

import hashlib
import logging
import threading

from cachetools import TTLCache

from platform_shared import metrics
from platform_shared.messaging import EventListener

log = logging.getLogger("gateway.cache")

INVALIDATING = (
    "content.article_published",
    "content.article_unpublished",
    "content.article_corrected",
    "content.site_updated",
    "content.document_published",
)
# The public Q&A (GET /api/v1/public/questions) changes when an answer is published or withdrawn.
FEEDBACK_INVALIDATING = ("feedback.question_published", "feedback.question_unpublished")
# The visible comments of an article (and what its comment form is told) change with these.
COMMENTS_INVALIDATING = ("feedback.comments_changed",)
# The polls a visitor sees and their published results.
POLLS_INVALIDATING = ("polls.poll_opened", "polls.poll_changed", "polls.poll_closed", "polls.results_published")

# topic -> (exchange, the facts that start a new generation of it)
TOPICS = {
    "content": ("content.events", INVALIDATING),
    "questions": ("feedback.events", FEEDBACK_INVALIDATING),
    "comments": ("feedback.events", COMMENTS_INVALIDATING),
    "polls": ("polls.events", POLLS_INVALIDATING),
}


class Entry:
    __slots__ = ("body", "etag", "generation")

    def __init__(self, body, etag, generation):
        self.body, self.etag, self.generation = body, etag, generation


def etag_of(body):
    return '"' + hashlib.blake2b(body.encode(), digest_size=12).hexdigest() + '"'


class RenderedPage:
    __slots__ = ("text", "etag", "headers", "mimetype", "generations")

    def __init__(self, text, etag, headers, mimetype, generations):
        self.text, self.etag, self.headers, self.mimetype = text, etag, headers, mimetype
        self.generations = generations


class PublicCache:
    def __init__(self, amqp_uri, *, ttl=300.0, max_entries=5000, enabled=True, topics=None):
        self.ttl = ttl
        self.max_entries = max_entries
        self.enabled = enabled
        self.topics = dict(TOPICS if topics is None else topics)
        self._topic_of = {fact: topic for topic, (_, facts) in self.topics.items() for fact in facts}
        self.generations = dict.fromkeys(self.topics, 0)
        self.invalidations = 0
        self.hits = 0
        self._entries = TTLCache(maxsize=max_entries, ttl=max(ttl, 0.001))
        self._pages = TTLCache(maxsize=max_entries, ttl=max(ttl, 0.001))
        self.page_hits = 0
        self._lock = threading.Lock()
        bindings = {}
        for exchange, facts in self.topics.values():
            bindings.setdefault(exchange, []).extend(facts)
        self.listener = EventListener(
            amqp_uri,
            list(bindings.items()),
            self._heard,
            name="gateway-public-cache",
            on_connect=self.invalidate,  # whatever happened while disconnected is unknown: start afresh
        )

    @property
    def generation(self):
        """The sum of every topic's generation: it changes whenever anything is invalidated."""
        return sum(self.generations.values())

    @property
    def connected(self):
        return self.listener.connected

    def _heard(self, payload):
        topic = self._topic_of.get((payload or {}).get("event_type"))
        self.invalidate(topic)  # an unreadable fact: every topic

    def lookup(self, key, topic="content"):
        """A fresh entry for ``key`` of ``topic``, or None."""
        if not self.enabled:
            return None
        self.listener.ensure_started()
        if not self.connected:
            metrics.cache_request("public", False)
            return None
        with self._lock:  # cachetools caches are not thread-safe (a lookup reorders them)
            entry = self._entries.get((topic, key))
        if entry is None or entry.generation != self.generations[topic]:
            metrics.cache_request("public", False)
            return None
        self.hits += 1
        metrics.cache_request("public", True)
        return entry

    def generation_now(self, topic="content"):
        return self.generations[topic]

    def store(self, key, body, generation, topic="content", etag=True):
        """Keep ``body`` unless a fact of its topic was heard while it was being fetched."""
        entry = Entry(body, etag_of(body) if etag else None, generation)
        if not self.enabled or not self.connected or generation != self.generations[topic]:
            return entry
        with self._lock:
            if generation == self.generations[topic]:
                self._entries[(topic, key)] = entry
        return entry

    def fetch(self, topic, key, load):
        """The value of ``load()`` for ``key``, from the cache while fresh (the web pages' data)."""
        entry = self.lookup(key, topic)
        if entry is not None:
            return entry.body
        generation = self.generation_now(topic)
        return self.store(key, load(), generation, topic, etag=False).body

    def page_lookup(self, key):
        """The rendered page kept for ``key`` while every topic it read is still at the same generation."""
        if not self.enabled:
            return None
        self.listener.ensure_started()
        if not self.connected:
            metrics.cache_request("pages", False)
            return None
        with self._lock:
            found = self._pages.get(key)
        if found is None or any(self.generations.get(t) != g for t, g in found.generations.items()):
            metrics.cache_request("pages", False)
            return None
        self.page_hits += 1
        metrics.cache_request("pages", True)
        return found

    def page_store(self, key, rendered):
        """Keep a rendered page unless a fact of a topic it read was heard while it was being built."""
        if not self.enabled or not self.connected:
            return
        with self._lock:
            if all(self.generations.get(t) == g for t, g in rendered.generations.items()):
                self._pages[key] = rendered

    def invalidate(self, topic=None):
        """A new generation of ``topic`` (None: of every topic)."""
        with self._lock:
            for name in [topic] if topic in self.generations else list(self.generations):
                self.generations[name] += 1
            self.invalidations += 1
            stale = [key for key in self._entries if topic is None or key[0] == topic]
            for key in stale:
                del self._entries[key]
            # A rendered page may read several topics: drop those that read this one.
            for key in list(self._pages):
                found = self._pages.get(key)
                if found is not None and (topic is None or topic in found.generations):
                    self._pages.pop(key, None)

    def close(self):
        self.listener.close()
