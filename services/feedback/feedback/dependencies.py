"""nameko dependency of the feedback service: the application object, wired to the content
and accounts services."""

from nameko.extensions import DependencyProvider

from feedback.calendar.operations import CalendarCache
from feedback.operations import Feedback, Settings
from platform_shared.actor import SYSTEM
from platform_shared.clock import Clock
from platform_shared.dependencies import sessions_of
from platform_shared.errors import NotFound


class FeedbackApp(DependencyProvider):
    def setup(self):
        self.settings = Settings.from_config(self.container.config)
        self.clock = Clock()
        self.calendars = CalendarCache(float(self.container.config.get("FEEDBACK_HOLIDAY_CACHE_SECONDS", 60)))

    def start(self):
        # After the Database dependency's setup: the holiday table is there before any deadline.
        self._app().calendar.ensure_holidays()

    def _app(self, find_article=None, find_user=None, find_sections=None):
        return Feedback(
            sessions_of(self.container),
            clock=self.clock,
            settings=self.settings,
            find_article=find_article,
            find_user=find_user,
            find_sections=find_sections,
            calendars=self.calendars,
        )

    def get_dependency(self, worker_ctx):
        def find_article(article_id):
            # Looked up when used: nameko injects the sibling dependencies in no fixed order.
            try:
                return worker_ctx.service.content.get_article(SYSTEM.dump(), article_id)
            except NotFound:
                return None

        def find_user(user_id):
            try:
                return worker_ctx.service.accounts.get_user(SYSTEM.dump(), user_id)
            except NotFound:
                return None

        def find_sections(actor):
            # As the person sees them: the central sections, then their own tenant's sub-site's.
            return worker_ctx.service.content.list_sections(actor.dump())

        return self._app(find_article, find_user, find_sections)
