"""Counting responses in bulk: one transaction per batch of queued messages. No nameko here.

A message (JSON, published by the gateway after its checks) is
``{"receipt", "poll_id", "member_id", "tenant_id", "answers", "received_at"}``.
For each batch, in one transaction:

1. each response is checked again (poll open when the gateway received it, member's
   tenant eligible, answers well formed): a failure is ``rejected`` with the reason;
2. the rest are inserted ``ON CONFLICT DO NOTHING`` — the unique key
   ``(poll_id, member_id)`` keeps one response per member; a response whose receipt is
   already stored is a redelivery (the broker gave it again after a lost ack) and
   changes nothing; any other conflict is a ``duplicate``, recorded and never counted;
3. the tallies of the inserted responses are added (``count = count + n``) and their
   free-text answers stored for moderation.

Only after the commit are the messages acknowledged, so a crash anywhere means a
redelivery, which step 2 makes harmless: nothing is lost, nothing is counted twice.
"""

import re
import threading
import uuid
from collections import Counter
from datetime import datetime
from itertools import chain
from operator import itemgetter

import orjson
from cachetools import TTLCache
from sqlalchemy import select, text

from platform_shared.database import BULK_CHUNK, bulk_insert, dialect_insert
from platform_shared.errors import NotFound
from platform_shared.schemas.polls import AnswerProblem, check_answers
from polls import domain
from polls.models import PollResponse, ReceiptOutcome, Tally, TextAnswer
from polls.store import Polls, Tenants

REASONS = {
    "not_open": "Phiếu chưa được mở.",
    "not_yet_open": "Phiếu chưa đến thời gian nhận trả lời.",
    "closed": "Phiếu đã đóng khi câu trả lời được nhận.",
    "not_found": "Không có phiếu này.",
    "ineligible": "Người trả lời không thuộc đối tượng của phiếu.",
    "malformed": "Thông điệp không đọc được.",
}


def load_rules(session, poll_id):
    """What intake needs to know of a poll: its state, window, questions and eligible tenants."""
    poll = Polls(session).get(poll_id)
    if poll.audience_all:
        eligible = None
    else:
        eligible = domain.eligible_tenants(Tenants(session).tree(), Polls(session).audience(poll.id))
    return {
        "id": str(poll.id),
        "tenant_id": str(poll.tenant_id),
        "scope": poll.scope,
        "title": poll.title,
        "status": poll.status,
        "version": poll.version,
        "opens_at": poll.opens_at.isoformat(),
        "closes_at": poll.closes_at.isoformat(),
        "questions": poll.questions,
        "audience_all": poll.audience_all,
        "eligible_tenants": None if eligible is None else sorted(eligible),
    }


_UNKNOWN = object()


class RulesCache:
    """The consumer's poll rules, kept a few seconds (a batch usually concerns one poll); an
    unknown poll is remembered as None for as long."""

    def __init__(self, ttl=5.0, maxsize=1024):
        self.ttl = ttl
        self._items = TTLCache(maxsize=maxsize, ttl=ttl)
        self._lock = threading.Lock()  # cleared from the service's RPC while the writer reads it

    def get(self, session, poll_id):
        with self._lock:
            hit = self._items.get(poll_id, _UNKNOWN)
        if hit is not _UNKNOWN:
            return hit
        try:
            rules = load_rules(session, poll_id)
        except NotFound:
            rules = None
        if rules is not None:
            rules = dict(rules)
            rules["_opens"] = datetime.fromisoformat(rules["opens_at"])
            rules["_closes"] = datetime.fromisoformat(rules["closes_at"])
            rules["_eligible"] = None if rules["eligible_tenants"] is None else set(rules["eligible_tenants"])
        with self._lock:
            self._items[poll_id] = rules
        return rules

    def clear(self):
        with self._lock:
            self._items.clear()


def _judge(rules, item):
    """(answers to count, None) or (None, reason). Sets ``item["_cells"]``: its tally cells."""
    if rules is None:
        return None, REASONS["not_found"]
    why = domain.accepting(rules["status"], rules["_opens"], rules["_closes"], item["_at"])
    if why:
        return None, REASONS[why]
    if rules["_eligible"] is not None and item["_tenant"] not in rules["_eligible"]:
        return None, REASONS["ineligible"]
    checked = _checked(rules, item["answers"])
    if checked[0] is None:
        return None, checked[1]
    item["_cells"], item["_texts"], item["_json"] = checked[1], checked[2], checked[3]
    return checked[0], None


MEMO_SIZE = 10_000  # per definition, which the RulesCache renews every few seconds: a few MB at most


def _checked(rules, answers):
    """``(kept answers, tally cells, free-text answers, kept answers as JSON)`` or ``(None, reason)``.

    Memoised per poll definition by the answers' JSON: members answer the same choices over and
    over, and checking and tallying them was ~40 % of the writer's CPU on the drain (issue 18).
    ``check_answers`` depends on the questions and the answers only, and what it returns is
    never changed afterwards, so every identical answer shares one result."""
    memo = rules.get("_memo")
    if memo is None or len(memo) >= MEMO_SIZE:
        memo = rules["_memo"] = {}
    try:
        key = orjson.dumps(answers)
    except TypeError:
        key = None
    hit = memo.get(key) if key is not None else None
    if hit is not None:
        return hit
    try:
        kept = check_answers(rules["questions"], answers)
    except AnswerProblem as problem:
        hit = (None, problem.message[:300])
    else:
        cells = Counter()
        domain.tally_response(cells, None, rules["questions"], kept)
        texts = tuple((q["id"], kept[q["id"]]) for q in rules["questions"] if q["kind"] == "text" and q["id"] in kept)
        # The stored answers written once as JSON: every response with them puts the same text into
        # the rows' document instead of encoding the dict again (see _insert_responses).
        # Cells as one (question, row, option) per count, so a batch's tallies are summed by
        # Counter's C loop over every response's cells (see _add_tallies).
        keys = tuple(cell[1:] for cell, n in cells.items() for _ in range(n))
        hit = (kept, keys, texts, orjson.Fragment(orjson.dumps(kept)))
    if key is not None:
        memo[key] = hit
    return hit


_CANONICAL = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


_canonical = _CANONICAL.match


def _id(value):
    """A canonical UUID string (the gateway writes them so; anything else is normalised or refused)."""
    if _canonical(value):
        return value
    return str(uuid.UUID(value))


_KNOWN = {}  # poll and tenant ids seen already (a few, met in every message): canonical form
KNOWN_SIZE = 10_000


def _known_id(value):
    """``_id`` for the ids that repeat (polls, tenants): a dict lookup instead of a regex each time."""
    known = _KNOWN.get(value)
    if known is None:
        known = _id(value)
        if len(_KNOWN) >= KNOWN_SIZE:
            _KNOWN.clear()
        _KNOWN[value] = known
    return known


def _uuids(values):
    return [uuid.UUID(v) for v in values]


def parse(body, redelivered=True):
    """A queued message as a dict with canonical ids and the time, or None when it cannot be read.

    ``redelivered``: the broker's flag; only such messages can carry a receipt already counted
    (a fresh copy of one is still caught by the insert)."""
    try:
        item = orjson.loads(body)
        item["_redelivered"] = redelivered
        item["_receipt"] = _id(item["receipt"])
        item["_poll"] = _known_id(item["poll_id"])
        item["_member"] = _id(item["member_id"])
        item["_tenant"] = _known_id(item["tenant_id"])
        item["_at"] = datetime.fromisoformat(item["received_at"])
        if item["_at"].tzinfo is None:
            return None
        return item
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _stored(session, receipts):
    """Which of ``receipts`` are counted responses already."""
    if not receipts:
        return set()
    found = session.scalars(select(PollResponse.id).where(PollResponse.id.in_(_uuids(receipts)))).all()
    return {str(r) for r in found}


def record_batch(session, items, *, now, rules):
    """Count, refuse or mark as duplicate every parsed message of a batch. Returns a Counter of outcomes."""
    outcome = Counter()
    accepted, outcomes = [], []
    first_of_member = {}
    # Redeliveries of responses already counted change nothing.
    counted = _stored(session, [i["_receipt"] for i in items if i.get("_redelivered", True)])
    seen_receipts = set()
    of_batch = {}
    for item in items:
        if item["_receipt"] in counted or item["_receipt"] in seen_receipts:
            outcome["redelivered"] += 1
            continue
        seen_receipts.add(item["_receipt"])
        poll_rules = of_batch.get(item["_poll"], _UNKNOWN)
        if poll_rules is _UNKNOWN:  # once per poll and batch: the shared cache costs a lock and a clock read
            poll_rules = of_batch[item["_poll"]] = rules.get(session, item["_poll"])
        answers, reason = _judge(poll_rules, item)
        if reason:
            outcomes.append(_outcome(item, "rejected", reason, now))
            continue
        key = (item["_poll"], item["_member"])
        if key in first_of_member:
            outcomes.append(_outcome(item, "duplicate", None, now))
            continue
        first_of_member[key] = item
        item["_answers"] = answers
        accepted.append(item)

    inserted = set()
    if accepted:
        inserted = _insert_responses(session, accepted, now)
        missed = [i for i in accepted if i["_receipt"] not in inserted]
        if missed:
            already = _stored(session, [i["_receipt"] for i in missed])
            for i in missed:
                if i["_receipt"] in already:
                    outcome["redelivered"] += 1
                else:
                    outcomes.append(_outcome(i, "duplicate", None, now))

    if outcomes:
        outcomes.sort(key=lambda o: str(o["id"]))  # one order across consumers, as the responses
        bulk_insert(session, ReceiptOutcome.__table__, outcomes, skip_conflicts=True)
        for o in outcomes:
            outcome[o["status"]] += 1

    counted_now = [i for i in accepted if i["_receipt"] in inserted]
    texts = [
        {
            "id": uuid.uuid4(),
            "poll_id": i["_poll"],
            "tenant_id": i["_tenant"],
            "question_id": question_id,
            "text": answer,
            "status": "pending",
            "created_at": now,
        }
        for i in counted_now
        for question_id, answer in i["_texts"]
    ]
    if counted_now:
        outcome["counted"] += len(counted_now)
        _add_tallies(session, counted_now)
    bulk_insert(session, TextAnswer.__table__, texts)
    return outcome


def _add_tallies(session, counted):
    # The responses of each poll and tenant, then their cells counted in one C loop per group
    # (a Python loop over every response's cells was ~8 % of the writer's CPU; answer sets are
    # mostly distinct within a batch, so grouping equal ones first saved little).
    groups = {}
    for i in counted:
        key = (i["_poll"], i["_tenant"])
        cells = groups.get(key)
        if cells is None:
            groups[key] = [i["_cells"]]
        else:
            cells.append(i["_cells"])
    rows = sorted(  # a fixed order, so two consumers updating the same rows cannot deadlock
        (poll_id, tenant_id, q, r, o, n)
        for (poll_id, tenant_id), cells in groups.items()
        for (q, r, o), n in Counter(chain.from_iterable(cells)).items()
    )
    if _postgres(session):
        columns = list(zip(*rows, strict=True))
        session.execute(
            text(
                "INSERT INTO poll_tally (poll_id, tenant_id, question_id, row_id, option_id, count) "
                "SELECT * FROM unnest(CAST(:p AS uuid[]), CAST(:t AS uuid[]), CAST(:q AS text[]), "
                "CAST(:r AS text[]), CAST(:o AS text[]), CAST(:n AS integer[])) "
                "ON CONFLICT (poll_id, tenant_id, question_id, row_id, option_id) "
                "DO UPDATE SET count = poll_tally.count + EXCLUDED.count"
            ),
            {key: list(values) for key, values in zip("ptqron", columns, strict=True)},
        )
        return
    statement = dialect_insert(session, Tally)
    statement = statement.on_conflict_do_update(
        index_elements=["poll_id", "tenant_id", "question_id", "row_id", "option_id"],
        set_={"count": Tally.count + statement.excluded["count"]},
    )
    session.execute(
        statement,
        [
            {"poll_id": uuid.UUID(p), "tenant_id": uuid.UUID(t), "question_id": q, "row_id": r, "option_id": o}
            | {"count": n}
            for p, t, q, r, o, n in rows
        ],
    )


def _postgres(session):
    return session.get_bind().dialect.name == "postgresql"


_RESPONSE_COLUMNS = ("id", "poll_id", "member_id", "tenant_id", "answers", "received_at", "counted_at")
_INSERT_RESPONSES = text(  # PostgreSQL: the batch as one JSON document, as platform_shared.database.bulk_insert
    f"INSERT INTO poll_response ({', '.join(_RESPONSE_COLUMNS)}) SELECT {', '.join(_RESPONSE_COLUMNS)} "
    "FROM json_to_recordset(CAST(:rows AS json)) AS r(id uuid, poll_id uuid, member_id uuid, tenant_id uuid, "
    "answers jsonb, received_at timestamptz, counted_at timestamptz) "
    "ON CONFLICT DO NOTHING RETURNING id::text"  # text: compared with the receipts as they are, no UUID made
)
# In one order, so two consumers inserting the same members (a redelivered batch beside a fresh
# one) wait for each other instead of deadlocking (~1 s and a redelivery each time).
_MEMBER_ORDER = itemgetter("_poll", "_member")


# What datetime.isoformat() writes with an offset (the gateway's form): such a received_at goes to
# PostgreSQL as it came (parsed there to the same instant), not parsed and written again (~1 µs).
_ISO = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{6})?[+-][0-9]{2}:[0-9]{2}"
).fullmatch


def _as_text(item):
    received = item["received_at"]
    return received if _ISO(received) else item["_at"].isoformat()


def _insert_responses(session, accepted, now):
    """Insert what is new; the receipt ids actually inserted (a conflict on the receipt or on
    ``(poll_id, member_id)`` inserts nothing)."""
    accepted = sorted(accepted, key=_MEMBER_ORDER)
    if not _postgres(session):
        rows = [
            {
                "id": i["_receipt"],
                "poll_id": i["_poll"],
                "member_id": i["_member"],
                "tenant_id": i["_tenant"],
                "answers": i["_answers"],
                "received_at": i["_at"],
                "counted_at": now,
            }
            for i in accepted
        ]
        return {str(r) for r in bulk_insert(session, PollResponse.__table__, rows, skip_conflicts=True, returning="id")}
    # Written here rather than through bulk_insert: times as text, the answers as the memo's JSON
    # fragment (encoded once per distinct answer set), receipts back as text (issue 18: ~10 % of the
    # writer's CPU went to encoding the same answers again and to UUID objects made and unmade).
    counted_at, inserted = now.isoformat(), set()
    for start in range(0, len(accepted), BULK_CHUNK):
        document = orjson.dumps(
            [
                {
                    "id": i["_receipt"],
                    "poll_id": i["_poll"],
                    "member_id": i["_member"],
                    "tenant_id": i["_tenant"],
                    "answers": i["_json"],
                    "received_at": _as_text(i),
                    "counted_at": counted_at,
                }
                for i in accepted[start : start + BULK_CHUNK]
            ]
        ).decode()
        inserted.update(session.execute(_INSERT_RESPONSES, {"rows": document}).scalars())
    return inserted


def _outcome(item, status, reason, now):
    return {
        "id": item["_receipt"],
        "poll_id": item["_poll"],
        "member_id": item["_member"],
        "tenant_id": item["_tenant"],
        "status": status,
        "reason": reason,
        "received_at": item["_at"],
        "processed_at": now,
    }
