from pathlib import Path

from platform_shared.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="content",
    service_class="content.service:ContentService",
    root=Path(__file__).resolve().parent.parent,
)
