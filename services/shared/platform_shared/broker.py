"""Small kombu helpers used by the handlers and the operators' tools.

kombu only (no nameko): broker URIs, event exchanges, a confirmed publish straight to a
queue through kombu's producer pool. Connections, publishers and listeners of longer
life are in ``platform_shared.messaging``.
"""

import json
from urllib.parse import unquote, urlparse

from kombu import Exchange
from kombu.pools import producers

from platform_shared import messaging, retry

PERSISTENT = messaging.PERSISTENT
# A handler's re-publish or a replay: three more tries within about a second, then it raises.
PUBLISH_RETRY = retry.Backoff(0.2, 1.0)


def amqp_params(amqp_uri):
    """py-amqp connection arguments from an ``amqp://user:pass@host:port/vhost`` URI."""
    uri = urlparse(amqp_uri)
    vhost = unquote(uri.path[1:]) if uri.path and uri.path != "/" else "/"
    return {
        "host": f"{uri.hostname or '127.0.0.1'}:{uri.port or 5672}",
        "userid": unquote(uri.username or "guest"),
        "password": unquote(uri.password or "guest"),
        "virtual_host": vhost or "/",
    }


def event_exchange(service):
    """The exchange nameko's ``@event_handler`` consumes from for ``service``."""
    return Exchange(f"{service}.events", type="topic", durable=True, delivery_mode=PERSISTENT)


def confirmed_connection(amqp_uri, **kwargs):
    return messaging.connection(amqp_uri, confirm=True, attempts=kwargs.pop("attempts", 2), **kwargs)


def publish_to_queue(
    amqp_uri, queue_name, body, *, headers=None, content_type="application/json", content_encoding="utf-8"
):
    """Put one message on ``queue_name`` through the default exchange, confirmed."""
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    conn = confirmed_connection(amqp_uri)
    with producers[conn].acquire(block=True, timeout=10) as producer:
        producer.publish(
            body,
            exchange="",
            routing_key=queue_name,
            headers=headers or {},
            content_type=content_type,
            content_encoding=content_encoding,
            delivery_mode=PERSISTENT,
            retry=True,
            retry_policy={"max_retries": 3, **PUBLISH_RETRY.kombu()},
        )
