"""Where the time goes (issue 18): py-spy profiles under wrk, and round trips counted per request.

    .venv/bin/python bench/profile/record.py [me|tenants|intake|media]...   (all four without a name)

Each path is started the way its ``make bench`` scenario starts it (bench/common.py: gunicorn
``-w 2 --threads 8``
with the gateway's worker class (``GATEWAY_WORKER=gthread``: gunicorn's own), the services against the benchmark's PostgreSQL databases and
RabbitMQ vhost). For each path and connection count the script

* runs wrk once with no profiler attached: requests/s, p50, p99, and the CPU time each process
  group spent per request (gateway master and workers, the service, this run's PostgreSQL
  backends, the RabbitMQ node, wrk), less what the group spends idle at the same rate (timers,
  relays; the broker also carries other work on a shared machine);
* runs wrk again while ``py-spy record --nonblocking`` records both gateway workers (their stacks
  summed into one profile) and the service process: ``cpu`` = samples of the threads py-spy finds active, ``wall`` = ``--idle``
  (threads waiting on a socket or a lock too), ``gil`` = ``--gil`` (only the thread holding the
  GIL). A nameko service runs its workers as eventlet greenlets on one OS thread: py-spy sees
  the greenlet running at the moment of the sample (CPU is right, a greenlet waiting for
  PostgreSQL is invisible — the hub's ``poll`` stands for every wait); its ``wall`` profile is
  mostly eventlet's idle ``tpool`` threads;
* prints the top entries by own samples and by cumulative samples (a function counted once per
  stack) and keeps the collapsed stacks in ``bench/results/profile/`` (``flamegraph.pl`` or
  speedscope read them);
* counts round trips: AMQP messages through the benchmark vhost (RabbitMQ management API,
  exchange ``publish_in``) and SQL statements sent to the service database (PostgreSQL's own
  log, ``log_min_duration_statement = 0`` set on the benchmark database only for a short counting
  phase with its own processes, reset afterwards), each over N sequential requests minus an idle
  window of the same length.

``PROFILE_SECONDS`` (default 12) is the length of each recorded wrk run; ``PROFILE_COUNT`` (default
40) the requests of each counting window; ``PG_LOG`` the PostgreSQL log file to read. The machine may
be shared: compare ratios and call counts, not absolute times.
"""

import collections
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH))

from common import (  # noqa: E402
    BENCH_DB,
    BIN,
    DB_URL,
    GUNICORN,
    ROOT,
    Processes,
    base_env,
    ensure_wrk,
    free_port,
    login,
    prepare_databases,
    request_json,
    say,
    wait_http,
)

SECONDS = int(os.environ.get("PROFILE_SECONDS", "12"))
COUNT = int(os.environ.get("PROFILE_COUNT", "40"))
PG_LOG = Path(os.environ.get("PG_LOG", "/var/log/postgresql/postgresql-15-main.log"))
OUT = BENCH / "results" / "profile"
IDLE = 4.0  # seconds of idle CPU measured before each run, subtracted in proportion
RATE = 97  # samples/s: not a multiple of anything periodic in the processes


# -- py-spy ------------------------------------------------------------------------------------


def gateway_worker(master):
    """One worker of the gunicorn master (it has two; wrk spreads the connections over both)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pids = [int(p) for p in children.read_text().split()] if children.exists() else []
        if pids:
            return pids[0]
        time.sleep(0.2)
    sys.exit("gunicorn started no worker")


def spy(pid, seconds, name, wall=False, gil=False):
    """A py-spy recording of ``pid`` started in the background; its output file. ``wall``: idle
    threads too (``--idle``); ``gil``: only the thread holding the GIL (``--gil``)."""
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"{name}-{'wall' if wall else 'gil' if gil else 'cpu'}.txt"
    cmd = [BIN / "py-spy", "record", "-p", pid, "-d", seconds, "-r", RATE, "-f", "raw", "-o", target, "--nonblocking"]
    if wall:
        cmd.append("--idle")
    if gil:
        cmd.append("--gil")
    proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, target


_LINE = re.compile(r"^(.*) (\d+)$")
_FRAME = re.compile(r"^(.*) \((.*?)(?::\d+)?\)$")


def _short(frame):
    """``function (file:line)`` → ``function (package/file.py)`` without the line."""
    m = _FRAME.match(frame)
    if not m:
        return frame
    func, path = m.groups()
    for marker in ("site-packages/", "/work/main/", "python3.", "lib/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{func} ({path})"


def top(collapsed):
    """Samples in all, and samples by function: own (the leaf) and cumulative (once per stack)."""
    own, cum, total = collections.Counter(), collections.Counter(), 0
    for line in Path(collapsed).read_text().splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        stack, count = m.group(1).split(";"), int(m.group(2))
        frames = [_short(f) for f in stack]
        total += count
        own[frames[-1]] += count
        for f in set(frames):
            cum[f] += count
    return total, own, cum


def show(title, collapsed, n=10):
    total, own, cum = top(collapsed)
    print(f"\n### {title} — {total} samples ({collapsed.relative_to(ROOT)})")
    if not total:
        return
    print("own%   cum%   function")
    for name, count in own.most_common(n):
        print(f"{100 * count / total:5.1f}  {100 * cum[name] / total:5.1f}  {name}")
    print("-- by cumulative --")
    for name, count in cum.most_common(n + 8):  # the first few are the thread and server loops
        print(f"{100 * count / total:5.1f}  {name}")


def _ticks(pid):
    """CPU time (user + system) of ``pid`` so far, in clock ticks; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return int(fields[11]) + int(fields[12])


def _pids(predicate):
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if predicate(cmdline):
                out.append(int(entry.name))
    return out


def components(master, service_pid):
    """The processes whose CPU a request costs, by name: the gateway (master and workers), the
    service, this run's PostgreSQL backends, RabbitMQ (the broker is shared with other work)."""
    groups = {"gateway": lambda: [master, *gunicorn_workers(master)]}
    if service_pid:
        groups["service"] = lambda: [service_pid]
    groups["postgres (cdp_bench_*)"] = lambda: _pids(lambda c: c.startswith("postgres: ") and f" {BENCH_DB}_" in c)
    groups["rabbitmq (shared)"] = lambda: _pids(lambda c: "beam.smp" in c and "rabbit" in c)
    return groups


def gunicorn_workers(master):
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def cpu_during(finders, fn):
    """``fn()``'s wall seconds, and the CPU ms each group of ``finders`` (name → function giving
    pids) spent meanwhile, less what the group spent at the same rate while idle just before."""

    def snapshot():  # pid → ticks, per group; a process started since counts from zero
        return {name: {p: _ticks(p) for p in find()} for name, find in finders.items()}

    def spent(a, b):
        return {name: sum(t - a[name].get(p, 0) for p, t in b[name].items()) for name in finders}

    idle = snapshot()
    if finders:
        time.sleep(IDLE)  # what each group spends with no request (timers, relays, other work)
    before = snapshot()
    started = time.monotonic()
    fn()
    hz, elapsed = os.sysconf("SC_CLK_TCK"), time.monotonic() - started
    busy, quiet = spent(before, snapshot()), spent(idle, before)
    return elapsed, {name: 1000 * (busy[name] - quiet[name] * elapsed / IDLE) / hz for name in finders}


def wrk_run(url, connections, seconds, headers=(), script=None, cpu_of=None):
    """wrk's figures; with ``cpu_of`` (name → pids), also the CPU ms each group and wrk spent per
    request, less what the group spent at the same rate while idle just before."""
    cmd = ["wrk", "-t", "1" if connections == 1 else "2", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    result = {}

    def run():
        with tempfile.TemporaryFile("w+") as out:
            proc = subprocess.Popen(cmd + [url], stdout=out, stderr=subprocess.DEVNULL)
            _, status, result["usage"] = os.wait4(proc.pid, 0)
            out.seek(0)
            result["text"] = out.read()
        if os.waitstatus_to_exitcode(status):
            sys.exit(f"wrk failed: {result['text']}")

    _, cpu = cpu_during(cpu_of or {}, run)
    text, usage = result["text"], result["usage"]
    if cpu_of:
        cpu["wrk"] = 1000 * (usage.ru_utime + usage.ru_stime)
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": re.search(r"\s50%\s+(\S+)", text).group(1),
        "p99": re.search(r"\s99%\s+(\S+)", text).group(1),
        "requests": requests,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "cpu_ms_per_request": {k: round(v / max(requests, 1), 3) for k, v in cpu.items()},
    }


def profiled_wrk(name, master, service_pid, url, connections, *, headers=(), script=None):
    """wrk on ``url`` twice: once alone (throughput, latency and the CPU each process spent per
    request), then for SECONDS while py-spy records a gateway worker and the service."""
    plain = wrk_run(url, connections, SECONDS, headers, script, cpu_of=components(master, service_pid))
    print(
        f"\n== {name} c={connections}: {plain['rps']:.0f} req/s, p50 {plain['p50']}, p99 {plain['p99']}"
        f"{', NON-2xx: ' + str(plain['non2xx']) if plain['non2xx'] else ''} (no profiler attached; shared "
        f"machine: compare, don't quote)\n   CPU ms per request: {plain['cpu_ms_per_request']}"
    )
    gateway_worker(master)  # started
    spies, parts = [], collections.defaultdict(list)
    for i, worker in enumerate(gunicorn_workers(master)):  # both: at c=1 one of them gets every request
        for mode in ("cpu", "wall", "gil"):
            proc, target = spy(worker, SECONDS - 2, f"{name}-c{connections}-gateway{i}", mode == "wall", mode == "gil")
            parts[OUT / f"{name}-c{connections}-gateway-{mode}.txt"].append((proc, target))
    if service_pid:
        spies.append(spy(service_pid, SECONDS - 2, f"{name}-c{connections}-service", wall=False))
        spies.append(spy(service_pid, SECONDS - 2, f"{name}-c{connections}-service", wall=True))
    spied = wrk_run(url, connections, SECONDS, headers, script)
    for proc, _ in spies + [s for group in parts.values() for s in group]:
        proc.wait(timeout=60)
    for merged, group in parts.items():  # the workers' stacks summed: one profile of the gateway
        merged.write_text("".join(t.read_text() if t.exists() else "" for _, t in group))
        for _, t in group:
            t.unlink(missing_ok=True)
        spies.insert(0, (None, merged))
    print(f"   under py-spy: {spied['rps']:.0f} req/s, p50 {spied['p50']}")
    for _, target in spies:
        show(target.stem, target)


# -- round trips -------------------------------------------------------------------------------


def _management(path):
    import base64

    api = os.environ.get("RABBITMQ_API", "http://127.0.0.1:15672")
    auth = base64.b64encode(b"guest:guest").decode()
    req = urllib.request.Request(api + path, headers={"Authorization": f"Basic {auth}"})
    with urllib.request.urlopen(req, timeout=5) as response:
        return json.loads(response.read())


def amqp_messages(vhost):
    """Messages published so far into each exchange of ``vhost`` (the default one as ``""``)."""
    out = {}
    for ex in _management(f"/api/exchanges/{vhost}"):
        out[ex["name"]] = ex.get("message_stats", {}).get("publish_in", 0)
    return out


def pg_statements(database, since):
    """Statements (BEGIN and COMMIT included) the server logged for ``database`` after byte ``since``."""
    with PG_LOG.open("rb") as fh:
        fh.seek(since)
        text = fh.read().decode("utf-8", "replace")
    kinds = collections.Counter()
    for line in text.splitlines():
        if f"@{database} LOG:  duration:" in line:
            sql = line.split("statement: ", 1)[-1].split("execute ", 1)[-1].strip()
            kinds[sql.split()[0].upper() if sql else "?"] += 1
    return sum(kinds.values()), kinds


def _psql(sql):
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atqc", sql], check=True)


def counted(vhost, database, request, label):
    """AMQP messages and SQL statements per ``request()``, over COUNT sequential calls minus an
    idle window as long (timers, relays). The management API refreshes its figures every 5 s."""

    def window(fn):
        a, pg = amqp_messages(vhost), PG_LOG.stat().st_size
        started = time.monotonic()
        fn()
        time.sleep(max(0, 2 - (time.monotonic() - started)))
        elapsed = time.monotonic() - started
        time.sleep(6)
        b = amqp_messages(vhost)
        n, kinds = pg_statements(database, pg)
        return elapsed, {k: b.get(k, 0) - a.get(k, 0) for k in b}, n, kinds

    busy_s, busy_amqp, busy_sql, kinds = window(lambda: [request() for _ in range(COUNT)])
    _, idle_amqp, idle_sql, _ = window(lambda: time.sleep(busy_s))
    amqp = {k or "(default)": round((v - idle_amqp.get(k, 0)) / COUNT, 2) for k, v in busy_amqp.items() if v}
    sql = (busy_sql - idle_sql) / COUNT
    print(
        f"\n== round trips, {label}: AMQP messages per request by exchange {amqp}; SQL statements per "
        f"request {sql:.2f} (in the busy window: {dict(kinds)}; idle window: {idle_sql})"
    )
    return amqp, sql


class StatementLog:
    """``log_min_duration_statement = 0`` on the benchmark database for the block (new sessions only)."""

    def __init__(self, database):
        self.database = database

    def __enter__(self):
        _psql(f'ALTER DATABASE "{self.database}" SET log_min_duration_statement = 0')
        return self

    def __exit__(self, *exc):
        _psql(f'ALTER DATABASE "{self.database}" RESET log_min_duration_statement')


def _get(url, token=None):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(req, timeout=30) as response:
        response.read()


# -- paths -------------------------------------------------------------------------------------


def _accounts_processes(procs, env):
    gw_port, bare_port = free_port(), free_port()
    service = procs.start(BIN / "platform", "run", "accounts", env=env)
    gateway = procs.start(BIN / "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{gw_port}", "gateway.wsgi:app", env=env)
    bare = procs.start(
        BIN / "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{bare_port}", "--chdir", BENCH, "bare_app:app", env=env
    )
    gw, base = f"http://127.0.0.1:{gw_port}", f"http://127.0.0.1:{bare_port}"
    wait_http(f"{gw}/healthz")
    wait_http(f"{base}/noop")
    return service, gateway, bare, gw, base


def accounts_paths(names):
    env = base_env()
    database = DB_URL.rsplit("/", 1)[1]
    vhost = env["AMQP_URI"].rsplit("/", 1)[1]
    say("accounts: fresh benchmark database, migrated and seeded")
    prepare_databases(env)
    paths = {
        "me": ("/api/v1/me", "/me?user_id={user}"),
        "tenants": ("/api/v1/tenants?per_page=20", "/tenants?per_page=20"),
    }

    say("round trips (statement log on the benchmark database, sequential requests)")
    with StatementLog(database), Processes() as procs:
        _, _, _, gw, base = _accounts_processes(procs, env)
        token = login(gw)["access_token"]
        user = request_json(f"{gw}/api/v1/me", token=token)["user"]["id"]
        for name in names:
            plat, bare = paths[name]
            _get(gw + plat, token), _get(base + bare.format(user=user))  # pools warm
            counted(vhost, database, lambda p=plat: _get(gw + p, token), f"{name} through the gateway")
            counted(vhost, database, lambda b=bare: _get(base + b.format(user=user)), f"{name} bare Flask")

    say("profiles (py-spy under wrk)")
    with Processes() as procs:
        service, gateway, bare, gw, base = _accounts_processes(procs, env)
        token = login(gw)["access_token"]
        user = request_json(f"{gw}/api/v1/me", token=token)["user"]["id"]
        auth = (f"Authorization: Bearer {token}",)
        for name in names:
            plat, bare_path = paths[name]
            for c in (1, 16):
                profiled_wrk(name, gateway.pid, service.pid, gw + plat, c, headers=auth)
                profiled_wrk(f"{name}-bare", bare.pid, None, base + bare_path.format(user=user), c)


def intake_path():
    import polls_bench
    from polls_bench import POLLS_DB_URL, QUESTIONS, _sync_tenants, lua_responses, mint_tokens, purge

    env = base_env(
        POLLS_DATABASE_URL=POLLS_DB_URL,
        POLLS_DEFINITION_TTL_SECONDS="300",
        POLLS_TENANT_SYNC_INTERVAL_SECONDS="86400",
    )
    uri, vhost = env["AMQP_URI"], env["AMQP_URI"].rsplit("/", 1)[1]
    say("intake: fresh databases; the polls consumer off (as in the bench's figure 1)")
    prepare_databases(env, ("accounts", "polls"))
    port = free_port()
    rng = random.Random(7)
    with Processes() as procs:
        procs.start(BIN / "platform", "run", "accounts", env=env)
        procs.start(BIN / "platform", "run", "polls", env={**env, "POLLS_INTAKE_ENABLED": "false"})
        gateway = procs.start(BIN / "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{port}", "gateway.wsgi:app", env=env)
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/healthz")
        admin = login(url)["access_token"]
        _sync_tenants(uri)
        tenants = [t["id"] for t in request_json(f"{url}/api/v1/tenants?per_page=100", token=admin)["items"]]
        now = datetime.now(UTC)
        poll = request_json(
            f"{url}/api/v1/polls",
            {
                "title": "Trưng cầu ý kiến đoàn viên (đo hồ sơ thời gian)",
                "questions": QUESTIONS,
                "opens_at": (now - timedelta(hours=1)).isoformat(),
                "closes_at": (now + timedelta(days=1)).isoformat(),
                "audience": {"all": True},
            },
            token=admin,
        )
        request_json(f"{url}/api/v1/polls/{poll['id']}/open", {}, token=admin)
        purge(uri)
        tokens = mint_tokens(env, tenants, 2000)
        script = lua_responses(poll["id"], tokens, rng)
        body = json.dumps({"answers": polls_bench.answers(rng)}).encode()
        member_tokens = iter(mint_tokens(env, tenants, COUNT * 2))

        def respond():
            req = urllib.request.Request(
                f"{url}/api/v1/polls/{poll['id']}/responses",
                data=body,
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {next(member_tokens)}"},
            )
            with urllib.request.urlopen(req, timeout=30) as response:
                response.read()

        respond()  # the definition cached, the publisher connected
        counted(vhost, f"{BENCH_DB}_polls", respond, "intake (no statement log here: polls' DB is not on the path)")
        subprocess.run(["wrk", "-t", "2", "-c", "16", "-d", "3s", "-s", script, url], capture_output=True)  # warm
        for c in (1, 16):
            purge(uri)
            profiled_wrk("intake", gateway.pid, None, url, c, script=script)


def media_path():
    from media_bench import multipart_upload, photos, start_platform

    say("media: fresh databases, S3 server (moto), media service, gateway (no media worker)")
    with Processes() as procs:
        platform = start_platform(procs, worker=False)
        moto, media, gateway = platform["moto"], platform["media"], platform["gateway"]
        gateway_port, token, raw = platform["gateway_port"], platform["token"], platform["raw"]
        batch = photos(int(os.environ.get("BENCH_PHOTOS", "24")))
        multipart_upload("127.0.0.1", gateway_port, token, "anh.jpg", "image/jpeg", [batch[0]], len(batch[0]))
        started = time.perf_counter()
        for data in batch[1:]:
            raw.put_object("bench-raw", f"raw/{uuid.uuid4()}", io.BytesIO(data), len(data))
        raw_s = time.perf_counter() - started

        def post_all(photos_):
            for data in photos_:
                multipart_upload("127.0.0.1", gateway_port, token, "anh.jpg", "image/jpeg", [data], len(data))

        groups = components(gateway.pid, media.pid)
        groups["s3 server (moto)"] = lambda: [moto.pid]
        plain_s, cpu = cpu_during(groups, lambda: post_all(batch[1:]))
        n = len(batch) - 1
        print(
            f"\n== media, no profiler attached: {n} photos of {len(batch[1]) / 1e6:.2f} MB sequentially — "
            f"{1000 * plain_s / n:.0f} ms each through the gateway, {1000 * raw_s / n:.0f} ms each raw put_object; "
            f"ratio {raw_s / plain_s:.2f} (shared machine)\n   CPU ms per photo: "
            f"{ {k: round(v / n, 1) for k, v in cpu.items()} }"
        )
        batch = photos(len(batch))  # new bytes: a photo seen before is answered from its hash
        worker_pids = gunicorn_workers(gateway.pid)
        spies = [spy(p, 600, f"media-gateway-{i}", wall=True) for i, p in enumerate(worker_pids)]
        spies.append(spy(media.pid, 600, "media-service", wall=False))
        spies.append(spy(media.pid, 600, "media-service", wall=True))
        time.sleep(1)
        started = time.perf_counter()
        post_all(batch[1:])
        platform_s = time.perf_counter() - started
        time.sleep(0.5)
        for proc, _ in spies:
            proc.send_signal(2)  # py-spy writes what it has on SIGINT
        for proc, _ in spies:
            proc.wait(timeout=60)
        print(f"   under py-spy: {1000 * platform_s / n:.0f} ms each")
        for _, target in spies:
            if target.exists():
                show(target.stem, target)


def main(argv):
    chosen = argv[1:] or ["me", "tenants", "intake", "media"]
    ensure_wrk()  # before anything starts, as bench/run.py does (a new machine has none)
    accounts = [n for n in chosen if n in ("me", "tenants")]
    if accounts:
        accounts_paths(accounts)
    if "intake" in chosen:
        intake_path()
    if "media" in chosen:
        media_path()


if __name__ == "__main__":
    main(sys.argv)
