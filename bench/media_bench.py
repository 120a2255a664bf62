"""Scenario 2 (media), in ``make bench``:

* upload throughput (MB/s) of 1 MB photos through the gateway (multipart, streamed
  to the media service, checked, EXIF/GPS stripped, stored in S3, answered 201)
  against a raw ``minio`` SDK ``put_object`` of the same bytes to the same S3
  server, in the same run, sequentially and with 4 clients at once — with the
  media relay and worker running, as in production (the renditions are made
  after the answer, from ``media.asset_stored``);
* renditions ready after the 201: the time from the upload's answer until
  ``GET /api/v1/media/{id}`` shows its renditions ready (polled every 20 ms), one
  photo at a time, for the scenario's 980 px photos (``thumb`` made, ``medium`` is
  the original) and for 2048 px ones (both made); and how long the last renditions
  of a sequential batch take after its last 201 (the worker's backlog);
* the CPU each process spends per photo (gateway and media service: the request path; the
  media worker, ``platform run media worker``: the renditions; relay, S3 server), beside the
  S3 server's CPU for a raw put;
* the gateway's peak memory (RSS of the gunicorn master and workers, sampled every
  20 ms) while a 500 MB video is uploaded, against its idle RSS just before.

Each figure is the median of ``BENCH_PHOTO_ROUNDS`` (5) rounds, each a raw batch then the same number
of uploads right after it. Each round then uploads one more batch with the media worker held
(``SIGSTOP`` for the batch, its renditions made afterwards): the request path alone against the same
round's raw put. It is shown beside the figure, not instead of it: the gap between the two is what
making the renditions on the same two cores costs the uploads (stop 36's note).

The S3 server is moto's standalone server on loopback (what the tests use).
"""

import contextlib
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import (
    BIN,
    GUNICORN,
    Processes,
    base_env,
    free_port,
    login,
    prepare_databases,
    say,
    wait_http,
    write_results,
)

PHOTOS = int(os.environ.get("BENCH_PHOTOS", "24"))
VIDEO_MB = int(os.environ.get("BENCH_VIDEO_MB", "500"))
READY_SAMPLES = int(os.environ.get("BENCH_READY_SAMPLES", "10"))
# Rounds of each figure: raw puts then uploads, one after the other; the median round is the figure
# (one round of 23 photos lasts about a second, so a neighbour's burst could make or break it).
ROUNDS = int(os.environ.get("BENCH_PHOTO_ROUNDS", "5"))


def photos(n):
    """Distinct ~1 MB JPEGs (noise does not compress, so each is about a megabyte)."""
    from PIL import Image

    out = []
    for _ in range(n):
        image = Image.frombytes("RGB", (980, 980), os.urandom(980 * 980 * 3))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=93)
        out.append(buffer.getvalue())
    return out


def large_photos(n):
    """Distinct ~1 MB JPEGs of 2048 × 1536 px (smoother than noise, so the same weight holds more
    pixels): both renditions are made for them."""
    from PIL import Image

    out = []
    for _ in range(n):
        small = Image.frombytes("RGB", (512, 384), os.urandom(512 * 384 * 3))
        image = small.resize((2048, 1536), Image.Resampling.BILINEAR)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        out.append(buffer.getvalue())
    return out


def asset_of(host, port, token, asset_id):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", f"/api/v1/media/{asset_id}", headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET /media/{asset_id}: {response.status} {body[:300]!r}")
    return json.loads(body)


def wait_ready(host, port, token, asset_id, timeout=60):
    """Seconds (from now) until the asset's renditions are ready."""
    started = time.perf_counter()
    while True:
        asset = asset_of(host, port, token, asset_id)
        if "rendition_status" not in asset:  # before issue 18: made on the request path
            return 0.0
        if asset.get("rendition_status") != "pending":
            if asset.get("rendition_status") != "ready" or asset.get("renditions_pending"):
                raise RuntimeError(f"renditions of {asset_id}: {asset.get('rendition_status')}")
            return time.perf_counter() - started
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"renditions of {asset_id} still pending after {timeout} s")
        time.sleep(0.02)


def renditions_ready(host, port, token, batch):
    """Seconds from each upload's 201 until GET /media/{id} shows its renditions, one at a time."""
    delays = []
    for data in batch:
        asset = multipart_upload(host, port, token, "anh.jpg", "image/jpeg", [data], len(data))
        if asset.get("rendition_status") == "pending":
            delays.append(wait_ready(host, port, token, asset["id"]))
        else:
            delays.append(0.0)
    delays.sort()
    return {"p50_s": delays[len(delays) // 2], "max_s": delays[-1], "samples": len(delays)}


def multipart_upload(host, port, token, filename, content_type, parts, total_size, boundary=None):
    """POST /api/v1/media with a body streamed from ``parts`` (an iterator of bytes)."""
    boundary = boundary or uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection(host, port, timeout=600)
    conn.connect()
    # As browsers and urllib3 (the raw put's client) do: the form's small last part is sent at
    # once, not held back until the server's delayed ACK (Nagle) — up to 40 ms per upload.
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn.putrequest("POST", "/api/v1/media")
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(len(head) + total_size + len(tail)))
    conn.endheaders()
    conn.send(head)
    for chunk in parts:
        conn.send(chunk)
    conn.send(tail)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status not in (200, 201):
        raise RuntimeError(f"upload failed: {response.status} {body[:300]!r}")
    return json.loads(body)


def rss_kib(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def cpu_ms(pids):
    """CPU time (user + system) the processes ``pids`` have used so far, in ms."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def gunicorn_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children")
    return [master] + [int(p) for p in children.read_text().split()] if children.exists() else [master]


def timed(fn, items, workers):
    started = time.perf_counter()
    if workers == 1:
        for item in items:
            fn(item)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(fn, items))
    return time.perf_counter() - started


def main():
    say("Scenario 2 — media: fresh databases, S3 server, media service, gateway")
    with Processes() as procs:
        platform = start_platform(procs)
        gateway, gateway_port, token, raw = (platform[k] for k in ("gateway", "gateway_port", "token", "raw"))

        results = {}
        for workers in (1, 4):
            rounds = []
            for _ in range(ROUNDS):
                rounds.append(
                    photo_round(raw, gateway_port, token, workers, procs_of(platform), worker=platform["worker"])
                )
            results[workers] = r = summary(rounds)
            print(
                f"  {r['mean_photo_mb']:.2f} MB photos, {workers} client(s), {ROUNDS} rounds: platform "
                f"{r['platform_mb_s']:6.2f} MB/s, raw minio put {r['baseline_mb_s']:6.2f} MB/s, ratio {r['ratio']:.2f} "
                f"(rounds {', '.join(f'{x:.2f}' for x in r['round_ratios'])}); "
                f"last renditions {r['renditions_done_after_last_201_s']:.2f} s after the last 201; "
                f"worker held: ratio {r['held_ratio']:.2f} (rounds {', '.join(f'{x:.2f}' for x in r['held_ratios'])})",
                flush=True,
            )

        ready = {
            "980 px (thumb made)": renditions_ready("127.0.0.1", gateway_port, token, photos(READY_SAMPLES)),
            "2048 px (medium + thumb made)": renditions_ready(
                "127.0.0.1", gateway_port, token, large_photos(READY_SAMPLES)
            ),
        }

        memory = video_memory(gateway.pid, gateway_port, token)
        print()
        print("Scenario 2 — media (same run, same S3 server)")
        for workers, r in results.items():
            print(
                f"  upload of {r['photos']} × {r['mean_photo_mb']:.2f} MB photos a round, {workers} client(s): {r['platform_mb_s']:.2f} MB/s "
                f"through the gateway vs {r['baseline_mb_s']:.2f} MB/s raw put → ratio {r['ratio']:.2f} "
                f"(median of {len(r['round_ratios'])} rounds: {', '.join(f'{x:.2f}' for x in r['round_ratios'])}; "
                f"target ≥ 0.3); last renditions ready {r['renditions_done_after_last_201_s']:.2f} s after the last 201"
            )
            print(
                f"    the request path alone, media worker held for the batch: {r['held_mb_s']:.2f} MB/s → ratio "
                f"{r['held_ratio']:.2f} to the same rounds' raw put (median of "
                f"{', '.join(f'{x:.2f}' for x in r['held_ratios'])}); renditions cost the uploads "
                f"{1 - r['ratio'] / r['held_ratio']:.0%} here"
            )
        for workers, r in results.items():
            c, raw_cpu = r["cpu_ms_per_photo"], r["raw_put_s3_server_cpu_ms"]
            print(
                f"  CPU per photo, {workers} client(s), renditions included: {c['total']:.0f} ms ("
                + ", ".join(f"{n} {v:.0f}" for n, v in c.items() if n != "total")
                + f"; request path: gateway + media {c['gateway'] + c['media']:.0f}) vs {raw_cpu:.0f} ms of the S3"
                " server for a raw put"
            )
        for name, d in ready.items():
            print(
                f"  renditions ready after the 201, {name}, one upload at a time: p50 {d['p50_s']:.2f} s, "
                f"max {d['max_s']:.2f} s over {d['samples']} (target ≤ 2 s)"
            )
        print(
            f"  gateway RSS while a {VIDEO_MB} MB video uploads: idle {memory['idle_mib']:.0f} MiB, "
            f"peak {memory['peak_mib']:.0f} MiB → +{memory['growth_mib']:.1f} MiB (target: < 100 MiB) "
            f"at {memory['mb_s']:.0f} MB/s"
        )
        write_results("media", {"photos": results, "renditions_ready": ready, "video_memory": memory})


def start_platform(procs, *, worker=True):
    """The scenario's processes, started in ``procs`` on fresh databases and free ports: moto's S3
    server, accounts, the media service (with its worker and relay unless ``worker=False``) and
    the gateway, the way production runs them. A dict of the processes (``moto``, ``media``,
    ``worker``, ``relay``, ``gateway``; None for those not started), the ports, the demo
    contributor's ``token``, and ``raw``: a ``minio`` client of the same S3 server with the bucket
    ``bench-raw`` (the baseline's)."""
    s3_port, media_port, gateway_port = free_port(), free_port(), free_port()
    env = base_env(
        MEDIA_STORAGE="s3",
        MEDIA_S3_ENDPOINT=f"127.0.0.1:{s3_port}",
        MEDIA_S3_ACCESS_KEY="bench",
        MEDIA_S3_SECRET_KEY="bench-secret",
        MEDIA_S3_BUCKET="bench-media",
        MEDIA_HTTP_ADDRESS=f"127.0.0.1:{media_port}",
        MEDIA_HTTP_URL=f"http://127.0.0.1:{media_port}",
        MEDIA_TMP_DIR=tempfile.gettempdir(),
    )
    prepare_databases(env, ("accounts", "media"))
    moto = procs.start(
        sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", s3_port, env=env, stdout=subprocess.DEVNULL
    )
    _wait_port(s3_port)
    procs.start(BIN / "platform", "run", "accounts", env=env)
    media = procs.start(BIN / "platform", "run", "media", env=env)  # the upload's request path
    found = {"moto": moto, "media": media, "worker": None, "relay": None}
    if worker:
        found["worker"] = procs.start(BIN / "platform", "run", "media", "worker", env=env)  # renditions
        found["relay"] = procs.start(BIN / "platform", "relay", "media", env=env)  # media.asset_stored → worker
    found["gateway"] = procs.start(
        BIN / "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{gateway_port}", "gateway.wsgi:app", env=env
    )
    wait_http(f"http://127.0.0.1:{gateway_port}/healthz")
    _wait_port(media_port)
    token = login(f"http://127.0.0.1:{gateway_port}", "hanoi.contributor", "Bench-demo-2026!")["access_token"]

    from minio import Minio

    raw = Minio(f"127.0.0.1:{s3_port}", access_key="bench", secret_key="bench-secret", secure=False, region="us-east-1")
    if not raw.bucket_exists("bench-raw"):
        raw.make_bucket("bench-raw")
    return {
        **found,
        "s3_port": s3_port,
        "media_port": media_port,
        "gateway_port": gateway_port,
        "token": token,
        "raw": raw,
    }


def procs_of(platform):
    """The processes whose CPU a photo costs, by group (``platform``: what ``start_platform`` started)."""
    return {
        "gateway": gunicorn_pids(platform["gateway"].pid),
        "media": [platform["media"].pid],
        "media worker": [platform["worker"].pid],
        "relay": [platform["relay"].pid],
        "s3 server": [platform["moto"].pid],
    }


@contextlib.contextmanager
def held(process):
    """``process`` stopped (``SIGSTOP``) inside the block and let go after it, whatever happens."""
    if process is None:
        yield
        return
    process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        process.send_signal(signal.SIGCONT)


def photo_round(raw, gateway_port, token, workers, groups, *, worker=None):
    """One round: fresh photos put raw, then the same number uploaded through the gateway, right
    after each other (so both see the same machine), then the worker's backlog waited for. With
    ``worker`` (the media worker's process), one more batch of fresh photos is uploaded while it is
    held, and its renditions waited for after it is let go."""
    batch = photos(PHOTOS)
    megabytes = sum(len(p) for p in batch) / 1e6
    answered = []

    def put(data):
        raw.put_object("bench-raw", f"raw/{uuid.uuid4()}", io.BytesIO(data), len(data), content_type="image/jpeg")

    def post(data):
        answered.append(multipart_upload("127.0.0.1", gateway_port, token, "anh.jpg", "image/jpeg", [data], len(data)))

    post(batch[0])  # warm the path once (not counted: the photo is then a duplicate)
    wait_ready("127.0.0.1", gateway_port, token, answered[0]["id"])
    s3_before = cpu_ms(groups["s3 server"])
    baseline = timed(put, batch[1:], workers)
    raw_cpu = (cpu_ms(groups["s3 server"]) - s3_before) / (len(batch) - 1)
    before = {name: cpu_ms(pids) for name, pids in groups.items()}
    platform = timed(post, batch[1:], workers)
    # The worker's backlog: how long after the batch's last 201 its last renditions are ready.
    backlog = max(wait_ready("127.0.0.1", gateway_port, token, a["id"]) for a in answered[1:])
    after = {name: cpu_ms(pids) for name, pids in groups.items()}
    for a in answered[1:]:  # what those readiness reads cost alone, taken off below
        wait_ready("127.0.0.1", gateway_port, token, a["id"])
    reads = {name: cpu_ms(pids) - after[name] for name, pids in groups.items()}
    cpu = {n: (after[n] - before[n] - reads[n]) / (len(batch) - 1) for n in groups}
    mb = megabytes * (len(batch) - 1) / len(batch)
    held_mb = held_s = None
    if worker is not None:
        alone, first = photos(PHOTOS - 1), len(answered)
        with held(worker):
            held_s = timed(post, alone, workers)
        for a in answered[first:]:
            wait_ready("127.0.0.1", gateway_port, token, a["id"])
        held_mb = sum(len(p) for p in alone) / 1e6
    return {
        "platform_s": platform,
        "baseline_s": baseline,
        "held_s": held_s,
        "held_mb": held_mb,
        "mb": mb,
        "photos": len(batch) - 1,
        "backlog_s": backlog,
        "cpu": cpu,
        "raw_cpu": raw_cpu,
        "mean_photo_mb": megabytes / len(batch),
    }


def summary(rounds):
    """The rounds of one client count: the median round's ratio and rates, the worst backlog, CPU
    per photo over every round."""
    ratios = [r["baseline_s"] / r["platform_s"] for r in rounds]
    median = sorted(range(len(rounds)), key=ratios.__getitem__)[len(rounds) // 2]
    mid = rounds[median]
    n = sum(r["photos"] for r in rounds)
    cpu = {name: sum(r["cpu"][name] * r["photos"] for r in rounds) / n for name in mid["cpu"]}
    out = {}
    if all(r["held_s"] for r in rounds):
        # The held batch against its own round's raw put, as MB/s (its photos are others of the same size).
        held = [(r["held_mb"] / r["held_s"]) / (r["mb"] / r["baseline_s"]) for r in rounds]
        mid_held = sorted(range(len(rounds)), key=held.__getitem__)[len(rounds) // 2]
        out = {
            "held_ratio": held[mid_held],
            "held_ratios": held,
            "held_mb_s": rounds[mid_held]["held_mb"] / rounds[mid_held]["held_s"],
        }
    return {
        **out,
        "platform_mb_s": mid["mb"] / mid["platform_s"],
        "baseline_mb_s": mid["mb"] / mid["baseline_s"],
        "ratio": ratios[median],
        "round_ratios": ratios,
        "photos": mid["photos"],
        "renditions_done_after_last_201_s": max(r["backlog_s"] for r in rounds),
        "cpu_ms_per_photo": {**cpu, "total": sum(cpu.values())},
        "raw_put_s3_server_cpu_ms": sum(r["raw_cpu"] * r["photos"] for r in rounds) / n,
        "mean_photo_mb": mid["mean_photo_mb"],
    }


def video_memory(master, port, token):
    size = VIDEO_MB * 1024 * 1024
    header = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    chunk = bytes(1024 * 1024)

    def parts():
        yield header
        left = size - len(header)
        while left > 0:
            piece = chunk[: min(len(chunk), left)]
            left -= len(piece)
            yield piece

    pids = gunicorn_pids(master)
    time.sleep(1)
    idle = rss_kib(pids)
    peak = [idle]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_kib(pids))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        multipart_upload("127.0.0.1", port, token, "video.mp4", "video/mp4", parts(), size)
    finally:
        stop.set()
        sampler.join()
    elapsed = time.perf_counter() - started
    return {
        "idle_mib": idle / 1024,
        "peak_mib": peak[0] / 1024,
        "growth_mib": (peak[0] - idle) / 1024,
        "mb_s": size / 1e6 / elapsed,
        "video_mb": VIDEO_MB,
    }


def _wait_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", int(port)), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"nothing listens on port {port}")


if __name__ == "__main__":
    main()
