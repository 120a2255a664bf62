"""Scenario 7 (portal), in ``make bench`` — the public portal's pages, cache warm:

* ``GET /`` (the home page) and ``GET /bai-viet/<slug>`` (an article with three photos and
  three comments) through the gateway — its page layer reading the event-invalidated public
  cache (``PUBLIC_CACHE_TTL_SECONDS=300``), rendering the Jinja templates, ETag — against a
  bare Flask app rendering the same templates from the same rows read with SQLAlchemy on every
  request (bench/bare_portal.py: what it does and does not do is written there), both under
  gunicorn ``-w 2 --threads 8``
  with the gateway's worker class (``GATEWAY_WORKER=gthread``: gunicorn's own), wrk on loopback at 1 and 16 connections, median of
  interleaved repeats (each figure's own median, p99 included); req/s, p50, p99 and the ratio
  portal/bare; beside the home page, the ceiling: its bytes answered from memory by the same
  Flask under the same gunicorn (``/ceiling`` of the bare app), what a cache of whole pages could
  reach here;
* the 304 path: ``GET /`` with ``If-None-Match`` (both apps render, hash and answer 304);
* the home page's HTML size and what a first visit loads (the HTML, its CSS, scripts, icon and
  every image it references, each fetched once with urllib; uncompressed — the gateway does not
  compress — with the gzip size of the text beside it).

Targets (issue 13): ratio ≥ 1.0 on the cached pages, p99 ≤ 50 ms at 16 connections, home HTML
≤ 60 KB, a first visit ≤ 400 KB. A miss prints MISS; it never fails the run.

The material is published through the real API (``/api/v1``), as a newsroom would: three
federations' contributors (Hà Nội from the demo tree; Hồ Chí Minh City and Đà Nẵng invited and
activated here) write 26 news and 10 thematic items, the news and thematic desks publish them,
an editor of the Văn phòng publishes 4 directives; 23 photos (synthetic 1400×933 JPEGs with
photo-like detail: ~95 KB medium, ~10 KB thumb renditions) are uploaded to media and described,
and the content relay runs so that media makes them public; 5 public documents, 4 published Q&A,
2 national polls and 3 approved comments complete every block of the two pages. Every service
the pages call runs: accounts, content, media, feedback, polls, with the content, feedback and
polls relays. ``python bench/run.py portal`` runs this scenario alone.
"""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

from common import (
    BENCH_DB,
    BIN,
    DEMO_PASSWORD,
    GUNICORN,
    PG,
    ROOT,
    Api,
    Processes,
    base_env,
    fetch,
    first_visit,
    free_port,
    median_figures,
    prepare_databases,
    same_html,
    say,
    sync_tenants,
    upload,
    wait_http,
    wait_until,
    write_results,
)

DBS = {name: f"{PG}/{BENCH_DB}_{name}" for name in ("content", "media", "feedback", "polls")}
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
TARGETS = {"ratio": 1.0, "p99_ms": 50.0, "html_kb": 60, "first_visit_kb": 400}

SENTENCES = [
    "Liên đoàn Lao động thành phố đã tổ chức chương trình chăm lo Tết cho đoàn viên, người lao động có hoàn cảnh khó khăn.",
    "Hơn ba nghìn suất quà đã được trao tận tay công nhân tại các khu công nghiệp trên địa bàn.",
    "Công đoàn cơ sở phối hợp với doanh nghiệp rà soát danh sách, bảo đảm đúng đối tượng và công khai, minh bạch.",
    "Nhiều doanh nghiệp cam kết thưởng Tết không thấp hơn năm trước và trả lương đầy đủ, đúng hạn.",
    "Đại diện công đoàn đề nghị người sử dụng lao động thực hiện nghiêm quy định về an toàn, vệ sinh lao động.",
    "Buổi đối thoại đã giải đáp nhiều kiến nghị của người lao động về tiền lương, nhà ở và chế độ bảo hiểm xã hội.",
    "Thỏa ước lao động tập thể mới bổ sung các điều khoản có lợi hơn cho người lao động so với quy định của pháp luật.",
    "Ban chấp hành công đoàn cấp trên cơ sở tăng cường hướng dẫn nghiệp vụ cho cán bộ công đoàn cơ sở.",
    "Phong trào thi đua lao động giỏi, lao động sáng tạo thu hút đông đảo đoàn viên tham gia.",
    "Chương trình Mái ấm công đoàn đã hỗ trợ xây mới và sửa chữa hàng chục căn nhà cho đoàn viên khó khăn.",
    "Các chuyến xe công đoàn đưa công nhân về quê đón Tết được tổ chức chu đáo, an toàn.",
    "Công đoàn ngành đề xuất sửa đổi một số quy định để bảo vệ tốt hơn quyền lợi của lao động nữ.",
    "Tại hội nghị, các đại biểu thảo luận giải pháp phát triển đoàn viên ở doanh nghiệp ngoài nhà nước.",
    "Tổ tư vấn pháp luật của công đoàn đã tiếp nhận và hướng dẫn giải quyết nhiều vụ việc tranh chấp lao động.",
    "Lãnh đạo Liên đoàn Lao động ghi nhận sự đóng góp của các cấp công đoàn trong năm qua.",
    "Người lao động được tập huấn kỹ năng sơ cứu, phòng cháy chữa cháy và phòng ngừa tai nạn lao động.",
    "Công đoàn đã giám sát việc đóng bảo hiểm xã hội, kịp thời kiến nghị xử lý doanh nghiệp nợ đọng.",
    "Bữa ăn ca của công nhân được cải thiện cả về chất lượng và giá trị sau các cuộc thương lượng.",
]
TITLES = [
    "Chăm lo Tết cho đoàn viên, người lao động",
    "Đối thoại về tiền lương tại khu công nghiệp",
    "Ký kết thỏa ước lao động tập thể nhóm doanh nghiệp",
    "Tập huấn an toàn, vệ sinh lao động cho công nhân",
    "Trao nhà Mái ấm công đoàn cho đoàn viên khó khăn",
    "Chuyến xe công đoàn đưa công nhân về quê",
    "Giám sát việc đóng bảo hiểm xã hội",
    "Phát triển đoàn viên ở doanh nghiệp ngoài nhà nước",
    "Cải thiện bữa ăn ca cho người lao động",
    "Tư vấn pháp luật miễn phí cho công nhân",
]
PLACES = {"ha-noi": "Hà Nội", "tp-ho-chi-minh": "TP Hồ Chí Minh", "da-nang": "Đà Nẵng"}


# -- seeding through the real API -------------------------------------------------------------


def invite_staff(api):
    """Contributors of Hồ Chí Minh City and Đà Nẵng, an editor of the Văn phòng (the directives desk)."""
    tenants = {t["code"]: t["id"] for t in api.call("GET", "/api/v1/tenants?per_page=100", user="admin")["items"]}
    for username, code, name, role in (
        ("hcm.contributor", "LDLD-HCM", "Nguyễn Minh Tâm", "contributor"),
        ("danang.contributor", "LDLD-DN", "Lê Thị Hạnh", "contributor"),
        ("vanphong.editor", "VP-TLD", "Trần Quốc Việt", "editor"),
    ):
        invited = api.call(
            "POST",
            "/api/v1/users",
            {
                "username": username,
                "email": f"{username}@bench.congdoan.vn",
                "full_name": name,
                "roles": [role],
                "tenant_id": tenants[code],
            },
            "admin",
        )
        api.call("POST", "/api/v1/auth/activate", {"token": invited["activation_token"], "password": DEMO_PASSWORD})


def body_text(rng):
    paragraphs = []
    for _ in range(rng.randint(6, 9)):
        paragraphs.append("<p>" + " ".join(rng.sample(SENTENCES, rng.randint(3, 5))) + "</p>")
    return "".join(paragraphs)


def publish(api, writer, desk, section, title, rng, asset_ids=()):
    article = api.call(
        "POST",
        "/api/v1/articles",
        {
            "section": section,
            "genre": "news",
            "title": title,
            "summary": " ".join(rng.sample(SENTENCES, 2)),
            "body": body_text(rng),
            "asset_ids": list(asset_ids),
            "tags": rng.sample(["chăm lo Tết", "tiền lương", "an toàn lao động", "bảo hiểm xã hội", "đối thoại"], 2),
        },
        writer,
    )
    path = f"/api/v1/articles/{article['id']}"
    api.call("POST", f"{path}/submit", {}, writer)
    for action in ("open", "approve", "publish"):
        done = api.call("POST", f"{path}/{action}", {}, desk)
    return done


def seed(api):
    """~40 published items (23 photos), documents, Q&A, polls, comments; the article measured."""
    rng = random.Random(2026)
    invite_staff(api)
    writers = ["hanoi.contributor", "hcm.contributor", "danang.contributor"]
    places = ["ha-noi", "tp-ho-chi-minh", "da-nang"]
    photos, target, seed_no = [], None, 0
    plan = [("news", i) for i in range(26)] + [("thematic", i) for i in range(10)]
    rng.shuffle(plan)  # the sections' items interleave in time, as in a newsroom
    plan += [("directives", i) for i in range(4)]
    for section, i in plan:
        measured = section == "news" and i == 22
        k = 0 if measured else i % 3
        writer = "vanphong.editor" if section == "directives" else writers[k]
        desk = {"news": "laodong.editor", "thematic": "tuyengiao.editor", "directives": "vanphong.editor"}[section]
        place = "Văn phòng Tổng Liên đoàn" if section == "directives" else PLACES[places[k]]
        title = f"{TITLES[i % len(TITLES)]} tại {place} (số {i + 1}, {section})"
        if section == "directives":
            title = f"Chỉ đạo triển khai nhiệm vụ trọng tâm tháng {i + 1}"
        count = 0
        if section == "news":
            count = 3 if measured else (1 if i == 25 else (2 if i % 6 == 0 else (1 if i % 3 == 0 else 0)))
        elif section == "thematic":
            count = 1 if i % 2 == 0 else 0
        ids = []
        for n in range(count):
            seed_no += 1
            ids.append(upload(api, writer, seed_no, f"Hoạt động công đoàn tại {place}, ảnh {n + 1}"))
        done = publish(api, writer, desk, section, title, rng, ids)
        photos += [(writer, a) for a in ids]
        if measured:
            target = done
    for n, (doc_type, number) in enumerate(
        [("directive", "1197/CT-TLĐ"), ("plan", "25/KH-TLĐ"), ("guidance", "03/HD-TLĐ"), ("decision", "512/QĐ-TLĐ")]
        + [("notice", "88/TB-TLĐ")]
    ):
        api.call(
            "POST",
            "/api/v1/documents",
            {
                "number": number,
                "doc_type": doc_type,
                "issued_on": (datetime(2026, 11, 20) - timedelta(days=9 * n)).date().isoformat(),
                "abstract": "Về việc tổ chức chăm lo Tết Nguyên đán cho đoàn viên, người lao động và "
                "triển khai các nhiệm vụ trọng tâm của tổ chức công đoàn trong quý tới",
                "all_tenants": True,
                "public": True,
            },
            "admin",
        )
    for n, category in enumerate(("wages_bonuses", "social_insurance", "labour_contracts", "occupational_safety")):
        asked = api.call(
            "POST",
            "/api/v1/questions",
            {
                "category": category,
                "tenant": "ha-noi",
                "title": f"Câu hỏi của người lao động về quyền lợi, số {n + 1}",
                "body": "Công ty tôi chậm trả lương và chưa đóng bảo hiểm xã hội, công đoàn có thể giúp gì cho người lao động?",
                "guest": {"name": "Nguyễn Văn Khách", "email": f"khach{n}@example.vn"},
            },
        )
        path = f"/api/v1/questions/{asked['id']}"
        api.call("POST", f"{path}/assign", {}, "hanoi.responder")
        api.call(
            "POST",
            f"{path}/answer",
            {
                "answer": "Theo Bộ luật Lao động, người sử dụng lao động phải trả lương đúng hạn và đóng bảo hiểm đầy đủ."
            },
            "hanoi.responder",
        )
        api.call("POST", f"{path}/approve", {}, "hanoi.admin")
        api.call("POST", f"{path}/publish", {}, "hanoi.admin")
    now = datetime.now(UTC)
    for title in ("Lấy ý kiến đoàn viên về dự thảo Luật Công đoàn (sửa đổi)", "Khảo sát bữa ăn ca của công nhân"):
        poll = api.call(
            "POST",
            "/api/v1/polls",
            {
                "title": title,
                "questions": [
                    {
                        "text": "Anh/chị có đồng ý với nội dung dự thảo?",
                        "kind": "single",
                        "options": [{"label": "Đồng ý"}, {"label": "Chưa đồng ý"}],
                    }
                ],
                "opens_at": (now - timedelta(hours=1)).astimezone(_vn()).replace(tzinfo=None).isoformat(),
                "closes_at": (now + timedelta(days=7)).astimezone(_vn()).replace(tzinfo=None).isoformat(),
                "audience": {"all": True},
            },
            "admin",
        )
        api.call("POST", f"/api/v1/polls/{poll['id']}/open", {}, "admin")
    wait_until(
        lambda: all(api.call("GET", f"/api/v1/media/{a}", user=w).get("public") for w, a in photos),
        "media to make the photos public (content.article_published through the relay)",
    )
    for text in (
        "Bài viết rất thiết thực, mong công đoàn tiếp tục quan tâm đến công nhân ở xa quê.",
        "Cảm ơn công đoàn thành phố đã chăm lo cho người lao động chúng tôi dịp Tết.",
        "Đề nghị công đoàn cơ sở phổ biến rộng rãi hơn các chương trình hỗ trợ này.",
    ):
        comment = _comment_when_known(api, target["id"], text)
        api.call("POST", f"/api/v1/comments/{comment['id']}/approve", {}, "hanoi.moderator")
    return {"slug": target["slug"], "photos": len(photos), "articles": len(plan)}


def _comment_when_known(api, article_id, text):
    """feedback asks content about the article: a comment is accepted once it is published there."""
    deadline = time.monotonic() + 30
    while True:
        req = urllib.request.Request(
            f"{api.base}/api/v1/articles/{article_id}/comments",
            data=json.dumps({"body": text}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {api.token('hanoi.member')}"},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code != 404 or time.monotonic() > deadline:
                sys.exit(f"comment: {exc.code} {exc.read()[:300]!r}")
            time.sleep(0.3)


def _vn():
    from platform_shared.clock import VN_TZ

    return VN_TZ


def relays_drained():
    """No fact waits in the outboxes the relays serve (the caches then hear nothing more)."""
    import sqlalchemy as sa

    for name in ("content", "feedback", "polls"):
        engine = sa.create_engine(DBS[name])
        with engine.connect() as conn:
            pending = conn.execute(sa.text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar()
        engine.dispose()
        if pending:
            return False
    return True


# -- the run ----------------------------------------------------------------------------------


def warm(url, headers=()):
    """Both gunicorn workers fill their cache (16 connections spread over them)."""
    cmd = ["wrk", "-t", "2", "-c", "16", "-d", "2s"]
    for h in headers:
        cmd += ["-H", h]
    subprocess.run(cmd + [url], capture_output=True, check=True)


def main():
    from run import CONNECTIONS, wrk

    media_root = tempfile.mkdtemp(prefix="bench-media-")
    media_port = free_port()
    env = base_env(
        **{f"{name.upper()}_DATABASE_URL": url for name, url in DBS.items() if name != "media"},  # base_env's
        **{f"BENCH_{name.upper()}_DATABASE_URL": url for name, url in DBS.items()},
        MEDIA_STORAGE="filesystem",
        MEDIA_FS_ROOT=media_root,
        MEDIA_URL_SIGNING_KEY="bench-" + os.urandom(16).hex(),
        MEDIA_HTTP_ADDRESS=f"127.0.0.1:{media_port}",
        MEDIA_HTTP_URL=f"http://127.0.0.1:{media_port}",
        MEDIA_TMP_DIR=tempfile.gettempdir(),
        PUBLIC_CACHE_TTL_SECONDS="300",
        CONTENT_TENANT_SYNC_INTERVAL_SECONDS="86400",
        FEEDBACK_TENANT_SYNC_INTERVAL_SECONDS="86400",
        POLLS_TENANT_SYNC_INTERVAL_SECONDS="86400",
    )
    started = time.monotonic()
    say("Scenario 7 — portal pages: fresh databases; accounts, content, media, feedback, polls, relays")
    prepare_databases(env, ("accounts", "content", "media", "feedback", "polls"))
    with Processes() as procs:
        gw_port, bare_port = free_port(), free_port()
        for service in ("accounts", "content", "media", "feedback", "polls"):
            procs.start(BIN / "platform", "run", service, env=env)
        procs.start(BIN / "platform", "relay", "content", "feedback", "polls", env=env)
        procs.start(BIN / "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{gw_port}", "gateway.wsgi:app", env=env)
        procs.start(
            BIN / "gunicorn",
            *GUNICORN,
            "-b",
            f"127.0.0.1:{bare_port}",
            "--chdir",
            ROOT / "bench",
            "bare_portal:app",
            env=env,
        )
        gw, bare = f"http://127.0.0.1:{gw_port}", f"http://127.0.0.1:{bare_port}"
        wait_http(f"{gw}/healthz")
        sync_tenants(env, ("content", "feedback", "polls"))
        say("Publishing through /api/v1: articles with photos, documents, Q&A, polls, comments")
        seeded = seed(Api(gw))
        wait_until(relays_drained, "the relays to publish every fact")
        time.sleep(1.0)  # the gateway workers' cache listeners hear the last facts
        wait_http(f"{bare}/")
        article = f"/bai-viet/{seeded['slug']}"
        print(
            f"  seeded in {time.monotonic() - started:.0f} s: {seeded['articles']} items, {seeded['photos']} photos; "
            f"article measured: {article}",
            flush=True,
        )

        identical = {}
        for name, path in (("home", "/"), ("article", article)):
            ok, diff = same_html(gw, bare, path)
            identical[name] = ok
            if not ok:
                print(f"!! {name}: the baseline does not render the same page — figures not comparable:\n{diff}")
        sizes = {"home": first_visit(gw, "/"), "article": first_visit(gw, article)}
        etags = {"portal": fetch(gw + "/")[1].get("ETag"), "bare": fetch(bare + "/")[1].get("ETag")}
        cookieless = {
            name: urllib.request.urlopen(gw + path).headers.get("Set-Cookie") is None
            for name, path in (("home", "/"), ("article", article))
        }

        variants = {
            "home": {"baseline": (f"{bare}/", ()), "portal": (f"{gw}/", ()), "ceiling": (f"{bare}/ceiling", ())},
            "article": {"baseline": (f"{bare}{article}", ()), "portal": (f"{gw}{article}", ())},
            "home 304": {
                "baseline": (f"{bare}/", (f"If-None-Match: {etags['bare']}",)),
                "portal": (f"{gw}/", (f"If-None-Match: {etags['portal']}",)),
            },
        }
        say(f"Measuring ({REPEATS} interleaved repeats of each run)")
        results = {}
        for name, urls in variants.items():
            for url, headers in urls.values():
                warm(url, headers)
            for c in CONNECTIONS:
                runs = {k: [] for k in urls}
                for _ in range(REPEATS):  # interleaved, median kept: the machine is shared and noisy
                    for key, (url, headers) in urls.items():
                        runs[key].append(wrk(url, c, headers))
                results[(name, c)] = r = {k: median_figures(v) for k, v in runs.items()}
                print(
                    f"  {name:9s} c={c:<3d} "
                    + " | ".join(f"{k} {v['rps']:6.0f} req/s p99 {v['p99_ms']:6.2f} ms" for k, v in r.items()),
                    flush=True,
                )
    shutil.rmtree(media_root, ignore_errors=True)
    report(results, sizes, identical, cookieless, seeded, time.monotonic() - started)


def _mark(ok):
    return "PASS" if ok else "MISS"


def report(results, sizes, identical, cookieless, seeded, elapsed):
    print()
    print("Scenario 7 — portal pages through the gateway (public cache warm) against bare Flask + SQLAlchemy")
    print(f"             rendering the same templates (same run, same settings, median of {REPEATS} runs)")
    print(
        f"{'page':9s} {'conns':>5s} {'portal req/s':>12s} {'bare req/s':>10s} {'ratio':>6s} {'':14s}"
        f"{'p50 portal/bare ms':>19s} {'p99 portal/bare ms':>19s}"
    )
    out = []
    for (name, c), r in results.items():
        p, b = r["portal"], r["baseline"]
        ratio = p["rps"] / b["rps"]
        ratio_ok = ratio >= TARGETS["ratio"]
        p99_ok = p["p99_ms"] <= TARGETS["p99_ms"] if c == 16 else None
        marks = _mark(ratio_ok) + ("" if p99_ok is None else f" p99 {_mark(p99_ok)}")
        print(
            f"{name:9s} {c:5d} {p['rps']:12.0f} {b['rps']:10.0f} {ratio:6.2f} {marks:14s}"
            f"{p['p50_ms']:8.2f}/{b['p50_ms']:<8.2f} {p['p99_ms']:9.2f}/{b['p99_ms']:<8.2f}"
        )
        out.append(
            {
                "page": name,
                "connections": c,
                **r,
                "ratio": round(ratio, 3),
                "ratio_target_met": ratio_ok,
                "p99_target_met": p99_ok,
            }
        )
    for c in sorted({c for _, c in results}):
        top = results[("home", c)].get("ceiling")
        if top:
            print(
                f"(ceiling, c={c}: the home page's bytes from memory, same Flask and gunicorn: {top['rps']:.0f} req/s, "
                f"p50 {top['p50_ms']:.2f} ms, p99 {top['p99_ms']:.2f} ms; the portal reaches "
                f"{results[('home', c)]['portal']['rps'] / top['rps']:.0%} of it)"
            )
    home, article = sizes["home"], sizes["article"]
    html_kb = home["bytes"]["html"] / 1024
    print(
        f"home HTML: {home['bytes']['html']:,} bytes ({html_kb:.1f} KB; target ≤ {TARGETS['html_kb']} KB) "
        f"{_mark(html_kb <= TARGETS['html_kb'])}"
    )
    for name, size in (("home", home), ("article", article)):
        kb = size["total"] / 1024
        parts = ", ".join(f"{k} {v / 1024:.1f}" for k, v in size["bytes"].items())
        print(
            f"first visit of {name}: {size['total']:,} bytes ({kb:.1f} KB: {parts} KB) target ≤ "
            f"{TARGETS['first_visit_kb']} KB {_mark(kb <= TARGETS['first_visit_kb'])}; {size['images']} images, "
            f"{size['lazy_images']} lazy ({size['lazy_image_bytes'] / 1024:.1f} KB); text gzipped "
            f"{size['text_gzip'] / 1024:.1f} KB"
        )
    print(
        "same HTML as the baseline: "
        + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in identical.items())
        + "; no cookie for an anonymous reader: "
        + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in cookieless.items())
    )
    print(
        f"(targets: ratio ≥ {TARGETS['ratio']}, p99 ≤ {TARGETS['p99_ms']:.0f} ms at 16 connections; "
        f"{seeded['articles']} items, {seeded['photos']} photos; scenario took {elapsed:.0f} s)"
    )
    write_results(
        "portal",
        {
            "pages": out,
            "sizes": sizes,
            "same_html_as_baseline": identical,
            "no_cookie_for_anonymous": cookieless,
            "targets": TARGETS,
            "article": seeded["slug"],
        },
    )


if __name__ == "__main__":
    from common import ensure_wrk

    ensure_wrk()
    main()
