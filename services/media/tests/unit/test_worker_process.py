"""The media worker is a process of its own: the upload's process handles no event of media's."""

import os

import pytest
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


def _child(code):
    """What ``code`` prints, as words, run in a child process (the test run keeps its own priority
    and its threads their policy)."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def test_the_worker_lowers_its_own_cpu_priority_once_at_start():
    """MEDIA_WORKER_NICE is an absolute nice value (in a child process: not this test run's)."""
    out = _child(
        "import os\n"
        "from types import SimpleNamespace\n"
        "from media.dependencies import BackgroundPriority\n"
        "p = BackgroundPriority()\n"
        "p.container = SimpleNamespace(config={'MEDIA_WORKER_NICE': 7})\n"
        "p.setup(); p.setup()\n"
        "print(os.getpriority(os.PRIO_PROCESS, 0))\n"
    )
    assert out == [str(max(7, os.getpriority(os.PRIO_PROCESS, 0)))]


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's")
def test_the_workers_image_work_runs_at_idle_priority_and_its_hub_does_not():
    out = _child(
        "import os, threading\n"
        "from media.dependencies import in_idle_thread\n"
        "mine = os.sched_getscheduler(0)\n"
        "def work(x):\n"
        "    return os.sched_getscheduler(0), threading.get_ident(), x * 2\n"
        "policy, ident, doubled = in_idle_thread(work, 21)\n"
        "again, _, _ = in_idle_thread(work, 1)\n"
        "print(policy == os.SCHED_IDLE, again == os.SCHED_IDLE, ident != threading.get_ident(), doubled,\n"
        "      os.sched_getscheduler(0) == mine)\n"
    )
    # The call ran in another thread, under SCHED_IDLE, and gave its result; the calling thread
    # (the worker's hub: heartbeats, S3, the database) kept its policy.
    assert out == ["True", "True", "True", "42", "True"]


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's")
def test_an_error_of_the_image_work_reaches_the_caller():
    out = _child(
        "from media.dependencies import in_idle_thread\n"
        "from platform_shared.errors import InvalidInput\n"
        "def bad():\n"
        "    raise InvalidInput('ảnh hỏng', code='INVALID_IMAGE')\n"
        "try:\n"
        "    in_idle_thread(bad)\n"
        "except InvalidInput as exc:\n"
        "    print(exc.code)\n"
    )
    assert out == ["INVALID_IMAGE"]


@pytest.mark.parametrize(
    ("background", "setting", "idle"),
    [
        (True, None, True),  # the worker, by default
        (True, True, True),
        (True, "false", False),  # MEDIA_WORKER_IDLE_IMAGES=false
        (False, None, False),  # the media service: a PNG's cleaning is on the upload's request path
        (False, True, False),
    ],
)
def test_only_the_worker_puts_its_image_work_at_idle_priority(monkeypatch, background, setting, idle):
    from types import SimpleNamespace

    import media.dependencies as deps

    monkeypatch.setattr(deps, "make_storage", lambda config: None)  # no S3 for this
    app = deps.MediaApp(background=background)
    config = {} if setting is None else {"MEDIA_WORKER_IDLE_IMAGES": setting}
    app.container = SimpleNamespace(config=config)
    app.setup()
    assert app.offload is (deps.in_idle_thread if idle else deps.in_thread)


def test_the_worker_and_the_service_declare_their_media_app_as_such():
    assert MediaWorker.app.background is True
    assert MediaService.app.background is False


def test_a_system_that_refuses_the_idle_policy_still_gets_its_renditions(monkeypatch, caplog):
    """A sandbox may refuse sched_setscheduler: the image work runs anyway, at the process's nice,
    and the refusal is logged once, not asked again for every photo."""
    import media.dependencies as deps

    asked = []

    def refuse(pid, policy, param):
        asked.append(policy)
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(deps, "IDLE_POLICY", 5)
    monkeypatch.setattr(deps, "_idle_refused", [])
    monkeypatch.setattr(deps.os, "sched_getscheduler", lambda pid: 0)
    monkeypatch.setattr(deps.os, "sched_setscheduler", refuse)
    with caplog.at_level("WARNING", logger="media"):
        assert deps._as_idle(lambda x: x + 1, (1,), {}) == 2
        assert deps._as_idle(lambda x: x + 1, (2,), {}) == 3
    assert asked == [5]
    assert [r.getMessage() for r in caplog.records if "SCHED_IDLE" in r.getMessage()] == [
        "SCHED_IDLE refused for the media worker's image threads ([Errno 1] Operation not permitted): they keep its nice"
    ]
