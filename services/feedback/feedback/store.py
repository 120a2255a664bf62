"""The only module that queries the feedback database; visibility comes from policy.py."""

import uuid
from datetime import datetime

from sqlalchemy import and_, case, func, literal, select, update

from feedback import domain, policy
from feedback.models import (
    Comment,
    CommentReport,
    CommentSetting,
    Holiday,
    Opinion,
    OpinionTopic,
    Question,
    QuestionActivity,
    RateCounter,
    TenantCopy,
    TrackingSequence,
)
from platform_shared.database import UTCDateTime, as_uuid, dialect_insert, paginate
from platform_shared.errors import NotFound


class Tenants:
    def __init__(self, session):
        self.session = session

    def get(self, tenant_id):
        return self.session.get(TenantCopy, as_uuid(tenant_id, "tenant")) if tenant_id else None

    def by_slug(self, slug):
        return self.session.scalars(select(TenantCopy).where(TenantCopy.slug == slug)).first()

    def surviving(self, tenant):
        """Follow merges to the tenant that does the work today."""
        for _ in range(10):
            if tenant is None or tenant.status != "merged" or tenant.merged_into_id is None:
                break
            tenant = self.get(tenant.merged_into_id) or tenant
        return tenant

    def upsert(self, values):
        columns = {k: v for k, v in values.items() if k != "id"}
        stmt = dialect_insert(self.session, TenantCopy).values(**values)
        self.session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=columns))
        return self.session.get(TenantCopy, values["id"], populate_existing=True)


class Holidays:
    def __init__(self, session):
        self.session = session

    def rows(self, start=None, end=None):
        stmt = select(Holiday).order_by(Holiday.day)
        if start:
            stmt = stmt.where(Holiday.day >= start)
        if end:
            stmt = stmt.where(Holiday.day < end)
        return self.session.scalars(stmt).all()

    def get(self, day):
        return self.session.get(Holiday, day)

    def count(self):
        return self.session.scalar(select(func.count()).select_from(Holiday))


class Sequences:
    def __init__(self, session):
        self.session = session

    def next(self, day):
        """The next tracking number of a local day; concurrent callers get distinct numbers."""
        stmt = dialect_insert(self.session, TrackingSequence).values(day=day, last=1)
        stmt = stmt.on_conflict_do_update(index_elements=["day"], set_={"last": TrackingSequence.last + 1})
        return self.session.execute(stmt.returning(TrackingSequence.last)).scalar_one()


class Questions:
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

    def list(self, *, page, per_page, status=None, category=None, overdue_at=None, assigned_to=None, q=None):
        stmt = self._visible()
        if status:
            stmt = stmt.where(Question.status == status)
        if category:
            stmt = stmt.where(Question.category == category)
        if overdue_at is not None:
            stmt = stmt.where(Question.status.in_(domain.OPEN), Question.due_at < overdue_at)
        if assigned_to:
            stmt = stmt.where(Question.assigned_to == uuid.UUID(assigned_to))
        order = [Question.due_at, Question.id] if overdue_at is not None else [Question.received_at.desc(), Question.id]
        if q is not None:
            stmt = stmt.where(q)
        return paginate(self.session, stmt.order_by(*order), page, per_page)

    def activity(self, question_id):
        return self.session.scalars(
            select(QuestionActivity).where(QuestionActivity.question_id == question_id).order_by(QuestionActivity.id)
        ).all()

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
    def __init__(self, session):
        self.session = session

    def list(self, conditions, order, page, per_page):
        stmt = select(Question).where(Question.status == "published", Question.public.is_(True), *conditions)
        return paginate(self.session, stmt.order_by(*order), page, per_page, large=True)


class Topics:
    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def get(self, topic_id):
        topic = self.session.scalars(
            select(OpinionTopic).where(policy.visible_topics(self.actor), OpinionTopic.id == as_uuid(topic_id, "topic"))
        ).one_or_none()
        if topic is None:
            raise NotFound.of("topic", topic_id)
        return topic

    def list(self, page, per_page, status=None):
        stmt = select(OpinionTopic).where(policy.visible_topics(self.actor))
        if status:
            stmt = stmt.where(OpinionTopic.status == status)
        return paginate(self.session, stmt.order_by(OpinionTopic.created_at.desc(), OpinionTopic.id), page, per_page)

    def add(self, topic):
        self.session.add(topic)
        self.session.flush()
        return topic


class Opinions:
    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def add(self, opinion):
        self.session.add(opinion)
        self.session.flush()
        return opinion

    def get(self, opinion_id, *, for_update=False):
        stmt = select(Opinion).where(policy.staff_opinions(self.actor), Opinion.id == as_uuid(opinion_id, "opinion"))
        if for_update:
            stmt = stmt.with_for_update()
        opinion = self.session.scalars(stmt).one_or_none()
        if opinion is None:
            raise NotFound.of("opinion", opinion_id)
        return opinion

    def list(self, page, per_page, *, topic_id=None, status=None, public=False):
        if public:
            stmt = select(Opinion).where(Opinion.status == "published")
        else:
            stmt = select(Opinion).where(policy.staff_opinions(self.actor))
            if status:
                stmt = stmt.where(Opinion.status == status)
        if topic_id:
            stmt = stmt.where(Opinion.topic_id == topic_id)
        return paginate(self.session, stmt.order_by(Opinion.created_at.desc(), Opinion.id), page, per_page)


class Comments:
    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def add(self, comment):
        self.session.add(comment)
        self.session.flush()
        return comment

    def any(self, comment_id, *, for_update=False):
        """Any comment (reporting needs no moderation rights); NotFound unless it is visible."""
        stmt = select(Comment).where(Comment.id == as_uuid(comment_id, "comment"))
        if for_update:
            stmt = stmt.with_for_update()
        comment = self.session.scalars(stmt).one_or_none()
        if comment is None or (comment.status != "published" and not self._moderates(comment)):
            raise NotFound.of("comment", comment_id)
        return comment

    def _moderates(self, comment):
        return self.actor.is_platform_admin or (
            self.actor.tenant_id == str(comment.tenant_id) and self.actor.has(*policy.MODERATORS)
        )

    def moderated(self, comment_id, *, for_update=False):
        stmt = select(Comment).where(
            policy.moderated_comments(self.actor), Comment.id == as_uuid(comment_id, "comment")
        )
        if for_update:
            stmt = stmt.with_for_update()
        comment = self.session.scalars(stmt).one_or_none()
        if comment is None:
            raise NotFound.of("comment", comment_id)
        return comment

    def of_article(self, article_id, page, per_page, *, status="published"):
        stmt = select(Comment).where(Comment.article_id == article_id)
        if status == "published":
            stmt = stmt.where(Comment.status == "published")
        else:
            stmt = stmt.where(policy.moderated_comments(self.actor), Comment.status == status)
        return paginate(self.session, stmt.order_by(Comment.created_at, Comment.id), page, per_page)

    def queue(self, page, per_page, status):
        stmt = select(Comment).where(policy.moderated_comments(self.actor), Comment.status == status)
        return paginate(self.session, stmt.order_by(Comment.created_at, Comment.id), page, per_page)

    def report(self, comment, reporter_id, reason, now):
        """Record a user's report once; the number of distinct reporters afterwards."""
        stmt = dialect_insert(self.session, CommentReport).values(
            comment_id=comment.id, reporter_id=reporter_id, tenant_id=comment.tenant_id, reason=reason, at=now
        )
        self.session.execute(stmt.on_conflict_do_nothing(index_elements=["comment_id", "reporter_id"]))
        return self.session.scalar(
            select(func.count()).select_from(CommentReport).where(CommentReport.comment_id == comment.id)
        )

    def hide_article(self, article_id, now):
        result = self.session.execute(
            update(Comment)
            .where(Comment.article_id == article_id, Comment.status != "hidden")
            .values(status="hidden", hidden_reason="article_unpublished", moderated_at=now)
        )
        return result.rowcount


class CommentSettings:
    def __init__(self, session):
        self.session = session

    def get(self, site_key, section):
        return self.session.get(CommentSetting, (site_key, section))

    def put(self, site_key, section, premoderated, guests_allowed, now):
        row = self.get(site_key, section)
        if row is None:
            row = CommentSetting(site_key=site_key, section=section)
            self.session.add(row)
        row.premoderated, row.guests_allowed, row.updated_at = premoderated, guests_allowed, now
        return row


class Counters:
    """Fixed-window request counters; one atomic upsert per hit, so a hot key (one busy
    address) is locked for a single statement, not for a whole business transaction."""

    def __init__(self, session):
        self.session = session

    def hit(self, key, now, *, limit, seconds):
        """Count one request against ``key``; the seconds to wait when over the limit, else 0."""
        expired = RateCounter.window_started_at <= domain.window_cutoff(now, seconds)
        stmt = dialect_insert(self.session, RateCounter).values(key=key, window_started_at=now, count=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"],
            set_={
                "count": case((expired, 1), else_=RateCounter.count + 1),
                "window_started_at": case((expired, literal(now, UTCDateTime())), else_=RateCounter.window_started_at),
            },
        ).returning(RateCounter.window_started_at, RateCounter.count)
        started_at, count = self.session.execute(stmt).one()
        return domain.retry_after(started_at, count, now, limit=limit, seconds=seconds)


def as_datetime(value):
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
