"""MediaService: the nameko boundary of the media service.

Owns: Photo, video and document assets in object storage (MinIO), renditions, metadata (caption, credit, rights), per-tenant isolation.
For now a working skeleton: its own database (outbox, inbox, parked events), the
shared operations RPCs (``ping``, ``list_parked_events``, ``replay_parked_event``).
"""

from platform_shared.dependencies import Database
from platform_shared.operations import ServiceOperations


class MediaService(ServiceOperations):
    name = "media"

    db = Database()
