"""RPC methods and the escalation timer of the workers' questions, mixed into FeedbackService. Thin."""

from platform_shared import transport
from platform_shared.actor import Actor
from platform_shared.rpc import rpc
from platform_shared.timers import every

EXPECTED = transport.EXPECTED


class QuestionsRpc:
    """Uses the service's ``app`` (``feedback.operations.Feedback``)."""

    @rpc(expected_exceptions=EXPECTED)
    def ask_question(self, actor, data, client_address=None):
        """A worker's question (member or guest). Returns the tracking code. Raises InvalidInput, RateLimited."""
        return self.app.questions.ask(Actor.load(actor), data, client_address)

    @rpc(expected_exceptions=EXPECTED)
    def track_question(self, actor, tracking_code, client_address=None):
        """Status and published answer for the asker's tracking code; nothing private. Raises NotFound, RateLimited."""
        return self.app.questions.track(tracking_code, client_address)

    @rpc(expected_exceptions=EXPECTED)
    def list_questions(self, actor, args=None):
        """The staff's list: own tenant's questions and those escalated to it (filters: status, overdue…)."""
        return self.app.questions.list_questions(Actor.load(actor), args)

    @rpc(expected_exceptions=EXPECTED)
    def get_question(self, actor, question_id):
        """One question with its history (staff). Raises NotFound for another tenant's."""
        return self.app.questions.get_question(Actor.load(actor), question_id)

    @rpc(expected_exceptions=EXPECTED)
    def question_action(self, actor, question_id, action, data=None):
        """assign/answer/approve/publish/unpublish/reject/transfer. Raises Conflict listing allowed actions."""
        return self.app.questions.act(Actor.load(actor), question_id, action, data)

    @rpc(expected_exceptions=EXPECTED)
    def public_questions(self, actor, args=None):
        """Published Q&A: category filter and diacritic-insensitive search (exact matches first)."""
        return self.app.questions.public_questions(args)

    @rpc(expected_exceptions=EXPECTED)
    def public_question(self, actor, question_id):
        """One published question of the public Q&A (the portal's ``/hoi-dap/{id}``); anyone.
        Raises NotFound for a question that is not published publicly (or a malformed id)."""
        return self.app.questions.public_question(question_id)

    @rpc(expected_exceptions=EXPECTED)
    def question_figures(self, actor, tenant_id, start, end):
        """For the semiannual report (polls): counts of questions received by a tenant in [start, end)
        (ISO local dates). System, platform admins, the tenant's own admin. Raises Forbidden, InvalidInput."""
        return self.app.questions.question_figures(Actor.load(actor), tenant_id, start, end)

    @every("FEEDBACK_ESCALATION_INTERVAL_SECONDS", 300)
    def escalate_overdue(self):
        """Flag and escalate open questions past their deadline (rows locked; safe with replicas)."""
        return self.app.questions.escalate_overdue()
