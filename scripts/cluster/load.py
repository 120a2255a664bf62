"""A steady mixed load on the cluster's balancer, every request recorded by phase.

Kinds of traffic, each in its own threads:

- ``read``: the portal's home page, the public article list and ``/me`` of a signed-in member;
- ``vote``: poll responses of distinct members (tokens minted with the platform's key, as the
  accounts service would for members who signed in), paced to a rate;
- ``article``: a Hà Nội contributor writes and submits a news item, the Lao Động desk opens,
  approves and publishes it (every third one is scheduled a few seconds ahead instead, so the
  publication timer publishes it);
- ``question``: a guest asks the Hà Nội federation a question.

Writes behave as a careful client does: a creating POST carries an ``Idempotency-Key`` and a
failed step (5xx, no answer) is tried again with the same key, so what the platform committed
once is never committed twice by the client's retry. Votes are retried the same way (a member's
second response is the same response).
"""

import random
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

import requests

ARTICLE_BODY = (
    "<p>Công đoàn cơ sở phối hợp với doanh nghiệp tổ chức đối thoại định kỳ, lắng nghe ý kiến "
    "của người lao động về tiền lương, bữa ăn ca và điều kiện làm việc.</p>"
)


@dataclass
class Record:
    kind: str
    phase: str
    started: float
    ended: float
    status: int  # 0: no answer (connection refused or reset, timeout)


@dataclass
class Tally:
    records: list = field(default_factory=list)
    accepted_votes: set = field(default_factory=set)  # member indexes answered 202
    attempted_votes: set = field(default_factory=set)
    published: dict = field(default_factory=dict)  # article id -> "published" | "scheduled"
    unfinished_articles: list = field(default_factory=list)
    questions: set = field(default_factory=set)  # tracking codes answered 201
    answers_lost: int = 0  # creations committed once whose answer never reached the client
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, record):
        with self.lock:
            self.records.append(record)


def _in_seconds(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))


def _code(response):
    try:
        return response.json().get("code")
    except ValueError:
        return None


class Load:
    def __init__(self, url, *, member_token, contributor, editor, poll_id, voter_tokens, hanoi_id, vote_rate):
        self.url = url
        self.member_token = member_token
        self.contributor = contributor
        self.editor = editor
        self.poll_id = poll_id
        self.voter_tokens = voter_tokens
        self.hanoi_id = hanoi_id
        self.vote_rate = vote_rate
        self.phase = "warm-up"
        self.tally = Tally()
        self.stop = threading.Event()
        self.threads = []
        self._next_voter = 0
        self._voter_lock = threading.Lock()

    # -- plumbing -----------------------------------------------------------------------------

    def _request(self, session, kind, method, path, *, token=None, json=None, headers=None, timeout=15):
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        phase, started = self.phase, time.monotonic()
        try:
            response = session.request(method, self.url + path, json=json, headers=hdrs, timeout=timeout)
            status = response.status_code
        except requests.RequestException:
            response, status = None, 0
        self.tally.add(Record(kind, phase, started, time.monotonic(), status))
        return response

    def _until_done(self, session, kind, method, path, ok, **kwargs):
        """One step, tried again (same key, same body) until it is answered ``ok`` or the load stops;
        a 4xx other than 409 is a client bug and stops the step."""
        while True:
            response = self._request(session, kind, method, path, **kwargs)
            if response is not None and response.status_code == 409 and _code(response) == "REQUEST_IN_PROGRESS":
                pass  # the first attempt still runs (its lease ends with its deadline): ask again
            elif response is not None and response.status_code in ok:
                return response
            if response is not None and 400 <= response.status_code < 500 and response.status_code not in (409, 429):
                raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:300]}")
            if self.stop.is_set():
                return None
            time.sleep(0.5)

    def _spawn(self, target, name, *args):
        thread = threading.Thread(target=self._guard, args=(target, *args), name=name, daemon=True)
        self.threads.append(thread)
        thread.start()

    def _guard(self, target, *args):
        try:
            target(*args)
        except Exception as exc:  # a client bug must not pass silently
            self.errors.append(f"{threading.current_thread().name}: {exc!r}")

    # -- the kinds of traffic -----------------------------------------------------------------

    def reader(self, seed):
        rng = random.Random(seed)
        session = requests.Session()
        paths = [("/", None), ("/api/v1/public/articles?per_page=10", None), ("/api/v1/me", self.member_token)]
        while not self.stop.is_set():
            path, token = rng.choice(paths)
            self._request(session, "read", "GET", path, token=token)
            self.stop.wait(0.05)

    def voter(self, seed, rate):
        rng = random.Random(seed)
        session = requests.Session()
        interval = 1.0 / rate
        next_at = time.monotonic()
        while not self.stop.is_set():
            with self._voter_lock:
                if self._next_voter >= len(self.voter_tokens):
                    return
                index = self._next_voter
                self._next_voter += 1
            self.tally.attempted_votes.add(index)
            answers = {"q1": rng.choice(["o1", "o2", "o3"]), "q2": rng.randint(1, 5)}
            path = f"/api/v1/polls/{self.poll_id}/responses"
            response = self._until_done(
                session, "vote", "POST", path, (202,), token=self.voter_tokens[index], json={"answers": answers}
            )
            if response is not None:
                with self.tally.lock:
                    self.tally.accepted_votes.add(index)
            next_at += interval
            delay = next_at - time.monotonic()
            if delay > 0:
                self.stop.wait(delay)
            else:
                next_at = time.monotonic()

    def writer(self, seed):
        rng = random.Random(seed)
        session = requests.Session()
        n = 0
        while not self.stop.is_set():
            n += 1
            key = str(uuid.uuid4())
            body = {
                "section": "news",
                "genre": "news",
                "title": f"Đối thoại tại nơi làm việc — bài thử tải {seed}-{n}",
                "body": ARTICLE_BODY,
            }
            created = self._until_done(
                session,
                "article",
                "POST",
                "/api/v1/articles",
                (201, 409),
                token=self.contributor,
                json=body,
                headers={"Idempotency-Key": key},
            )
            if created is None:
                return
            if created.status_code == 409:  # REQUEST_ALREADY_DONE: created once, its answer lost
                self.tally.answers_lost += 1
                continue
            path = f"/api/v1/articles/{created.json()['id']}"
            article_id = created.json()["id"]
            steps = [
                (self.contributor, "submit", {}),
                (self.editor, "open", {}),
                (self.editor, "approve", {}),
            ]
            scheduled = n % 3 == 0
            if scheduled:
                # The time is taken when the step is sent: the steps before may have waited out a fault.
                steps.append((self.editor, "schedule", lambda: {"publish_at": _in_seconds(rng.uniform(10, 20))}))
            else:
                steps.append((self.editor, "publish", {}))
            for token, action, data in steps:
                data = data() if callable(data) else data
                # A transition already made answers 409 on a retry: the step is done.
                done = self._until_done(
                    session, "article", "POST", f"{path}/{action}", (200, 409), token=token, json=data
                )
                if done is None:
                    self.tally.unfinished_articles.append(article_id)
                    return
            with self.tally.lock:
                self.tally.published[article_id] = "scheduled" if scheduled else "published"
            self.stop.wait(rng.uniform(0.5, 1.5))

    def asker(self, seed):
        rng = random.Random(seed)
        session = requests.Session()
        n = 0
        while not self.stop.is_set():
            n += 1
            body = {
                "tenant_id": self.hanoi_id,
                "category": "wages_bonuses",
                "title": f"Công ty chậm trả lương tháng {rng.randint(1, 12)} — câu hỏi {seed}-{n}",
                "body": "Công ty tôi chậm trả lương, công đoàn có thể giúp người lao động như thế nào?",
                # A different worker each time (the service limits questions per contact).
                "guest": {
                    "name": f"Người lao động {seed}-{n}",
                    "phone": f"09{seed % 10}{n:07d}",
                    "email": f"nld-{seed}-{n}@example.vn",
                },
            }
            response = self._until_done(
                session,
                "question",
                "POST",
                "/api/v1/questions",
                (201, 409),
                json=body,
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
            if response is None:
                return
            if response.status_code == 409:  # REQUEST_ALREADY_DONE: asked once, its answer lost
                self.tally.answers_lost += 1
                continue
            with self.tally.lock:
                self.tally.questions.add(response.json()["tracking_code"])
            self.stop.wait(rng.uniform(0.3, 0.8))

    # -- running ------------------------------------------------------------------------------

    def start(self, *, readers=3, voters=12, writers=1, askers=1):
        self.errors = []
        for i in range(readers):
            self._spawn(self.reader, f"reader-{i}", i)
        for i in range(voters):
            self._spawn(self.voter, f"voter-{i}", 100 + i, self.vote_rate / voters)
        for i in range(writers):
            self._spawn(self.writer, f"writer-{i}", 200 + i)
        for i in range(askers):
            self._spawn(self.asker, f"asker-{i}", 300 + i)

    def finish(self, timeout=60):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)

    # -- figures ------------------------------------------------------------------------------

    def by_phase(self):
        """``{phase: {kind: {"sent", "ok", "failed": {status: n}, "gap"}}}``; gap = the longest
        stretch of seconds during which every request of that kind failed."""
        table = defaultdict(lambda: defaultdict(lambda: {"sent": 0, "ok": 0, "failed": defaultdict(int), "gap": 0.0}))
        ordered = sorted(self.tally.records, key=lambda r: r.started)
        outage_start = {}
        for r in ordered:
            cell = table[r.phase][r.kind]
            cell["sent"] += 1
            if 200 <= r.status < 300 or (r.kind == "article" and r.status == 409):
                cell["ok"] += 1
                if r.kind in outage_start:
                    began, phase = outage_start.pop(r.kind)
                    gap = r.started - began
                    table[phase][r.kind]["gap"] = max(table[phase][r.kind]["gap"], gap)
            else:
                cell["failed"][r.status] += 1
                outage_start.setdefault(r.kind, (r.started, r.phase))
        return table
