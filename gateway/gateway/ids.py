"""Random UUIDs (version 4) cut from a buffer of ``os.urandom`` bytes, for the per-request ids.

Why: ``uuid.uuid4()`` reads 16 bytes with a ``getrandom`` system call, and CPython releases the
GIL around it: with sixteen connections another request thread takes the interpreter and this
one queues for it again. A poll response made three (its request id, its receipt, the message
id of its publish; issue 18). Here one call reads 4 KiB: 256 ids.

The bytes come from the same source as ``uuid4``'s, so the ids are as unpredictable; a forked
child (a gunicorn worker) drops what its parent had read, so two processes never hand out the
same ones.
"""

import os
import threading
import uuid

CHUNK = 4096  # bytes read at once: 256 ids


class _Pool:
    def __init__(self):
        self.start_afresh()

    def start_afresh(self):  # at import, and in a forked child (whose copy of the lock may be held)
        self.lock = threading.Lock()
        self.buffer, self.position = b"", 0

    def take(self):
        with self.lock:
            position = self.position
            if position + 16 > len(self.buffer):
                self.buffer, position = os.urandom(CHUNK), 0
            self.position = position + 16
            return self.buffer[position : position + 16]


_pool = _Pool()
os.register_at_fork(after_in_child=_pool.start_afresh)


def uuid4():
    """A random UUID, as ``uuid.uuid4()``."""
    return uuid.UUID(bytes=_pool.take(), version=4)
