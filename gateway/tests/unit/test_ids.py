"""gateway.ids.uuid4: random version-4 UUIDs cut from a buffer of os.urandom bytes; a forked
process never hands out its parent's."""

import os
import uuid

from gateway import ids


def test_the_ids_are_random_version_4_uuids_never_repeated_across_refills():
    drawn = [ids.uuid4() for _ in range(3 * ids.CHUNK // 16 + 7)]  # three refills and then some
    assert len(set(drawn)) == len(drawn)
    assert {(u.version, u.variant) for u in drawn} == {(4, uuid.RFC_4122)}


def test_a_forked_child_draws_other_ids_than_its_parent():
    ids.uuid4()  # the parent's buffer holds ids not handed out yet
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next ids, to the parent
        try:
            os.write(write_end, b"".join(ids.uuid4().bytes for _ in range(8)))
        finally:
            os._exit(0)
    os.close(write_end)
    child = os.read(read_end, 8 * 16)
    os.close(read_end)
    os.waitpid(pid, 0)
    parent = [ids.uuid4().bytes for _ in range(8)]
    assert len(child) == 8 * 16
    assert not {child[i : i + 16] for i in range(0, len(child), 16)} & set(parent)
