"""Poll responses at the gateway: checked against a cached definition, queued with a confirm.

``POST /api/v1/polls/{id}/responses`` must not cost an RPC or a database write per
request (DESIGN §3.4, §9). So each gunicorn worker keeps:

* a cache of poll definitions (``intake_definition`` of the polls service: state,
  window, questions, eligible tenants), each kept ``ttl`` seconds and dropped at once
  when a ``polls.*`` event names the poll (a listener thread on ``polls.events``, like
  ``public_cache``). While the listener is not connected nothing is served from the
  cache: every request asks the service (correctness first);
* a py-amqp connection per thread whose channel is in confirm mode: a response is
  published persistent and ``mandatory`` to the durable queue ``polls.responses``
  and the request is answered ``202`` only once the broker confirms it. No confirm
  within ``confirm_timeout`` (or a nack, a return, a lost connection) is a 503 — the
  member sends again; if the first copy did reach the queue, the second is recorded
  as a duplicate and never counted.

Receipts are signed tokens: ``base64url(receipt id | poll id | member id) . HMAC``. A
valid receipt the consumer has not reached yet is ``accepted``; a forged one, or
someone else's, is 404. The key (``POLLS_RECEIPT_SECRET``) must be the same in every
gateway process.
"""

import base64
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
import uuid
from datetime import UTC, datetime

import amqp

from platform_shared.broker import amqp_params
from platform_shared.contracts.polls import RESPONSES_QUEUE
from platform_shared.errors import Unavailable

log = logging.getLogger("gateway.intake")

PERSISTENT = 2


class ReceiptSigner:
    def __init__(self, secret):
        if not secret:
            secret = secrets.token_hex(32)
            log.warning("POLLS_RECEIPT_SECRET is not set: receipts are valid in this process only")
        self._key = secret.encode() if isinstance(secret, str) else secret

    def _mac(self, raw):
        return hmac.new(self._key, b"poll-receipt:" + raw, hashlib.sha256).digest()[:16]

    def sign(self, receipt_id, poll_id, member_id):
        raw = receipt_id.bytes + poll_id.bytes + member_id.bytes
        return _b64(raw) + "." + _b64(self._mac(raw))

    def read(self, token):
        """(receipt id, poll id, member id) as strings, or None for anything not signed here."""
        try:
            body, _, mac = token.partition(".")
            raw, given = _unb64(body), _unb64(mac)
        except (ValueError, TypeError):
            return None
        if len(raw) != 48 or not hmac.compare_digest(given, self._mac(raw)):
            return None
        return tuple(str(uuid.UUID(bytes=raw[i : i + 16])) for i in (0, 16, 32))


def _b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text):
    if not text or len(text) > 200:
        raise ValueError("empty")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Publisher:
    """One connection and confirm-mode channel; used by one thread at a time."""

    def __init__(self, amqp_uri, *, queue, confirm_timeout):
        self.conn = amqp.Connection(connect_timeout=5, **amqp_params(amqp_uri))
        self.conn.connect()
        self.channel = self.conn.channel()
        self.channel.queue_declare(queue, durable=True, auto_delete=False)
        self.channel.confirm_select()
        self.channel.events["basic_return"].add(self._on_return)
        self.queue = queue
        self.confirm_timeout = confirm_timeout
        self.returned = False
        self.broken = False

    def _on_return(self, *args):
        self.returned = True

    def publish(self, body):
        self.returned = False
        message = amqp.Message(body, content_type="application/json", delivery_mode=PERSISTENT)
        try:
            self.channel.basic_publish_confirm(
                message, exchange="", routing_key=self.queue, mandatory=True, confirm_timeout=self.confirm_timeout
            )
        except Exception:
            self.broken = True
            raise
        if self.returned:
            raise amqp.exceptions.AMQPError("the responses queue does not exist")

    def close(self):
        try:
            self.conn.collect()
        except Exception:
            pass


class DefinitionCache:
    """Poll definitions of this worker, dropped when a ``polls.*`` event names them."""

    def __init__(self, amqp_uri, fetch, *, ttl=30.0, enabled=True):
        self.amqp_uri = amqp_uri
        self.fetch = fetch
        self.ttl = ttl
        self.enabled = enabled
        self.connected = False
        self.invalidations = 0
        self._items = {}
        self._lock = threading.Lock()
        self._listener = None
        self._stop = threading.Event()

    def get(self, poll_id):
        if self.enabled:
            self._ensure_listener()
        if self.enabled and self.connected:
            hit = self._items.get(poll_id)
            if hit is not None and time.monotonic() - hit[0] < self.ttl:
                return hit[1]
        started_generation = self.invalidations
        definition = _prepare(self.fetch(poll_id))
        if self.enabled and self.connected and started_generation == self.invalidations:
            with self._lock:
                self._items[poll_id] = (time.monotonic(), definition)
        return definition

    def drop(self, poll_id=None):
        with self._lock:
            self.invalidations += 1
            if poll_id is None:
                self._items.clear()
            else:
                self._items.pop(poll_id, None)

    def _on_event(self, message):
        try:
            poll_id = json.loads(message.body)["poll_id"]
        except (ValueError, KeyError, TypeError):
            poll_id = None
        self.drop(poll_id)

    def _ensure_listener(self):
        if self._listener is None or not self._listener.is_alive():
            with self._lock:
                if self._listener is None or not self._listener.is_alive():
                    self._listener = threading.Thread(target=self._listen, name="poll-definitions", daemon=True)
                    self._listener.start()

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
                channel.exchange_declare("polls.events", "topic", durable=True, auto_delete=False)
                queue = f"gateway-poll-definitions-{uuid.uuid4().hex}"
                channel.queue_declare(queue, exclusive=True, auto_delete=True)
                channel.queue_bind(queue, "polls.events", routing_key="polls.#")
                channel.basic_consume(queue, callback=self._on_event, no_ack=True)
                self.drop()  # whatever happened while disconnected is unknown: start afresh
                self.connected = True
                backoff = 0.5
                while not self._stop.is_set():
                    try:
                        conn.drain_events(timeout=1)
                    except TimeoutError:
                        conn.heartbeat_tick()
            except Exception as exc:
                if self.connected:
                    log.warning("poll definition listener lost the broker (%s); asking the service each time", exc)
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
        self._local = threading.local()
        self._all = []
        self._lock = threading.Lock()

    def definition(self, poll_id):
        return self.definitions.get(poll_id)

    def _publisher(self):
        publisher = getattr(self._local, "publisher", None)
        if publisher is None or publisher.broken:
            if publisher is not None:
                publisher.close()
            publisher = Publisher(self.amqp_uri, queue=self.queue, confirm_timeout=self.confirm_timeout)
            self._local.publisher = publisher
            with self._lock:
                self._all.append(publisher)
        return publisher

    def submit(self, poll_id, actor, answers, now=None):
        """Queue one checked response; the signed receipt once the broker has confirmed it."""
        receipt_id, poll_uuid, member_uuid = uuid.uuid4(), uuid.UUID(poll_id), uuid.UUID(actor["user_id"])
        body = json.dumps(
            {
                "receipt": str(receipt_id),
                "poll_id": str(poll_uuid),
                "member_id": str(member_uuid),
                "tenant_id": actor["tenant_id"],
                "answers": answers,
                "received_at": (now or datetime.now(UTC)).isoformat(),
            },
            ensure_ascii=False,
        )
        try:
            self._publisher().publish(body)
        except Exception as exc:
            log.warning("response not confirmed by the broker: %s", exc)
            raise Unavailable(
                "Chưa ghi nhận được câu trả lời do hàng đợi tạm thời gián đoạn. Vui lòng gửi lại.",
                code="RESPONSE_NOT_QUEUED",
            ) from exc
        return self.receipts.sign(receipt_id, poll_uuid, member_uuid)

    def close(self):
        self.definitions.close()
        with self._lock:
            for publisher in self._all:
                publisher.close()
            self._all.clear()
