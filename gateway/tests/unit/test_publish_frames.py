"""The confirmed publisher packs a publish's frames itself (gateway.confirms.publish_frames): the
bytes must be py-amqp's own for the same message."""

import amqp
import pytest
from amqp import spec
from amqp.method_framing import frame_writer
from amqp.serialization import dumps

from gateway.confirms import PERSISTENT, publish_frames


class _Connection:
    frame_max = 131072
    bytes_sent = 0


class _Transport:
    def __init__(self):
        self.written = b""

    def write(self, data):
        self.written += bytes(data)


def amqp_frames(channel_id, exchange, routing_key, body, content_type, content_encoding, message_id):
    transport = _Transport()
    write = frame_writer(_Connection(), transport)
    message = amqp.Message(
        body,
        delivery_mode=PERSISTENT,
        content_type=content_type,
        content_encoding=content_encoding,
        message_id=message_id,
    )
    write(1, channel_id, spec.Basic.Publish, dumps("Bssbb", (0, exchange, routing_key, True, False)), message)
    return transport.written


@pytest.mark.parametrize(
    ("channel_id", "exchange", "routing_key", "body"),
    [
        (1, "", "polls.responses", b'{"answers": {"q1": "o2"}}'),
        (7, "polls.events", "polls.response_recorded", "Trưng cầu ý kiến đoàn viên".encode() * 40),
        (1, "", "q", b""),
    ],
)
def test_the_frames_are_py_amqps_own(channel_id, exchange, routing_key, body):
    args = (
        channel_id,
        exchange,
        routing_key,
        body,
        "application/json",
        "utf-8",
        "6f1c0c3e-5a4b-4d2e-9d1e-2b7f0a1c9e88",
    )
    assert publish_frames(*args, _Connection.frame_max) == amqp_frames(*args)


def test_a_body_over_one_frame_is_left_to_py_amqp():
    body = b"x" * 200_000
    assert publish_frames(1, "", "q", body, "application/json", "utf-8", "id", 131072) is None
