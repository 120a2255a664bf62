"""The media worker beside the media service, as production runs them: two processes
(``platform run media`` and ``platform run media worker``), here two containers."""

import pytest


@pytest.fixture
def media_worker(start_service, media_settings):
    """The media worker (``media.worker.MediaWorker``): renditions from ``media.asset_stored``
    once the media relay publishes it (``relay("media")``)."""
    from media.worker import MediaWorker

    # In this process: the test run keeps its CPU priority.
    return start_service("media", service_cls=MediaWorker, MEDIA_WORKER_NICE=0, **media_settings)


@pytest.fixture
def media_service(media_service, media_worker):
    """The media service with its worker running."""
    return media_service
