"""Scenario for the royalties service, in ``make bench``:

* **Throughput**: N ``content.article_published`` events (one author and one credited
  photo each, so two ledger rows per event) wait on the broker; the royalties service
  (``platform run royalties``) turns them into items, measured from its first row to
  the last. Baseline in the same run: a no-op nameko ``@event_handler`` consuming the
  same events from its own queue (``python bench/royalties_bench.py noop``). Figures:
  ledger rows per second, events per second, and the ratio of events handled per
  second (royalties ÷ no-op; target ≥ 0.7). The rows-per-second ratio is printed too.
* **Redelivery storm**: every event is published again with its own id, a third of
  them once more under a new id (a replay), and the consumer is killed (SIGKILL) in
  the middle and restarted: duplicates must be zero (rows = 2 × distinct facts).

Set ``BENCH_ROYALTY_EVENTS`` to change N (default 2000). Runs in about two minutes.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DB, BIN, PG, Processes, base_env, say, write_results  # noqa: E402

EVENTS = int(os.environ.get("BENCH_ROYALTY_EVENTS", "2000"))
ROYALTIES_DB_URL = f"{PG}/{BENCH_DB}_royalties"
NOOP_SERVICE = "bench_royalties_noop"
ROYALTIES_QUEUE = "evt-content-content.article_published--royalties.handle_article_published"
NOOP_QUEUE = f"evt-content-content.article_published--{NOOP_SERVICE}.handle_article_published"
NEWS_DESK = ("00000000-0000-4000-8000-00000000b1d0", "BLD", "Báo Lao Động")
HANOI = "00000000-0000-4000-8000-00000000c1d0"


def _events(count, start):
    out = []
    for n in range(count):
        at = (start + timedelta(seconds=n)).isoformat()
        article_id = str(uuid.uuid4())
        out.append(
            {
                "event_id": str(uuid.uuid4()),
                "event_type": "content.article_published",
                "occurred_at": at,
                "schema_version": 1,
                "tenant_id": HANOI,
                "article_id": article_id,
                "revision": 1,
                "section": "news",
                "genre": "news",
                "title": f"Công đoàn chăm lo Tết cho công nhân — bài {n}",
                "site": "portal",
                "asset_ids": [],
                "published_at": at,
                "slug": f"bai-{n}",
                "authors": [{"user_id": str(uuid.uuid4()), "pen_name": "Trần Văn Bình", "share": 100}],
                "photo_credits": [{"asset_id": str(uuid.uuid4()), "user_id": None, "name": "Lê Ảnh"}],
                "word_count": 420,
                "first_publication": True,
            }
        )
    return out


class Broker:
    """One confirmed channel of the benchmark's vhost (py-amqp)."""

    def __init__(self, amqp_uri):
        import amqp

        from platform_shared.broker import amqp_params

        self._amqp = amqp
        self.conn = amqp.Connection(**amqp_params(amqp_uri), confirm_publish=True)
        self.conn.connect()
        self.channel = self.conn.channel()
        self.channel.exchange_declare("content.events", "topic", durable=True, auto_delete=False)
        for queue in (ROYALTIES_QUEUE, NOOP_QUEUE):
            self.channel.queue_declare(queue, durable=True, auto_delete=False)
            self.channel.queue_bind(queue, "content.events", "content.article_published")
            self.channel.queue_purge(queue)

    def publish(self, events, queue=None):
        """To every bound queue through ``content.events``, or straight to ``queue``."""
        for event in events:
            self.channel.basic_publish(
                self._amqp.Message(
                    json.dumps(event, ensure_ascii=False),
                    content_type="application/json",
                    content_encoding="utf-8",
                    delivery_mode=2,
                    application_headers={"nameko.event_id": event["event_id"]},
                ),
                exchange="" if queue else "content.events",
                routing_key=queue or "content.article_published",
            )

    def depth(self, queue):
        return self.channel.queue_declare(queue, passive=True).message_count

    def close(self):
        self.conn.collect()


def _count(engine, sql):
    import sqlalchemy as sa

    with engine.connect() as conn:
        return conn.execute(sa.text(sql)).scalar()


def _wait(predicate, timeout, what, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            sys.exit(f"royalties bench: timed out waiting for {what}")
        time.sleep(interval)


def _prepare(env):
    for command in (("createdb", "royalties", "--recreate"), ("migrate", "royalties")):
        subprocess.run([BIN / "platform", *command], env=env, check=True, stdout=subprocess.DEVNULL)
    from platform_shared.clock import Clock
    from platform_shared.database import SessionFactory, make_engine
    from royalties import reference
    from royalties.operations import Royalties

    sessions = SessionFactory(make_engine(ROYALTIES_DB_URL, pool_size=2))
    reference.ensure(sessions, Clock().now())
    app = Royalties(sessions, clock=Clock())
    desk_id, code, name = NEWS_DESK
    app.sync_tenants(
        [
            {"id": desk_id, "code": code, "name": name, "status": "active"},
            {"id": HANOI, "code": "LDLD-HN", "name": "Liên đoàn Lao động thành phố Hà Nội", "status": "active"},
        ]
    )
    return sessions.engine


def _noop_rate(procs, env, broker, total):
    proc = procs.start(sys.executable, Path(__file__), "noop", env=env)
    _wait(lambda: broker.depth(NOOP_QUEUE) < total, 60, "the no-op consumer to start", interval=0.01)
    started = time.monotonic()
    _wait(lambda: broker.depth(NOOP_QUEUE) == 0, 300, "the no-op consumer to drain its queue", interval=0.02)
    elapsed = time.monotonic() - started
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=20)
    return total / elapsed


def _royalties_rate(procs, env, engine, total_rows):
    proc = procs.start(BIN / "platform", "run", "royalties", env=env)
    first = _wait(lambda: _count(engine, "SELECT count(*) FROM royalty_item"), 60, "the first ledger row", 0.01)
    started = time.monotonic()
    _wait(lambda: _count(engine, "SELECT count(*) FROM royalty_item") >= total_rows, 300, "every ledger row", 0.05)
    elapsed = time.monotonic() - started
    return proc, (total_rows - first) / elapsed


def main():
    say(f"Royalties: {EVENTS} publication events → ledger rows, against a no-op nameko event handler")
    env = base_env(
        ROYALTIES_DATABASE_URL=ROYALTIES_DB_URL, RPC_TIMEOUT="1", ROYALTIES_TENANT_SYNC_INTERVAL_SECONDS="3600"
    )
    os.environ["AMQP_URI"] = env["AMQP_URI"]
    engine = _prepare(env)
    broker = Broker(env["AMQP_URI"])
    facts = _events(EVENTS, datetime.now(UTC) - timedelta(days=20))
    broker.publish(facts)
    with Processes() as procs:
        noop_before = _noop_rate(procs, env, broker, EVENTS)
        proc, rows_rate = _royalties_rate(procs, env, engine, 2 * EVENTS)
        broker.publish(facts, queue=NOOP_QUEUE)  # the baseline again, after: the mean of both runs
        noop_rate = (noop_before + _noop_rate(procs, env, broker, EVENTS)) / 2
        events_rate = rows_rate / 2
        ratio = events_rate / noop_rate

        say("Redelivery storm: every event again, a third replayed under new ids, the consumer killed mid-way")
        replays = [{**e, "event_id": str(uuid.uuid4())} for e in facts[::3]]
        broker.publish(facts + replays)
        expected_inbox = EVENTS + len(replays)
        inbox = "SELECT count(*) FROM inbox WHERE handler = 'handle_article_published'"
        _wait(lambda: _count(engine, inbox) > EVENTS + len(replays) // 4, 120, "the storm to be under way", 0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        procs.start(BIN / "platform", "run", "royalties", env=env)
        _wait(
            lambda: _count(engine, inbox) == expected_inbox and broker.depth(ROYALTIES_QUEUE) == 0,
            300,
            "the storm to be handled",
            0.1,
        )
        rows = _count(engine, "SELECT count(*) FROM royalty_item")
        distinct = _count(engine, "SELECT count(DISTINCT (article_id, revision, payee_key)) FROM royalty_item")
    broker.close()
    duplicates = rows - 2 * EVENTS
    print(
        f"ledger rows/s {rows_rate:,.0f} ({events_rate:,.0f} events/s); no-op nameko handler {noop_rate:,.0f} events/s; "
        f"ratio (events/s) {ratio:.2f} (target ≥ 0.7); rows/s ÷ no-op events/s {rows_rate / noop_rate:.2f}"
    )
    print(
        f"redelivery storm: {EVENTS + expected_inbox} deliveries, {rows} rows, {distinct} distinct, duplicates {duplicates}"
    )
    write_results(
        "royalties",
        {
            "events": EVENTS,
            "ledger_rows_per_s": round(rows_rate, 1),
            "events_per_s": round(events_rate, 1),
            "noop_events_per_s": round(noop_rate, 1),
            "ratio": round(ratio, 3),
            "rows_ratio": round(rows_rate / noop_rate, 3),
            "storm": {
                "deliveries": EVENTS + expected_inbox,
                "rows": rows,
                "distinct": distinct,
                "duplicates": duplicates,
            },
        },
    )


def run_noop():
    """The baseline: a nameko service whose handler of the same event does nothing."""
    import warnings

    warnings.filterwarnings("ignore", message="(?s).*Eventlet is deprecated")
    import eventlet
    from eventlet import hubs

    hubs.use_hub(os.environ.get("EVENTLET_HUB", "poll"))
    eventlet.monkey_patch()
    from nameko.cli.run import run
    from nameko.events import event_handler

    class NoopService:
        name = NOOP_SERVICE

        @event_handler("content", "content.article_published")
        def handle_article_published(self, payload):
            return None

    run([NoopService], {"AMQP_URI": os.environ["AMQP_URI"], "max_workers": 10})


if __name__ == "__main__":
    if sys.argv[1:] == ["noop"]:
        run_noop()
    else:
        main()
