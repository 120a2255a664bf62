"""The only module that queries topics and opinions; visibility comes from policy.py."""

from sqlalchemy import false, func, select

from feedback import policy
from feedback.opinions.models import Opinion, OpinionTopic
from platform_shared.database import as_uuid, paginate
from platform_shared.errors import NotFound


class Topics:
    """The topics ``actor`` may read and answer: national ones and the own tenant's (an anonymous
    visitor lists the open national ones)."""

    def __init__(self, session, actor):
        self.session, self.actor = session, actor

    def get(self, topic_id, *, today=None, scope=None, for_update=False):
        """A topic the actor may answer (with ``today``: one the actor's topics list shows; with
        ``scope``: one that filter keeps, e.g. ``policy.own_topics``), or NotFound."""
        if scope is None:
            scope = policy.visible_topics(self.actor) if today is None else policy.listed_topics(self.actor, today)
        stmt = select(OpinionTopic).where(scope, OpinionTopic.id == as_uuid(topic_id, "topic"))
        if for_update:
            stmt = stmt.with_for_update()
        topic = self.session.scalars(stmt).one_or_none()
        if topic is None:
            raise NotFound.of("topic", topic_id)
        return topic

    def list(self, page, per_page, status=None, *, today, mine=False):
        """The topics list: what ``policy.listed_topics`` shows the actor on ``today`` (local);
        ``mine``: only those of the actor's own tenant."""
        stmt = select(OpinionTopic).where(policy.listed_topics(self.actor, today))
        if mine:
            own = self.actor.tenant_id
            stmt = stmt.where(OpinionTopic.tenant_id == as_uuid(own, "tenant") if own else false())
        if status:
            stmt = stmt.where(OpinionTopic.status == status)
        return paginate(self.session, stmt.order_by(OpinionTopic.created_at.desc(), OpinionTopic.id), page, per_page)

    def add(self, topic):
        self.session.add(topic)
        self.session.flush()
        return topic


class Opinions:
    """Opinions: the topic tenant's staff work all of theirs; everyone reads the published ones."""

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

    def counts(self, topic_ids):
        """``{topic id: {pending, published, hidden}}`` of the actor's opinions on those topics (one query)."""
        found = {t: {"pending": 0, "published": 0, "hidden": 0} for t in topic_ids}
        if not topic_ids:
            return found
        rows = self.session.execute(
            select(Opinion.topic_id, Opinion.status, func.count())
            .where(policy.staff_opinions(self.actor), Opinion.topic_id.in_(topic_ids))
            .group_by(Opinion.topic_id, Opinion.status)
        )
        for topic_id, status, count in rows:
            found[topic_id][status] = count
        return found

    def waiting(self):
        """How many of the actor's opinions wait for moderation."""
        return self.session.scalar(
            select(func.count())
            .select_from(Opinion)
            .where(policy.staff_opinions(self.actor), Opinion.status == "pending")
        )

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
