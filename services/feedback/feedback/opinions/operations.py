"""Use cases of the members' opinions. Plain Python: sessions, stores, the rules."""

import uuid

from feedback import policy
from feedback.calendar.domain import local_day
from feedback.language import vietnamese_text
from feedback.opinions import domain
from feedback.opinions.models import Opinion, OpinionTopic
from feedback.opinions.store import Opinions, Topics
from platform_shared.errors import Forbidden, InvalidInput, NotFound
from platform_shared.schemas import feedback as api
from platform_shared.schemas import load
from platform_shared.views import page, uuid_or_none

_topic = api.TopicRead()
_topics = api.TopicPage()
_opinion = api.OpinionStaffRead()
_opinions = {True: api.OpinionStaffPage(), False: api.OpinionPage()}


def _with_state(topic, today, counts=None):
    """The topic's columns, whether it takes opinions today (``domain.accepting``) and, for the
    staff who work its opinions, their counts by status."""
    return {
        **{c: getattr(topic, c) for c in _TOPIC_COLUMNS},
        "accepting": domain.accepting(topic, today),
        "upcoming": domain.upcoming(topic, today),
        "opinion_counts": counts,
    }


_TOPIC_COLUMNS = (
    "id",
    "tenant_id",
    "national",
    "title",
    "description",
    "status",
    "opens_on",
    "closes_on",
    "created_at",
)


class OpinionOperations:
    """``tenants(session)`` is the tenant copy; ``limits`` counts requests."""

    def __init__(self, sessions, *, clock, settings, limits, tenants):
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        self.limits = limits
        self.tenants = tenants

    def create_topic(self, actor, data):
        """A topic for members' opinions; a confederation's (or its departments') is national."""
        policy.require_topic_opener(actor)
        data = load(api.TopicCreate, data)
        if not actor.tenant_id:
            raise InvalidInput("Tài khoản không thuộc đơn vị nào.", code="NO_TENANT")
        now = self.clock.now()
        with self.sessions.transaction() as session:
            tenant = self.tenants(session).get(actor.tenant_id)
            if tenant is None:
                raise NotFound.of("tenant", actor.tenant_id)
            topic = Topics(session, actor).add(
                OpinionTopic(
                    tenant_id=tenant.id,
                    national=domain.is_national(tenant.kind),
                    title=data["title"],
                    description=data["description"],
                    status="open",
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    created_by=uuid_or_none(actor.user_id),
                    created_at=now,
                )
            )
            return _topic.dump(_with_state(topic, local_day(now), self._counts(session, actor, [topic]).get(topic.id)))

    @staticmethod
    def _counts(session, actor, topics):
        """``{topic id: counts}`` of the topics whose opinions the actor works (others: absent)."""
        worked = [t.id for t in topics if policy.works_topic(actor, t)] if actor.authenticated else []
        return Opinions(session, actor).counts(worked)

    def list_topics(self, actor, args):
        """The topics the actor may answer: national ones and the own tenant's (``mine``: only the
        own tenant's, for the staff who work opinions — Forbidden for others). Anyone, signed in
        or not: an anonymous visitor gets the national topics still open (read-only). The staff
        who work a topic's opinions get their counts."""
        args = load(api.TopicListArgs, args or {})
        if args.get("mine"):  # the workspace's list: the staff who work opinions
            policy.require_opinion_staff(actor)
        today = local_day(self.clock.now())
        with self.sessions.read() as session:
            items, total = Topics(session, actor).list(
                args["page"], args["per_page"], args.get("status"), today=today, mine=args.get("mine", False)
            )
            counts = self._counts(session, actor, items)
            return _topics.dump(page([_with_state(t, today, counts.get(t.id)) for t in items], total, args))

    def get_topic(self, actor, topic_id, args=None):
        """One topic of the actor's topics list (anonymous: an open national one), with ``accepting``;
        ``moderated``: only one whose opinions the actor works (Forbidden for a person who works
        no opinions, NotFound for another tenant's topic)."""
        args = load(api.TopicArgs, args or {})
        today = local_day(self.clock.now())
        with self.sessions.read() as session:
            topics = Topics(session, actor)
            if args["moderated"]:
                policy.require_opinion_staff(actor)
                topic = topics.get(topic_id, scope=policy.worked_topics(actor))
            else:
                topic = topics.get(topic_id, today=today)
            return _topic.dump(_with_state(topic, today, self._counts(session, actor, [topic]).get(topic.id)))

    def topic_action(self, actor, topic_id, action, data=None):
        """``close`` an open topic of the actor's tenant, or ``open`` a closed one again (with a new
        ``closes_on`` when given): the topic openers' (tenant admins; platform admins any topic)."""
        policy.require_topic_opener(actor)
        if action not in domain.TOPIC_ACTIONS:
            raise NotFound.of("action", action)
        payload = load(api.TopicReopen if action == "open" else api.NoFields, data if data is not None else {})
        today = local_day(self.clock.now())
        with self.sessions.transaction() as session:
            topic = Topics(session, actor).get(topic_id, scope=policy.own_topics(actor), for_update=True)
            domain.change_topic(topic, action, closes_on=payload.get("closes_on"), today=today)
            return _topic.dump(_with_state(topic, today, self._counts(session, actor, [topic]).get(topic.id)))

    def count_waiting(self, session, actor):
        """How many opinions wait for the actor's moderation; None unless they work opinions."""
        if not actor.has(*policy.OPINION_STAFF):
            return None
        return Opinions(session, actor).waiting()

    def give_opinion(self, actor, data):
        """A signed-in member's opinion on an open topic; held for moderation."""
        policy.require_signed_in(actor)
        data = load(api.OpinionCreate, data)
        body = vietnamese_text(data["body"], "body")
        now = self.clock.now()
        if not actor.tenant_id:
            raise Forbidden("Chỉ đoàn viên của một đơn vị được góp ý kiến.", code="MEMBER_REQUIRED")
        s = self.settings
        self.limits.check([(f"opinion:user:{actor.user_id}", s.comment_limit_user, s.comment_window_seconds)], now)
        with self.sessions.transaction() as session:
            topic = Topics(session, actor).get(data["topic_id"])
            domain.require_open(topic, local_day(now))
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
            return _opinion.dump(opinion)

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
            return _opinions[staff].dump(page(items, total, args))

    def moderate_opinion(self, actor, opinion_id, action, data=None):
        """publish, hide, answer (the topic tenant's moderators, responders, admins)."""
        policy.require_opinion_staff(actor)
        if action not in domain.ACTIONS:
            raise NotFound.of("action", action)
        payload = load(api.Answer if action == "answer" else api.NoFields, data if data is not None else {})
        now = self.clock.now()
        with self.sessions.transaction() as session:
            opinion = Opinions(session, actor).get(opinion_id, for_update=True)
            domain.moderate(opinion, action, payload, by=uuid_or_none(actor.user_id), now=now)
            return _opinion.dump(opinion)
