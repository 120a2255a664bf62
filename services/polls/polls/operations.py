"""The polls use cases. Plain Python: sessions, stores, the rules, the outbox.

The accounts service is reached through one callable given at construction
(``count_members(tenant_ids) -> int | None``); the nameko service wires it to RPC.
"""

import base64
import logging
import uuid

from platform_shared import outbox
from platform_shared.contracts import polls as events
from platform_shared.errors import Forbidden, InvalidInput, NotFound
from platform_shared.schemas import load
from platform_shared.schemas import polls as api
from polls import domain, intake, policy
from polls.models import Poll
from polls.store import Polls, Results, Tenants

log = logging.getLogger("polls")

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "png": ("image/png", "png"),
}


def _uuid(value):
    return uuid.UUID(value) if value else None


class PollsApp:
    def __init__(self, sessions, *, clock, count_members=None):
        self.sessions = sessions
        self.clock = clock
        self.count_members = count_members or (lambda tenant_ids: None)

    # -- helpers ----------------------------------------------------------------------------

    def _eligible(self, session, poll, tree=None):
        """Eligible tenant ids of ``poll`` (every known tenant when it is for all members)."""
        tree = tree if tree is not None else Tenants(session).tree()
        if poll.audience_all:
            return set(tree)
        return domain.eligible_tenants(tree, Polls(session).audience(poll.id))

    def _dump(self, session, poll, audience=None):
        audience = Polls(session).audience(poll.id) if audience is None else audience
        return {
            "id": str(poll.id),
            "tenant_id": str(poll.tenant_id),
            "scope": poll.scope,
            "title": poll.title,
            "description": poll.description,
            "status": poll.status,
            "status_label": api.STATUS_LABELS[poll.status],
            "opens_at": domain.local(poll.opens_at),
            "closes_at": domain.local(poll.closes_at),
            "audience": {"all": poll.audience_all, "tenant_ids": audience},
            "questions": poll.questions,
            "version": poll.version,
        }

    def _fact(self, session, poll, event_type, **extra):
        payload = {
            "poll_id": str(poll.id),
            "tenant_id": str(poll.tenant_id),
            "scope": poll.scope,
            "title": poll.title,
            "status": poll.status,
            "version": poll.version,
            **extra,
        }
        outbox.add(session, event_type, payload, aggregate_id=poll.id, now=self.clock.now())

    def _audience(self, session, actor, audience):
        """Validated audience: (all, tenant ids). A tenant admin's polls stay within its subtree."""
        tree = Tenants(session).tree()
        if not audience or (not audience.get("all") and not audience.get("tenant_ids")):
            if not actor.tenant_id:
                raise InvalidInput.field("audience", "Hãy chọn đối tượng của phiếu.")
            return False, [actor.tenant_id]
        if audience.get("all"):
            if not actor.is_platform_admin:
                raise InvalidInput.field("audience.all", "Chỉ Tổng Liên đoàn được hỏi ý kiến toàn bộ đoàn viên.")
            return True, []
        ids = [str(t) for t in audience["tenant_ids"]]
        unknown = [t for t in ids if t not in tree]
        if unknown:
            raise InvalidInput.field("audience.tenant_ids", f"Không có đơn vị: {', '.join(unknown)}.")
        if not actor.is_platform_admin:
            own = domain.subtree(tree, actor.tenant_id)
            outside = [t for t in ids if t not in own]
            if outside:
                raise InvalidInput.field("audience.tenant_ids", "Chỉ được chọn đơn vị thuộc đơn vị mình.")
        return False, ids

    # -- polls ------------------------------------------------------------------------------

    def create_poll(self, actor, data):
        policy.require_creator(actor)
        data = load(api.PollCreate, data)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            audience_all, tenant_ids = self._audience(session, actor, data.get("audience"))
            if not actor.tenant_id:
                raise Forbidden("Tài khoản không thuộc đơn vị nào.", code="TENANT_REQUIRED")
            poll = Poll(
                id=uuid.uuid4(),
                tenant_id=uuid.UUID(actor.tenant_id),
                scope="platform" if actor.is_platform_admin else "tenant",
                title=data["title"],
                description=data.get("description", ""),
                status="draft",
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                audience_all=audience_all,
                questions=domain.normalise_questions(data["questions"]),
                version=1,
                created_by=_uuid(actor.user_id),
                created_at=now,
                updated_at=now,
            )
            session.add(poll)
            session.flush()
            Polls(session).set_audience(poll.id, tenant_ids)
            session.flush()
            return self._dump(session, poll, sorted(tenant_ids))

    def update_poll(self, actor, poll_id, data):
        data = load(api.PollUpdate, data, partial=True)
        with self.sessions.transaction() as session:
            poll = Polls(session).get(poll_id, lock=True)
            policy.require_manager(actor, poll, self._eligible(session, poll))
            if poll.status != "draft":
                raise InvalidInput.field("status", "Chỉ sửa được phiếu ở trạng thái bản nháp.", code="POLL_NOT_DRAFT")
            for key in ("title", "description", "opens_at", "closes_at"):
                if key in data:
                    setattr(poll, key, data[key])
            if poll.closes_at <= poll.opens_at:
                raise InvalidInput.field("closes_at", "Thời điểm đóng phải sau thời điểm mở.")
            if "questions" in data:
                poll.questions = domain.normalise_questions(data["questions"])
            if "audience" in data:
                poll.audience_all, ids = self._audience(session, actor, data["audience"])
                Polls(session).set_audience(poll.id, ids)
            poll.version += 1
            poll.updated_at = self.clock.now()
            session.flush()
            return self._dump(session, poll)

    def get_poll(self, actor, poll_id):
        with self.sessions.read() as session:
            poll = Polls(session).get(poll_id)
            policy.require_visible(actor, poll, self._eligible(session, poll))
            return self._dump(session, poll)

    def list_polls(self, actor, args):
        args = load(api.PollListArgs, args or {})
        policy.require_signed_in_actor(actor)
        with self.sessions.read() as session:
            tree = Tenants(session).tree()
            polls = Polls(session)
            visible = []
            candidates = polls.candidates(args.get("status"))
            audiences = polls.audiences([p.id for p in candidates])
            for poll in candidates:
                eligible = set(tree) if poll.audience_all else domain.eligible_tenants(tree, audiences.get(poll.id, []))
                if policy.may_see(actor, poll, eligible):
                    visible.append(poll)
            start = (args["page"] - 1) * args["per_page"]
            page = visible[start : start + args["per_page"]]
            return {
                "items": [self._dump(session, p, audiences.get(p.id, [])) for p in page],
                "total": len(visible),
                "page": args["page"],
                "per_page": args["per_page"],
            }

    def transition(self, actor, poll_id, action):
        if action not in domain.TRANSITIONS:
            raise NotFound("Không có thao tác này.", code="ACTION_NOT_FOUND")
        now = self.clock.now()
        with self.sessions.transaction() as session:
            poll = Polls(session).get(poll_id, lock=True)
            policy.require_manager(actor, poll, self._eligible(session, poll))
            domain.transition(poll, action, now=now)
            session.flush()
            self._announce(session, poll, action, now)
            return self._dump(session, poll)

    def _announce(self, session, poll, action, now):
        if action == "open":
            self._fact(
                session,
                poll,
                events.POLL_OPENED,
                opens_at=poll.opens_at.isoformat(),
                closes_at=poll.closes_at.isoformat(),
            )
        elif action == "close":
            self._fact(
                session,
                poll,
                events.POLL_CLOSED,
                closed_at=now.isoformat(),
                respondents=Results(session).respondents(poll.id),
            )
        else:
            self._fact(
                session,
                poll,
                events.RESULTS_PUBLISHED,
                published_at=now.isoformat(),
                respondents=Results(session).respondents(poll.id),
            )

    def close_due(self):
        """Close every open poll whose closing time has passed (timer; safe with replicas)."""
        now = self.clock.now()
        closed = 0
        with self.sessions.transaction() as session:
            for poll in Polls(session).due_to_close(now):
                poll.status, poll.closed_at, poll.updated_at = "closed", now, now
                poll.version += 1
                self._announce(session, poll, "close", now)
                closed += 1
        return closed

    # -- intake -----------------------------------------------------------------------------

    def intake_definition(self, actor, poll_id):
        """What the gateway checks a response against (system actor only)."""
        if not actor.system:
            raise NotFound("Không tìm thấy phiếu trưng cầu ý kiến.", code="POLL_NOT_FOUND")
        with self.sessions.read() as session:
            return intake.load_rules(session, poll_id)

    def get_receipt(self, actor, receipt_id):
        """The outcome of a receipt for the member who got it, or None (not written yet)."""
        policy.require_signed_in_actor(actor)
        try:
            receipt_uuid = uuid.UUID(str(receipt_id))
        except ValueError:
            return None
        with self.sessions.read() as session:
            found = Results(session).receipt(receipt_uuid)
        if found is None or (not actor.system and found["member_id"] != actor.user_id):
            return None
        found.pop("member_id")
        return found

    # -- results ----------------------------------------------------------------------------

    def results(self, actor, poll_id, args=None):
        args = load(api.ResultsArgs, args or {})
        with self.sessions.read() as session:
            poll = Polls(session).get(poll_id)
            tree = Tenants(session).tree()
            eligible = self._eligible(session, poll, tree)
            policy.require_results(actor, poll, eligible)
            scope = None
            if args.get("tenant"):
                if not policy.sees_breakdown(actor):
                    raise Forbidden("Chỉ Tổng Liên đoàn xem kết quả theo từng đơn vị.", code="BREAKDOWN_FORBIDDEN")
                scope = domain.subtree(tree, str(args["tenant"]))
            results = Results(session)
            tallies = results.tallies(poll.id, scope)
            by_tenant = None
            if policy.sees_breakdown(actor):
                folded = {}
                for tid, count in results.respondents_by_tenant(poll.id).items():
                    survivor = domain.surviving(tree, tid)
                    folded[survivor] = folded.get(survivor, 0) + count
                by_tenant = sorted(
                    ((tid, tree.get(tid, {}).get("name", tid), n) for tid, n in folded.items()),
                    key=lambda row: row[1],
                )
            definition = self._dump(session, poll)
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
            definition, tallies, eligible=eligible_members, by_tenant=by_tenant, now=self.clock.now()
        )

    def text_answers(self, actor, poll_id, args=None):
        """Moderators see every answer (filter by status); others the approved ones of published results."""
        args = load(api.TextAnswerArgs, args or {})
        with self.sessions.read() as session:
            poll = Polls(session).get(poll_id)
            eligible = self._eligible(session, poll)
            if policy.moderates(actor, poll):
                policy.require_visible(actor, poll, eligible)
                status = args.get("status")
            else:
                policy.require_results(actor, poll, eligible)
                status = "approved"
            items, total = Results(session).text_answers(
                poll.id, args.get("question"), status, args["page"], args["per_page"]
            )
            return {
                "items": [
                    {
                        "id": str(a.id),
                        "question_id": a.question_id,
                        "text": a.text,
                        "status": a.status,
                        "created_at": domain.local(a.created_at),
                    }
                    for a in items
                ],
                "total": total,
                "page": args["page"],
                "per_page": args["per_page"],
            }

    def moderate(self, actor, poll_id, answer_id, data):
        data = load(api.ModerateArgs, data or {})
        with self.sessions.transaction() as session:
            poll = Polls(session).get(poll_id)
            policy.require_moderator(actor, poll, self._eligible(session, poll))
            answer = Results(session).text_answer(poll.id, answer_id)
            answer.status = data["status"]
            answer.moderated_by = _uuid(actor.user_id)
            answer.moderated_at = self.clock.now()
            return {"id": str(answer.id), "question_id": answer.question_id, "status": answer.status}

    def export(self, actor, poll_id, fmt, question_id=None, args=None, *, run=None):
        """CSV / XLSX of the results, or the PNG chart of one question, through polls.render.

        ``run(fn, *args)`` runs the rendering (the service passes ``in_thread``: off the hub)."""
        run = run or (lambda fn, *a, **kw: fn(*a, **kw))
        if fmt not in EXPORTS:
            raise InvalidInput.field("format", "Định dạng phải là csv, xlsx hoặc png.")
        results = self.results(actor, poll_id, args)
        from polls import render

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
        return {
            "filename": name,
            "content_type": EXPORTS[fmt][0],
            "content_b64": base64.b64encode(content).decode("ascii"),
        }

    # -- tenant copy ------------------------------------------------------------------------

    def apply_tenant(self, session, payload, *, status=None):
        before = Tenants(session).get(payload["tenant_id"])
        old_parent = before.parent_id if before is not None else None
        Tenants(session).upsert(
            {
                "id": uuid.UUID(payload["tenant_id"]),
                "code": payload["code"],
                "name": payload["name"],
                "kind": payload["kind"],
                "parent_id": _uuid(payload.get("parent_id")),
                "status": status or payload.get("status") or "active",
                "updated_at": self.clock.now(),
            }
        )
        if before is not None and old_parent != _uuid(payload.get("parent_id")):
            self._changed_running(session, "reparented")

    def _changed_running(self, session, reason, poll_ids=None):
        """Open polls' eligibility may have changed: the gateway drops them from its cache."""
        polls = Polls(session)
        for poll in polls.candidates("open"):
            if poll_ids is None or poll.id in poll_ids:
                self._fact(session, poll, events.POLL_CHANGED, reason=reason)

    def merge_tenant(self, session, payload):
        """Eligibility and ownership of draft and open polls follow the surviving tenant."""
        merged, into = uuid.UUID(payload["tenant_id"]), uuid.UUID(payload["into_tenant_id"])
        tenant = Tenants(session).get(merged)
        if tenant is not None:
            tenant.status, tenant.merged_into_id = "merged", into
            tenant.merged_at = _parse_time(payload.get("merged_at")) or self.clock.now()
        moved = Polls(session).move_tenant(merged, into)
        session.flush()
        self._changed_running(session, "tenant_merged")
        return moved

    def sync_tenants(self, tenants):
        with self.sessions.transaction() as session:
            for t in tenants:
                Tenants(session).upsert(
                    {
                        "id": uuid.UUID(t["id"]),
                        "code": t["code"],
                        "name": t["name"],
                        "kind": t["kind"],
                        "parent_id": _uuid(t.get("parent_id")),
                        "status": t["status"],
                        "merged_into_id": _uuid(t.get("merged_into_id")),
                        "merged_at": _parse_time(t.get("merged_at")),
                        "updated_at": self.clock.now(),
                    }
                )
        return len(tenants)


def _parse_time(value):
    from datetime import datetime

    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
