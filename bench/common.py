"""What the benchmark scenarios share: processes, ports, the benchmark vhost and database."""

import base64
import difflib
import gzip
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from gateway import worker as gateway_worker

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432")
# Two benchmark runs at once (two checkouts, two people) each set their own BENCH_TAG: the
# databases are cdp_bench<tag>_<service> and the vhost congdoan_bench<tag>.
TAG = os.environ.get("BENCH_TAG", "")
BENCH_DB = f"cdp_bench{TAG}"
DB_URL = f"{PG}/{BENCH_DB}_accounts"
MEDIA_DB_URL = f"{PG}/{BENCH_DB}_media"
# The gateway's worker class as gateway/gateway/gunicorn.conf.py chooses it (GATEWAY_WORKER=gthread: gunicorn's own).
GUNICORN = ["-w", "2", "-k", gateway_worker.chosen_class(), "--threads", "8", "--log-level", "warning"]
ADMIN_PASSWORD = "Bench-admin-2026!"


def say(message):
    print(f"\033[1;34m==>\033[0m {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk():
    if shutil.which("wrk"):
        return "wrk"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("Installing wrk (apt-get)")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, stdout=subprocess.DEVNULL)
        if shutil.which("wrk"):
            return "wrk"
    sys.exit(
        "wrk is needed for the benchmarks: install it (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk)"
    )


def process_tree(pid):
    """``pid`` and its children (a gunicorn master and its workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid, *(int(p) for p in children.read_text().split())] if children.exists() else [pid]


def cpu_seconds(pids):
    """CPU time (user + system) the processes ``pids`` have used so far; a process gone counts 0."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_http(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            time.sleep(0.3)
    sys.exit(f"{url} did not answer")


def request_json(url, body=None, token=None):
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    with urllib.request.urlopen(req, timeout=10) as response:
        return json.loads(response.read())


def bench_vhost():
    """A vhost of the benchmark's own, so no other running instance shares its queues."""
    name = f"congdoan_bench{TAG}"
    api = os.environ.get("RABBITMQ_API", "http://127.0.0.1:15672")
    auth = base64.b64encode(b"guest:guest").decode()
    try:
        for path, body in (
            (f"/api/vhosts/{name}", b"{}"),
            (f"/api/permissions/{name}/guest", b'{"configure":".*","write":".*","read":".*"}'),
        ):
            req = urllib.request.Request(
                api + path,
                data=body,
                method="PUT",
                headers={"Authorization": f"Basic {auth}", "content-type": "application/json"},
            )
            urllib.request.urlopen(req, timeout=5).close()
    except Exception:
        ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
        made = subprocess.run([ctl, "add_vhost", name], capture_output=True).returncode in (0, 70)
        if (
            not made
            or subprocess.run(
                [ctl, "set_permissions", "-p", name, "guest", ".*", ".*", ".*"], capture_output=True
            ).returncode
        ):
            print(
                "!! could not create a vhost for the benchmark; using the default one — stop any other "
                "running platform first, or its services will answer some of the calls",
                flush=True,
            )
            return os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672//")
    return f"amqp://guest:guest@127.0.0.1:5672/{name}"


def base_env(**extra):
    extra.setdefault("POLLS_RECEIPT_SECRET", "bench-receipts-" + os.urandom(8).hex())  # the gateway needs one
    return dict(
        os.environ,
        ACCOUNTS_DATABASE_URL=DB_URL,
        MEDIA_DATABASE_URL=MEDIA_DB_URL,
        AMQP_URI=bench_vhost(),
        BENCH_DATABASE_URL=DB_URL,
        TOKEN_KEYS_DIR=str(ROOT / "var" / "bench-keys"),
        ADMIN_PASSWORD=ADMIN_PASSWORD,
        DEMO_PASSWORD="Bench-demo-2026!",
        LOG_LEVEL="WARNING",
        PATH=f"{BIN}:{os.environ['PATH']}",
        **extra,
    )


def prepare_databases(env, services=("accounts",)):
    """Fresh databases for ``services``, migrated; accounts seeded with the demo tree."""
    for name in services:
        subprocess.run(
            [BIN / "platform", "createdb", name, "--recreate"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        subprocess.run([BIN / "platform", "migrate", name], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [BIN / "accounts", "ensure-key", env["TOKEN_KEYS_DIR"]], env=env, check=True, stdout=subprocess.DEVNULL
    )
    subprocess.run(
        [BIN / "accounts", "seed", "--credentials-file", str(ROOT / "var" / "bench-credentials.json")],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


class Processes:
    """Started processes, all stopped (TERM, then KILL) when the block ends."""

    def __init__(self):
        self.procs = []

    def start(self, *cmd, env, quiet=True, **kwargs):
        proc = subprocess.Popen(
            [str(c) for c in cmd], env=env, cwd=ROOT, stderr=subprocess.DEVNULL if quiet else None, **kwargs
        )
        self.procs.append(proc)
        return proc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def login(gateway_url, username="admin", password=ADMIN_PASSWORD, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return request_json(f"{gateway_url}/api/v1/auth/login", {"username": username, "password": password})
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def write_results(name, data):
    target = ROOT / "bench" / "results"
    target.mkdir(exist_ok=True)
    (target / f"{name}.json").write_text(json.dumps(data, indent=2))


# -- what several page scenarios share (portal, workspace) ------------------------------------

DEMO_PASSWORD = "Bench-demo-2026!"


class Api:
    """Calls to ``/api/v1`` as the benchmark's users (each signed in once)."""

    def __init__(self, base):
        self.base, self.tokens = base, {}

    def token(self, username):
        if username not in self.tokens:
            password = ADMIN_PASSWORD if username == "admin" else DEMO_PASSWORD
            self.tokens[username] = login(self.base, username, password)["access_token"]
        return self.tokens[username]

    def call(self, method, path, body=None, user=None, data=None, headers=None):
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        if user:
            hdrs["Authorization"] = f"Bearer {self.token(user)}"
        payload = data if data is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=payload, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                text = response.read()
        except urllib.error.HTTPError as exc:
            sys.exit(f"{method} {path} as {user}: {exc.code} {exc.read()[:400]!r}")
        return json.loads(text) if text else None


def photo(seed, width=1400, height=933):
    """A synthetic photo with detail like a real one: soft colour fields, shapes, sensor noise."""
    import io
    import random

    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    rng = np.random.default_rng(seed)
    image = Image.fromarray(rng.integers(0, 255, (6, 9, 3), dtype=np.uint8)).resize(
        (width, height), Image.Resampling.BICUBIC
    )
    draw, shapes = ImageDraw.Draw(image), random.Random(seed)
    for _ in range(40):
        x, y, s = shapes.randrange(width), shapes.randrange(height), shapes.randrange(20, 240)
        draw.ellipse((x, y, x + s, y + s * shapes.uniform(0.5, 2)), fill=tuple(shapes.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(2))
    noisy = np.asarray(image).astype(np.int16) + rng.normal(0, 8, (height, width, 3)).astype(np.int16)
    buffer = io.BytesIO()
    Image.fromarray(noisy.clip(0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def upload(api, user, seed, caption):
    """A synthetic photo uploaded to media as ``user`` and described; its asset id."""
    from media_bench import multipart_upload

    host, port = api.base.split("//")[1].split(":")
    data = photo(seed)
    asset = multipart_upload(host, int(port), api.token(user), f"anh-{seed}.jpg", "image/jpeg", [data], len(data))
    api.call(
        "PATCH",
        f"/api/v1/media/{asset['id']}",
        {"caption": caption, "alt_text": f"Ảnh minh họa: {caption.lower()}", "credit_name": "Phóng viên ảnh"},
        user,
    )
    return asset["id"]


def wait_until(check, message, timeout=60):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting for {message}")
        time.sleep(0.3)


def sync_tenants(env, services):
    """Each of ``services`` copies the tenant directory from accounts now (their copy is empty
    when they started after the seed)."""
    from gateway.rpc import RpcClient
    from platform_shared.actor import SYSTEM

    client = RpcClient(env["AMQP_URI"])
    for service in services:
        deadline = time.monotonic() + 60
        while True:
            try:
                client.call(service, "sync_tenants", [SYSTEM.dump()], timeout=30)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    client.close()


def median_figures(runs, keys=("rps", "p50_ms", "p99_ms")):
    """Each figure's median over the repeats (p99 too: one noisy run must not decide a target)."""
    import statistics

    return {key: statistics.median(run[key] for run in runs) for key in keys if all(key in run for run in runs)}


# -- what a page weighs -----------------------------------------------------------------------


class _Resources(HTMLParser):
    """The resources a page references: (kind, address, loaded lazily)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        rel = set((a.get("rel") or "").split())
        if tag == "link" and a.get("href") and rel & {"stylesheet", "icon"}:
            self.found.append(("css" if "stylesheet" in rel else "icon", a["href"], False))
        elif tag == "script" and a.get("src"):
            self.found.append(("js", a["src"], False))
        elif tag == "img" and a.get("src"):
            self.found.append(("img", a["src"], a.get("loading") == "lazy"))


def fetch(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=30) as response:
        return response.read(), dict(response.headers)


def first_visit(base, path, headers=None):
    """Bytes a first visit loads: the HTML and every resource it references, each once; and how
    many of those bytes are images marked ``loading="lazy"`` (fetched only when scrolled to).
    ``headers`` (a signed-in visitor's cookie) go with every request."""
    html, _ = fetch(base + path, headers)
    parser = _Resources()
    parser.feed(html.decode())
    kinds = {"html": len(html)}
    gz = {"html": len(gzip.compress(html, 6))}
    seen, lazy = set(), 0
    for kind, href, deferred in parser.found:
        url = urljoin(base + path, href)
        if url in seen:
            continue
        seen.add(url)
        body, _ = fetch(url, headers)
        kinds[kind] = kinds.get(kind, 0) + len(body)
        lazy += len(body) if deferred else 0
        if kind in ("css", "js", "icon"):
            gz[kind] = gz.get(kind, 0) + len(gzip.compress(body, 6))
    return {
        "bytes": kinds,
        "total": sum(kinds.values()),
        "lazy_image_bytes": lazy,
        "text_gzip": sum(gz.values()),
        "images": sum(1 for k, _, _ in parser.found if k == "img"),
        "lazy_images": sum(1 for k, _, d in parser.found if k == "img" and d),
        "resources": len(seen),
    }


def normalised(html, base):
    return html.replace(base, "BASE")


def same_html(gw, bare, path, *, gw_headers=None, bare_headers=None, normalise=normalised, bare_path=None):
    """The two apps render the same page (their own host aside, and what ``normalise`` takes
    out); the diff when they do not."""
    a = normalise(fetch(gw + path, gw_headers)[0].decode(), gw)
    b = normalise(fetch(bare + (bare_path or path), bare_headers)[0].decode(), bare)
    if a == b:
        return True, ""
    diff = difflib.unified_diff(b.splitlines(), a.splitlines(), "bare", "platform", lineterm="", n=1)
    return False, "\n".join(list(diff)[:40])
