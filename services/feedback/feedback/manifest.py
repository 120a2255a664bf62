from pathlib import Path

from platform_shared.manifest import ServiceManifest

MANIFEST = ServiceManifest(
    name="feedback",
    service_class="feedback.service:FeedbackService",
    root=Path(__file__).resolve().parent.parent,
)
