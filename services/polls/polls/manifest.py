from pathlib import Path

from platform_shared.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="polls",
    service_class="polls.service:PollsService",
    root=Path(__file__).resolve().parent.parent,
)
