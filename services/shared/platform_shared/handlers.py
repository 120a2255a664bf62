"""Event handlers that never drop an event.

``@handle_event("content", "content.article_published")`` replaces nameko's
``@event_handler``. On success the message is acked; on an error it is
re-published to the handler's own queue with an attempt counter (after a short
backoff) and, once ``EVENT_MAX_ATTEMPTS`` (config, default 5) is reached, it is
*parked* in the service's ``parked_event`` table where an operator can see it
and replay it. If parking itself fails (database down), the message is
requeued — never acked and lost.

Idempotency stays the handler's job: it opens a transaction and calls
``inbox.seen(session, "<handler name>", event["event_id"])`` first.
"""

import json
import logging
import traceback

import eventlet
from nameko.events import EventHandler

from platform_shared import broker, metrics, parking, retry
from platform_shared.dependencies import sessions_of

log = logging.getLogger(__name__)

ATTEMPTS_HEADER = "x-platform-attempts"
DEFAULT_MAX_ATTEMPTS = 5


class ReliableEventHandler(EventHandler):
    def __init__(self, source_service, event_type, **kwargs):
        # The routing key on the wire is the full event type, e.g. "accounts.tenant_created".
        kwargs.setdefault("requeue_on_error", False)
        super().__init__(source_service, event_type, **kwargs)

    @property
    def handler_name(self):
        return self.method_name

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return result, exc_info
        try:
            self._retry_or_park(message, worker_ctx, exc_info)
        except Exception:
            log.exception("could not retry or park an event of %s; requeueing it", self.method_name)
            eventlet.sleep(1.0)
            self.queue_consumer.requeue_message(message)
            return result, exc_info
        self.queue_consumer.ack_message(message)
        return result, exc_info

    def _retry_or_park(self, message, worker_ctx, exc_info):
        config = self.container.config
        max_attempts = int(config.get("EVENT_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
        headers = dict(message.headers or {})
        attempts = int(headers.get(ATTEMPTS_HEADER, 0)) + 1
        payload = worker_ctx.args[0] if worker_ctx.args else None
        error = "".join(traceback.format_exception(*exc_info))
        if attempts < max_attempts:
            delay = retry.Backoff(float(config.get("EVENT_RETRY_BASE_DELAY", 0.2)), 30.0).delay(attempts)
            log.warning(
                "handler %s failed (attempt %d/%d), retrying in %.1fs: %s",
                self.method_name,
                attempts,
                max_attempts,
                delay,
                exc_info[1],
            )
            eventlet.sleep(delay)
            headers[ATTEMPTS_HEADER] = attempts
            broker.publish_to_queue(
                config["AMQP_URI"],
                self.queue.name,
                message.body,
                headers=headers,
                content_type=message.content_type,
                content_encoding=message.content_encoding,
            )
            metrics.handler_delivery(self.container.service_name, self.method_name, "retry")
            return
        with sessions_of(self.container).transaction() as session:
            parked_id = parking.park(
                session,
                handler=self.method_name,
                queue=self.queue.name,
                event_type=self.event_type,
                payload=_jsonable(payload, message),
                error=error,
                attempts=attempts,
            )
        metrics.handler_delivery(self.container.service_name, self.method_name, "parked")
        log.error("handler %s gave up after %d attempts; event parked as #%s", self.method_name, attempts, parked_id)


def _jsonable(payload, message):
    if isinstance(payload, dict):
        return payload
    try:
        return json.loads(message.body)
    except Exception:
        return {"raw": str(message.body)}


handle_event = ReliableEventHandler.decorator


def replay(sessions, amqp_uri, parked_id):
    """Put a parked event back on its handler's queue with a fresh attempt count."""
    with sessions.transaction() as session:
        item = parking.take_for_replay(session, parked_id)
        # Published inside the transaction: if the publish fails the row stays open.
        broker.publish_to_queue(amqp_uri, item["queue"], item["payload"])
    return item
