"""Scenario 3 (content), in ``make bench``:

* 10,000 published items over 60 tenants; the public article list of a section and
  Vietnamese search (20 different queries in turn, with and without diacritics)
  through the gateway — with its event-invalidated public cache, and with the
  cache off (an RPC per request) — against a bare Flask + SQLAlchemy app running
  the same queries on the same database (bench/bare_content.py), same gunicorn
  settings, wrk at 1 and 16 connections;
* the time from an editor's ``publish`` to the ``content.article_published`` event
  reaching a consumer (outbox → relay → RabbitMQ), p50 and p99 over 40 publications.

The items are written straight into the content database (the setup, not what is
measured); tenants come through the accounts service and its import.
"""

import json
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from common import (
    BENCH_DB,
    BIN,
    GUNICORN,
    PG,
    ROOT,
    Processes,
    base_env,
    free_port,
    login,
    prepare_databases,
    request_json,
    say,
    wait_http,
    write_results,
)

ITEMS = int(os.environ.get("BENCH_ITEMS", "10000"))
CONTENT_DB_URL = f"{PG}/{BENCH_DB}_content"
QUERIES = [
    "cong doan",
    "công đoàn",
    "tien luong",
    "tiền lương",
    "bảo hiểm xã hội",
    "an toan lao dong",
    "Tết",
    "dai hoi",
    "nhà ở công nhân",
    "thoa uoc",
    "hợp đồng lao động",
    "cham lo",
    "khu cong nghiep",
    "đoàn viên",
    "nu cong nhan",
    "tai nan lao dong",
    "CÔNG ĐOÀN",
    "phúc lợi",
    "huan luyen",
    "đối thoại",
]
WORDS = [
    "công",
    "đoàn",
    "cơ",
    "sở",
    "người",
    "lao",
    "động",
    "đoàn",
    "viên",
    "tiền",
    "lương",
    "thưởng",
    "Tết",
    "bảo",
    "hiểm",
    "xã",
    "hội",
    "an",
    "toàn",
    "vệ",
    "sinh",
    "lao",
    "động",
    "hợp",
    "đồng",
    "thỏa",
    "ước",
    "lao",
    "động",
    "tập",
    "thể",
    "chăm",
    "lo",
    "đời",
    "sống",
    "nhà",
    "ở",
    "công",
    "nhân",
    "khu",
    "công",
    "nghiệp",
    "doanh",
    "nghiệp",
    "đối",
    "thoại",
    "phúc",
    "lợi",
    "nữ",
    "công",
    "nhân",
    "huấn",
    "luyện",
    "tai",
    "nạn",
    "đại",
    "hội",
    "ban",
    "chấp",
    "hành",
    "phong",
    "trào",
    "thi",
    "đua",
    "tổ",
    "chức",
    "hoạt",
    "động",
    "năm",
    "tháng",
    "tỉnh",
    "thành",
    "phố",
    "liên",
    "đoàn",
    "lao",
    "động",
    "trao",
    "quà",
    "hỗ",
    "trợ",
    "khó",
    "khăn",
    "việc",
    "làm",
    "thu",
    "nhập",
    "kỷ",
    "luật",
    "quyền",
    "lợi",
]


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def import_tenants(env, count):
    """Enough federations that the platform has ``count`` tenants (demo tree + imported ones)."""
    from accounts.operations import Accounts, Settings
    from accounts.passwords import Passwords
    from platform_shared.actor import SYSTEM
    from platform_shared.clock import Clock
    from platform_shared.database import SessionFactory, make_engine

    sessions = SessionFactory(make_engine(env["ACCOUNTS_DATABASE_URL"], pool_size=2))
    app = Accounts(sessions, signer=None, passwords=Passwords(19456, 2, 1), settings=Settings(), clock=Clock())
    rows = ["code,name,kind,parent_code,admin_name,admin_email"]
    for n in range(count - 9):
        rows.append(
            f"BENCH-{n:02d},Liên đoàn Lao động tỉnh Thử nghiệm {n:02d},provincial_federation,TLD,"
            f"Quản trị {n:02d},admin{n:02d}@bench.vn"
        )
    app.import_tenants(SYSTEM, "\n".join(rows) + "\n")
    sessions.dispose()


def seed_articles(count):
    """``count`` published items spread over the tenants and the central sections."""
    import sqlalchemy as sa

    from content.models import Article, Section, TenantCopy
    from platform_shared import search
    from platform_shared.database import SessionFactory, make_engine

    rng = random.Random(2026)
    sessions = SessionFactory(make_engine(CONTENT_DB_URL, pool_size=2))
    with sessions.transaction() as session:
        tenants = session.scalars(sa.select(TenantCopy)).all()
        sections = {s.key: s for s in session.scalars(sa.select(Section).where(Section.scope == "central")).all()}
    base = datetime(2026, 1, 1, tzinfo=UTC)
    batch = []
    for n in range(count):
        tenant = tenants[n % len(tenants)]
        section = sections["news"] if n % 4 else sections["thematic"]
        title = f"{sentence(rng, 8)[:-1]} ({tenant.name[:40]}, số {n})"
        body_text = " ".join(sentence(rng, rng.randint(12, 25)) for _ in range(rng.randint(4, 9)))
        exact, folded = search.search_columns(title, body_text)
        published = base + timedelta(minutes=47 * n)
        author = {"user_id": str(uuid.uuid4()), "pen_name": f"Phóng viên {n % 97}", "share": 100}
        batch.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": tenant.id,
                "origin_tenant_id": tenant.id,
                "section_id": section.id,
                "site": "portal",
                "site_key": "portal",
                "genre": "news",
                "title": title,
                "slug": f"bai-{n}",
                "summary": sentence(rng, 15),
                "body": f"<p>{body_text}</p>",
                "topic": None,
                "tags": [],
                "authors": [author],
                "asset_ids": [],
                "photo_credits": [],
                "photo_count": 0,
                "word_count": len(body_text.split()),
                "status": "published",
                "revision": 1,
                "published_revision": 1,
                "published_at": published,
                "first_published_at": published,
                "first_submitted_at": published,
                "submitted_at": published,
                "created_at": published,
                "updated_at": published,
                "search_exact": exact,
                "search_folded": folded,
            }
        )
        if len(batch) == 1000:
            with sessions.transaction() as session:
                session.execute(sa.insert(Article), batch)
            batch = []
    if batch:
        with sessions.transaction() as session:
            session.execute(sa.insert(Article), batch)
    with sessions.transaction() as session:
        session.execute(sa.text("ANALYZE article"))
    sessions.dispose()


def lua_rotating(prefix):
    """A wrk script that sends the 20 queries in turn."""
    encoded = ", ".join(f'"{quote(q)}"' for q in QUERIES)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f"""
local queries = {{{encoded}}}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "{prefix}?q=" .. queries[(i % #queries) + 1])
end
""")
    return script.name


def main():
    from run import CONNECTIONS, median_run, wrk

    env = base_env(
        CONTENT_DATABASE_URL=CONTENT_DB_URL,
        BENCH_CONTENT_DATABASE_URL=CONTENT_DB_URL,
        CONTENT_TENANT_SYNC_INTERVAL_SECONDS="86400",
    )
    say(f"Scenario 3 — content: fresh databases, 60 tenants, {ITEMS} published items")
    prepare_databases(env, ("accounts", "content"))
    import_tenants(env, 60)
    with Processes() as procs:
        cached_port, uncached_port, bare_port = free_port(), free_port(), free_port()
        procs.start(BIN / "platform", "run", "accounts", env=env)
        procs.start(BIN / "platform", "run", "content", env=env)
        procs.start(BIN / "platform", "relay", "content", env=env)
        procs.start(BIN / "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{cached_port}", "gateway.wsgi:app", env=env)
        procs.start(
            BIN / "gunicorn",
            *GUNICORN,
            "-b",
            f"127.0.0.1:{uncached_port}",
            "gateway.wsgi:app",
            env={**env, "PUBLIC_CACHE_TTL_SECONDS": "0"},
        )
        procs.start(
            BIN / "gunicorn",
            *GUNICORN,
            "-b",
            f"127.0.0.1:{bare_port}",
            "--chdir",
            ROOT / "bench",
            "bare_content:app",
            env=env,
        )
        cached, uncached, bare = (f"http://127.0.0.1:{p}" for p in (cached_port, uncached_port, bare_port))
        for url in (cached, uncached):
            wait_http(f"{url}/healthz")
        _sync_tenants(env)
        seed_articles(ITEMS)
        wait_http(f"{bare}/public/articles?section=news")

        same = request_json(f"{uncached}/api/v1/public/articles?section=news")
        assert same == request_json(f"{bare}/public/articles?section=news"), "the baseline must answer the same"
        paths = {
            "section list": {
                "cached": (f"{cached}/api/v1/public/articles?section=news", None),
                "uncached": (f"{uncached}/api/v1/public/articles?section=news", None),
                "baseline": (f"{bare}/public/articles?section=news", None),
            },
            "search (20 queries)": {
                "cached": (cached, lua_rotating("/api/v1/public/articles")),
                "uncached": (uncached, lua_rotating("/api/v1/public/articles")),
                "baseline": (bare, lua_rotating("/public/articles")),
            },
        }
        results = {}
        for name, variants in paths.items():
            for url, script in variants.values():
                wrk(url, 1, script=script)  # warm up (and fill the cache)
            for c in CONNECTIONS:
                runs = {k: [] for k in variants}
                for _ in range(int(os.environ.get("BENCH_REPEATS", "3"))):
                    for key, (url, script) in variants.items():
                        runs[key].append(wrk(url, c, script=script))
                results[(name, c)] = {k: median_run(v) for k, v in runs.items()}
                r = results[(name, c)]
                print(
                    f"  {name:20s} c={c:<3d} baseline {r['baseline']['rps']:7.0f} | gateway+cache "
                    f"{r['cached']['rps']:7.0f} | gateway, no cache {r['uncached']['rps']:7.0f} req/s",
                    flush=True,
                )
        latency = publish_latency(cached, env)
    report(results, latency)


def _sync_tenants(env):
    from gateway.rpc import RpcClient
    from platform_shared.actor import SYSTEM

    client = RpcClient(env["AMQP_URI"])
    deadline = time.monotonic() + 60
    while True:
        try:
            client.call("content", "sync_tenants", [SYSTEM.dump()], timeout=30)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    client.close()


def publish_latency(gateway, env, count=40):
    """Seconds from the publish request to the event at a consumer, for ``count`` publications."""
    import amqp

    from platform_shared.broker import amqp_params

    received = {}
    ready = threading.Event()
    stop = threading.Event()

    def consume():
        conn = amqp.Connection(**amqp_params(env["AMQP_URI"]))
        conn.connect()
        channel = conn.channel()
        channel.exchange_declare("content.events", "topic", durable=True, auto_delete=False)
        queue = channel.queue_declare("", exclusive=True).queue
        channel.queue_bind(queue, "content.events", routing_key="content.article_published")

        def on_message(message):
            received[json.loads(message.body)["article_id"]] = time.monotonic()

        channel.basic_consume(queue, callback=on_message, no_ack=True)
        ready.set()
        while not stop.is_set():
            try:
                conn.drain_events(timeout=0.5)
            except TimeoutError:
                pass
        conn.close()

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    ready.wait(10)
    contributor = login(gateway, "hanoi.contributor", "Bench-demo-2026!")["access_token"]
    editor = login(gateway, "laodong.editor", "Bench-demo-2026!")["access_token"]
    started = {}
    for n in range(count):
        article = request_json(
            f"{gateway}/api/v1/articles",
            {
                "section": "news",
                "genre": "news",
                "title": f"Bài đo thời gian đăng số {n + 1}",
                "body": "<p>Công đoàn chăm lo Tết cho người lao động.</p>",
            },
            token=contributor,
        )
        request_json(f"{gateway}/api/v1/articles/{article['id']}/submit", {}, token=contributor)
        request_json(f"{gateway}/api/v1/articles/{article['id']}/open", {}, token=editor)
        request_json(f"{gateway}/api/v1/articles/{article['id']}/approve", {}, token=editor)
        started[article["id"]] = time.monotonic()
        request_json(f"{gateway}/api/v1/articles/{article['id']}/publish", {}, token=editor)
    deadline = time.monotonic() + 30
    while len(received) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    delays = sorted((received[k] - started[k]) * 1000 for k in started if k in received)
    return {
        "count": len(delays),
        "expected": count,
        "p50_ms": statistics.median(delays),
        "p99_ms": delays[min(len(delays) - 1, int(len(delays) * 0.99))],
    }


def report(results, latency):
    print()
    print(f"Scenario 3 — public reading over {ITEMS} published items of 60 tenants (same run, same data)")
    print(
        f"{'path':22s} {'conns':>5s} {'baseline':>9s} {'gw+cache':>9s} {'ratio':>6s} {'gw no cache':>11s} "
        f"{'ratio':>6s}  p50 ms base/cache/nocache   p99 ms base/cache/nocache"
    )
    out = []
    for (name, c), r in results.items():
        b, k, u = r["baseline"], r["cached"], r["uncached"]
        print(
            f"{name:22s} {c:5d} {b['rps']:9.0f} {k['rps']:9.0f} {k['rps'] / b['rps']:6.2f} {u['rps']:11.0f} "
            f"{u['rps'] / b['rps']:6.2f}  {b['p50_ms']:6.2f}/{k['p50_ms']:5.2f}/{u['p50_ms']:6.2f}"
            f"          {b['p99_ms']:6.2f}/{k['p99_ms']:5.2f}/{u['p99_ms']:6.2f}"
        )
        out.append(
            {
                "path": name,
                "connections": c,
                **r,
                "ratio_cached": k["rps"] / b["rps"],
                "ratio_uncached": u["rps"] / b["rps"],
            }
        )
    print(
        f"publish → event at a consumer: p50 {latency['p50_ms']:.1f} ms, p99 {latency['p99_ms']:.1f} ms "
        f"({latency['count']}/{latency['expected']} publications)"
    )
    write_results("content", {"reading": out, "publish_to_event": latency})


if __name__ == "__main__":
    main()
