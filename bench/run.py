"""``make bench``: each figure of the platform beside a baseline measured in the same run.

Scenario 1 (accounts): ``GET /api/v1/me`` and ``GET /api/v1/tenants`` through
gateway → RPC → accounts → PostgreSQL, against a bare Flask + SQLAlchemy app
(bench/bare_app.py) running the same queries on the same database, both under
gunicorn ``-w 2 --threads 8``
with the gateway's worker class (``GATEWAY_WORKER=gthread``: gunicorn's own), loaded by wrk on loopback at 1 and 16
connections; median of interleaved repeats. The gateway is measured twice in the same run: with its
cache of these two answers (issue 18) and without it (``ACCOUNTS_CACHE_TTL_SECONDS=0``, every request
an RPC), each as a ratio to the same baseline. Beside the throughput, the CPU each side spent per
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


# The two ways the gateway answers scenario 1, measured in the same run against the same baseline:
# with its cache of GET /me and GET /tenants (issue 18: the token checked, the answer kept per user
# and per query, dropped by accounts' facts) and without it (ACCOUNTS_CACHE_TTL_SECONDS=0: every
# request an RPC to accounts, the path before the cache).
VARIANTS = {"cached": {}, "uncached": {"ACCOUNTS_CACHE_TTL_SECONDS": "0"}}
TARGETS = "issue 18 targets: ratio ≥ 0.70 at 1 and at 16 connections; p50 at most +1.00 ms at 1 connection"


def accounts_scenario():
    env = base_env()
    say("Scenario 1 — fresh benchmark database, migrated and seeded")
    prepare_databases(env)
    with Processes() as procs:
        bare_port = free_port()
        say("Starting the accounts service, the gateway with its cache and without it, and the bare baseline")
        service = procs.start(BIN / "platform", "run", "accounts", env=env)
        gateways = {}
        for variant, settings in VARIANTS.items():
            port = free_port()
            process = procs.start(
                BIN / "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{port}", "gateway.wsgi:app", env={**env, **settings}
            )
            gateways[variant] = (f"http://127.0.0.1:{port}", process)
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
        bare = f"http://127.0.0.1:{bare_port}"
        for url, _ in gateways.values():
            wait_http(f"{url}/healthz")
        wait_http(f"{bare}/noop")
        admin = login(gateways["uncached"][0])
        auth = f"Authorization: Bearer {admin['access_token']}"
        me = request_json(f"{gateways['uncached'][0]}/api/v1/me", token=admin["access_token"])
        user_id = me["user"]["id"]
        assert request_json(f"{bare}/me?user_id={user_id}") == me, "the baseline must answer the same document"
        for url, _ in gateways.values():
            assert request_json(f"{url}/api/v1/me", token=admin["access_token"]) == me, "both gateways alike"
        paths = [
            ("/me", f"{bare}/me?user_id={user_id}", "/api/v1/me"),
            ("tenants list", f"{bare}/tenants?per_page=20", "/api/v1/tenants?per_page=20"),
        ]
        cpu = {"baseline": lambda: process_tree(bare_app.pid)}
        for variant, (_, process) in gateways.items():
            cpu[variant] = lambda process=process: [*process_tree(process.pid), service.pid]
        results = {"ceiling": {c: wrk(f"{bare}/noop", c) for c in CONNECTIONS}}
        for name, base_url, path in paths:
            targets = {"baseline": (base_url, ())}
            targets.update({v: (f"{url}{path}", (auth,)) for v, (url, _) in gateways.items()})
            for url, headers in targets.values():
                wrk(url, 1, headers)  # warm up (the cached gateway's listener connects on its first lookup)
            for c in CONNECTIONS:
                runs = {k: [] for k in targets}
                for _ in range(REPEATS):  # interleaved repeats, median kept: the machine is shared and noisy
                    for k, (url, headers) in targets.items():
                        runs[k].append(wrk(url, c, headers, cpu_of=cpu[k]))
                results[(name, c)] = {
                    k: {**median_run(v), "cpu_ms": statistics.median(r["cpu_ms"] for r in v)} for k, v in runs.items()
                }
                b = results[(name, c)]["baseline"]
                line = f"  {name:14s} c={c:<3d} baseline {b['rps']:6.0f} req/s p50 {b['p50_ms']:5.2f} ms {b['cpu_ms']:4.2f} CPU ms/req"
                for variant in VARIANTS:
                    p = results[(name, c)][variant]
                    line += (
                        f" | {variant} {p['rps']:6.0f} req/s p50 {p['p50_ms']:5.2f} ms {p['cpu_ms']:4.2f} CPU ms/req"
                    )
                print(line, flush=True)
    report(results)


def report(results):
    print()
    print("Scenario 1 — GET /me and GET /tenants through the gateway against bare Flask + SQLAlchemy")
    print(f"              (same run, same settings, median of {REPEATS} interleaved {DURATION}s runs)")
    print("  cached   = gateway with its cache of /me and /tenants (token checked per request, answer kept)")
    print("  uncached = the same gateway with ACCOUNTS_CACHE_TTL_SECONDS=0: gateway → RPC → accounts → PostgreSQL")
    print(
        f"{'path':14s} {'conns':>5s} {'gateway':>8s} {'req/s':>7s} {'baseline':>8s} {'ratio':>6s} "
        f"{'p50 gw/base ms':>15s} {'p50 +ms':>8s} {'p99 gw/base ms':>15s} {'CPU ms/req gw/base':>19s}  target"
    )
    out = []
    for key, value in results.items():
        if key == "ceiling":
            continue
        name, c = key
        b = value["baseline"]
        row = {"path": name, "connections": c, "baseline": b}
        for variant in VARIANTS:
            p = value[variant]
            ratio = p["rps"] / b["rps"]
            extra = p["p50_ms"] - b["p50_ms"]
            met = ratio >= 0.7 and (c != 1 or extra <= 1.0)
            print(
                f"{name:14s} {c:5d} {variant:>8s} {p['rps']:7.0f} {b['rps']:8.0f} {ratio:6.2f} "
                f"{p['p50_ms']:7.2f}/{b['p50_ms']:<7.2f} {extra:8.2f} {p['p99_ms']:7.2f}/{b['p99_ms']:<7.2f} "
                f"{p['cpu_ms']:9.2f}/{b['cpu_ms']:<9.2f}  {'MET' if met else 'MISSED'}"
            )
            row[variant] = {
                **p,
                "ratio": round(ratio, 3),
                "p50_extra_ms": round(extra, 2),
                "cpu_ms_per_request": round(p["cpu_ms"], 3),
                "target_met": met,
            }
        out.append(row)
    ceiling = results["ceiling"]
    print(
        f"(ceiling: Flask with no I/O {ceiling[1]['rps']:.0f} req/s at 1 connection, {ceiling[16]['rps']:.0f} at 16; "
        f"{TARGETS}; CPU: the gateway + accounts service against the bare app, PostgreSQL and the broker left out)"
    )
    write_results("accounts", {"ceiling": ceiling, "scenario_1": out, "targets": TARGETS})


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
