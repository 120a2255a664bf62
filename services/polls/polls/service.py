"""PollsService: the nameko boundary of the polls service.

Owns: Opinion polls, eligibility, one-member-one-response ingestion, results, the June/December consultation reports.
For now a working skeleton: its own database (outbox, inbox, parked events), the
shared operations RPCs (``ping``, ``list_parked_events``, ``replay_parked_event``).
"""

from platform_shared.dependencies import Database
from platform_shared.operations import ServiceOperations
from polls.reports.service import ReportsRpc


class PollsService(ReportsRpc, ServiceOperations):
    name = "polls"

    db = Database()
