"""FeedbackService: the nameko boundary of the feedback service.

Owns: Workers' questions and answers (routing, deadlines, escalation, publication), members' opinions, article comments and moderation.
For now a working skeleton: its own database (outbox, inbox, parked events), the
shared operations RPCs (``ping``, ``list_parked_events``, ``replay_parked_event``).
"""

from platform_shared.dependencies import Database
from platform_shared.operations import ServiceOperations


class FeedbackService(ServiceOperations):
    name = "feedback"

    db = Database()
