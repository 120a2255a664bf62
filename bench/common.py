"""What the benchmark scenarios share: processes, ports, the benchmark vhost and database."""

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432")
DB_URL = f"{PG}/cdp_bench_accounts"
MEDIA_DB_URL = f"{PG}/cdp_bench_media"
GUNICORN = ["-w", "2", "-k", "gthread", "--threads", "8", "--log-level", "warning"]
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
    name = "congdoan_bench"
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
