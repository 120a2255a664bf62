"""FeedbackService: the nameko boundary of the feedback service. Thin on purpose.

Every RPC takes ``actor`` first and returns the dump of its ``…Read`` schema
(``platform_shared.schemas.feedback``). The methods come from one mixin per aggregate:

* ``QuestionsRpc`` (``questions/service.py``): asking, tracking, the staff's workflow, the
  public Q&A, the semiannual figures, and the timer that escalates overdue questions;
* ``CalendarRpc`` (``calendar/service.py``): the answer deadline setting and the holidays;
* ``OpinionsRpc`` (``opinions/service.py``): topics and members' opinions;
* ``CommentsRpc`` (``comments/service.py``): comments on articles, their moderation, and the
  ``content.article_unpublished`` handler;
* ``TenantDirectoryEntrypoints`` (the shared kit): the tenant copy's three handlers, its
  ``sync_tenants`` RPC and the ``sync_tenant_directory`` timer;
* ``ServiceOperations`` (the shared kit): ``ping`` and the parked events.
"""

from feedback.calendar.service import CalendarRpc
from feedback.comments.service import CommentsRpc
from feedback.dependencies import FeedbackApp
from feedback.opinions.service import OpinionsRpc
from feedback.questions.service import QuestionsRpc
from platform_shared.dependencies import Database
from platform_shared.operations import ServiceOperations
from platform_shared.rpc import ServiceRpc
from platform_shared.tenant_directory.service import TenantDirectoryEntrypoints


class FeedbackService(
    TenantDirectoryEntrypoints, QuestionsRpc, CalendarRpc, OpinionsRpc, CommentsRpc, ServiceOperations
):
    name = "feedback"

    db = Database()
    app = FeedbackApp()
    accounts = ServiceRpc("accounts")
    content = ServiceRpc("content")
