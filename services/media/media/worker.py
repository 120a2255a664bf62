"""MediaWorker: the media worker, a process of its own (``platform run media worker``).

It makes a stored photo's renditions (``medium``, ``thumb``) after its upload was answered,
from ``media.asset_stored`` (outbox → relay → its queue, DESIGN §3). It shares the media
package, models and database with ``MediaService`` but not its process: decoding, resizing
and encoding a photo and reading its original back from storage no longer share the hub, the
CPU or the storage client of the process that answers uploads. The image work itself runs in
a real thread (``in_thread``), so the worker's own hub keeps its broker heartbeats. Where it
shares a machine with the upload's processes it runs at a lower CPU priority
(``MEDIA_WORKER_NICE``, default 10), and its image threads at Linux's idle priority
(``MEDIA_WORKER_IDLE_IMAGES``, default on): a photo's renditions wait while uploads need the CPU.

Its nameko name is its own (``media_worker``), and so is its event queue
(``evt-media-media.asset_stored--media_worker.handle_asset_stored``); the inbox records
stay under the handler's name, ``handle_asset_stored``, as before it moved here.
"""

from media.dependencies import BackgroundPriority, MediaApp
from platform_shared.contracts import media as media_events
from platform_shared.dependencies import Database
from platform_shared.handlers import handle_event
from platform_shared.operations import ServiceOperations


class MediaWorker(ServiceOperations):
    name = "media_worker"

    db = Database()
    app = MediaApp(background=True)  # its image work at idle priority (MEDIA_WORKER_IDLE_IMAGES)
    priority = BackgroundPriority()  # MEDIA_WORKER_NICE

    @handle_event("media", media_events.ASSET_STORED)
    def handle_asset_stored(self, payload):
        """A stored photo gets its missing renditions. Once per asset (``Media.make_renditions``)."""
        event = media_events.AssetStored().load(payload)
        if event["kind"] != "image":
            return []
        return self.app.make_renditions("handle_asset_stored", event["event_id"], event["asset_id"])
