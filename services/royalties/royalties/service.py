"""RoyaltiesService: the nameko boundary of the royalties service.

Owns: Royalty items from publication events, scoring within legal ranges, rate tables, monthly statements, approval, payment tracking.
For now a working skeleton: its own database (outbox, inbox, parked events), the
shared operations RPCs (``ping``, ``list_parked_events``, ``replay_parked_event``).
"""

from platform_shared.dependencies import Database
from platform_shared.operations import ServiceOperations


class RoyaltiesService(ServiceOperations):
    name = "royalties"

    db = Database()
