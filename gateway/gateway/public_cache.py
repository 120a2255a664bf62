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

The same machinery keeps two answers that are not public (issue 18), the *private topics*
(``ACCOUNTS_TOPICS``), switched on and off apart from the public ones (``ACCOUNTS_CACHE_TTL_SECONDS``):

* ``me``: ``GET /api/v1/me`` per user (the entry remembers the token's tenant, which the answer
  depends on too); a fact about one user (``accounts.user_updated``, ``user_deactivated``,
  ``user_sessions_revoked``) drops that user's entry only (``KEYED``), a fact about a tenant
  (renamed, merged, suspended, members imported) starts a new generation of the topic;
* ``tenants``: ``GET /api/v1/tenants`` per query and per what the actor may see; any tenant fact
  starts a new generation.

A fact heard while an answer was being fetched keeps that answer out of the cache (a whole-topic
fact by the generation, a keyed one by the topic's count of drops), as for the public topics.

Each lookup of an enabled cache is counted in ``platform_cache_requests_total{cache,result}``:
``cache="public"`` for the kept answers and data (``lookup``, ``fetch``), ``cache="accounts"`` for
the private topics, ``cache="pages"`` for
the rendered pages (``page_lookup``); a lookup while the listener is away is a miss.
"""

import hashlib
import logging
import threading

from cachetools import TTLCache

from platform_shared import metrics
from platform_shared.contracts import accounts as accounts_events
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

# What GET /me shows of a user and their tenant. The tenant facts renew the whole topic (they
# are rare, and which users a tenant holds is not known here); the user facts drop one entry.
TENANT_FACTS = (
    accounts_events.TENANT_CREATED,
    accounts_events.TENANT_UPDATED,  # renamed, re-parented, re-slugged, suspended
    accounts_events.TENANT_MERGED,  # its users moved to another tenant
    accounts_events.TENANT_SESSIONS_REVOKED,
)
USER_FACTS = (
    accounts_events.USER_UPDATED,  # name, phone, e-mail, unit, roles, status, last sign-in
    accounts_events.USER_DEACTIVATED,
    accounts_events.USER_SESSIONS_REVOKED,  # new roles, a deactivation, a new password
)
ME_INVALIDATING = (*TENANT_FACTS, accounts_events.MEMBERS_IMPORTED)  # an import edits members' accounts
# The private topics: topic -> (exchange, the facts that start a new generation of it).
ACCOUNTS_TOPICS = {
    "me": ("accounts.events", ME_INVALIDATING),
    "tenants": ("accounts.events", TENANT_FACTS),
}
# Facts that drop one entry of a topic instead: fact -> (topic, the entry's key in the fact).
KEYED = {fact: ("me", "user_id") for fact in USER_FACTS}


class Entry:
    __slots__ = ("body", "etag", "generation", "scope")

    def __init__(self, body, etag, generation, scope=None):
        self.body, self.etag, self.generation, self.scope = body, etag, generation, scope


def etag_of(body):
    return '"' + hashlib.blake2b(body.encode(), digest_size=12).hexdigest() + '"'


class RenderedPage:
    __slots__ = ("text", "etag", "headers", "mimetype", "generations")

    def __init__(self, text, etag, headers, mimetype, generations):
        self.text, self.etag, self.headers, self.mimetype = text, etag, headers, mimetype
        self.generations = generations


class PublicCache:
    def __init__(
        self,
        amqp_uri,
        *,
        ttl=300.0,
        max_entries=5000,
        enabled=True,
        topics=None,
        private=None,
        private_ttl=60.0,
        keyed=None,
    ):
        """``enabled`` and ``ttl`` are the public topics'; ``private`` (e.g. ``ACCOUNTS_TOPICS``, None:
        off) are kept ``private_ttl`` seconds, whether or not the public topics are on."""
        self.ttl = ttl
        self.max_entries = max_entries
        self.enabled = enabled
        public = dict(TOPICS if topics is None else topics)
        private = dict(private or {})
        self.topics = {**public, **private}
        self.private = set(private)
        self.live = (set(public) if enabled else set()) | set(private)  # the topics kept and listened for
        self.keyed = {fact: rule for fact, rule in (KEYED if keyed is None else keyed).items() if rule[0] in self.live}
        self._topics_of = {}
        for topic, (_, facts) in self.topics.items():
            if topic in self.live:
                for fact in facts:
                    self._topics_of.setdefault(fact, []).append(topic)
        self.generations = dict.fromkeys(self.topics, 0)
        self.drops = dict.fromkeys(self.topics, 0)  # entries dropped one by one (``KEYED``), per topic
        self.invalidations = 0
        self.hits = 0
        self._entries = {
            topic: TTLCache(maxsize=max_entries, ttl=max(private_ttl if topic in private else ttl, 0.001))
            for topic in self.topics
        }
        self._pages = TTLCache(maxsize=max_entries, ttl=max(ttl, 0.001))
        self.page_hits = 0
        self._lock = threading.Lock()
        bindings = {}
        for topic, (exchange, facts) in self.topics.items():
            if topic in self.live:
                bindings.setdefault(exchange, set()).update(facts)
        for fact in self.keyed:
            bindings.setdefault(fact.split(".", 1)[0] + ".events", set()).add(fact)
        self.listener = EventListener(
            amqp_uri,
            [(exchange, sorted(facts)) for exchange, facts in bindings.items()],
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
        kind = (payload or {}).get("event_type") if isinstance(payload, dict) else None
        rule = self.keyed.get(kind)
        if rule is not None:
            key = payload.get(rule[1])
            if isinstance(key, str) and key:
                self.drop(rule[0], key)
            else:
                self.invalidate(rule[0])
        topics = self._topics_of.get(kind)
        if topics:
            for topic in topics:
                self.invalidate(topic)
        elif rule is None:
            self.invalidate()  # an unreadable fact: every topic

    def lookup(self, key, topic="content", scope=None):
        """A fresh entry for ``key`` of ``topic`` kept for ``scope``, or None."""
        if topic not in self.live:
            return None
        self.listener.ensure_started()
        label = "accounts" if topic in self.private else "public"
        if not self.connected:
            metrics.cache_request(label, False)
            return None
        with self._lock:  # cachetools caches are not thread-safe (a lookup reorders them)
            entry = self._entries[topic].get(key)
        if entry is None or entry.generation != self.generations[topic] or entry.scope != scope:
            metrics.cache_request(label, False)
            return None
        self.hits += 1
        metrics.cache_request(label, True)
        return entry

    def generation_now(self, topic="content"):
        return self.generations[topic]

    def store(self, key, body, generation, topic="content", etag=True, *, drops=None, scope=None):
        """Keep ``body`` unless a fact of its topic was heard while it was being fetched (``drops``:
        the topic's ``drops`` then, for a topic with keyed facts)."""
        entry = Entry(body, etag_of(body) if etag else None, generation, scope)
        if topic not in self.live or not self.connected or generation != self.generations[topic]:
            return entry
        with self._lock:
            if generation == self.generations[topic] and (drops is None or drops == self.drops[topic]):
                self._entries[topic][key] = entry
        return entry

    def answer(self, topic, key, load, scope=None):
        """The entry of ``key`` for ``scope``, from the cache while fresh, else ``load()`` (the JSON
        text of the answer) kept with its ETag; an error ``load`` raises is never kept."""
        entry = self.lookup(key, topic, scope)
        if entry is not None:
            return entry
        generation, drops = self.generations.get(topic, 0), self.drops.get(topic, 0)
        return self.store(key, load(), generation, topic, drops=drops, scope=scope)

    def drop(self, topic, key):
        """Forget the entry of ``key`` of ``topic`` (a fact about it, or a write through this process)."""
        if topic not in self.live:
            return
        with self._lock:
            self.drops[topic] += 1
            self._entries[topic].pop(key, None)

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
        """A new generation of ``topic`` (None: of every topic; a topic this cache does not keep: nothing)."""
        if topic is not None and topic not in self.generations:
            return
        with self._lock:
            for name in list(self.generations) if topic is None else [topic]:
                self.generations[name] += 1
                self._entries[name].clear()
            self.invalidations += 1
            # A rendered page may read several topics: drop those that read this one.
            for key in list(self._pages):
                found = self._pages.get(key)
                if found is not None and (topic is None or topic in found.generations):
                    self._pages.pop(key, None)

    def close(self):
        self.listener.close()
