"""``make cluster-test``: faults injected into the cluster under a steady mixed load.

Starts the cluster (``cluster.py``), runs the load of ``load.py`` and, one after another:

1. kills one replica of each service with SIGKILL (supervisord restarts it);
2. stops one RabbitMQ node (``rabbitmqctl stop_app``) and starts it again, then another;
3. kills the outbox relay of content that holds the lead (the standby must take over);
4. kills one gateway (HAProxy must route around it);
5. restarts the PostgreSQL server of polls (every connection of polls is cut).

Then it stops the load, lets the queues and outboxes drain and counts, from the services' own
databases: poll responses answered 202 against responses counted (0 lost, 0 twice), published
articles against royalty items (one per author share), questions answered 201 against questions
stored, timer facts written more than once (scheduled publication, quota closing, poll closing,
report reminders), events parked. The table is printed and written to
``var/cluster/faults-report.md`` (and ``.json``); the exit status is 1 when a target is missed.
Bounded (about ten minutes here), loopback only.
"""

import json
import os
import shutil
import sys
import time
import urllib.request
import uuid
import xmlrpc.client
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Short timer intervals, so that every timer fires many times on both replicas during the run.
for _key in (
    "CONTENT_PUBLISH_INTERVAL_SECONDS",
    "CONTENT_QUOTA_CLOSE_INTERVAL_SECONDS",
    "FEEDBACK_ESCALATION_INTERVAL_SECONDS",
    "POLLS_CLOSE_INTERVAL_SECONDS",
    "REPORTS_REMINDER_INTERVAL_SECONDS",
    "MEDIA_SWEEP_INTERVAL_SECONDS",
):
    os.environ.setdefault(_key, "3")
# The whole load comes from one address (the balancer passes 127.0.0.1 on): the per-address
# limit on questions stands for many workers here. The per-contact limit stays as it is.
os.environ.setdefault("FEEDBACK_QUESTION_LIMIT_ADDRESS", "1000000")

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from cluster import Cluster  # noqa: E402
from load import Load  # noqa: E402
from parts import say, wait_for  # noqa: E402
from topology import (  # noqa: E402
    RABBIT_NODES,
    REPLICAS,
    SERVICES,
    VAR,
    database_url,
    metrics_port,
)

VOTE_RATE = float(os.environ.get("CLUSTER_TEST_VOTE_RATE", "200"))
RPC_TIMEOUT = float(os.environ.get("RPC_TIMEOUT", "10"))
BROKER_RECOVERY_TARGET = 15.0
LOAD_THREADS = {"readers": 3, "voters": 24, "writers": 1, "askers": 1}
IN_FLIGHT_MAX = sum(LOAD_THREADS.values())  # requests in flight at any moment, at most
VOLATILE = {"event_id", "occurred_at", "schema_version", "sent_at", "published_at"}
TIMER_FACTS = ("content.quota_missed", "polls.poll_closed", "polls.report_reminder_due", "feedback.question_overdue")


def api(url, method, path, token=None, body=None):
    request = urllib.request.Request(
        url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def engine(service):
    return sa.create_engine(database_url(service), pool_pre_ping=True)


def scalar(service, sql, **params):
    eng = engine(service)
    try:
        with eng.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()
    finally:
        eng.dispose()


def rows(service, sql, **params):
    eng = engine(service)
    try:
        with eng.connect() as conn:
            return conn.execute(sa.text(sql), params).all()
    finally:
        eng.dispose()


# -- setting the scene ------------------------------------------------------------------------


def prepare(cluster, voters):
    url, creds = cluster.url, cluster.credentials
    admin = api(url, "POST", "/api/v1/auth/login", body={"username": "admin", "password": creds["admin"]})
    admin_token = admin["access_token"]

    def login(name):
        return api(url, "POST", "/api/v1/auth/login", body={"username": name, "password": creds["demo"]})[
            "access_token"
        ]

    tenants = api(url, "GET", "/api/v1/tenants?per_page=100", admin_token)["items"]
    hanoi = next(t for t in tenants if t["code"] == "LDLD-HN")
    now = datetime.now(UTC)
    questions = [
        {
            "text": "Anh/chị đánh giá chất lượng bữa ăn ca?",
            "kind": "single",
            "options": [{"label": label} for label in ("Tốt", "Được", "Chưa tốt")],
        },
        {"text": "Mức độ hài lòng với điều kiện làm việc?", "kind": "rating"},
    ]
    poll = api(
        url,
        "POST",
        "/api/v1/polls",
        admin_token,
        {
            "title": "Thử tải: lấy ý kiến đoàn viên về bữa ăn ca",
            "opens_at": now.isoformat(),
            "closes_at": (now + timedelta(days=2)).isoformat(),
            "audience": {"all": True},
            "questions": questions,
        },
    )
    api(url, "POST", f"/api/v1/polls/{poll['id']}/open", admin_token, {})
    # A second poll that closes during the run: the closing timer must close it once.
    closing = api(
        url,
        "POST",
        "/api/v1/polls",
        admin_token,
        {
            "title": "Thử tải: khảo sát đóng trong lúc chạy",
            "opens_at": now.isoformat(),
            "closes_at": (now + timedelta(seconds=90)).isoformat(),
            "audience": {"all": True},
            "questions": questions[:1],
        },
    )
    api(url, "POST", f"/api/v1/polls/{closing['id']}/open", admin_token, {})

    say(f"Minting {voters} members' access tokens")
    from accounts.signing import Signer

    signer = Signer(
        cluster.env["TOKEN_KEYS_DIR"],
        issuer=os.environ.get("TOKEN_ISSUER", "https://congdoan.vn/accounts"),
        audience=os.environ.get("TOKEN_AUDIENCE", "congdoan-portal"),
        access_ttl=3600,
    )
    member_ids = [uuid.uuid4() for _ in range(voters)]
    tenant_ids = [t["id"] for t in tenants]
    tokens = [
        signer.access_token(user_id=m, tenant_id=tenant_ids[i % len(tenant_ids)], roles=["member"], now=now)
        for i, m in enumerate(member_ids)
    ]
    return {
        "poll_id": poll["id"],
        "closing_poll_id": closing["id"],
        "hanoi_id": hanoi["id"],
        "member_token": login("hanoi.member"),
        "contributor": login("hanoi.contributor"),
        "editor": login("laodong.editor"),
        "member_ids": member_ids,
        "tokens": tokens,
    }


# -- the faults -------------------------------------------------------------------------------


def wait_running(cluster, name, old_pid, timeout=90):
    def restarted():
        info = cluster.supervisor.rpc().getProcessInfo(name)
        return info["statename"] == "RUNNING" and info["pid"] != old_pid

    wait_for(restarted, timeout, f"{name} to be restarted")


def kill_replicas(cluster, load, log):
    for service in SERVICES:
        name = f"{service}-1"
        load.phase = f"1 kill {name}"
        pid = cluster.supervisor.pid(name)
        cluster.supervisor.kill(name)
        log.append((load.phase, time.time()))
        wait_running(cluster, name, pid)
        time.sleep(6)


def broker_nodes(cluster, load, log):
    for node in (RABBIT_NODES[1], RABBIT_NODES[0]):
        load.phase = f"2 stop {node.name.split('@')[0]}"
        log.append((load.phase, time.time()))
        cluster.rabbit.stop_app(node)
        time.sleep(20)
        cluster.rabbit.start_app(node)
        wait_for(lambda: len(cluster.rabbit.running_nodes()) == len(RABBIT_NODES), 120, "the node to rejoin")
        time.sleep(10)


def leading_relay(service):
    """The relay program holding the outbox's advisory lock (its connection is named after it)."""
    found = rows(
        service,
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE 'relay-%'",
    )
    names = {r[0] for r in found}
    return names.pop() if len(names) == 1 else None


def hold_down(cluster, name, timeout=30):
    """Stop a crashed program from coming back (or stop it again if it already has; SIGTERM, so a
    lock it took is released) until ``startProcess``."""
    rpc = cluster.supervisor.rpc()
    deadline = time.monotonic() + timeout
    while rpc.getProcessInfo(name)["statename"] != "STOPPED":
        if time.monotonic() > deadline:
            raise SystemExit(f"{name} could not be held down")
        try:
            rpc.stopProcess(name, True)
        except xmlrpc.client.Fault:  # between its death and supervisord's restart: not running
            time.sleep(0.1)


def relay_failover(cluster, load, log):
    load.phase = "3 kill leading relay-content"
    leader = leading_relay("content")
    if leader is None:
        raise SystemExit("no single relay of content holds the outbox lock")
    pid = cluster.supervisor.pid(leader)
    log.append((load.phase, time.time()))
    cluster.supervisor.kill(leader)
    began = time.monotonic()
    # Held down until the standby leads: supervisord restarts the crashed relay within a second or
    # two, and the restarted one could take the lock back before the standby's next try (every
    # 5 s): the run then waited for a takeover that was not needed (seen once, a 60 s time-out).
    hold_down(cluster, leader)
    wait_for(lambda: (lead := leading_relay("content")) is not None and lead != leader, 60, "the standby relay to lead")
    took = time.monotonic() - began
    cluster.supervisor.rpc().startProcess(leader, True)
    wait_running(cluster, leader, pid)
    time.sleep(8)
    return leader, took


def gateway_down(cluster, load, log):
    load.phase = "4 kill gateway-1"
    pid = cluster.supervisor.pid("gateway-1")
    log.append((load.phase, time.time()))
    cluster.supervisor.kill("gateway-1")
    wait_running(cluster, "gateway-1", pid)
    time.sleep(10)


def postgres_restart(cluster, load, log):
    load.phase = "5 restart PostgreSQL of polls"
    log.append((load.phase, time.time()))
    cluster.postgres.restart("polls")
    time.sleep(15)


# -- counting ---------------------------------------------------------------------------------


def drain(cluster, scene, load, timeout=240):
    say("Load stopped; waiting for the queues and outboxes to drain")

    def drained():
        queues = cluster.rabbit.queues()
        waiting = sum(n for name, (_, n) in queues.items() if not name.startswith("rpc"))
        backlog = sum(scalar(s, "SELECT count(*) FROM outbox WHERE published_at IS NULL") for s in SERVICES)
        return waiting == 0 and backlog == 0

    # Items scheduled just before the load stopped come due up to 20 s later: the publication
    # timer must have published them before the queues can be said to be drained.
    scheduled = [a for a, how in load.tally.published.items() if how == "scheduled"]

    def all_due_published():
        waiting = scalar(
            "content",
            "SELECT count(*) FROM article WHERE id::text = ANY(:ids) AND status <> 'published'",
            ids=scheduled,
        )
        return waiting == 0

    wait_for(all_due_published, 90, "the scheduled items to be published by the timer", interval=2)
    wait_for(drained, timeout, "the queues and outboxes to drain", interval=2)
    # The scheduled articles' times have passed; give the handlers a moment after the last publish.
    time.sleep(5)


def count(cluster, scene, load):
    figures = {}
    accepted = {str(scene["member_ids"][i]) for i in load.tally.accepted_votes}
    attempted = {str(scene["member_ids"][i]) for i in load.tally.attempted_votes}
    counted = {
        str(r[0]) for r in rows("polls", "SELECT member_id FROM poll_response WHERE poll_id = :p", p=scene["poll_id"])
    }
    tallied = scalar(
        "polls",
        "SELECT coalesce(sum(count), 0) FROM poll_tally WHERE poll_id = :p AND question_id = '' "
        "AND row_id = '' AND option_id = ''",
        p=scene["poll_id"],
    )
    figures["votes"] = {
        "answered_202": len(accepted),
        "counted": len(counted),
        "tally_total": int(tallied),
        "lost": len(accepted - counted),
        "counted_never_sent": len(counted - attempted),
        "counted_twice": int(tallied) - len(counted),
    }

    published_ids = [a for a in load.tally.published]
    status = dict(rows("content", "SELECT id::text, status FROM article WHERE id::text = ANY(:ids)", ids=published_ids))
    items = Counter(
        r[0]
        for r in rows(
            "royalties",
            "SELECT article_id::text FROM royalty_item WHERE article_id::text = ANY(:ids)",
            ids=published_ids,
        )
    )
    facts = Counter(
        r[0]
        for r in rows(
            "content",
            "SELECT aggregate_id FROM outbox WHERE event_type = 'content.article_published' AND aggregate_id = ANY(:ids)",
            ids=published_ids,
        )
    )
    figures["articles"] = {
        "published": sum(1 for a in published_ids if status.get(a) == "published"),
        "of_which_by_the_timer": sum(1 for a, how in load.tally.published.items() if how == "scheduled"),
        "not_published": sum(1 for a in published_ids if status.get(a) != "published"),
        "royalty_items": sum(items.values()),
        "without_item": sum(1 for a in published_ids if items[a] == 0),
        "items_twice": sum(1 for a in published_ids if items[a] > 1),
        "published_facts_twice": sum(1 for a in published_ids if facts[a] > 1),
        "answers_lost_then_409": load.tally.answers_lost,
    }

    codes = list(load.tally.questions)
    stored = Counter(
        r[0] for r in rows("feedback", "SELECT tracking_code FROM question WHERE tracking_code = ANY(:c)", c=codes)
    )
    figures["questions"] = {
        "answered_201": len(codes),
        "stored": sum(stored.values()),
        "lost": sum(1 for c in codes if stored[c] == 0),
    }

    duplicates = {}
    for service in SERVICES:
        seen = Counter()
        for event_type, payload in rows(
            service, "SELECT event_type, payload FROM outbox WHERE event_type = ANY(:t)", t=list(TIMER_FACTS)
        ):
            if isinstance(payload, str):
                payload = json.loads(payload)
            key = json.dumps({k: v for k, v in payload.items() if k not in VOLATILE}, sort_keys=True)
            seen[(event_type, key)] += 1
        for (event_type, _), n in seen.items():
            duplicates.setdefault(event_type, [0, 0])
            duplicates[event_type][0] += 1
            duplicates[event_type][1] += n - 1
    closed = scalar(
        "polls",
        "SELECT count(*) FROM outbox WHERE event_type = 'polls.poll_closed' AND payload->>'poll_id' = :p",
        p=scene["closing_poll_id"],
    )
    figures["timers"] = {
        "facts": {t: {"distinct": d, "twice": x} for t, (d, x) in sorted(duplicates.items())},
        "closing_poll_closed_facts": closed,
        "runs": timer_runs(),
    }
    figures["parked"] = {s: scalar(s, "SELECT count(*) FROM parked_event WHERE replayed_at IS NULL") for s in SERVICES}
    return figures


def timer_runs():
    """``{service.timer: {replica: {"ran": n, "skipped": n}}}`` read from every replica's metrics."""
    result = defaultdict(dict)
    for index in range(len(SERVICES)):
        for replica in range(1, REPLICAS + 1):
            port = metrics_port("service", index, replica)
            try:
                text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
            except requests.RequestException:
                continue
            for line in text.splitlines():
                if line.startswith("platform_timer_runs_total{"):
                    labels, value = line[len("platform_timer_runs_total{") :].rsplit("} ", 1)
                    parts = dict(p.split("=", 1) for p in labels.split(","))
                    key = f"{parts['service'].strip(chr(34))}.{parts['timer'].strip(chr(34))}"
                    cell = result[key].setdefault(f"r{replica}", {})
                    cell[parts["outcome"].strip('"')] = int(float(value))
    return dict(result)


# -- judging and reporting --------------------------------------------------------------------


def judge(figures, table, relay_took):
    misses = []
    v = figures["votes"]
    if v["lost"] or v["counted_twice"] or v["counted_never_sent"]:
        misses.append(f"votes: {v['lost']} lost, {v['counted_twice']} counted twice, {v['counted_never_sent']} unknown")
    a = figures["articles"]
    if a["not_published"] or a["without_item"] or a["items_twice"] or a["published_facts_twice"]:
        misses.append(f"articles: {a}")
    q = figures["questions"]
    if q["lost"]:
        misses.append(f"questions: {q['lost']} answered 201 and not stored")
    for event_type, cell in figures["timers"]["facts"].items():
        if cell["twice"]:
            misses.append(f"timer fact {event_type} written twice {cell['twice']} times")
    if figures["timers"]["closing_poll_closed_facts"] != 1:
        misses.append(f"the closing poll was closed {figures['timers']['closing_poll_closed_facts']} times")
    parked = sum(figures["parked"].values())
    if parked:
        misses.append(f"{parked} events parked: {figures['parked']}")
    for phase, kinds in table.items():
        failed = {k: dict(c["failed"]) for k, c in kinds.items() if c["failed"]}
        total = sum(sum(f.values()) for f in failed.values())
        bugs = {k: n for f in failed.values() for k, n in f.items() if k == 500 or 400 <= k < 500}
        if bugs:  # a fault is answered 503 (try again), never as a bug or a refusal
            misses.append(f"{phase}: answered {bugs} {failed}")
        if phase.startswith("1 kill"):
            other = {s for f in failed.values() for s in f if s != 503}
            if other or total > IN_FLIGHT_MAX:
                misses.append(f"{phase}: {total} failed {failed} (only the in-flight, as 503)")
        if phase.startswith("2 stop"):
            gap = max(c["gap"] for c in kinds.values())
            if gap > BROKER_RECOVERY_TARGET:
                misses.append(f"{phase}: requests failed for {gap:.1f} s (target ≤ {BROKER_RECOVERY_TARGET:g} s)")
        if phase.startswith("4 kill gateway") and total > IN_FLIGHT_MAX:
            misses.append(f"{phase}: {total} failed {failed} (the balancer should route around it)")
    if relay_took > 30:
        misses.append(f"the standby relay took {relay_took:.1f} s to lead")
    return misses


def render(table, figures, misses, seconds, relay, started):
    lines = [
        "# make cluster-test — faults under load",
        "",
        f"Run {datetime.fromtimestamp(started, UTC):%Y-%m-%d %H:%M} UTC, {seconds:.0f} s of load; "
        f"{len(RABBIT_NODES)} RabbitMQ nodes (quorum queues), {REPLICAS} replicas of every service, "
        f"{REPLICAS} relays per service, {REPLICAS} gateways behind HAProxy, PostgreSQL per service.",
        "",
        "| phase | kind | sent | 2xx | failed (status: n) | longest failing stretch |",
        "|---|---|---:|---:|---|---:|",
    ]
    for phase in sorted(table):
        for kind in ("read", "vote", "article", "question"):
            c = table[phase].get(kind)
            if not c:
                continue
            failed = ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(c["failed"].items())) or "—"
            gap = f"{c['gap']:.1f} s" if c["gap"] else "—"
            lines.append(f"| {phase} | {kind} | {c['sent']} | {c['ok']} | {failed} | {gap} |")
    v, a, q = figures["votes"], figures["articles"], figures["questions"]
    lines += [
        "",
        f"- Poll responses: {v['answered_202']} answered 202, {v['counted']} counted (tally {v['tally_total']}); "
        f"lost {v['lost']}, counted twice {v['counted_twice']}.",
        f"- Articles: {a['published']} published ({a['of_which_by_the_timer']} by the publication timer), "
        f"{a['royalty_items']} royalty items; without an item {a['without_item']}, items twice {a['items_twice']}, "
        f"publication facts twice {a['published_facts_twice']}; creations whose answer was lost (409 on retry) "
        f"{a['answers_lost_then_409']}.",
        f"- Questions: {q['answered_201']} answered 201, {q['stored']} stored, lost {q['lost']}.",
        f"- Relay: {relay[0]} was leading content's outbox; the standby led {relay[1]:.1f} s after the kill.",
        "- Timer facts (distinct / written twice): "
        + ", ".join(f"{t} {c['distinct']}/{c['twice']}" for t, c in figures["timers"]["facts"].items())
        + f"; the poll closing during the run was closed {figures['timers']['closing_poll_closed_facts']} time(s).",
        "- Timer ticks per replica (ran / skipped because the other replica held the tick): "
        + "; ".join(
            f"{t} " + " ".join(f"{r} {c.get('ran', 0)}/{c.get('skipped', 0)}" for r, c in sorted(reps.items()))
            for t, reps in sorted(figures["timers"]["runs"].items())
        ),
        f"- Events parked: {sum(figures['parked'].values())}.",
        "",
        "**Result: " + ("PASS**" if not misses else "MISS**\n\n" + "\n".join(f"- {m}" for m in misses)),
    ]
    return "\n".join(lines) + "\n"


def main():
    voters = int(os.environ.get("CLUSTER_TEST_VOTERS", "60000"))
    started = time.time()
    # A fresh cluster every run: nothing counted is left from an earlier one.
    for folder in ("rabbitmq", "postgres", "logs"):
        shutil.rmtree(VAR / folder, ignore_errors=True)
    with Cluster() as cluster:
        scene = prepare(cluster, voters)
        load = Load(
            cluster.url,
            member_token=scene["member_token"],
            contributor=scene["contributor"],
            editor=scene["editor"],
            poll_id=scene["poll_id"],
            voter_tokens=scene["tokens"],
            hanoi_id=scene["hanoi_id"],
            vote_rate=VOTE_RATE,
        )
        say(f"Load: reads, {VOTE_RATE:g} poll responses/s, article writes through the desk, questions")
        log = []
        began = time.monotonic()
        load.start(**LOAD_THREADS)
        time.sleep(20)
        say("Fault 1: one replica of each service killed with SIGKILL")
        kill_replicas(cluster, load, log)
        say("Fault 2: a RabbitMQ node stopped and started again, then another")
        broker_nodes(cluster, load, log)
        say("Fault 3: the leading relay of content killed")
        relay = relay_failover(cluster, load, log)
        say("Fault 4: a gateway killed")
        gateway_down(cluster, load, log)
        say("Fault 5: PostgreSQL of polls restarted")
        postgres_restart(cluster, load, log)
        load.phase = "6 after"
        time.sleep(10)
        seconds = time.monotonic() - began
        load.finish()
        if load.errors:
            raise SystemExit("the load's client failed:\n" + "\n".join(load.errors))
        drain(cluster, scene, load)
        figures = count(cluster, scene, load)
        table = load.by_phase()
    misses = judge(figures, table, relay[1])
    report = render(table, figures, misses, seconds, relay, started)
    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "faults-report.md").write_text(report, encoding="utf-8")
    plain = {p: {k: {**c, "failed": dict(c["failed"])} for k, c in kinds.items()} for p, kinds in table.items()}
    (VAR / "faults-report.json").write_text(
        json.dumps({"phases": plain, "figures": figures, "misses": misses}, ensure_ascii=False, indent=2, default=str),
        encoding="utf-8",
    )
    print(report)
    print(f"written to {VAR / 'faults-report.md'}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
