"""The only module that queries the questions; the staff's visibility comes from policy.py."""

import uuid

from sqlalchemy import and_, case, func, select, update

from feedback import policy
from feedback.questions import domain
from feedback.questions.models import Question, QuestionActivity, TrackingSequence
from platform_shared import search
from platform_shared.database import as_uuid, dialect_insert, paginate
from platform_shared.errors import NotFound


class Sequences:
    def __init__(self, session):
        self.session = session

    def next(self, day):
        """The next tracking number of a local day; concurrent callers get distinct numbers."""
        stmt = dialect_insert(self.session, TrackingSequence).values(day=day, last=1)
        stmt = stmt.on_conflict_do_update(index_elements=["day"], set_={"last": TrackingSequence.last + 1})
        return self.session.execute(stmt.returning(TrackingSequence.last)).scalar_one()


class Questions:
    """The questions ``actor`` may work (SYSTEM: all of them)."""

    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def _visible(self):
        return select(Question).where(policy.visible_questions(self.actor))

    def add(self, question):
        self.session.add(question)
        self.session.flush()
        return question

    def get(self, question_id, *, for_update=False):
        stmt = self._visible().where(Question.id == as_uuid(question_id, "question"))
        if for_update:
            stmt = stmt.with_for_update()
        question = self.session.scalars(stmt).one_or_none()
        if question is None:
            raise NotFound.of("question", question_id)
        return question

    def list(
        self,
        *,
        page,
        per_page,
        status=None,
        category=None,
        overdue_at=None,
        assigned_to=None,
        unassigned=False,
        query=None,
        overdue_first_at=None,
    ):
        """A page of the visible questions, newest first; ``overdue_at``: only those still open
        past their deadline at that instant, the most overdue first; ``unassigned``: open and
        assigned to nobody; ``query``: a parsed search; ``overdue_first_at``: the questions
        overdue at that instant first (the most overdue first), then the others newest first."""
        stmt = self._visible()
        if status:
            stmt = stmt.where(Question.status == status)
        if category:
            stmt = stmt.where(Question.category == category)
        if overdue_at is not None:
            stmt = stmt.where(Question.status.in_(domain.OPEN), Question.due_at < overdue_at)
        if assigned_to:
            stmt = stmt.where(Question.assigned_to == uuid.UUID(assigned_to))
        if unassigned:
            stmt = stmt.where(Question.status.in_(domain.OPEN), Question.assigned_to.is_(None))
        if query is not None:
            stmt = stmt.where(search.where_clause(query, Question.search_exact, Question.search_folded))
        order = [Question.received_at.desc(), Question.id]
        if overdue_at is not None:
            order = [Question.due_at, Question.id]
        elif overdue_first_at is not None:
            late = and_(Question.status.in_(domain.OPEN), Question.due_at < overdue_first_at)
            order = [case((late, 0), else_=1), case((late, Question.due_at), else_=None), *order]
        return paginate(self.session, stmt.order_by(*order), page, per_page)

    def activity(self, question_id):
        return self.session.scalars(
            select(QuestionActivity).where(QuestionActivity.question_id == question_id).order_by(QuestionActivity.id)
        ).all()

    def record(self, question_id, tenant_id, step, actor_id, at):
        """A line of a question's history (``step``: a ``domain.Step``)."""
        self.session.add(
            QuestionActivity(
                question_id=question_id,
                tenant_id=tenant_id,
                action=step.action,
                from_status=step.from_status,
                to_status=step.to_status,
                note=step.note,
                actor_id=actor_id,
                at=at,
            )
        )

    def by_code(self, code):
        return self.session.scalars(select(Question).where(Question.tracking_code == code)).one_or_none()

    def due_for_escalation(self, now, limit=200):
        """Open questions past their deadline that were not flagged yet (rows locked, others skip them)."""
        stmt = (
            select(Question)
            .where(Question.status.in_(domain.OPEN), Question.due_at < now, Question.overdue_at.is_(None))
            .order_by(Question.due_at)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        return self.session.scalars(stmt).all()

    def move_unfinished(self, from_tenant, to_tenant):
        """A merge: unfinished questions follow the surviving tenant; deadlines stay as they were."""
        moved = self.session.scalars(
            select(Question.id).where(Question.tenant_id == from_tenant, Question.status.in_(domain.UNFINISHED))
        ).all()
        if moved:
            self.session.execute(update(Question).where(Question.id.in_(moved)).values(tenant_id=to_tenant))
        self.session.execute(
            update(Question).where(Question.escalated_to_id == from_tenant).values(escalated_to_id=to_tenant)
        )
        return moved

    def figures(self, tenant_id, start, end, now):
        """Counts for questions received in [start, end) by a tenant."""
        base = and_(Question.tenant_id == tenant_id, Question.received_at >= start, Question.received_at < end)
        answered = Question.answered_at.is_not(None)
        row = self.session.execute(
            select(
                func.count(),
                func.count().filter(answered),
                func.count().filter(answered, Question.answered_at <= Question.due_at),
                func.count().filter(Question.status.in_(domain.OPEN), Question.due_at < now),
            ).where(base)
        ).one()
        return {"received": row[0], "answered": row[1], "answered_on_time": row[2], "overdue_open": row[3]}


class PublicQuestions:
    """The public Q&A: published questions listed as public."""

    def __init__(self, session):
        self.session = session

    def list(self, page, per_page, *, category=None, tenant_id=None, query=None):
        """A page, newest first; with ``query`` (parsed), the rows matching it as typed come first."""
        stmt = select(Question).where(Question.status == "published", Question.public.is_(True))
        order = [Question.published_at.desc(), Question.id]
        if category:
            stmt = stmt.where(Question.category == category)
        if tenant_id is not None:
            stmt = stmt.where(Question.tenant_id == tenant_id)
        if query is not None:
            stmt = stmt.where(search.where_clause(query, Question.search_exact, Question.search_folded))
            order = [search.rank_expression(query, Question.search_exact), *order]
        return paginate(self.session, stmt.order_by(*order), page, per_page, large=True)

    def get(self, question_id):
        """One question of the public Q&A; NotFound for any other (unpublished, private, unknown)."""
        stmt = select(Question).where(
            Question.id == as_uuid(question_id, "question"),
            Question.status == "published",
            Question.public.is_(True),
        )
        question = self.session.scalars(stmt).one_or_none()
        if question is None:
            raise NotFound.of("question", question_id)
        return question
