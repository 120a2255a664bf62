from pathlib import Path

from platform_shared.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="media",
    service_class="media.service:MediaService",
    root=Path(__file__).resolve().parent.parent,
    # The media worker: a photo's renditions, after its upload was answered (media.worker).
    processes=(("worker", "media.worker:MediaWorker"),),
)
