from pathlib import Path

from platform_shared.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="royalties",
    service_class="royalties.service:RoyaltiesService",
    root=Path(__file__).resolve().parent.parent,
)
