"""Scenario 2 (media), in ``make bench``:

* upload throughput (MB/s) of 1 MB photos through the gateway (multipart, streamed
  to the media service, validated, re-encoded with two renditions, stored in S3)
  against a raw ``minio`` SDK ``put_object`` of the same bytes to the same S3
  server, in the same run, sequentially and with 4 clients at once;
* the gateway's peak memory (RSS of the gunicorn master and workers, sampled every
  20 ms) while a 500 MB video is uploaded, against its idle RSS just before.

The S3 server is moto's standalone server on loopback (what the tests use).
"""

import http.client
import io
import json
import os
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


def multipart_upload(host, port, token, filename, content_type, parts, total_size, boundary=None):
    """POST /api/v1/media with a body streamed from ``parts`` (an iterator of bytes)."""
    boundary = boundary or uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection(host, port, timeout=600)
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
    s3_port, media_port, gateway_port = free_port(), free_port(), free_port()
    bucket = "bench-media"
    env = base_env(
        MEDIA_STORAGE="s3",
        MEDIA_S3_ENDPOINT=f"127.0.0.1:{s3_port}",
        MEDIA_S3_ACCESS_KEY="bench",
        MEDIA_S3_SECRET_KEY="bench-secret",
        MEDIA_S3_BUCKET=bucket,
        MEDIA_HTTP_ADDRESS=f"127.0.0.1:{media_port}",
        MEDIA_HTTP_URL=f"http://127.0.0.1:{media_port}",
        MEDIA_TMP_DIR=tempfile.gettempdir(),
    )
    say("Scenario 2 — media: fresh databases, S3 server, media service, gateway")
    prepare_databases(env, ("accounts", "media"))
    with Processes() as procs:
        procs.start(
            sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", s3_port, env=env, stdout=subprocess.DEVNULL
        )
        _wait_port(s3_port)
        procs.start(BIN / "platform", "run", "accounts", env=env)
        procs.start(BIN / "platform", "run", "media", env=env)
        gateway = procs.start(
            BIN / "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{gateway_port}", "gateway.wsgi:app", env=env
        )
        wait_http(f"http://127.0.0.1:{gateway_port}/healthz")
        _wait_port(media_port)
        token = login(f"http://127.0.0.1:{gateway_port}", "hanoi.contributor", "Bench-demo-2026!")["access_token"]

        from minio import Minio

        raw = Minio(
            f"127.0.0.1:{s3_port}", access_key="bench", secret_key="bench-secret", secure=False, region="us-east-1"
        )
        if not raw.bucket_exists("bench-raw"):
            raw.make_bucket("bench-raw")

        results = {}
        for workers in (1, 4):
            batch = photos(PHOTOS)
            megabytes = sum(len(p) for p in batch) / 1e6

            def put(data):
                raw.put_object(
                    "bench-raw", f"raw/{uuid.uuid4()}", io.BytesIO(data), len(data), content_type="image/jpeg"
                )

            def post(data):
                multipart_upload("127.0.0.1", gateway_port, token, "anh.jpg", "image/jpeg", [data], len(data))

            post(batch[0])  # warm the path once (not counted: the photo is then a duplicate)
            baseline = timed(put, batch[1:], workers)
            platform = timed(post, batch[1:], workers)
            mb = megabytes * (len(batch) - 1) / len(batch)
            results[workers] = {
                "platform_mb_s": mb / platform,
                "baseline_mb_s": mb / baseline,
                "ratio": baseline / platform,
                "photos": len(batch) - 1,
            }
            r = results[workers]
            r["mean_photo_mb"] = megabytes / len(batch)
            print(
                f"  {r['mean_photo_mb']:.2f} MB photos, {workers} client(s): platform {r['platform_mb_s']:6.2f} MB/s, "
                f"raw minio put {r['baseline_mb_s']:6.2f} MB/s, ratio {r['ratio']:.2f}",
                flush=True,
            )

        memory = video_memory(gateway.pid, gateway_port, token)
        print()
        print("Scenario 2 — media (same run, same S3 server)")
        for workers, r in results.items():
            print(
                f"  upload of {r['photos']} × {r['mean_photo_mb']:.2f} MB photos, {workers} client(s): {r['platform_mb_s']:.2f} MB/s "
                f"through the gateway vs {r['baseline_mb_s']:.2f} MB/s raw put → ratio {r['ratio']:.2f}"
            )
        print(
            f"  gateway RSS while a {VIDEO_MB} MB video uploads: idle {memory['idle_mib']:.0f} MiB, "
            f"peak {memory['peak_mib']:.0f} MiB → +{memory['growth_mib']:.1f} MiB (target: < 100 MiB) "
            f"at {memory['mb_s']:.0f} MB/s"
        )
        write_results("media", {"photos": results, "video_memory": memory})


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
