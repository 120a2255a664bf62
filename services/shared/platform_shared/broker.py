"""Small kombu helpers used by the relay, the handlers and the operators' tools.

kombu only (no nameko): confirmed publishing to an exchange or straight to a queue.
"""

import json
from urllib.parse import unquote, urlparse

from kombu import Connection, Exchange
from kombu.pools import producers

PERSISTENT = 2


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
    return Connection(amqp_uri, transport_options={"confirm_publish": True}, **kwargs)


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
            retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5},
        )
