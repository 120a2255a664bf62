"""Scenario for the feedback service, in ``make bench``:

* question intake — ``POST /api/v1/questions`` from a guest, through the gateway → RPC →
  feedback (validation, the Vietnamese text rule, routing, working-day deadline, tracking
  code, question + history + outbox rows in one transaction) — against a bare Flask app
  (``bare`` below) running the very same use case (``Feedback.questions.ask``) in-process on the same
  database: the difference is the gateway, the token-less RPC hop and the service process.
  Same gunicorn settings, wrk at 1 and 16 connections, median of interleaved repeats.
* the diacritics check's cost per comment: ``language_bench.measure()`` (the text rule's
  own benchmark, with its baseline).

The per-address question limit is raised for the run (every wrk request comes from
127.0.0.1). ``python bench/run.py feedback`` runs this scenario alone.
"""

import json
import os
import tempfile

from common import (
    BENCH_DB,
    BIN,
    GUNICORN,
    PG,
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
    write_results,
)

FEEDBACK_DB_URL = f"{PG}/{BENCH_DB}_feedback"
QUESTION = {
    "category": "wages_bonuses",
    "title": "Công ty trả lương chậm hai tháng",
    "body": "Công ty tôi đã chậm trả lương hai tháng liền, công đoàn có thể giúp gì cho người lao động?",
    "guest": {"name": "Nguyễn Văn Khách", "phone": "0912 345 678"},
}


# -- the baseline: the same use case in a bare Flask app (``gunicorn feedback_bench:bare``) --------

bare = None
if os.environ.get("BENCH_FEEDBACK_DATABASE_URL"):
    from flask import Flask, jsonify, request

    from feedback.operations import Feedback, Settings
    from platform_shared.actor import Actor
    from platform_shared.clock import Clock
    from platform_shared.database import SessionFactory, make_engine
    from platform_shared.errors import PlatformError

    bare = Flask(__name__)
    bare.json.ensure_ascii = False
    _use_cases = Feedback(
        SessionFactory(make_engine(os.environ["BENCH_FEEDBACK_DATABASE_URL"], pool_size=8)),
        clock=Clock(),
        settings=Settings(question_limit_address=10**9, question_limit_contact=10**9),
    )

    @bare.post("/questions")
    def bare_ask():
        try:
            return jsonify(_use_cases.questions.ask(Actor.anonymous(), request.get_json(), request.remote_addr)), 201
        except PlatformError as error:
            return jsonify(error.to_dict()), error.status


def _post_script(path, body):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = {json.dumps(json.dumps(body, ensure_ascii=True))}\n"
            f'request = function() return wrk.format(nil, "{path}") end\n'
        )
    return script.name


def _sync_tenants(env):
    import time

    from gateway.rpc import RpcClient
    from platform_shared.actor import SYSTEM

    client = RpcClient(env["AMQP_URI"])
    deadline = time.monotonic() + 60
    while True:
        try:
            client.call("feedback", "sync_tenants", [SYSTEM.dump()], timeout=30)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    client.close()


def intake():
    from run import CONNECTIONS, median_run, wrk

    env = base_env(
        FEEDBACK_DATABASE_URL=FEEDBACK_DB_URL,
        BENCH_FEEDBACK_DATABASE_URL=FEEDBACK_DB_URL,
        FEEDBACK_QUESTION_LIMIT_ADDRESS=str(10**9),
        FEEDBACK_QUESTION_LIMIT_CONTACT=str(10**9),
        FEEDBACK_TENANT_SYNC_INTERVAL_SECONDS="86400",
    )
    say("Scenario — feedback: fresh databases; question intake through the gateway and in a bare app")
    prepare_databases(env, ("accounts", "feedback"))
    with Processes() as procs:
        gateway_port, bare_port = free_port(), free_port()
        procs.start(BIN / "platform", "run", "accounts", env=env)
        procs.start(BIN / "platform", "run", "feedback", env=env)
        procs.start(BIN / "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{gateway_port}", "gateway.wsgi:app", env=env)
        procs.start(
            BIN / "gunicorn",
            *GUNICORN,
            "-b",
            f"127.0.0.1:{bare_port}",
            "--chdir",
            ROOT / "bench",
            "feedback_bench:bare",
            env=env,
        )
        gw, base = f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{bare_port}"
        wait_http(f"{gw}/healthz")
        _sync_tenants(env)
        admin = login(gw)
        tenants = request_json(f"{gw}/api/v1/tenants?per_page=100", token=admin["access_token"])["items"]
        body = {**QUESTION, "tenant_id": next(t["id"] for t in tenants if t["code"] == "LDLD-HN")}
        asked = request_json(f"{gw}/api/v1/questions", body)
        wait_http(f"{gw}/api/v1/questions/track/{asked['tracking_code']}")
        baseline_answer = request_json(f"{base}/questions", body)
        assert set(baseline_answer) == set(asked), "the baseline must answer the same document"
        variants = {
            "baseline": (base, _post_script("/questions", body)),
            "platform": (gw, _post_script("/api/v1/questions", body)),
        }
        for url, script in variants.values():
            wrk(url, 1, script=script)  # warm up
        results = {}
        for c in CONNECTIONS:
            runs = {k: [] for k in variants}
            for _ in range(int(os.environ.get("BENCH_REPEATS", "3"))):
                for key, (url, script) in variants.items():
                    runs[key].append(wrk(url, c, script=script))
            results[c] = {k: median_run(v) for k, v in runs.items()}
            b, p = results[c]["baseline"], results[c]["platform"]
            print(
                f"  question intake c={c:<3d} baseline {b['rps']:6.0f} req/s p50 {b['p50_ms']:5.2f} ms | "
                f"gateway {p['rps']:6.0f} req/s p50 {p['p50_ms']:5.2f} ms",
                flush=True,
            )
    return results


def language_cost():
    try:
        import language_bench
    except ImportError as error:
        print(f"  (the diacritics check's benchmark is missing: bench/language_bench.py could not load — {error})")
        return None
    return language_bench.measure()


def main():
    results = intake()
    print()
    print("Feedback — question intake, POST /api/v1/questions (guest), through the gateway against the same")
    print("             use case in a bare Flask app on the same database (same run, same gunicorn settings)")
    print(
        f"{'conns':>5s} {'gateway req/s':>14s} {'bare req/s':>11s} {'ratio':>6s} {'p50 gw/bare ms':>16s} {'p99 gw/bare ms':>16s}"
    )
    rows = []
    for c, value in results.items():
        p, b = value["platform"], value["baseline"]
        ratio = p["rps"] / b["rps"]
        print(
            f"{c:5d} {p['rps']:14.0f} {b['rps']:11.0f} {ratio:6.2f} "
            f"{p['p50_ms']:7.2f}/{b['p50_ms']:<8.2f} {p['p99_ms']:7.2f}/{b['p99_ms']:<8.2f}"
        )
        rows.append({"connections": c, "platform": p, "baseline": b, "ratio": round(ratio, 3)})
    language = language_cost()
    if language is not None:
        print()
        print("Feedback — the Vietnamese text rule per comment (require_vietnamese + check_profanity):")
        for key, value in language.items():
            print(f"  {key}: {value}")
    write_results("feedback", {"question_intake": rows, "diacritics_check": language})


if __name__ == "__main__":
    ensure_wrk()
    main()
