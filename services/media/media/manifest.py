from pathlib import Path

from platform_shared.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="media",
    service_class="media.service:MediaService",
    root=Path(__file__).resolve().parent.parent,
)
