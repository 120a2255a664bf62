"""Declares a service's event queues ahead of time.

RabbitMQ drops a message that no queue is bound to. ``declare_event_queues``
builds the service's container (without starting it) and declares the durable
queue of every event handler with nameko's own naming, so events published
before the consumer first starts wait in its queue. ``platform migrate`` calls it.
"""

from kombu import Connection
from nameko.containers import ServiceContainer
from nameko.events import EventHandler


def event_queues(service_cls, config):
    """The kombu queues nameko would declare for the service's event handlers."""
    container = ServiceContainer(service_cls, config)
    queues = []
    for entrypoint in container.entrypoints:
        if isinstance(entrypoint, EventHandler):
            entrypoint.setup()
            queues.append(entrypoint.queue)
    return queues


def declare_event_queues(service_cls, config):
    """Declare (idempotently) every event queue of ``service_cls``; returns their names."""
    queues = event_queues(service_cls, config)
    if not queues:
        return []
    with Connection(config["AMQP_URI"]) as conn:
        channel = conn.channel()
        for queue in queues:
            queue.bind(channel).declare()
        channel.close()
    return [q.name for q in queues]
