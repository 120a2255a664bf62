from pathlib import Path

from platform_shared.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="accounts",
    service_class="accounts.service:AccountsService",
    root=Path(__file__).resolve().parent.parent,
)
