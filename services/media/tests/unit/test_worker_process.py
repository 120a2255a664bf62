"""The media worker is a process of its own: the upload's process handles no event of media's."""

import os

from nameko.events import EventHandler

from media.manifest import MANIFEST
from media.service import MediaService
from media.worker import MediaWorker
from platform_shared.queues import event_queues


def _handled(service_cls):
    return {
        (e.source_service, e.event_type, name)
        for name in dir(service_cls)
        for e in getattr(getattr(service_cls, name), "nameko_entrypoints", ())
        if isinstance(e, EventHandler)
    }


def test_the_worker_handles_asset_stored_and_the_service_does_not():
    assert _handled(MediaWorker) == {("media", "media.asset_stored", "handle_asset_stored")}
    assert not any(source == "media" for source, _, _ in _handled(MediaService))


def test_platform_run_media_worker_runs_the_worker_on_medias_config_and_queue():
    assert MANIFEST.load_class("worker") is MediaWorker
    assert MANIFEST.classes() == [MediaService, MediaWorker]  # platform migrate media declares both's queues
    config = MANIFEST.config(AMQP_URI="memory://")
    names = [q.name for q in event_queues(MediaWorker, config)]
    assert names == ["evt-media-media.asset_stored--media_worker.handle_asset_stored"]


def test_the_worker_lowers_its_own_cpu_priority_once_at_start():
    """MEDIA_WORKER_NICE is an absolute nice value (in a child process: not this test run's)."""
    import subprocess
    import sys

    code = (
        "import os\n"
        "from types import SimpleNamespace\n"
        "from media.dependencies import BackgroundPriority\n"
        "p = BackgroundPriority()\n"
        "p.container = SimpleNamespace(config={'MEDIA_WORKER_NICE': 7})\n"
        "p.setup(); p.setup()\n"
        "print(os.getpriority(os.PRIO_PROCESS, 0))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert int(out) == max(7, os.getpriority(os.PRIO_PROCESS, 0))
