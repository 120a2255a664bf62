"""FeedbackService: the nameko boundary of the feedback service. Thin on purpose.

Every RPC takes ``actor`` first and returns plain dicts. A timer flags overdue questions
and escalates them; handlers keep the tenant directory copy current, move open questions
on a merge and hide the comments of an unpublished article.
"""

import logging

from feedback.dependencies import FeedbackApp
from platform_shared import inbox, transport
from platform_shared.actor import SYSTEM, Actor
from platform_shared.contracts import accounts as accounts_events
from platform_shared.contracts import content as content_events
from platform_shared.dependencies import Database
from platform_shared.errors import Unavailable
from platform_shared.handlers import handle_event
from platform_shared.operations import ServiceOperations
from platform_shared.rpc import ServiceRpc, rpc
from platform_shared.timers import every

EXPECTED = transport.EXPECTED
log = logging.getLogger("feedback")


class FeedbackService(ServiceOperations):
    name = "feedback"

    db = Database()
    app = FeedbackApp()
    accounts = ServiceRpc("accounts")
    content = ServiceRpc("content")

    # -- questions ------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def ask_question(self, actor, data, client_address=None):
        """A worker's question (member or guest). Returns the tracking code. Raises InvalidInput, RateLimited."""
        return self.app.ask(Actor.load(actor), data, client_address)

    @rpc(expected_exceptions=EXPECTED)
    def track_question(self, actor, tracking_code, client_address=None):
        """Status and published answer for the asker's tracking code; nothing private. Raises NotFound, RateLimited."""
        return self.app.track(tracking_code, client_address)

    @rpc(expected_exceptions=EXPECTED)
    def list_questions(self, actor, args=None):
        """The staff's list: own tenant's questions and those escalated to it (filters: status, overdue…)."""
        return self.app.list_questions(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def get_question(self, actor, question_id):
        """One question with its history (staff). Raises NotFound for another tenant's."""
        return self.app.get_question(Actor.load(actor), question_id)

    @rpc(expected_exceptions=EXPECTED)
    def question_action(self, actor, question_id, action, data=None):
        """assign/answer/approve/publish/unpublish/reject/transfer. Raises Conflict listing allowed actions."""
        return self.app.act(Actor.load(actor), question_id, action, data)

    @rpc(expected_exceptions=EXPECTED)
    def public_questions(self, actor, args=None):
        """Published Q&A: category filter and diacritic-insensitive search (exact matches first)."""
        return self.app.public_questions(args)

    @rpc(expected_exceptions=EXPECTED)
    def question_figures(self, actor, tenant_id, start, end):
        """For the semiannual report (polls): counts of questions received by a tenant in [start, end)
        (ISO local dates). System, platform admins, the tenant's own admin. Raises Forbidden, InvalidInput."""
        return self.app.question_figures(Actor.load(actor), tenant_id, start, end)

    @rpc(expected_exceptions=EXPECTED)
    def get_settings(self, actor):
        return self.app.get_settings(Actor.load(actor))

    @rpc(expected_exceptions=EXPECTED)
    def update_settings(self, actor, data):
        """The tenant's answer deadline in working days (tenant admins)."""
        return self.app.update_settings(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def list_holidays(self, actor, args=None):
        return self.app.list_holidays(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def put_holiday(self, actor, data):
        """Add or change a holiday or a worked weekend day (platform admins)."""
        return self.app.put_holiday(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def delete_holiday(self, actor, day):
        return self.app.delete_holiday(Actor.load(actor), day)

    # -- opinions -----------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def create_topic(self, actor, data):
        """A topic for members' opinions (tenant admins; the VGCL's are national)."""
        return self.app.create_topic(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def list_topics(self, actor, args=None):
        return self.app.list_topics(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def give_opinion(self, actor, data):
        """A member's opinion on an open topic, held for moderation."""
        return self.app.give_opinion(Actor.load(actor), data)

    @rpc(expected_exceptions=EXPECTED)
    def list_opinions(self, actor, args=None):
        return self.app.list_opinions(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def opinion_action(self, actor, opinion_id, action, data=None):
        """publish/hide/answer an opinion (the topic tenant's staff)."""
        return self.app.moderate_opinion(Actor.load(actor), opinion_id, action, data)

    # -- comments -------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def add_comment(self, actor, article_id, data, client_address=None):
        """A comment on a published article (asks content). Raises NotFound, Forbidden, InvalidInput, RateLimited."""
        actor = Actor.load(actor)
        name = None
        if actor.user_id:
            try:
                name = self.accounts.get_user(SYSTEM.dump(), actor.user_id)["full_name"]
            except Exception:  # a display name is a nicety; the comment does not depend on it
                log.warning("could not fetch the commenter's name")
        return self.app.comment(actor, article_id, data, client_address, author_name=name)

    @rpc(expected_exceptions=EXPECTED)
    def list_comments(self, actor, article_id, args=None):
        return self.app.article_comments(Actor.load(actor), article_id, args)

    @rpc(expected_exceptions=EXPECTED)
    def moderation_queue(self, actor, args=None):
        return self.app.moderation_queue(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def report_comment(self, actor, comment_id, data=None):
        return self.app.report_comment(Actor.load(actor), comment_id, data)

    @rpc(expected_exceptions=EXPECTED)
    def comment_action(self, actor, comment_id, action):
        """approve/hide a comment (the article tenant's moderators)."""
        return self.app.moderate_comment(Actor.load(actor), comment_id, action)

    @rpc(expected_exceptions=EXPECTED)
    def put_comment_settings(self, actor, data):
        """Pre-moderation and guest comments of a section."""
        return self.app.put_comment_settings(Actor.load(actor), data)

    # -- tenant directory -------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED)
    def sync_tenants(self, actor):
        """Refresh the tenant directory copy from the accounts service (platform admins, timer)."""
        from feedback import policy

        policy.require_platform_admin(Actor.load(actor))
        return self._sync()

    def _sync(self):
        tenants, page = [], 1
        while True:
            batch = self.accounts.list_tenants(SYSTEM.dump(), {"page": page, "per_page": 100})
            tenants += batch["items"]
            if page * batch["per_page"] >= batch["total"]:
                break
            page += 1
        return self.app.sync_tenants(tenants)

    # -- timers -----------------------------------------------------------------------------------

    @every("FEEDBACK_ESCALATION_INTERVAL_SECONDS", 300)
    def escalate_overdue(self):
        """Flag and escalate open questions past their deadline (rows locked; safe with replicas)."""
        return self.app.escalate_overdue()

    @every("FEEDBACK_TENANT_SYNC_INTERVAL_SECONDS", 3600, eager=True)
    def sync_tenant_directory(self):
        try:
            return self._sync()
        except Unavailable:
            log.warning("tenant directory sync skipped: the accounts service does not answer")
            return None

    # -- events in ----------------------------------------------------------------------------------

    @handle_event("accounts", accounts_events.TENANT_CREATED)
    def handle_tenant_created(self, payload):
        event = accounts_events.TenantCreated().load(payload)
        with self.db.transaction() as session:
            if inbox.seen(session, "handle_tenant_created", event["event_id"]):
                return
            self.app.apply_tenant(session, event)

    @handle_event("accounts", accounts_events.TENANT_UPDATED)
    def handle_tenant_updated(self, payload):
        event = accounts_events.TenantUpdated().load(payload)
        with self.db.transaction() as session:
            if inbox.seen(session, "handle_tenant_updated", event["event_id"]):
                return
            self.app.apply_tenant(session, event)

    @handle_event("accounts", accounts_events.TENANT_MERGED)
    def handle_tenant_merged(self, payload):
        event = accounts_events.TenantMerged().load(payload)
        with self.db.transaction() as session:
            if inbox.seen(session, "handle_tenant_merged", event["event_id"]):
                return
            self.app.merge_tenant(session, event)

    @handle_event("content", content_events.ARTICLE_UNPUBLISHED)
    def handle_article_unpublished(self, payload):
        event = content_events.ArticleUnpublished().load(payload)
        with self.db.transaction() as session:
            if inbox.seen(session, "handle_article_unpublished", event["event_id"]):
                return
            self.app.hide_article_comments(session, event["article_id"])
