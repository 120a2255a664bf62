"""ContentService: the nameko boundary of the content service.

Owns: Articles and their revisions, the editorial workflow of the two central desks, component sub-sites, the legal-document library, weekly quotas, Vietnamese full-text search.
For now a working skeleton: its own database (outbox, inbox, parked events), the
shared operations RPCs (``ping``, ``list_parked_events``, ``replay_parked_event``).
"""

from platform_shared.dependencies import Database
from platform_shared.operations import ServiceOperations


class ContentService(ServiceOperations):
    name = "content"

    db = Database()
