from pathlib import Path

from platform_shared.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="notifications",
    service_class="notifications.service:NotificationsService",
    root=Path(__file__).resolve().parent.parent,
)
