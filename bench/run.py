"""``make bench``: each figure of the platform beside a baseline measured in the same run.

Scenario 1 (issue 2): ``GET /api/v1/me`` and ``GET /api/v1/tenants`` through
gateway → RPC → accounts → PostgreSQL, against a bare Flask + SQLAlchemy app
(bench/bare_app.py) running the same queries on the same database, both under
gunicorn ``-w 2 -k gthread --threads 8``, loaded by wrk on loopback at 1 and 16
connections. Also: Flask with no I/O (the ceiling) and the gateway's RPC to
``ping`` (the RPC hop on its own). Prints requests/s, p50, p99 and the ratios;
writes bench/results/latest.json.
"""

import json
import os
import re
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
DURATION = int(os.environ.get("BENCH_SECONDS", "5"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
CONNECTIONS = (1, 16)
GUNICORN = ["-w", "2", "-k", "gthread", "--threads", "8", "--log-level", "warning"]


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
        data=json.dumps(body).encode() if body else None,
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    with urllib.request.urlopen(req, timeout=10) as response:
        return json.loads(response.read())


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url, connections, headers=()):
    cmd = ["wrk", "-t", "1" if connections == 1 else "2", "-c", str(connections), "-d", f"{DURATION}s", "--latency"]
    for header in headers:
        cmd += ["-H", header]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        sys.exit(f"{url}: {non2xx.group(1)} error answers during the run:\n{out}")
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99}


def bench_vhost():
    """A vhost of the benchmark's own, so no other running instance shares its queues."""
    import base64

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


def main():
    ensure_wrk()
    env = dict(
        os.environ,
        ACCOUNTS_DATABASE_URL=DB_URL,
        AMQP_URI=bench_vhost(),
        BENCH_DATABASE_URL=DB_URL,
        TOKEN_KEYS_DIR=str(ROOT / "var" / "bench-keys"),
        ADMIN_PASSWORD="Bench-admin-2026!",
        DEMO_PASSWORD="Bench-demo-2026!",
        LOG_LEVEL="WARNING",
        PATH=f"{BIN}:{os.environ['PATH']}",
    )
    procs = []
    try:
        say("Fresh benchmark database, migrated and seeded")
        subprocess.run(
            [BIN / "platform", "createdb", "accounts", "--recreate"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        subprocess.run([BIN / "platform", "migrate", "accounts"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([BIN / "accounts", "ensure-key", env["TOKEN_KEYS_DIR"]], env=env, check=True)
        subprocess.run(
            [BIN / "accounts", "seed", "--credentials-file", str(ROOT / "var" / "bench-credentials.json")],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

        gateway_port, bare_port = free_port(), free_port()
        say("Starting the accounts service, the gateway and the bare baseline")
        procs.append(
            subprocess.Popen([BIN / "platform", "run", "accounts"], env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
        )
        procs.append(
            subprocess.Popen(
                [BIN / "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{gateway_port}", "gateway.wsgi:app"], env=env, cwd=ROOT
            )
        )
        procs.append(
            subprocess.Popen(
                [
                    BIN / "gunicorn",
                    *GUNICORN,
                    "-b",
                    f"127.0.0.1:{bare_port}",
                    "--chdir",
                    str(ROOT / "bench"),
                    "bare_app:app",
                ],
                env=env,
                cwd=ROOT,
            )
        )
        gw, bare = f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{bare_port}"
        wait_http(f"{gw}/healthz")
        wait_http(f"{bare}/noop")
        deadline = time.monotonic() + 60
        while True:
            try:
                admin = request_json(f"{gw}/api/v1/auth/login", {"username": "admin", "password": "Bench-admin-2026!"})
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        auth = f"Authorization: Bearer {admin['access_token']}"
        me = request_json(f"{gw}/api/v1/me", token=admin["access_token"])
        user_id = me["user"]["id"]
        assert request_json(f"{bare}/me?user_id={user_id}") == me, "the baseline must answer the same document"

        pairs = [
            ("/me", (f"{bare}/me?user_id={user_id}", ()), (f"{gw}/api/v1/me", (auth,))),
            ("tenants list", (f"{bare}/tenants?per_page=20", ()), (f"{gw}/api/v1/tenants?per_page=20", (auth,))),
        ]
        results = {"ceiling": {c: wrk(f"{bare}/noop", c) for c in CONNECTIONS}}
        for name, (base_url, base_headers), (plat_url, plat_headers) in pairs:
            wrk(base_url, 1, base_headers), wrk(plat_url, 1, plat_headers)  # warm both up
            for c in CONNECTIONS:
                runs = {"baseline": [], "platform": []}
                # Interleaved repeats, median kept: the machine is shared and noisy.
                for _ in range(REPEATS):
                    runs["baseline"].append(wrk(base_url, c, base_headers))
                    runs["platform"].append(wrk(plat_url, c, plat_headers))
                results[(name, c)] = {k: median_run(v) for k, v in runs.items()}
                b, p = results[(name, c)]["baseline"], results[(name, c)]["platform"]
                print(
                    f"  {name:14s} c={c:<3d} baseline {b['rps']:6.0f} req/s p50 {b['p50_ms']:5.2f} ms | "
                    f"platform {p['rps']:6.0f} req/s p50 {p['p50_ms']:5.2f} ms",
                    flush=True,
                )
        report(results)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def median_run(runs):
    ordered = sorted(runs, key=lambda r: r["rps"])
    return ordered[len(ordered) // 2]


def report(results):
    print()
    print("Scenario 1 — gateway → RPC → PostgreSQL against bare Flask + SQLAlchemy (same run, same settings,")
    print(f"              median of {REPEATS} interleaved {DURATION}s runs)")
    print(
        f"{'path':14s} {'conns':>5s} {'platform req/s':>15s} {'baseline req/s':>15s} {'ratio':>6s} "
        f"{'p50 plat/base ms':>17s} {'p50 +ms':>8s} {'p99 plat/base ms':>17s}"
    )
    out = []
    for key, value in results.items():
        if key == "ceiling":
            continue
        name, c = key
        p, b = value["platform"], value["baseline"]
        ratio = p["rps"] / b["rps"]
        extra = p["p50_ms"] - b["p50_ms"]
        print(
            f"{name:14s} {c:5d} {p['rps']:15.0f} {b['rps']:15.0f} {ratio:6.2f} "
            f"{p['p50_ms']:8.2f}/{b['p50_ms']:<8.2f} {extra:8.2f} {p['p99_ms']:8.2f}/{b['p99_ms']:<8.2f}"
        )
        out.append(
            {
                "path": name,
                "connections": c,
                "platform": p,
                "baseline": b,
                "ratio": round(ratio, 3),
                "p50_extra_ms": round(extra, 2),
            }
        )
    ceiling = results["ceiling"]
    print(
        f"(ceiling: Flask with no I/O {ceiling[1]['rps']:.0f} req/s at 1 connection, {ceiling[16]['rps']:.0f} at 16; "
        "targets: ratio ≥ 0.35, p50 at most 2 ms more at 1 connection)"
    )
    target = ROOT / "bench" / "results"
    target.mkdir(exist_ok=True)
    (target / "latest.json").write_text(json.dumps({"ceiling": ceiling, "scenario_1": out}, indent=2))


if __name__ == "__main__":
    main()
