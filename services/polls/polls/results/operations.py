"""The results use cases: receipts, live results, free-text answers and their moderation, exports.

Plain Python: sessions, stores, the rules. The accounts service is reached through one
callable given at construction (``count_members(tenant_ids) -> int | None``); the nameko
mixin wires it to RPC.
"""

import logging
import uuid

from platform_shared.errors import Forbidden, InvalidInput, NotFound
from platform_shared.policy import require_signed_in
from platform_shared.schemas import load
from platform_shared.schemas import polls as api
from platform_shared.views import uuid_or_none
from polls import domain, render
from polls.operations import poll_view
from polls.results import policy
from polls.results.store import Receipts, Results
from polls.store import PollStore, Tenants

log = logging.getLogger("polls")

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "png": ("image/png", "png"),
}


def _inline(fn, *args, **kwargs):
    return fn(*args, **kwargs)


class PollResults:
    def __init__(self, sessions, *, clock, count_members=None):
        self.sessions = sessions
        self.clock = clock
        self.count_members = count_members or (lambda tenant_ids: None)

    def get_receipt(self, actor, receipt_id):
        """The outcome of a receipt for the member who got it, or None (not written yet, someone else's)."""
        require_signed_in(actor)
        try:
            receipt = uuid.UUID(str(receipt_id))
        except ValueError:
            return None
        with self.sessions.read() as session:
            return Receipts(session, actor).outcome(receipt)

    def results(self, actor, poll_id, args=None):
        """Counts and percentages, small groups suppressed; the per-tenant breakdown for the VGCL."""
        args = load(api.ResultsArgs, args or {})
        with self.sessions.read() as session:
            polls = PollStore(session, actor)
            poll = polls.get(poll_id)
            policy.require_results(actor, poll)
            tree, audience = Tenants(session).tree(), polls.audience(poll.id)
            eligible = set(tree) if poll.audience_all else domain.eligible_tenants(tree, audience)
            scope = None
            if args.get("tenant"):
                if not policy.sees_breakdown(actor):
                    raise Forbidden("Chỉ Tổng Liên đoàn xem kết quả theo từng đơn vị.", code="BREAKDOWN_FORBIDDEN")
                scope = domain.subtree(tree, str(args["tenant"]))
            results = Results(session, poll)
            tallies = results.tallies(scope)
            by_tenant = None
            if policy.sees_breakdown(actor):
                folded = {}
                for tid, count in results.respondents_by_tenant().items():
                    survivor = domain.surviving(tree, tid)
                    folded[survivor] = folded.get(survivor, 0) + count
                by_tenant = sorted(
                    ((tid, tree.get(tid, {}).get("name", tid), n) for tid, n in folded.items()),
                    key=lambda row: row[1],
                )
            definition = poll_view(poll, audience)
        counted_for = (
            sorted(scope)
            if scope is not None
            else sorted(t for t in eligible if not tree.get(t, {}).get("merged_into_id"))
        )
        try:
            eligible_members = self.count_members(counted_for)
        except Exception:  # the figure is a courtesy: results never fail because accounts is away
            log.warning("eligible member count unavailable", exc_info=True)
            eligible_members = None
        return domain.build_results(
            definition,
            tallies,
            eligible=eligible_members,
            by_tenant=by_tenant,
            scoped=scope is not None,
            now=self.clock.now(),
        )

    def text_answers(self, actor, poll_id, args=None):
        """Moderators see every answer (filter by status); others the approved ones of published results."""
        args = load(api.TextAnswerArgs, args or {})
        with self.sessions.read() as session:
            poll = PollStore(session, actor).get(poll_id)
            if policy.moderates(actor, poll):
                status = args.get("status")
            else:
                policy.require_text_reader(actor, poll)
                status = "approved"
            items, total = Results(session, poll).text_answers(
                question_id=args.get("question"), status=status, page=args["page"], per_page=args["per_page"]
            )
            return [text_answer_view(a) for a in items], total, args

    def moderate(self, actor, poll_id, answer_id, data):
        """Approve or hide a free-text answer (moderators of the owner tenant, the poll's managers)."""
        data = load(api.ModerateArgs, data or {})
        with self.sessions.transaction() as session:
            poll = PollStore(session, actor).get(poll_id)
            policy.require_moderator(actor, poll)
            answer = Results(session, poll).text_answer(answer_id)
            answer.status = data["status"]
            answer.moderated_by = uuid_or_none(actor.user_id)
            answer.moderated_at = self.clock.now()
            return {"id": str(answer.id), "question_id": answer.question_id, "status": answer.status}

    def export(self, actor, poll_id, fmt, question_id=None, args=None, *, run=_inline):
        """``(filename, content type, bytes)``: CSV / XLSX of the results, or the PNG chart of one
        question, through polls.render. ``run(fn, *args)`` runs the rendering (the service
        passes ``in_thread``: off the hub)."""
        if fmt not in EXPORTS:
            raise InvalidInput.field("format", "Định dạng phải là csv, xlsx hoặc png.")
        results = self.results(actor, poll_id, args)
        if fmt == "png":
            question = next((q for q in results["questions"] if q["id"] == question_id), None)
            if question is None:
                raise NotFound("Không có câu hỏi này trong phiếu.", code="QUESTION_NOT_FOUND")
            content = run(render.chart_png, question, title=f"Câu {question['position']}. {question['text']}")
            name = f"poll-{poll_id}-{question_id}.png"
        elif fmt == "csv":
            content, name = run(render.results_csv, results), f"poll-{poll_id}.csv"
        else:
            content, name = run(render.results_xlsx, results), f"poll-{poll_id}.xlsx"
        return name, EXPORTS[fmt][0], content


def text_answer_view(answer):
    return {
        "id": str(answer.id),
        "question_id": answer.question_id,
        "text": answer.text,
        "status": answer.status,
        "created_at": domain.local(answer.created_at),
    }
