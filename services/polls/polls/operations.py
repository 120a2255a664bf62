"""The use cases of polls themselves: drafting, the workflow, the gateway's intake view, the
tenant copy. Plain Python: sessions, stores, the rules, the outbox.

The results of a poll (receipts, counts, free text, exports) are ``polls.results``; the
semiannual reports ``polls.reports``.
"""

import uuid

from platform_shared import outbox
from platform_shared.contracts import polls as events
from platform_shared.errors import Forbidden, InvalidInput, NotFound
from platform_shared.schemas import load
from platform_shared.schemas import polls as api
from platform_shared.tenant_directory import TenantDirectoryOperations
from platform_shared.views import uuid_or_none
from polls import domain, intake, policy
from polls.models import Poll, TenantCopy
from polls.results.store import Results, respondents_of
from polls.store import Polls, PollStore, Tenants


def poll_view(poll, audience, *, managed=None, respondents=None):
    """A poll as the API shows it (``PollRead``); ``audience``: its audience tenant ids;
    ``managed``: whether the reader manages it; ``respondents``: counted so far (its managers only)."""
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
        "managed": managed,
        "respondents": respondents if managed else None,
    }


def poll_summary(poll, tenant_name, now):
    """A poll on the portal's list (``PollSummaryRead``): no questions, no audience."""
    return {
        "id": str(poll.id),
        "tenant_id": str(poll.tenant_id),
        "tenant_name": tenant_name,
        "scope": poll.scope,
        "national": poll.audience_all,
        "title": poll.title,
        "description": poll.description,
        "status": poll.status,
        "status_label": api.STATUS_LABELS[poll.status],
        "opens_at": domain.local(poll.opens_at),
        "closes_at": domain.local(poll.closes_at),
        "accepting_answers": poll.status == "open"
        and domain.accepting(poll.status, poll.opens_at, poll.closes_at, now) is None,
        "results_published": poll.status == "published",
        "results_published_at": domain.local(poll.published_at) if poll.status == "published" else None,
        "question_count": len(poll.questions or ()),
    }


class PollsApp(TenantDirectoryOperations):
    tenant_model = TenantCopy

    def __init__(self, sessions, *, clock):
        self.sessions = sessions
        self.clock = clock

    def tenants(self, session):
        """The tenant copy, with the tree eligibility is computed on."""
        return Tenants(session)

    # -- helpers ----------------------------------------------------------------------------

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
        """A draft poll of the actor's tenant (platform admins: a VGCL poll)."""
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
                created_by=uuid_or_none(actor.user_id),
                created_at=now,
                updated_at=now,
            )
            PollStore(session, actor).add(poll, tenant_ids)
            return poll_view(poll, sorted(tenant_ids), managed=True, respondents=0)

    def update_poll(self, actor, poll_id, data):
        """Edit a draft (its managers)."""
        data = load(api.PollUpdate, data, partial=True)
        with self.sessions.transaction() as session:
            polls = PollStore(session, actor)
            poll = polls.get(poll_id, lock=True)
            policy.require_manager(actor, poll)
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
                polls.set_audience(poll.id, ids)
            poll.version += 1
            poll.updated_at = self.clock.now()
            session.flush()
            return poll_view(poll, polls.audience(poll.id), managed=True, respondents=0)

    def get_poll(self, actor, poll_id):
        """One poll the actor may see (its managers also read how many have answered)."""
        with self.sessions.read() as session:
            polls = PollStore(session, actor)
            poll = polls.get(poll_id)
            managed = policy.manages(actor, poll)
            respondents = Results(session, poll).respondents() if managed else None
            return poll_view(poll, polls.audience(poll.id), managed=managed, respondents=respondents)

    def list_polls(self, actor, args):
        """One page of the polls the actor may see, newest first; ``managed``: only the polls the
        actor manages (managers only: the workspace's list)."""
        args = load(api.PollListArgs, args or {})
        if args.get("managed"):
            policy.require_poll_manager_role(actor)
        with self.sessions.read() as session:
            polls = PollStore(session, actor)
            items, total = polls.list(
                page=args["page"], per_page=args["per_page"], status=args.get("status"), managed=args.get("managed")
            )
            audiences = polls.audiences([p.id for p in items])
            managed = {p.id for p in items if policy.manages(actor, p)}
            counts = respondents_of(session, managed)
            views = [
                poll_view(p, audiences.get(p.id, []), managed=p.id in managed, respondents=counts.get(p.id, 0))
                for p in items
            ]
            return views, total, args

    def audience_choices(self, actor):
        """The tenants the actor may address a poll to, in tree order (platform admins: every
        tenant, and every member at once; a tenant admin: its subtree)."""
        policy.require_creator(actor)
        with self.sessions.read() as session:
            tree = Tenants(session).tree()
        if actor.is_platform_admin:
            roots = [tid for tid, t in tree.items() if not t.get("parent_id") or t["parent_id"] not in tree]
        else:
            roots = [actor.tenant_id] if actor.tenant_id else []
        return {"all": actor.is_platform_admin, "items": domain.audience_tree(tree, roots)}

    def public_polls(self, actor, args):
        """The portal's list, newest first: anonymous visitors the national polls open or with
        results published; a signed-in user the polls ``list_polls`` shows them, drafts left out."""
        args = load(api.PublicPollArgs, args or {})
        now = self.clock.now()
        with self.sessions.read() as session:
            items, total = PollStore(session, actor).list(
                page=args["page"], per_page=args["per_page"], status=args.get("status"), portal=True
            )
            names = Tenants(session).names({p.tenant_id for p in items})
            return [poll_summary(p, names.get(str(p.tenant_id)), now) for p in items], total, args

    def transition(self, actor, poll_id, action):
        """open / close / publish a poll (its managers); the fact goes to the outbox."""
        if action not in domain.TRANSITIONS:
            raise NotFound("Không có thao tác này.", code="ACTION_NOT_FOUND")
        now = self.clock.now()
        with self.sessions.transaction() as session:
            polls = PollStore(session, actor)
            poll = polls.get(poll_id, lock=True)
            policy.require_manager(actor, poll)
            domain.transition(poll, action, now=now)
            session.flush()
            self._announce(session, poll, action, now)
            respondents = Results(session, poll).respondents()
            return poll_view(poll, polls.audience(poll.id), managed=True, respondents=respondents)

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
                respondents=Results(session, poll).respondents(),
            )
        else:
            self._fact(
                session,
                poll,
                events.RESULTS_PUBLISHED,
                published_at=now.isoformat(),
                respondents=Results(session, poll).respondents(),
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

    def intake_definition(self, actor, poll_id):
        """What the gateway checks a response against (system actor only)."""
        if not actor.system:
            raise NotFound("Không tìm thấy phiếu trưng cầu ý kiến.", code="POLL_NOT_FOUND")
        with self.sessions.read() as session:
            return intake.load_rules(session, poll_id)

    # -- the tenant copy (platform_shared.tenant_directory) -------------------------------

    def on_tenant_changed(self, session, change):
        """A re-parented tenant changes who is eligible for the polls that are open."""
        if change.reparented:
            self._changed_running(session, "reparented")

    def on_tenant_merged(self, session, merged_id, into_id, payload):
        """Eligibility and ownership of draft and open polls follow the surviving tenant."""
        moved = Polls(session).move_tenant(merged_id, into_id)
        session.flush()
        self._changed_running(session, "tenant_merged")
        return moved

    def _changed_running(self, session, reason):
        """Open polls' eligibility may have changed: the gateway drops them from its cache."""
        for poll in Polls(session).open_polls():
            self._fact(session, poll, events.POLL_CHANGED, reason=reason)
