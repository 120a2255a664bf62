"""Poll responses at the gateway: checked against a cached definition, queued with a confirm.

``POST /api/v1/polls/{id}/responses`` must not cost an RPC or a database write per
request (DESIGN §3.4, §9). So each gunicorn worker keeps:

* a cache of poll definitions (``intake_definition`` of the polls service: state,
  window, questions, eligible tenants), each kept ``ttl`` seconds (a cachetools
  ``TTLCache``) and dropped at once when a ``polls.*`` event names the poll (the
  toolkit's ``EventListener`` on ``polls.events``, like ``public_cache``). While the
  listener is not connected nothing is served from the cache: every request asks the
  service (correctness first);
* one publisher for all its threads (``gateway.confirms.ConfirmPipeline``: one channel
  owned by an I/O thread, many publishes unconfirmed at once — the broker confirms them
  together): a response is published persistent and ``mandatory`` to the durable queue
  ``polls.responses`` and the request is answered ``202`` only once the broker confirms
  *that* message. A nack, a connection lost before the confirm, no confirm within
  ``confirm_timeout``, or a return (no queue) is a 503 — the member sends again; if a copy
  did reach the queue, the later one is recorded as a duplicate and never counted.
  Each confirmed response counts in ``platform_poll_intake_accepted_total``.

Receipts are signed tokens (itsdangerous): ``base64url(receipt id | poll id | member id) .
signature``. A valid receipt the consumer has not reached yet is ``accepted``; a forged
one, or someone else's, is 404. The key (``POLLS_RECEIPT_SECRET``) must be the same in
every gateway process: without it the gateway does not start.
"""

import hashlib
import logging
import threading
import uuid
from datetime import UTC, datetime

import orjson
from cachetools import TTLCache
from itsdangerous import BadData, Signer
from itsdangerous.encoding import base64_decode, base64_encode

from gateway import ids
from gateway.confirms import ConfirmPipeline
from platform_shared import metrics
from platform_shared.contracts.polls import RESPONSES_QUEUE
from platform_shared.errors import ConfigurationError, Unavailable
from platform_shared.messaging import EventListener

log = logging.getLogger("gateway.intake")

MAX_DEFINITIONS = 10_000


class _KeyOnceSigner(Signer):
    """itsdangerous derives the HMAC key from the secret and the salt on every sign and unsign (an
    HMAC of its own, about 40 % of signing a receipt on the vote's path): here once per key."""

    def derive_key(self, secret_key=None):
        secret = self.secret_keys[-1] if secret_key is None else secret_key
        derived = self.__dict__.setdefault("_derived", {})
        key = derived.get(secret)
        if key is None:
            key = derived[secret] = super().derive_key(secret_key)
        return key


class ReceiptSigner:
    def __init__(self, secret):
        if not secret:
            raise ConfigurationError(
                "POLLS_RECEIPT_SECRET is not set: poll receipts must be signed with one key shared by "
                "every gateway process (make run keeps one in var/; deploy: deploy/.env or the gateway secret)"
            )
        self._signer = _KeyOnceSigner(secret, salt="poll-receipt", key_derivation="hmac", digest_method=hashlib.sha256)

    def sign(self, receipt_id, poll_id, member_id):
        raw = receipt_id.bytes + poll_id.bytes + member_id.bytes
        return self._signer.sign(base64_encode(raw)).decode("ascii")

    def read(self, token):
        """(receipt id, poll id, member id) as strings, or None for anything not signed here."""
        if not token or len(token) > 200:
            return None
        try:
            raw = base64_decode(self._signer.unsign(token))
        except (BadData, ValueError, TypeError):
            return None
        if len(raw) != 48:
            return None
        return tuple(str(uuid.UUID(bytes=raw[i : i + 16])) for i in (0, 16, 32))


class DefinitionCache:
    """Poll definitions of this worker, dropped when a ``polls.*`` event names them."""

    def __init__(self, amqp_uri, fetch, *, ttl=30.0, enabled=True):
        self.fetch = fetch
        self.ttl = ttl
        self.enabled = enabled
        self.invalidations = 0
        self._items = TTLCache(maxsize=MAX_DEFINITIONS, ttl=max(ttl, 0.001))
        self._lock = threading.Lock()
        self.listener = EventListener(
            amqp_uri,
            [("polls.events", ["polls.#"])],
            self._on_event,
            name="gateway-poll-definitions",
            on_connect=self.drop,  # whatever happened while disconnected is unknown: start afresh
        )

    @property
    def connected(self):
        return self.listener.connected

    def get(self, poll_id):
        if self.enabled:
            self.listener.ensure_started()
        if self.enabled and self.connected:
            with self._lock:  # cachetools caches are not thread-safe
                hit = self._items.get(poll_id)
            if hit is not None:
                return hit
        started_generation = self.invalidations
        definition = _prepare(self.fetch(poll_id))
        if self.enabled and self.connected:
            with self._lock:
                if started_generation == self.invalidations:
                    self._items[poll_id] = definition
        return definition

    def drop(self, poll_id=None):
        with self._lock:
            self.invalidations += 1
            if poll_id is None:
                self._items.clear()
            else:
                self._items.pop(poll_id, None)

    def _on_event(self, payload):
        poll_id = payload.get("poll_id") if isinstance(payload, dict) else None
        self.drop(poll_id)

    def close(self):
        self.listener.close()


def _prepare(definition):
    definition = dict(definition)
    definition["_opens"] = datetime.fromisoformat(definition["opens_at"])
    definition["_closes"] = datetime.fromisoformat(definition["closes_at"])
    eligible = definition.get("eligible_tenants")
    definition["_eligible"] = None if eligible is None else frozenset(eligible)
    return definition


class PollIntake:
    """What the polls blueprint uses: ``definition(poll_id)``, ``submit(...)``, ``receipts``."""

    def __init__(self, amqp_uri, fetch, *, secret, ttl=30.0, confirm_timeout=5.0, queue=RESPONSES_QUEUE):
        self.amqp_uri = amqp_uri
        self.queue = queue
        self.confirm_timeout = confirm_timeout
        self.definitions = DefinitionCache(amqp_uri, fetch, ttl=ttl, enabled=ttl > 0)
        self.receipts = ReceiptSigner(secret)
        self.publisher = ConfirmPipeline(amqp_uri, declare_queues=[queue], confirm_timeout=confirm_timeout)

    def definition(self, poll_id):
        return self.definitions.get(poll_id)

    def submit(self, poll_id, actor, answers, now=None):
        """Queue one checked response; the signed receipt once the broker has confirmed it."""
        receipt_id, poll_uuid, member_uuid = ids.uuid4(), uuid.UUID(poll_id), uuid.UUID(actor["user_id"])
        body = orjson.dumps(  # UTF-8 bytes; ~100x the standard encoder on this message
            {
                "receipt": str(receipt_id),
                "poll_id": str(poll_uuid),
                "member_id": str(member_uuid),
                "tenant_id": actor["tenant_id"],
                "answers": answers,
                "received_at": (now or datetime.now(UTC)).isoformat(),
            }
        )
        try:
            queued = self.publisher.publish(body, routing_key=self.queue, message_id=str(receipt_id))
        except Exception as exc:
            log.warning("response not confirmed by the broker: %s", exc)
            raise _not_queued() from exc
        if not queued:
            log.warning("response returned by the broker: the queue %s does not exist", self.queue)
            raise _not_queued()
        metrics.poll_intake_accepted()
        return self.receipts.sign(receipt_id, poll_uuid, member_uuid)

    def close(self):
        self.definitions.close()
        self.publisher.close()


def _not_queued():
    return Unavailable(
        "Chưa ghi nhận được câu trả lời do hàng đợi tạm thời gián đoạn. Vui lòng gửi lại.",
        code="RESPONSE_NOT_QUEUED",
    )
