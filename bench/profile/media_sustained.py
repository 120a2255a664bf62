"""Where a photo upload's throughput goes (issue 18): long runs, with the media worker and without it.

    .venv/bin/python bench/profile/media_sustained.py            # 120 photos a phase, two passes
    PHOTOS=200 PASSES=1 MEDIA_WORKER_IDLE_IMAGES=false .venv/bin/python bench/profile/media_sustained.py
    NEIGHBOUR=1 .venv/bin/python bench/profile/media_sustained.py  # and a fourth phase (below)

``make bench`` (scenario 2) times rounds of 23 photos, about a second each: right for a figure
beside its baseline, too short to see how the processes share the machine. This script starts
the same processes the same way (bench/media_bench.py) and, for 1 and for 4 clients, runs three
phases (four with ``NEIGHBOUR=1``) of ``PHOTOS`` fresh 1 MB photos each, one after the other:

* ``raw``: ``put_object`` of the photos to the same S3 server (the scenario's baseline);
* ``uploads``: the photos through the gateway, the media relay and worker running as in
  production (the renditions are made meanwhile);
* ``worker held``: the same with the media worker stopped (``SIGSTOP``) for the phase and let go
  after it — the upload's request path alone, its renditions made afterwards;
* ``held + idle`` (with ``NEIGHBOUR=1``): the worker held again, while another process makes the
  same renditions (``media.imaging.renditions`` of a bench photo, over and over) under
  ``SCHED_IDLE``. It tells whether what the renditions cost the uploads comes from the worker or
  from any idle-priority image work on this machine: the worker makes its renditions at that
  priority too.

Each phase prints MB/s, how busy the machine was (100 % a core: of 200 % here, from ``/proc/stat``)
and the CPU each process spent per photo during the phase (a worker's backlog finished after it
is not counted: this is how the processes shared the machine, not what a photo costs; the
scenario's figure has that). Settings of the processes come from the environment
(``MEDIA_WORKER_NICE``, ``MEDIA_WORKER_IDLE_IMAGES``...). The machine may be shared: compare
phases of one run, not runs of different days.
"""

import contextlib
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH))

import media_bench as scenario  # noqa: E402
from common import Processes, say  # noqa: E402

PHOTOS = int(os.environ.get("PHOTOS", "120"))
PASSES = int(os.environ.get("PASSES", "2"))
NEIGHBOUR = os.environ.get("NEIGHBOUR", "") not in ("", "0")
# The media worker's image work, alone, at idle priority, for as long as it runs.
IDLE_RENDITIONS = """
import io, os, sys
sys.path.insert(0, sys.argv[1])
from PIL import Image
from media import imaging
from media_bench import photos
os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
photo = photos(1)[0]
size = Image.open(io.BytesIO(photo)).size
names = [n for n, _ in imaging.RENDITIONS if n not in imaging.reuses_original(*size)]  # what the worker makes
print("ready", flush=True)
while True:
    imaging.renditions(photo, "jpeg", names, max_pixels=60_000_000)
"""


@contextlib.contextmanager
def idle_neighbour(wanted):
    """Inside the block, a process making renditions under ``SCHED_IDLE`` (when ``wanted``)."""
    if not wanted:
        yield
        return
    neighbour = subprocess.Popen([sys.executable, "-c", IDLE_RENDITIONS, str(BENCH)], stdout=subprocess.PIPE)
    try:
        # Started and making renditions before the phase starts; a neighbour that died is no phase.
        if neighbour.stdout.readline().strip() != b"ready":
            raise RuntimeError("the idle neighbour did not start (its error is above)")
        yield
    finally:
        neighbour.kill()
        neighbour.wait()


def machine_ticks():
    """(all ticks, idle + iowait ticks) of the whole machine so far."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    return sum(values), values[3] + values[4]


def phase(name, fn, batch, clients, groups, worker=None, neighbour=False):
    """Run ``fn`` over ``batch`` with ``clients`` at once; print its rate, the machine's load, CPU per photo."""
    with scenario.held(worker), idle_neighbour(neighbour):
        before = {group: scenario.cpu_ms(pids) for group, pids in groups.items()}
        ticks, idle = machine_ticks()
        seconds = scenario.timed(fn, batch, clients)
        ticks_after, idle_after = machine_ticks()
        after = {group: scenario.cpu_ms(pids) for group, pids in groups.items()}
    busy = 100 * (os.cpu_count() or 1) * (1 - (idle_after - idle) / max(ticks_after - ticks, 1))
    megabytes = sum(len(p) for p in batch) / 1e6
    cpu = ", ".join(f"{group} {(after[group] - before[group]) / len(batch):.1f}" for group in groups)
    print(
        f"  {clients} client(s), {name:12s} {megabytes / seconds:6.1f} MB/s   machine busy {busy:3.0f} %   "
        f"CPU ms per photo: {cpu}",
        flush=True,
    )
    return megabytes / seconds


def main():
    say(f"media, sustained: {PHOTOS} photos a phase, {PASSES} pass(es)")
    with Processes() as procs:
        platform = scenario.start_platform(procs)
        worker, gateway_port, token, raw = (platform[k] for k in ("worker", "gateway_port", "token", "raw"))
        groups = scenario.procs_of(platform)
        answered = []

        def put(data):
            raw.put_object("bench-raw", f"raw/{uuid.uuid4()}", io.BytesIO(data), len(data), content_type="image/jpeg")

        def post(data):
            answered.append(
                scenario.multipart_upload("127.0.0.1", gateway_port, token, "anh.jpg", "image/jpeg", [data], len(data))
            )

        def settle():
            """Until the worker's backlog is done: every answered photo's renditions ready."""
            for asset in answered:
                scenario.wait_ready("127.0.0.1", gateway_port, token, asset["id"])
            answered.clear()

        post(scenario.photos(1)[0])
        settle()
        for _ in range(PASSES):
            for clients in (1, 4):
                rates = {}
                phases = [
                    ("raw", put, None, False),
                    ("uploads", post, None, False),
                    ("worker held", post, worker, False),
                ]
                if NEIGHBOUR:
                    phases.append(("held + idle", post, worker, True))
                for name, fn, held, neighbour in phases:
                    rates[name] = phase(name, fn, scenario.photos(PHOTOS), clients, groups, held, neighbour)
                    settle()
                print(
                    f"  {clients} client(s): uploads ÷ raw {rates['uploads'] / rates['raw']:.2f}, with the worker held "
                    f"{rates['worker held'] / rates['raw']:.2f}"
                    + (f", held beside idle renditions {rates['held + idle'] / rates['raw']:.2f}" if NEIGHBOUR else ""),
                    flush=True,
                )


if __name__ == "__main__":
    main()
