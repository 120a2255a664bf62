"""Use cases of the workers' questions. Plain Python: sessions, stores, the rules, the outbox.

The workflow's rules are ``questions/domain.py``; who may do what is ``policy.py``; the
deadline comes from the calendar (``calendar/operations.py``). Another user assigned to
a question is checked with the accounts service through ``find_user(user_id)`` (the
user's view or None), given at construction — asked before the transaction opens.
"""

import logging
import uuid

from feedback import policy
from feedback.calendar.domain import local_day, local_midnight
from feedback.language import vietnamese_text
from feedback.questions import domain, views
from feedback.questions.models import Question
from feedback.questions.store import PublicQuestions, Questions, Sequences
from platform_shared import outbox, search
from platform_shared.actor import SYSTEM
from platform_shared.errors import Conflict, InvalidInput, NotFound
from platform_shared.schemas import feedback as api
from platform_shared.schemas import load
from platform_shared.views import uuid_or_none

log = logging.getLogger("feedback")

ACTION_INPUT = {
    "assign": api.Assign,
    "answer": api.Answer,
    "publish": api.Publish,
    "reject": api.RejectReason,
    "transfer": api.Transfer,
}
"""What each action takes; the others take nothing."""

_figures = api.QuestionFiguresRead()


class QuestionOperations:
    """``tenants(session)`` is the tenant copy; ``calendar`` gives deadlines; ``limits`` counts requests."""

    def __init__(self, sessions, *, clock, settings, calendar, limits, tenants, find_user=None):
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.calendar = calendar
        self.limits = limits
        self.tenants = tenants
        self.find_user = find_user

    # -- asking and tracking ----------------------------------------------------------------------

    def ask(self, actor, data, client_address=None):
        """A worker's question (member or guest): routed, given a deadline and a tracking code."""
        data = load(api.QuestionCreate, data)
        if not actor.authenticated and data["guest"] is None:
            raise InvalidInput.field(
                "guest", "Khách chưa đăng nhập cần cho biết họ tên và số điện thoại hoặc e-mail.", code="GUEST_REQUIRED"
            )
        now = self.clock.now()
        title = vietnamese_text(data["title"], "title", min_words=3)
        body = vietnamese_text(data["body"], "body")
        guest = data["guest"] if not actor.authenticated else None
        keys = domain.asking_keys(
            self.settings.asking_limits(), client_address=client_address, user_id=actor.user_id, guest=guest
        )
        self.limits.check(keys, now)
        with self.sessions.transaction() as session:
            tenant = self._route(session, actor, data["tenant_id"], data["tenant"])
            question = Question(
                id=uuid.uuid4(),
                tenant_id=tenant.id,
                origin_tenant_id=tenant.id,
                tracking_code=self._tracking_code(now),
                category=data["category"],
                title=title,
                body=body,
                asker_user_id=uuid_or_none(actor.user_id),
                guest_name=guest["name"] if guest else None,
                guest_phone=api.phone_number(guest["phone"]) if guest and guest["phone"] else None,
                guest_email=guest["email"].lower() if guest and guest["email"] else None,
                status="received",
                received_at=now,
                due_at=self.calendar.due_at(session, now, tenant),
                public=False,
                updated_at=now,
            )
            # Staff search the question as asked; publishing replaces this with the public text.
            question.search_exact, question.search_folded = search.search_columns(title, body)
            Questions(session, SYSTEM).add(question)
            self._record(session, question, domain.receive(question, from_member=actor.authenticated), actor, now)
            return views.receipt(question, tenant)

    def _route(self, session, actor, tenant_id, slug=None):
        """The tenant that receives a question: the one chosen (id or slug), else the member's own;
        merges followed."""
        tenants = self.tenants(session)
        if tenant_id is None and slug:
            by_slug = tenants.by_slug(slug)
            if by_slug is None:
                raise InvalidInput.field("tenant", "Không có đơn vị này để nhận câu hỏi.", code="UNKNOWN_TENANT")
            tenant_id = by_slug.id
        if tenant_id is None:
            if not actor.tenant_id:
                raise InvalidInput.field(
                    "tenant_id", "Vui lòng chọn liên đoàn lao động nhận câu hỏi.", code="TENANT_REQUIRED"
                )
            tenant_id = actor.tenant_id
        tenant = tenants.surviving(tenants.get(tenant_id))
        if tenant is None or tenant.status not in ("active", "merged"):
            raise InvalidInput.field("tenant_id", "Không có đơn vị này để nhận câu hỏi.", code="UNKNOWN_TENANT")
        return tenant

    def _tracking_code(self, now):
        """A code from the day's sequence, taken in a statement of its own (autocommit): the
        sequence row is the hottest row of intake and must not stay locked for a whole
        transaction. A rolled-back question leaves a gap in the day's numbers, nothing worse."""
        day = local_day(now)
        with self.sessions.autocommit() as session:
            return domain.tracking_code(day, Sequences(session).next(day))

    def track(self, code, client_address=None):
        """What the asker sees with the tracking code: status, dates, the published answer. Nothing private.

        Throttled per client address, so that nobody tries codes by the million."""
        s = self.settings
        self.limits.check(
            [(f"track:addr:{client_address or 'unknown'}", s.track_limit_address, s.track_window_seconds)],
            self.clock.now(),
        )
        code = domain.normalise_tracking_code(code)
        if not api.is_tracking_code(code):
            raise NotFound.of("question", code)
        with self.sessions.read() as session:
            question = Questions(session, SYSTEM).by_code(code)
            if question is None:
                raise NotFound.of("question", code)
            return views.tracking(question, self.tenants(session).get(question.tenant_id))

    # -- the staff's work -------------------------------------------------------------------------

    def list_questions(self, actor, args):
        """The staff's list: own tenant's questions and those escalated to it; filters and search."""
        policy.require_question_staff(actor)
        args = load(api.QuestionListArgs, args or {})
        now = self.clock.now()
        with self.sessions.read() as session:
            items, total = Questions(session, actor).list(
                page=args["page"],
                per_page=args["per_page"],
                status=args.get("status"),
                category=args.get("category"),
                overdue_at=now if args.get("overdue") else None,
                assigned_to=actor.user_id if args.get("mine") else None,
                unassigned=bool(args.get("unassigned")),
                query=search.parse_query(args["q"]) if args.get("q") else None,
                overdue_first_at=now if args.get("order") == "overdue_first" else None,
            )
            return views.staff_page(items, total, args, self.tenants(session), now, **self._reading(session, actor))

    def _reading(self, session, actor):
        """What a staff view needs besides the rows: the working calendar (days left) and the
        actor's own actions."""
        return {
            "calendar": self.calendar.working_calendar(session),
            "may": lambda action: policy.may_question_action(actor, action),
        }

    def get_question(self, actor, question_id):
        """One question with its history (staff), each step with the tenant that held it."""
        policy.require_question_staff(actor)
        now = self.clock.now()
        with self.sessions.read() as session:
            questions = Questions(session, actor)
            question = questions.get(question_id)
            tenants = self.tenants(session)  # rows from the session's identity map after the first

            def tenant_name(tenant_id):
                found = tenants.get(tenant_id)
                return found.name if found else None

            return views.detail(
                question,
                tenants.get(question.tenant_id),
                now,
                questions.activity(question.id),
                tenant_names=tenant_name,
                **self._reading(session, actor),
            )

    def act(self, actor, question_id, action, data=None):
        """assign, answer, approve, publish, unpublish, reject, transfer: the question applies the
        action (``domain.apply``); its history line and facts are written with it."""
        if action not in domain.TRANSITIONS:
            raise NotFound.of("action", action)
        payload = load(ACTION_INPUT.get(action, api.NoFields), data if data is not None else {})
        policy.require_question_action(actor, action)
        now = self.clock.now()
        checked_tenant = self._check_assignee(actor, question_id, action, payload)
        with self.sessions.transaction() as session:
            question = Questions(session, actor).get(question_id, for_update=True)
            if checked_tenant is not None and question.tenant_id != checked_tenant:
                raise Conflict("Câu hỏi vừa được chuyển sang đơn vị khác; vui lòng thử lại.", code="QUESTION_MOVED")
            destination = self._destination(session, payload["tenant_id"], now) if action == "transfer" else None
            step = domain.apply(
                question, action, payload, actor_id=uuid_or_none(actor.user_id), now=now, destination=destination
            )
            self._record(session, question, step, actor, now)
            return views.staff(
                question, self.tenants(session).get(question.tenant_id), now, **self._reading(session, actor)
            )

    def _check_assignee(self, actor, question_id, action, payload):
        """Someone else assigned must be an active responder or admin of the question's tenant.

        Asked of the accounts service before the transaction opens (no remote call while rows
        are locked); the tenant checked, or None when there is nothing to check. The question is
        read first so that a missing question (404) and a step out of order (409) answer as
        they would without the check."""
        responder = payload.get("responder_id") if action == "assign" else None
        if self.find_user is None or responder is None or str(responder) == actor.user_id:
            return None
        with self.sessions.read() as session:
            question = Questions(session, actor).get(question_id)
            domain.check_transition(question.status, action)
            tenant_id = question.tenant_id
        user = self.find_user(str(responder))
        if not policy.may_answer_for(user, tenant_id):
            raise InvalidInput.field(
                "responder_id", "Người được giao phải là cán bộ trả lời của đơn vị.", code="NOT_A_RESPONDER"
            )
        return tenant_id

    def _destination(self, session, tenant_id, now):
        """Where a transfer to ``tenant_id`` goes (merges followed), or None for an unknown tenant."""
        tenants = self.tenants(session)
        tenant = tenants.surviving(tenants.get(tenant_id))
        if tenant is None:
            return None
        due_at = self.calendar.due_at(session, now, tenant)
        return domain.Destination(tenant.id, tenant.name, tenant.status == "active", due_at)

    def _record(self, session, question, step, actor, now):
        """The step's history line and facts, in the caller's transaction."""
        Questions(session, SYSTEM).record(question.id, question.tenant_id, step, uuid_or_none(actor.user_id), now)
        for event_type, payload in step.facts:
            outbox.add(session, event_type, payload, aggregate_id=question.id, now=now)

    # -- deadlines and figures --------------------------------------------------------------------

    def escalate_overdue(self, now=None):
        """The timer: flag open questions past their deadline once, escalate each to the parent tenant."""
        now = now or self.clock.now()
        flagged = []
        with self.sessions.transaction() as session:
            tenants = self.tenants(session)
            for question in Questions(session, SYSTEM).due_for_escalation(now):
                tenant = tenants.get(question.tenant_id)
                parent = tenants.surviving(tenants.get(tenant.parent_id)) if tenant and tenant.parent_id else None
                self._record(session, question, domain.escalate(question, parent, now), SYSTEM, now)
                flagged.append(str(question.id))
        for ident in flagged:
            log.info("question overdue and escalated", extra={"question_id": ident})
        return flagged

    def question_figures(self, actor, tenant_id, start, end):
        """Questions received by a tenant in [start, end) (local dates): received, answered,
        answered on time, still open past their deadline."""
        args = load(api.FiguresArgs, {"tenant_id": tenant_id, "start": start, "end": end})
        policy.require_figures_reader(actor, args["tenant_id"])
        with self.sessions.read() as session:
            figures = Questions(session, SYSTEM).figures(
                args["tenant_id"], local_midnight(args["start"]), local_midnight(args["end"]), self.clock.now()
            )
            return _figures.dump(figures)

    def follow_merge(self, session, merged_id, into_id):
        """A tenant merged: its unfinished questions move to the surviving tenant, deadlines
        unchanged, with a ``merge`` line in their history; the number moved."""
        questions = Questions(session, SYSTEM)
        moved = questions.move_unfinished(merged_id, into_id)
        step = domain.Step("merge", None, "moved", domain.MERGE_NOTE)
        now = self.clock.now()
        for question_id in moved:
            questions.record(question_id, into_id, step, None, now)
        return len(moved)

    # -- the public Q&A ---------------------------------------------------------------------------

    def public_questions(self, args):
        """Published questions and answers: category filter, Vietnamese search (exact diacritics first)."""
        args = load(api.PublicQuestionArgs, args or {})
        with self.sessions.read() as session:
            tenants = self.tenants(session)
            tenant_id = None
            if args.get("tenant"):
                tenant = tenants.by_slug(args["tenant"])
                if tenant is None:
                    raise NotFound.of("tenant", args["tenant"])
                tenant_id = tenant.id
            items, total = PublicQuestions(session).list(
                args["page"],
                args["per_page"],
                category=args.get("category"),
                tenant_id=tenant_id,
                query=search.parse_query(args["q"]) if args.get("q") else None,
            )
            return views.public_page(items, total, args, tenants)

    def public_question(self, question_id):
        """One published question and its answer, as the public Q&A shows it."""
        with self.sessions.read() as session:
            question = PublicQuestions(session).get(question_id)
            return views.public_one(question, self.tenants(session).get(question.tenant_id))
