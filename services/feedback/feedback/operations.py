"""The feedback use cases. Plain Python: sessions, stores, the rules, the outbox.

The content service is reached through one callable given at construction
(``find_article(article_id)`` → the article's view or None); the nameko service wires
it to ``content.get_article``. The Vietnamese-text rule lives in ``feedback.language``.
"""

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC

from feedback import calendar, domain, policy, search
from feedback.models import Comment, Holiday, Opinion, OpinionTopic, Question, QuestionActivity
from feedback.store import (
    Comments,
    CommentSettings,
    Counters,
    Holidays,
    Opinions,
    PublicQuestions,
    Questions,
    Sequences,
    Tenants,
    Topics,
)
from platform_shared import outbox
from platform_shared.actor import SYSTEM
from platform_shared.contracts import feedback as events
from platform_shared.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited
from platform_shared.schemas import feedback as api
from platform_shared.schemas import load

log = logging.getLogger("feedback")
HOLIDAY_CACHE_SECONDS = 60


@dataclass(frozen=True)
class Settings:
    answer_days: int = 5
    comment_limit_user: int = 5
    comment_limit_address: int = 20
    comment_window_seconds: int = 60
    question_limit_address: int = 10
    question_window_seconds: int = 3600
    track_limit_address: int = 60
    track_window_seconds: int = 60
    reports_to_hide: int = domain.REPORTS_TO_HIDE

    @classmethod
    def from_config(cls, config):
        def get(key, default):
            return int(config.get(key, default))

        return cls(
            answer_days=get("FEEDBACK_ANSWER_DAYS", 5),
            comment_limit_user=get("FEEDBACK_COMMENT_LIMIT_USER", 5),
            comment_limit_address=get("FEEDBACK_COMMENT_LIMIT_ADDRESS", 20),
            comment_window_seconds=get("FEEDBACK_COMMENT_WINDOW_SECONDS", 60),
            question_limit_address=get("FEEDBACK_QUESTION_LIMIT_ADDRESS", 10),
            question_window_seconds=get("FEEDBACK_QUESTION_WINDOW_SECONDS", 3600),
            track_limit_address=get("FEEDBACK_TRACK_LIMIT_ADDRESS", 60),
            track_window_seconds=get("FEEDBACK_TRACK_WINDOW_SECONDS", 60),
            reports_to_hide=get("FEEDBACK_REPORTS_TO_HIDE", domain.REPORTS_TO_HIDE),
        )


def vietnamese_text(text, field, *, min_words=4):
    """Plain text, Vietnamese with diacritics, no word of the profanity list; NFC."""
    from feedback import language  # written alongside; imported late so the rest loads without it

    domain.require_plain_text(text, field)
    text = language.require_vietnamese(text, field, min_words=min_words)
    language.check_profanity(text, field)
    return text


def public_name(name, field):
    """A name shown beside a comment: plain text, no word of the profanity list (any language)."""
    from feedback import language

    domain.require_plain_text(name, field)
    language.check_profanity(name, field)
    return name


class CalendarCache:
    """The working calendar, kept for ``seconds``: the holiday table changes a few times a
    year and every question asked needs it. Edits made through this process clear it at
    once; another replica's edits are seen within ``seconds``. Owned by the long-lived
    nameko dependency, shared by its workers."""

    def __init__(self, seconds=HOLIDAY_CACHE_SECONDS):
        self.seconds = seconds
        self._entry = None

    def get(self, load_rows):
        entry = self._entry
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        working = calendar.WorkingCalendar.from_rows(load_rows())
        self._entry = (time.monotonic() + self.seconds, working)
        return working

    def clear(self):
        self._entry = None


class Feedback:
    def __init__(self, sessions, *, clock, settings=Settings(), find_article=None, find_user=None, calendars=None):
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.find_article = find_article or (lambda article_id: None)
        self.find_user = find_user
        self.calendars = calendars or CalendarCache()

    # -- helpers --------------------------------------------------------------------------

    def _calendar(self, session):
        return self.calendars.get(lambda: [(h.day, h.working_day) for h in Holidays(session).rows()])

    def _tracking_code(self, now):
        """A code from the day's sequence, taken in a statement of its own (autocommit): the
        sequence row is the hottest row of intake and must not stay locked for a whole
        transaction. A rolled-back question leaves a gap in the day's numbers, nothing worse."""
        day = calendar.local_day(now)
        with self.sessions.read() as session:
            return domain.tracking_code(day, Sequences(session).next(day))

    def _due(self, session, now, tenant):
        return self._calendar(session).due_at(now, self._answer_days(tenant)).astimezone(UTC)

    def _answer_days(self, tenant):
        return tenant.answer_days or self.settings.answer_days

    def _throttle(self, keys, now):
        """Count the request against every ``(key, limit, seconds)``; 429 with Retry-After when over one.

        Outside the business transaction: every attempt counts, refused ones included, so a
        flood is throttled however it ends."""
        with self.sessions.read() as session:  # autocommit: each hit is one short statement of its own
            counters = Counters(session)
            wait = max([counters.hit(key, now, limit=limit, seconds=seconds) for key, limit, seconds in keys])
        if wait:
            raise RateLimited(
                f"Bạn gửi quá nhiều lần. Vui lòng thử lại sau {wait} giây.",
                code="RATE_LIMITED",
                details={"retry_after": wait},
            )

    def _activity(self, session, question, action, before, actor, note, now):
        session.add(
            QuestionActivity(
                question_id=question.id,
                tenant_id=question.tenant_id,
                action=action,
                from_status=before,
                to_status=question.status,
                note=note,
                actor_id=_uuid(actor.user_id),
                at=now,
            )
        )

    def _fact(self, question):
        return {
            "tenant_id": str(question.tenant_id),
            "question_id": str(question.id),
            "category": question.category,
            "received_at": question.received_at.isoformat(),
            "due_at": question.due_at.isoformat(),
        }

    def _route(self, session, actor, tenant_id, slug=None):
        """The tenant that receives a question: the one chosen (id or slug), else the member's own;
        merges followed."""
        tenants = Tenants(session)
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

    # -- questions: asking and tracking ---------------------------------------------------

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
        self._throttle(
            [
                (
                    f"question:addr:{client_address or 'unknown'}",
                    self.settings.question_limit_address,
                    self.settings.question_window_seconds,
                )
            ],
            now,
        )
        guest = data["guest"] if not actor.authenticated else None
        with self.sessions.transaction() as session:
            tenant = self._route(session, actor, data["tenant_id"], data["tenant"])
            code = self._tracking_code(now)
            question = Question(
                id=uuid.uuid4(),
                tenant_id=tenant.id,
                origin_tenant_id=tenant.id,
                tracking_code=code,
                category=data["category"],
                title=title,
                body=body,
                asker_user_id=_uuid(actor.user_id),
                guest_name=guest["name"] if guest else None,
                guest_phone=api.phone_number(guest["phone"]) if guest and guest["phone"] else None,
                guest_email=guest["email"].lower() if guest and guest["email"] else None,
                status="received",
                received_at=now,
                due_at=self._due(session, now, tenant),
                public=False,
                updated_at=now,
            )
            # Staff search the question as asked; publishing replaces this with the public text.
            question.search_exact, question.search_folded = search.search_columns(title, body)
            Questions(session, SYSTEM).add(question)
            self._activity(session, question, "receive", None, actor, None, now)
            outbox.add(
                session,
                events.QUESTION_RECEIVED,
                {**self._fact(question), "from_member": actor.authenticated},
                aggregate_id=question.id,
                now=now,
            )
            return {
                "id": str(question.id),
                "tracking_code": code,
                "status": question.status,
                "status_label": api.QUESTION_STATUS_LABELS[question.status],
                "tenant": {"id": str(tenant.id), "name": tenant.name},
                "received_at": question.received_at.isoformat(),
                "due_at": question.due_at.isoformat(),
            }

    def track(self, code, client_address=None):
        """What the asker sees with the tracking code: status, dates, the published answer. Nothing private.

        Throttled per client address, so that nobody tries codes by the million."""
        s = self.settings
        self._throttle(
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
            tenant = Tenants(session).get(question.tenant_id)
            view = {
                "tracking_code": question.tracking_code,
                "category": question.category,
                "category_label": api.CATEGORY_LABELS[question.category],
                "title": question.public_title if question.status == "published" else None,
                "status": _public_status(question.status),
                "status_label": api.QUESTION_STATUS_LABELS[_public_status(question.status)],
                "tenant_name": tenant.name if tenant else None,
                "received_at": question.received_at.isoformat(),
                "due_at": question.due_at.isoformat(),
                "answer": None,
                "answered_at": None,
                "reject_reason": None,
            }
            if question.status == "published":
                view["answer"] = question.answer
                view["answered_at"] = _iso(question.published_at)
            if question.status == "rejected":
                view["reject_reason"] = question.reject_reason
            return view

    # -- questions: the staff's work --------------------------------------------------------

    def list_questions(self, actor, args):
        policy.require_question_staff(actor)
        args = load(api.QuestionListArgs, args or {})
        now = self.clock.now()
        with self.sessions.read() as session:
            q = None
            if args.get("q"):
                query = search.parse_query(args["q"])
                if query is not None:
                    q = search.where_clause(query, Question.search_exact, Question.search_folded)
            items, total = Questions(session, actor).list(
                page=args["page"],
                per_page=args["per_page"],
                status=args.get("status"),
                category=args.get("category"),
                overdue_at=now if args.get("overdue") else None,
                assigned_to=actor.user_id if args.get("mine") else None,
                q=q,
            )
            tenants = Tenants(session)
            return _page([self._staff_view(q, tenants, now) for q in items], total, args)

    def get_question(self, actor, question_id):
        policy.require_question_staff(actor)
        now = self.clock.now()
        with self.sessions.read() as session:
            questions = Questions(session, actor)
            question = questions.get(question_id)
            view = self._staff_view(question, Tenants(session), now)
            view["activity"] = [_activity_view(a) for a in questions.activity(question.id)]
            return view

    def act(self, actor, question_id, action, data=None):
        """assign, answer, approve, publish, unpublish, reject, transfer — each checked in one place."""
        schema = {
            "assign": api.Assign,
            "answer": api.Answer,
            "publish": api.Publish,
            "reject": api.RejectReason,
            "transfer": api.Transfer,
        }.get(action, api.NoFields)
        if action not in domain.TRANSITIONS:
            raise NotFound.of("action", action)
        payload = load(schema, data if data is not None else {})
        if action in ("approve", "publish", "unpublish"):
            policy.require_approver(actor)
        else:
            policy.require_question_staff(actor)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            question = Questions(session, actor).get(question_id, for_update=True)
            before = question.status
            target = domain.check_transition(before, action)
            note = None
            tenants = Tenants(session)
            if action == "assign":
                question.assigned_to = payload["responder_id"] or _uuid(actor.user_id)
                if question.assigned_to is None:
                    raise InvalidInput.field("responder_id", "Cần chọn cán bộ trả lời.", code="RESPONDER_REQUIRED")
                if payload["responder_id"] and str(payload["responder_id"]) != actor.user_id:
                    self._check_responder(payload["responder_id"], question.tenant_id)
            elif action == "answer":
                question.answer = payload["answer"]
                question.answered_by = _uuid(actor.user_id)
                first = question.answered_at is None
                question.answered_at = question.answered_at or now
                if first:
                    outbox.add(
                        session,
                        events.QUESTION_ANSWERED,
                        {
                            **self._fact(question),
                            "answered_at": now.isoformat(),
                            "on_time": now <= question.due_at,
                        },
                        aggregate_id=question.id,
                        now=now,
                    )
            elif action == "approve":
                question.approved_at = now
            elif action == "publish":
                question.public = payload["public"]
                question.public_title = payload["public_title"] or question.title
                question.public_body = payload["public_body"] or question.body
                question.published_at = now
                question.search_exact, question.search_folded = search.search_columns(
                    question.public_title, question.public_body, question.answer
                )
            elif action == "unpublish":
                question.public = False
            elif action == "reject":
                question.reject_reason = note = payload["reason"]
            elif action == "transfer":
                target_tenant = tenants.surviving(tenants.get(payload["tenant_id"]))
                if target_tenant is None or target_tenant.status != "active":
                    raise InvalidInput.field("tenant_id", "Không có đơn vị này để chuyển tới.", code="UNKNOWN_TENANT")
                if target_tenant.id == question.tenant_id:
                    raise InvalidInput.field("tenant_id", "Câu hỏi đã thuộc đơn vị này.", code="SAME_TENANT")
                note = payload["note"] or f"Chuyển tới {target_tenant.name}"
                # The history stays with the question; the new tenant gets its own full deadline.
                question.tenant_id = target_tenant.id
                question.assigned_to = None
                question.escalated_to_id = question.overdue_at = None
                question.due_at = self._due(session, now, target_tenant)
            question.status = target
            question.updated_at = now
            self._activity(session, question, action, before, actor, note, now)
            if action in ("publish", "unpublish"):
                fact = self._fact(question)
                if action == "publish":
                    outbox.add(
                        session,
                        events.QUESTION_PUBLISHED,
                        {**fact, "published_at": now.isoformat(), "public": question.public},
                        aggregate_id=question.id,
                        now=now,
                    )
                else:
                    outbox.add(
                        session,
                        events.QUESTION_UNPUBLISHED,
                        {**fact, "unpublished_at": now.isoformat()},
                        aggregate_id=question.id,
                        now=now,
                    )
            return self._staff_view(question, tenants, now)

    def _check_responder(self, user_id, tenant_id):
        """Someone else assigned must be an active responder or admin of the question's tenant."""
        if self.find_user is None:
            return
        user = self.find_user(str(user_id))
        if (
            user is None
            or user.get("tenant_id") != str(tenant_id)
            or user.get("status") != "active"
            or not set(user.get("roles") or ()) & {"responder", "tenant_admin"}
        ):
            raise InvalidInput.field(
                "responder_id", "Người được giao phải là cán bộ trả lời của đơn vị.", code="NOT_A_RESPONDER"
            )

    def _staff_view(self, q, tenants, now):
        tenant = tenants.get(q.tenant_id)
        return {
            "id": str(q.id),
            "tracking_code": q.tracking_code,
            "tenant_id": str(q.tenant_id),
            "tenant_name": tenant.name if tenant else None,
            "escalated_to_id": _str(q.escalated_to_id),
            "category": q.category,
            "category_label": api.CATEGORY_LABELS[q.category],
            "title": q.title,
            "body": q.body,
            "asker": {
                "user_id": _str(q.asker_user_id),
                "guest_name": q.guest_name,
                "guest_phone": q.guest_phone,
                "guest_email": q.guest_email,
            },
            "status": q.status,
            "status_label": api.QUESTION_STATUS_LABELS[q.status],
            "allowed_actions": domain.allowed_actions(q.status),
            "assigned_to": _str(q.assigned_to),
            "answer": q.answer,
            "answered_at": _iso(q.answered_at),
            "public": q.public,
            "public_title": q.public_title,
            "public_body": q.public_body,
            "published_at": _iso(q.published_at),
            "reject_reason": q.reject_reason,
            "received_at": _iso(q.received_at),
            "due_at": _iso(q.due_at),
            "overdue": q.status in domain.OPEN and q.due_at < now,
            "updated_at": _iso(q.updated_at),
        }

    # -- deadlines ------------------------------------------------------------------------------

    def escalate_overdue(self, now=None):
        """The timer: flag open questions past their deadline once, escalate each to the parent tenant."""
        now = now or self.clock.now()
        flagged = []
        with self.sessions.transaction() as session:
            tenants = Tenants(session)
            for question in Questions(session, SYSTEM).due_for_escalation(now):
                tenant = tenants.get(question.tenant_id)
                parent = tenants.surviving(tenants.get(tenant.parent_id)) if tenant and tenant.parent_id else None
                question.overdue_at = now
                question.escalated_to_id = parent.id if parent else None
                self._activity(
                    session,
                    question,
                    "escalate",
                    question.status,
                    SYSTEM,
                    f"Quá hạn trả lời; chuyển lên {parent.name}" if parent else "Quá hạn trả lời",
                    now,
                )
                outbox.add(
                    session,
                    events.QUESTION_OVERDUE,
                    {**self._fact(question), "escalated_to_tenant_id": _str(question.escalated_to_id)},
                    aggregate_id=question.id,
                    now=now,
                )
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
            return Questions(session, SYSTEM).figures(
                args["tenant_id"],
                calendar.local_midnight(args["start"]),
                calendar.local_midnight(args["end"]),
                self.clock.now(),
            )

    # -- settings and holidays ------------------------------------------------------------------

    def get_settings(self, actor):
        policy.require_question_staff(actor)
        with self.sessions.read() as session:
            tenant = Tenants(session).get(actor.tenant_id) if actor.tenant_id else None
            return {
                "answer_days": self._answer_days(tenant) if tenant else self.settings.answer_days,
                "default_answer_days": self.settings.answer_days,
            }

    def update_settings(self, actor, data):
        """A tenant's answer deadline in working days (its admin). Questions already received keep theirs."""
        policy.require_tenant_admin(actor)
        data = load(api.FeedbackSettings, data)
        with self.sessions.transaction() as session:
            tenant = Tenants(session).get(actor.tenant_id)
            if tenant is None:
                raise NotFound.of("tenant", actor.tenant_id)
            tenant.answer_days = data["answer_days"]
            return {"answer_days": tenant.answer_days, "default_answer_days": self.settings.answer_days}

    def list_holidays(self, actor, args):
        args = load(api.HolidayListArgs, args or {})
        with self.sessions.read() as session:
            start = end = None
            if args.get("year"):
                from datetime import date

                start, end = date(args["year"], 1, 1), date(args["year"] + 1, 1, 1)
            return [_holiday_view(h) for h in Holidays(session).rows(start, end)]

    def put_holiday(self, actor, data):
        policy.require_platform_admin(actor)
        data = load(api.HolidayWrite, data)
        if data["working_day"] and data["day"].weekday() < 5:
            raise InvalidInput.field(
                "working_day", "Chỉ thứ Bảy hoặc Chủ nhật mới là ngày làm bù.", code="NOT_A_WEEKEND"
            )
        with self.sessions.transaction() as session:
            row = Holidays(session).get(data["day"])
            if row is None:
                row = Holiday(day=data["day"])
                session.add(row)
            row.name, row.working_day, row.updated_at = data["name"], data["working_day"], self.clock.now()
            view = _holiday_view(row)
        self.calendars.clear()
        return view

    def delete_holiday(self, actor, day):
        policy.require_platform_admin(actor)
        day = load(api.HolidayWrite, {"day": day, "name": "--"}, partial=True)["day"]
        with self.sessions.transaction() as session:
            row = Holidays(session).get(day)
            if row is None:
                raise NotFound.of("holiday", day.isoformat())
            session.delete(row)
        self.calendars.clear()
        return {"deleted": day.isoformat()}

    # -- public Q&A --------------------------------------------------------------------------------

    def public_questions(self, args):
        """Published questions and answers: category filter, Vietnamese search (exact diacritics first)."""
        args = load(api.PublicQuestionArgs, args or {})
        with self.sessions.read() as session:
            conditions, order = [], [Question.published_at.desc(), Question.id]
            if args.get("category"):
                conditions.append(Question.category == args["category"])
            if args.get("tenant"):
                tenant = Tenants(session).by_slug(args["tenant"])
                if tenant is None:
                    raise NotFound.of("tenant", args["tenant"])
                conditions.append(Question.tenant_id == tenant.id)
            query = search.parse_query(args["q"]) if args.get("q") else None
            if query is not None:
                conditions.append(search.where_clause(query, Question.search_exact, Question.search_folded))
                order = [search.rank_expression(query, Question.search_exact)] + order
            items, total = PublicQuestions(session).list(conditions, order, args["page"], args["per_page"])
            tenants = Tenants(session)
            return _page([_public_view(q, tenants) for q in items], total, args)

    # -- opinions -----------------------------------------------------------------------------------

    def create_topic(self, actor, data):
        """A topic for members' opinions; a confederation's (or its departments') is national."""
        policy.require_topic_opener(actor)
        data = load(api.TopicCreate, data)
        if not actor.tenant_id:
            raise InvalidInput("Tài khoản không thuộc đơn vị nào.", code="NO_TENANT")
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenant = Tenants(session).get(actor.tenant_id)
            if tenant is None:
                raise NotFound.of("tenant", actor.tenant_id)
            topic = Topics(session, actor).add(
                OpinionTopic(
                    tenant_id=tenant.id,
                    national=tenant.kind in policy.NATIONAL_KINDS,
                    title=data["title"],
                    description=data["description"],
                    status="open",
                    closes_on=data["closes_on"],
                    created_by=_uuid(actor.user_id),
                    created_at=now,
                )
            )
            return _topic_view(topic)

    def list_topics(self, actor, args):
        args = load(api.TopicListArgs, args or {})
        with self.sessions.read() as session:
            items, total = Topics(session, actor).list(args["page"], args["per_page"], args.get("status"))
            return _page([_topic_view(t) for t in items], total, args)

    def give_opinion(self, actor, data):
        """A signed-in member's opinion on an open topic; held for moderation."""
        policy.require_signed_in(actor)
        data = load(api.OpinionCreate, data)
        body = vietnamese_text(data["body"], "body")
        now = self.clock.now()
        if not actor.tenant_id:
            raise Forbidden("Chỉ đoàn viên của một đơn vị được góp ý kiến.", code="MEMBER_REQUIRED")
        self._throttle(
            [(f"opinion:user:{actor.user_id}", self.settings.comment_limit_user, self.settings.comment_window_seconds)],
            now,
        )
        with self.sessions.transaction() as session:
            topic = Topics(session, actor).get(data["topic_id"])
            if topic.status != "open" or (topic.closes_on and calendar.local_day(now) > topic.closes_on):
                raise Conflict("Chủ đề này đã hết thời gian lấy ý kiến.", code="TOPIC_CLOSED")
            opinion = Opinions(session, actor).add(
                Opinion(
                    tenant_id=topic.tenant_id,
                    topic_id=topic.id,
                    author_id=uuid.UUID(actor.user_id),
                    author_tenant_id=uuid.UUID(actor.tenant_id),
                    body=body,
                    status="pending",
                    created_at=now,
                )
            )
            return _opinion_view(opinion, staff=True)

    def list_opinions(self, actor, args):
        """Staff of the topic's tenant: every opinion (moderation queue); others: published ones."""
        policy.require_signed_in(actor)
        args = load(api.OpinionListArgs, args or {})
        with self.sessions.read() as session:
            staff = actor.has(*policy.OPINION_STAFF)
            if args.get("topic_id"):
                Topics(session, actor).get(args["topic_id"])
            items, total = Opinions(session, actor).list(
                args["page"],
                args["per_page"],
                topic_id=args.get("topic_id"),
                status=args.get("status"),
                public=not staff,
            )
            return _page([_opinion_view(o, staff=staff) for o in items], total, args)

    def moderate_opinion(self, actor, opinion_id, action, data=None):
        """publish, hide, answer (the topic tenant's moderators, responders, admins)."""
        policy.require_opinion_staff(actor)
        if action not in ("publish", "hide", "answer"):
            raise NotFound.of("action", action)
        payload = load(api.Answer if action == "answer" else api.NoFields, data if data is not None else {})
        now = self.clock.now()
        with self.sessions.transaction() as session:
            opinion = Opinions(session, actor).get(opinion_id, for_update=True)
            if action == "answer":
                if opinion.status == "hidden":
                    raise Conflict("Ý kiến đã bị ẩn, không thể trả lời.", code="TRANSITION_NOT_ALLOWED")
                opinion.answer, opinion.answered_by, opinion.answered_at = (
                    payload["answer"],
                    _uuid(actor.user_id),
                    now,
                )
            else:
                opinion.status = "published" if action == "publish" else "hidden"
                opinion.moderated_by, opinion.moderated_at = _uuid(actor.user_id), now
            return _opinion_view(opinion, staff=True)

    # -- comments -------------------------------------------------------------------------------------

    def _article(self, article_id):
        """The article as content knows it, when it is published; NotFound otherwise."""
        try:
            ident = uuid.UUID(str(article_id))
        except ValueError:
            raise NotFound.of("article", article_id) from None
        article = self.find_article(str(ident))
        if article is None or article.get("status") != "published":
            raise NotFound.of("article", article_id)
        return article

    @staticmethod
    def _site_key(article):
        return "portal" if article.get("site") == "portal" else article["tenant_id"]

    def _comment_setting(self, session, article):
        row = CommentSettings(session).get(self._site_key(article), article["section"])
        return (row.premoderated, row.guests_allowed) if row else (True, False)

    def comment(self, actor, article_id, data, client_address=None, author_name=None):
        """A comment on a published article: plain Vietnamese text, rate-limited, held for a
        moderator where the section pre-moderates (the default)."""
        data = load(api.CommentCreate, data)
        body = vietnamese_text(data["body"], "body")
        now = self.clock.now()
        article = self._article(article_id)
        with self.sessions.read() as session:
            premoderated, guests_allowed = self._comment_setting(session, article)
        if not actor.authenticated:
            if not guests_allowed:
                raise Forbidden("Vui lòng đăng nhập để bình luận.", code="LOGIN_REQUIRED")
            if not data["guest_name"]:
                raise InvalidInput.field("guest_name", "Vui lòng cho biết tên của bạn.", code="GUEST_NAME_REQUIRED")
            public_name(data["guest_name"], "guest_name")
        s = self.settings
        keys = [(f"comment:addr:{client_address or 'unknown'}", s.comment_limit_address, s.comment_window_seconds)]
        if actor.user_id:
            keys.append((f"comment:user:{actor.user_id}", s.comment_limit_user, s.comment_window_seconds))
        self._throttle(keys, now)
        with self.sessions.transaction() as session:
            comment = Comments(session, actor).add(
                Comment(
                    tenant_id=uuid.UUID(article["tenant_id"]),
                    article_id=uuid.UUID(article["id"]),
                    section=article["section"],
                    site_key=self._site_key(article),
                    author_id=_uuid(actor.user_id),
                    author_name=(author_name or "Đoàn viên") if actor.authenticated else data["guest_name"],
                    guest=not actor.authenticated,
                    body=body,
                    status="pending" if premoderated else "published",
                    report_count=0,
                    created_at=now,
                )
            )
            return _comment_view(comment, staff=True)

    def article_comments(self, actor, article_id, args):
        """Published comments of an article (anyone); ``status=pending|hidden`` for its moderators."""
        args = load(api.CommentListArgs, args or {})
        ident = _uuid(article_id, "article")
        with self.sessions.read() as session:
            status = args.get("status") or "published"
            items, total = Comments(session, actor).of_article(ident, args["page"], args["per_page"], status=status)
            return _page([_comment_view(c, staff=status != "published") for c in items], total, args)

    def moderation_queue(self, actor, args):
        policy.require_moderator(actor)
        args = load(api.CommentListArgs, args or {})
        with self.sessions.read() as session:
            items, total = Comments(session, actor).queue(
                args["page"], args["per_page"], args.get("status") or "pending"
            )
            return _page([_comment_view(c, staff=True) for c in items], total, args)

    def report_comment(self, actor, comment_id, data):
        """A signed-in user reports a comment; reports of 3 distinct users hide it until a moderator decides."""
        policy.require_signed_in(actor)
        data = load(api.Report, data or {})
        if data.get("reason"):
            domain.require_plain_text(data["reason"], "reason")
        now = self.clock.now()
        with self.sessions.transaction() as session:
            comments = Comments(session, actor)
            comment = comments.any(comment_id, for_update=True)
            distinct = comments.report(comment, uuid.UUID(actor.user_id), data.get("reason"), now)
            comment.report_count = distinct
            status = domain.after_report(comment.status, distinct, self.settings.reports_to_hide)
            if status != comment.status:
                comment.status, comment.hidden_reason, comment.moderated_at = status, "reports", now
            return {"id": str(comment.id), "reports": distinct, "hidden": comment.status == "hidden"}

    def moderate_comment(self, actor, comment_id, action):
        """approve (publish) or hide, by the article tenant's moderators."""
        policy.require_moderator(actor)
        if action not in ("approve", "hide"):
            raise NotFound.of("action", action)
        now = self.clock.now()
        with self.sessions.transaction() as session:
            comment = Comments(session, actor).moderated(comment_id, for_update=True)
            if action == "approve" and comment.hidden_reason == "article_unpublished":
                raise Conflict("Bài viết đã bị gỡ; không thể hiện lại bình luận.", code="ARTICLE_UNPUBLISHED")
            comment.status = "published" if action == "approve" else "hidden"
            comment.hidden_reason = None if action == "approve" else "moderator"
            comment.moderated_by, comment.moderated_at = _uuid(actor.user_id), now
            return _comment_view(comment, staff=True)

    def put_comment_settings(self, actor, data):
        policy.require_signed_in(actor)
        data = load(api.CommentSettings, data)
        site_key = "portal" if data["section"] in CENTRAL_SECTIONS else actor.tenant_id
        if not site_key or not policy.may_set_comment_section(actor, site_key):
            raise Forbidden("Bạn không được thay đổi thiết lập bình luận của chuyên mục này.", code="NOT_ALLOWED")
        with self.sessions.transaction() as session:
            row = CommentSettings(session).put(
                site_key, data["section"], data["premoderated"], data["guests_allowed"], self.clock.now()
            )
            return {
                "site_key": row.site_key,
                "section": row.section,
                "premoderated": row.premoderated,
                "guests_allowed": row.guests_allowed,
            }

    def hide_article_comments(self, session, article_id):
        """``content.article_unpublished``: the article's comments are hidden."""
        return Comments(session, SYSTEM).hide_article(uuid.UUID(article_id), self.clock.now())

    # -- the tenant directory copy --------------------------------------------------------------------

    def apply_tenant(self, session, payload):
        Tenants(session).upsert(
            {
                "id": uuid.UUID(payload["tenant_id"]),
                "code": payload["code"],
                "slug": payload["slug"],
                "name": payload["name"],
                "kind": payload["kind"],
                "parent_id": _uuid(payload.get("parent_id")),
                "status": payload.get("status") or "active",
                "updated_at": self.clock.now(),
            }
        )

    def merge_tenant(self, session, payload):
        """Unfinished questions move to the surviving tenant, deadlines unchanged; history stays."""
        merged, into = uuid.UUID(payload["tenant_id"]), uuid.UUID(payload["into_tenant_id"])
        tenant = Tenants(session).get(merged)
        if tenant is not None:
            tenant.status, tenant.merged_into_id = "merged", into
        moved = Questions(session, SYSTEM).move_unfinished(merged, into)
        now = self.clock.now()
        for question_id in moved:
            session.add(
                QuestionActivity(
                    question_id=question_id,
                    tenant_id=into,
                    action="merge",
                    from_status=None,
                    to_status="moved",
                    note="Đơn vị hợp nhất; câu hỏi chuyển sang đơn vị tiếp nhận",
                    actor_id=None,
                    at=now,
                )
            )
        return len(moved)

    def sync_tenants(self, tenants):
        with self.sessions.transaction() as session:
            for t in tenants:
                Tenants(session).upsert(
                    {
                        "id": uuid.UUID(t["id"]),
                        "code": t["code"],
                        "slug": t["slug"],
                        "name": t["name"],
                        "kind": t["kind"],
                        "parent_id": _uuid(t.get("parent_id")),
                        "status": t["status"],
                        "merged_into_id": _uuid(t.get("merged_into_id")),
                        "updated_at": self.clock.now(),
                    }
                )
        return len(tenants)


CENTRAL_SECTIONS = ("news", "thematic", "directives")


def _public_status(status):
    """The asker is not shown the internal review steps: a drafted or approved answer is 'in progress'."""
    return "assigned" if status in ("answered", "approved") else status


def _public_view(q, tenants):
    tenant = tenants.get(q.tenant_id)
    return {
        "id": str(q.id),
        "category": q.category,
        "category_label": api.CATEGORY_LABELS[q.category],
        "title": q.public_title,
        "question": q.public_body,
        "answer": q.answer,
        "tenant": {"name": tenant.name if tenant else None, "slug": tenant.slug if tenant else None},
        "published_at": _iso(q.published_at),
    }


def _topic_view(t):
    return {
        "id": str(t.id),
        "tenant_id": str(t.tenant_id),
        "national": t.national,
        "title": t.title,
        "description": t.description,
        "status": t.status,
        "closes_on": t.closes_on.isoformat() if t.closes_on else None,
        "created_at": _iso(t.created_at),
    }


def _opinion_view(o, *, staff):
    view = {
        "id": str(o.id),
        "topic_id": str(o.topic_id),
        "body": o.body,
        "status": o.status,
        "status_label": api.MODERATION_LABELS[o.status],
        "answer": o.answer,
        "answered_at": _iso(o.answered_at),
        "created_at": _iso(o.created_at),
    }
    if staff:
        view["author_id"] = str(o.author_id)
        view["author_tenant_id"] = str(o.author_tenant_id)
    return view


def _comment_view(c, *, staff):
    view = {
        "id": str(c.id),
        "article_id": str(c.article_id),
        "author_name": c.author_name,
        "guest": c.guest,
        "body": c.body,
        "status": c.status,
        "status_label": api.MODERATION_LABELS[c.status],
        "created_at": _iso(c.created_at),
    }
    if staff:
        view.update({"author_id": _str(c.author_id), "reports": c.report_count, "hidden_reason": c.hidden_reason})
    return view


def _holiday_view(h):
    return {"day": h.day.isoformat(), "name": h.name, "working_day": h.working_day}


def _activity_view(a):
    return {
        "action": a.action,
        "from": a.from_status,
        "to": a.to_status,
        "note": a.note,
        "actor_id": _str(a.actor_id),
        "tenant_id": str(a.tenant_id),
        "at": _iso(a.at),
    }


def _page(items, total, args):
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


def _uuid(value, kind=None):
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        if kind:
            raise NotFound.of(kind, value) from None
        raise


def _str(value):
    return None if value is None else str(value)


def _iso(value):
    return None if value is None else value.isoformat()
