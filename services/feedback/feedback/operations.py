"""The feedback service's application object: its settings, its parts, its tenant copy.

Each aggregate has its own use cases (``questions``, ``calendar``, ``opinions``,
``comments``); :class:`Feedback` builds them over one set of sessions, one clock, one
calendar cache and one set of rate limits, and keeps the tenant copy
(``platform_shared.tenant_directory``): a merged tenant's unfinished questions move to the
surviving one.
"""

from dataclasses import dataclass

from feedback import policy
from feedback.calendar.operations import CalendarCache, CalendarOperations
from feedback.comments import domain as comment_rules
from feedback.comments.operations import CommentOperations
from feedback.limits import RateLimits
from feedback.models import TenantCopy
from feedback.opinions.operations import OpinionOperations
from feedback.questions.domain import AskingLimits
from feedback.questions.operations import QuestionOperations
from platform_shared.schemas import feedback as api
from platform_shared.tenant_directory import TenantDirectoryOperations

_waiting = api.WaitingModerationRead()


@dataclass(frozen=True)
class Settings:
    answer_days: int = 5
    comment_limit_user: int = 5
    comment_limit_address: int = 20
    comment_window_seconds: int = 60
    question_limit_contact: int = AskingLimits.contact
    question_limit_account: int = AskingLimits.account
    question_limit_address: int = AskingLimits.address
    question_window_seconds: int = AskingLimits.seconds
    track_limit_address: int = 60
    track_window_seconds: int = 60
    reports_to_hide: int = comment_rules.REPORTS_TO_HIDE

    def asking_limits(self):
        return AskingLimits(
            contact=self.question_limit_contact,
            account=self.question_limit_account,
            address=self.question_limit_address,
            seconds=self.question_window_seconds,
        )

    @classmethod
    def from_config(cls, config):
        def get(key, default):
            return int(config.get(key, default))

        return cls(
            answer_days=get("FEEDBACK_ANSWER_DAYS", 5),
            comment_limit_user=get("FEEDBACK_COMMENT_LIMIT_USER", 5),
            comment_limit_address=get("FEEDBACK_COMMENT_LIMIT_ADDRESS", 20),
            comment_window_seconds=get("FEEDBACK_COMMENT_WINDOW_SECONDS", 60),
            question_limit_contact=get("FEEDBACK_QUESTION_LIMIT_CONTACT", AskingLimits.contact),
            question_limit_account=get("FEEDBACK_QUESTION_LIMIT_ACCOUNT", AskingLimits.account),
            question_limit_address=get("FEEDBACK_QUESTION_LIMIT_ADDRESS", AskingLimits.address),
            question_window_seconds=get("FEEDBACK_QUESTION_WINDOW_SECONDS", AskingLimits.seconds),
            track_limit_address=get("FEEDBACK_TRACK_LIMIT_ADDRESS", 60),
            track_window_seconds=get("FEEDBACK_TRACK_WINDOW_SECONDS", 60),
            reports_to_hide=get("FEEDBACK_REPORTS_TO_HIDE", comment_rules.REPORTS_TO_HIDE),
        )


class Feedback(TenantDirectoryOperations):
    """``find_article(article_id)`` and ``find_user(user_id)`` ask the content and accounts
    services (the view, or None); ``calendars`` is the process's holiday cache."""

    tenant_model = TenantCopy

    def __init__(
        self,
        sessions,
        *,
        clock,
        settings=Settings(),
        find_article=None,
        find_user=None,
        find_sections=None,
        calendars=None,
    ):
        self.sessions = sessions
        self.clock = clock
        self.settings = settings
        limits = RateLimits(sessions)
        self.calendar = CalendarOperations(
            sessions,
            clock=clock,
            tenants=self.tenants,
            default_answer_days=settings.answer_days,
            cache=calendars or CalendarCache(),
        )
        self.questions = QuestionOperations(
            sessions,
            clock=clock,
            settings=settings,
            calendar=self.calendar,
            limits=limits,
            tenants=self.tenants,
            find_user=find_user,
        )
        self.opinions = OpinionOperations(sessions, clock=clock, settings=settings, limits=limits, tenants=self.tenants)
        self.comments = CommentOperations(
            sessions,
            clock=clock,
            settings=settings,
            limits=limits,
            find_article=find_article,
            find_sections=find_sections,
            tenants=self.tenants,
        )

    def waiting_moderation(self, actor):
        """What waits for the actor's moderation (the workspace's landing card): pending and
        reported comments (moderators) and pending opinions (opinion staff), one read; None where
        the role is not theirs."""
        policy.require_signed_in(actor)
        with self.sessions.read() as session:
            pending, reported = self.comments.count_waiting(session, actor)
            return _waiting.dump(
                {
                    "comments_pending": pending,
                    "comments_reported": reported,
                    "opinions_pending": self.opinions.count_waiting(session, actor),
                }
            )

    def on_tenant_merged(self, session, merged_id, into_id, payload):
        """Unfinished questions move to the surviving tenant, deadlines unchanged; history stays."""
        return self.questions.follow_merge(session, merged_id, into_id)
