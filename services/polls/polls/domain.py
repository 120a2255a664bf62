"""Rules of polls: the definition, the workflow, who is eligible, how results are shown.

Plain Python (no nameko, no SQL). Times are aware datetimes in UTC; a person's
times are read and shown in Asia/Ho_Chi_Minh.
"""

from collections import defaultdict

from platform_shared.clock import VN_TZ
from platform_shared.errors import Conflict
from platform_shared.schemas.polls import STATUS_LABELS, SUPPRESS_BELOW
from platform_shared.text import fold

TRANSITIONS = {
    "open": ("draft",),
    "close": ("open",),
    "publish": ("closed",),
}
ACTION_LABELS = {"open": "mở", "close": "đóng", "publish": "công bố kết quả"}


def normalise_questions(questions):
    """Give every question, option and row a stable id (q1, o1, r1, ...) and the rating scale its points."""
    result = []
    for n, q in enumerate(questions, start=1):
        out = {"id": q.get("id") or f"q{n}", "text": q["text"], "kind": q["kind"], "required": q.get("required", True)}
        if q["kind"] in ("single", "multiple", "matrix"):
            out["options"] = [
                {"id": o.get("id") or f"o{i}", "label": o["label"]} for i, o in enumerate(q["options"], 1)
            ]
        if q["kind"] == "matrix":
            out["rows"] = [{"id": r.get("id") or f"r{i}", "label": r["label"]} for i, r in enumerate(q["rows"], 1)]
        if q["kind"] == "multiple":
            out["max_choices"] = q.get("max_choices") or len(out["options"])
        if q["kind"] == "rating":
            out["scale_min"], out["scale_max"] = q.get("scale_min", 1), q.get("scale_max", 5)
            out["options"] = [{"id": str(v), "label": str(v)} for v in range(out["scale_min"], out["scale_max"] + 1)]
        if q["kind"] == "text":
            out["max_length"] = q.get("max_length") or 2000
        result.append(out)
    ids = [q["id"] for q in result]
    if len(ids) != len(set(ids)):
        from platform_shared.errors import InvalidInput

        raise InvalidInput.field("questions", "Mã câu hỏi bị trùng.")
    return result


def transition(poll, action, *, now):
    """Move ``poll`` by ``action`` (open/close/publish). Raises Conflict naming the allowed state."""
    allowed = TRANSITIONS[action]
    if poll.status not in allowed:
        raise Conflict(
            f"Không thể {ACTION_LABELS[action]} phiếu đang ở trạng thái “{STATUS_LABELS[poll.status]}”.",
            code="POLL_STATE",
            details={"status": poll.status, "action": action},
        )
    if action == "open":
        if poll.closes_at <= now:
            raise Conflict("Thời điểm đóng phiếu đã qua; hãy sửa thời gian trước khi mở.", code="POLL_CLOSES_IN_PAST")
        poll.status, poll.opened_at = "open", now
    elif action == "close":
        poll.status, poll.closed_at = "closed", now
        if poll.closes_at > now:
            poll.closes_at = now
    else:
        poll.status, poll.published_at = "published", now
    poll.version += 1
    poll.updated_at = now


def accepting(poll_status, opens_at, closes_at, at):
    """Why a response received at ``at`` is not taken, or None when it is.

    A response the gateway received while the poll was open counts even when it is
    written after the close (an early close moves ``closes_at`` to that moment)."""
    if poll_status == "draft":
        return "not_open"
    if at < opens_at:
        return "not_yet_open"
    if at >= closes_at:
        return "closed"
    return None


# -- eligibility -------------------------------------------------------------------------


def surviving(tenants, tenant_id):
    """Follow merges: the tenant that carries ``tenant_id``'s members today."""
    seen = 0
    while tenant_id in tenants and tenants[tenant_id].get("merged_into_id") and seen < 20:
        tenant_id = tenants[tenant_id]["merged_into_id"]
        seen += 1
    return tenant_id


def eligible_tenants(tenants, audience_ids):
    """Every tenant id whose members may answer: the audience, its subtrees, and merged tenants
    whose surviving tenant is among them (a member's token may still name the old one).

    ``tenants``: {id: {"parent_id", "merged_into_id"}} as strings.
    """
    children = defaultdict(list)
    for tid, t in tenants.items():
        if t.get("parent_id") and not t.get("merged_into_id"):
            children[t["parent_id"]].append(tid)
    result, stack = set(), [surviving(tenants, a) for a in audience_ids]
    while stack:
        tid = stack.pop()
        if tid in result:
            continue
        result.add(tid)
        stack.extend(children.get(tid, ()))
    for tid in tenants:
        if tid not in result and surviving(tenants, tid) in result:
            result.add(tid)
    return result


def subtree(tenants, root):
    return eligible_tenants(tenants, [root])


def audience_tree(tenants, roots):
    """The tenants under ``roots`` (themselves included) in tree order — each followed by its
    children, by name — as ``{"id", "name", "kind", "parent_id", "depth"}``: what an author may
    tick as a poll's audience. Merged tenants are left out (their members follow the survivor).

    ``tenants``: {id: {"parent_id", "merged_into_id", "name", "kind"}} as strings."""
    live = {tid: t for tid, t in tenants.items() if not t.get("merged_into_id")}
    children = defaultdict(list)
    for tid, t in live.items():
        if t.get("parent_id") in live:
            children[t["parent_id"]].append(tid)
    by_name = lambda tid: (fold(live[tid].get("name") or ""), tid)  # noqa: E731  (Đ beside D, not after Z)
    result, seen = [], set()
    stack = [(tid, 0) for tid in sorted((r for r in roots if r in live), key=by_name, reverse=True)]
    while stack:
        tid, depth = stack.pop()
        if tid in seen:
            continue
        seen.add(tid)
        t = live[tid]
        result.append(
            {"id": tid, "name": t.get("name"), "kind": t.get("kind"), "parent_id": t.get("parent_id"), "depth": depth}
        )
        stack.extend((child, depth + 1) for child in sorted(children[tid], key=by_name, reverse=True))
    return result


def audiences_reaching(tenants, tenant_id):
    """The audience ids that make ``tenant_id`` eligible: the reverse of :func:`eligible_tenants`.

    ``tenant_id in eligible_tenants(tenants, [a])`` holds exactly for the ``a`` returned
    (an audience is a union, so a poll reaches the tenant when one of its audience ids is
    here). A list of polls asks the database for the polls addressed to these ids instead
    of computing every poll's eligible set. None for no tenant: the empty set.
    """
    if tenant_id is None:
        return set()
    # eligible_tenants grows each audience's surviving tenant down the tree (children that
    # are not merged), then adds tenants whose surviving tenant it reached. So ``tenant_id``
    # is reached from the tenants up the tree from it or from its surviving tenant.
    holders = set()
    for start in {tenant_id, surviving(tenants, tenant_id)}:
        node = start
        while node is not None and node not in holders:
            holders.add(node)
            row = tenants.get(node)
            if row is None or row.get("merged_into_id") or not row.get("parent_id"):
                break
            node = row["parent_id"]
    reaching = {a for a in tenants if surviving(tenants, a) in holders}
    return reaching | {h for h in holders if h not in tenants}


# -- results -----------------------------------------------------------------------------


def _percent(count, base):
    return round(100.0 * count / base, 1) if base else 0.0


def _options(options, counts, base, suppressed, row=""):
    return [
        {
            "id": o["id"],
            "label": o["label"],
            "count": None if suppressed else counts.get((row, o["id"]), 0),
            "percent": None if suppressed else _percent(counts.get((row, o["id"]), 0), base),
        }
        for o in options
    ]


def build_results(poll, tallies, *, eligible=None, by_tenant=None, scoped=False, now):
    """The results dict of the shapes file from aggregated tallies.

    ``poll``: the definition dict (id, title, status, opens_at, closes_at, questions).
    ``tallies``: {(question_id, row_id, option_id): count}; ("", "", "") = respondents,
    (qid, "", "") = respondents of a question. ``scoped``: the tallies are one tenant's subtree.

    A group of fewer than ``SUPPRESS_BELOW`` people shows no figure at all — not its answers,
    not how many they are: a question's respondents, its free-text count, a tenant's row of the
    breakdown and the total of one tenant's subtree are None there (the poll's own total stays:
    it is public on the results page and reveals no answer).
    """
    per_question = defaultdict(dict)
    for (qid, row, opt), count in tallies.items():
        per_question[qid][(row, opt)] = count
    respondents = per_question.get("", {}).get(("", ""), 0)
    questions = []
    for position, q in enumerate(poll["questions"], start=1):
        counts = per_question.get(q["id"], {})
        base = counts.get(("", ""), 0)
        suppressed = base < SUPPRESS_BELOW
        item = {
            "id": q["id"],
            "position": position,
            "text": q["text"],
            "kind": q["kind"],
            "respondents": None if suppressed else base,
            "suppressed": suppressed,
            "options": [],
            "mean": None,
            "rows": [],
            "text_answers": 0,
        }
        if q["kind"] in ("single", "multiple", "rating"):
            item["options"] = _options(q["options"], counts, base, suppressed)
        if q["kind"] == "rating" and base and not suppressed:
            total = sum(int(o["id"]) * counts.get(("", o["id"]), 0) for o in q["options"])
            item["mean"] = round(total / base, 2)
        if q["kind"] == "matrix":
            item["rows"] = [
                {
                    "id": r["id"],
                    "label": r["label"],
                    "options": _options(q["options"], counts, base, suppressed, r["id"]),
                }
                for r in q["rows"]
            ]
        if q["kind"] == "text":
            item["text_answers"] = None if suppressed else base
        questions.append(item)
    return {
        "poll": {k: poll[k] for k in ("id", "title", "status", "opens_at", "closes_at")},
        "respondents": None if scoped and respondents < SUPPRESS_BELOW else respondents,
        "suppressed": scoped and respondents < SUPPRESS_BELOW,
        "eligible": eligible,
        "generated_at": now.astimezone(VN_TZ).isoformat(),
        "questions": questions,
        "by_tenant": [
            {
                "tenant_id": tid,
                "tenant_name": name,
                "respondents": None if count < SUPPRESS_BELOW else count,
                "suppressed": count < SUPPRESS_BELOW,
            }
            for tid, name, count in (by_tenant or [])
        ],
    }


def tally_response(tallies, tenant_id, questions, answers):
    """Add one counted response to ``tallies`` {(tenant, qid, row, option): n}."""
    tallies[(tenant_id, "", "", "")] += 1
    for q in questions:
        value = answers.get(q["id"])
        if value is None:
            continue
        qid = q["id"]
        tallies[(tenant_id, qid, "", "")] += 1
        kind = q["kind"]
        if kind == "single":
            tallies[(tenant_id, qid, "", value)] += 1
        elif kind == "multiple":
            for v in value:
                tallies[(tenant_id, qid, "", v)] += 1
        elif kind == "rating":
            tallies[(tenant_id, qid, "", str(value))] += 1
        elif kind == "matrix":
            for row, v in value.items():
                tallies[(tenant_id, qid, row, v)] += 1


def local(dt):
    return dt.astimezone(VN_TZ).isoformat() if dt else None
