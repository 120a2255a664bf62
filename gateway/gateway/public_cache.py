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
first. Entries also expire after ``ttl`` seconds as a safety net.
"""

import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict

import amqp

from platform_shared.broker import amqp_params

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
    __slots__ = ("body", "etag", "generation", "stored_at")

    def __init__(self, body, etag, generation):
        self.body, self.etag, self.generation, self.stored_at = body, etag, generation, time.monotonic()


def etag_of(body):
    return '"' + hashlib.blake2b(body.encode(), digest_size=12).hexdigest() + '"'


class PublicCache:
    def __init__(self, amqp_uri, *, ttl=300.0, max_entries=5000, enabled=True):
        self.amqp_uri = amqp_uri
        self.ttl = ttl
        self.max_entries = max_entries
        self.enabled = enabled
        self.generation = 0
        self.connected = False
        self.invalidations = 0
        self.hits = 0
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self._listener = None
        self._stop = threading.Event()

    def _ensure_listener(self):
        if self._listener is None or not self._listener.is_alive():
            with self._lock:
                if self._listener is None or not self._listener.is_alive():
                    self._listener = threading.Thread(target=self._listen, name="public-cache", daemon=True)
                    self._listener.start()

    def lookup(self, key):
        """A fresh entry for ``key``, or None."""
        if not self.enabled:
            return None
        self._ensure_listener()
        if not self.connected:
            return None
        entry = self._entries.get(key)
        if entry is None or entry.generation != self.generation or time.monotonic() - entry.stored_at > self.ttl:
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
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return entry

    def invalidate(self):
        with self._lock:
            self.generation += 1
            self.invalidations += 1
            self._entries.clear()

    def close(self):
        self._stop.set()

    def _listen(self):
        backoff = 0.5
        while not self._stop.is_set():
            conn = None
            try:
                conn = amqp.Connection(connect_timeout=5, heartbeat=30, **amqp_params(self.amqp_uri))
                conn.connect()
                channel = conn.channel()
                channel.exchange_declare("content.events", "topic", durable=True, auto_delete=False)
                queue = f"gateway-public-cache-{uuid.uuid4().hex}"
                channel.queue_declare(queue, exclusive=True, auto_delete=True)
                for key in INVALIDATING:
                    channel.queue_bind(queue, "content.events", routing_key=key)
                channel.exchange_declare("feedback.events", "topic", durable=True, auto_delete=False)
                for key in FEEDBACK_INVALIDATING:
                    channel.queue_bind(queue, "feedback.events", routing_key=key)
                channel.basic_consume(queue, callback=lambda message: self.invalidate(), no_ack=True)
                self.invalidate()  # whatever happened while disconnected is unknown: start afresh
                self.connected = True
                backoff = 0.5
                while not self._stop.is_set():
                    try:
                        conn.drain_events(timeout=1)
                    except TimeoutError:
                        conn.heartbeat_tick()
            except Exception as exc:  # broker down or connection lost: serve uncached until back
                if self.connected:
                    log.warning("public cache listener lost the broker (%s); serving without cache", exc)
                self.connected = False
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                self.connected = False
                if conn is not None:
                    try:
                        conn.collect()
                    except Exception:
                        pass
