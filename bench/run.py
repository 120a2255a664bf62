"""``make bench``: each figure of the platform beside a baseline measured in the same run.

Scenario 1 (accounts): ``GET /api/v1/me`` and ``GET /api/v1/tenants`` through
gateway → RPC → accounts → PostgreSQL, against a bare Flask + SQLAlchemy app
(bench/bare_app.py) running the same queries on the same database, both under
gunicorn ``-w 2 -k gthread --threads 8``, loaded by wrk on loopback at 1 and 16
connections; median of interleaved repeats. Beside the throughput, the CPU each side spent per
request (gateway + accounts service against the bare app's gunicorn; PostgreSQL and the broker are
shared and left out): on a busy machine the throughput swings, the CPU per request much less.

Scenario 2 (media): see bench/media_bench.py. Scenario 3 (content): bench/content_bench.py.
Scenario 4 (royalties), 5 (feedback), 6 (polls): bench/<name>_bench.py. Scenario 7 (portal):
the home page and an article page through the gateway's page layer with its public cache,
against a bare Flask app rendering the same templates from the databases
(bench/portal_bench.py, bench/bare_portal.py). Scenario 8 (workspace): the staff workspace's
pages (landing, the review queue of 1,000 waiting items, a contributor's list) signed in, against
a bare Flask app rendering the same templates from the databases (bench/workspace_bench.py,
bench/bare_workspace.py).

``python bench/run.py [accounts|media|content|royalties|feedback|polls|portal|workspace]...`` runs the
scenarios named (all of them without a name). Results land in bench/results/.
"""

import importlib
import re
import statistics
import subprocess
import sys

from common import (
    BIN,
    GUNICORN,
    ROOT,
    Processes,
    base_env,
    cpu_seconds,
    ensure_wrk,
    free_port,
    login,
    prepare_databases,
    process_tree,
    request_json,
    say,
    wait_http,
    write_results,
)

DURATION = int(__import__("os").environ.get("BENCH_SECONDS", "5"))
REPEATS = int(__import__("os").environ.get("BENCH_REPEATS", "5"))
CONNECTIONS = (1, 16)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url, connections, headers=(), script=None, cpu_of=None):
    """requests/s, p50 and p99 of ``url`` (or of the requests a wrk Lua ``script`` makes against it);
    with ``cpu_of`` (a function giving pids), also the CPU ms those processes spent per request."""
    cmd = ["wrk", "-t", "1" if connections == 1 else "2", "-c", str(connections), "-d", f"{DURATION}s", "--latency"]
    for header in headers:
        cmd += ["-H", header]
    if script:
        cmd += ["-s", script]
    pids = cpu_of() if cpu_of else []
    spent = cpu_seconds(pids)
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    spent = cpu_seconds(pids) - spent
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        sys.exit(f"{url}: {non2xx.group(1)} error answers during the run:\n{out}")
    figures = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99_ms": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
    }
    if cpu_of:
        figures["cpu_ms"] = 1000 * spent / max(1, int(re.search(r"(\d+) requests in", out).group(1)))
    p95 = re.search(r"^P95_US (\d+)", out, re.MULTILINE)  # printed by a script's done() (bench/workspace_bench.py)
    if p95:
        figures["p95_ms"] = int(p95.group(1)) / 1000
    return figures


def median_run(runs):
    ordered = sorted(runs, key=lambda r: r["rps"])
    return ordered[len(ordered) // 2]


def accounts_scenario():
    env = base_env()
    say("Scenario 1 — fresh benchmark database, migrated and seeded")
    prepare_databases(env)
    with Processes() as procs:
        gateway_port, bare_port = free_port(), free_port()
        say("Starting the accounts service, the gateway and the bare baseline")
        service = procs.start(BIN / "platform", "run", "accounts", env=env)
        gateway = procs.start(
            BIN / "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{gateway_port}", "gateway.wsgi:app", env=env
        )
        bare_app = procs.start(
            BIN / "gunicorn",
            *GUNICORN,
            "-b",
            f"127.0.0.1:{bare_port}",
            "--chdir",
            ROOT / "bench",
            "bare_app:app",
            env=env,
        )
        gw, bare = f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{bare_port}"
        wait_http(f"{gw}/healthz")
        wait_http(f"{bare}/noop")
        admin = login(gw)
        auth = f"Authorization: Bearer {admin['access_token']}"
        me = request_json(f"{gw}/api/v1/me", token=admin["access_token"])
        user_id = me["user"]["id"]
        assert request_json(f"{bare}/me?user_id={user_id}") == me, "the baseline must answer the same document"
        pairs = [
            ("/me", (f"{bare}/me?user_id={user_id}", ()), (f"{gw}/api/v1/me", (auth,))),
            ("tenants list", (f"{bare}/tenants?per_page=20", ()), (f"{gw}/api/v1/tenants?per_page=20", (auth,))),
        ]
        cpu = {
            "baseline": lambda: process_tree(bare_app.pid),
            "platform": lambda: [*process_tree(gateway.pid), service.pid],
        }
        results = {"ceiling": {c: wrk(f"{bare}/noop", c) for c in CONNECTIONS}}
        for name, (base_url, base_headers), (plat_url, plat_headers) in pairs:
            wrk(base_url, 1, base_headers), wrk(plat_url, 1, plat_headers)  # warm both up
            for c in CONNECTIONS:
                runs = {"baseline": [], "platform": []}
                for _ in range(REPEATS):  # interleaved repeats, median kept: the machine is shared and noisy
                    runs["baseline"].append(wrk(base_url, c, base_headers, cpu_of=cpu["baseline"]))
                    runs["platform"].append(wrk(plat_url, c, plat_headers, cpu_of=cpu["platform"]))
                results[(name, c)] = {
                    k: {**median_run(v), "cpu_ms": statistics.median(r["cpu_ms"] for r in v)} for k, v in runs.items()
                }
                b, p = results[(name, c)]["baseline"], results[(name, c)]["platform"]
                print(
                    f"  {name:14s} c={c:<3d} baseline {b['rps']:6.0f} req/s p50 {b['p50_ms']:5.2f} ms "
                    f"{b['cpu_ms']:4.2f} CPU ms/req | platform {p['rps']:6.0f} req/s p50 {p['p50_ms']:5.2f} ms "
                    f"{p['cpu_ms']:4.2f} CPU ms/req",
                    flush=True,
                )
    report(results)


def report(results):
    print()
    print("Scenario 1 — gateway → RPC → PostgreSQL against bare Flask + SQLAlchemy (same run, same settings,")
    print(f"              median of {REPEATS} interleaved {DURATION}s runs)")
    print(
        f"{'path':14s} {'conns':>5s} {'platform req/s':>15s} {'baseline req/s':>15s} {'ratio':>6s} "
        f"{'p50 plat/base ms':>17s} {'p50 +ms':>8s} {'p99 plat/base ms':>17s} {'CPU ms/req plat/base':>21s}"
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
            f"{p['p50_ms']:8.2f}/{b['p50_ms']:<8.2f} {extra:8.2f} {p['p99_ms']:8.2f}/{b['p99_ms']:<8.2f} "
            f"{p['cpu_ms']:10.2f}/{b['cpu_ms']:<10.2f}"
        )
        out.append(
            {
                "path": name,
                "connections": c,
                "platform": p,
                "baseline": b,
                "ratio": round(ratio, 3),
                "p50_extra_ms": round(extra, 2),
                "cpu_ms_per_request": {"platform": round(p["cpu_ms"], 3), "baseline": round(b["cpu_ms"], 3)},
            }
        )
    ceiling = results["ceiling"]
    print(
        f"(ceiling: Flask with no I/O {ceiling[1]['rps']:.0f} req/s at 1 connection, {ceiling[16]['rps']:.0f} at 16; "
        "targets (issue 18): ratio ≥ 0.7 at 1 and at 16 connections, p50 at most 1.0 ms more at 1 connection; "
        "CPU: gateway + accounts service against the bare app, PostgreSQL and the broker left out)"
    )
    write_results("accounts", {"ceiling": ceiling, "scenario_1": out})


def main(argv):
    chosen = argv[1:] or ["accounts", "media", "content", "royalties", "feedback", "polls", "portal", "workspace"]
    ensure_wrk()  # before anything starts: most scenarios load the gateway with wrk
    if "accounts" in chosen:
        accounts_scenario()
    if "media" in chosen:
        import media_bench

        media_bench.main()
    if "content" in chosen:
        import content_bench

        content_bench.main()
    for name in ("royalties", "feedback", "polls", "portal", "workspace"):
        if name in chosen:
            importlib.import_module(f"{name}_bench").main()


if __name__ == "__main__":
    main(sys.argv)
