"""Running an entrypoint's method as several workers at once, each with its own result.

nameko's ``entrypoint_hook`` waits for *a* worker of the method to end, not for the one it
started, and hands the result to the entrypoint's own ``handle_result`` (a timer's marks
its loop's tick done): fine for one call at a time, wrong for ticks made to overlap.
"""

from eventlet.event import Event
from nameko.extensions import Entrypoint
from nameko.testing.utils import get_extension


def start_worker(container, method_name, *args, **kwargs):
    """Spawn one worker of ``method_name``; ``.wait()`` on the answer returns its result or raises."""
    entrypoint = get_extension(container, Entrypoint, method_name=method_name)
    done = Event()

    def handle_result(worker_ctx, result, exc_info):
        if exc_info is not None:
            done.send_exception(exc_info[1])
        else:
            done.send(result)
        return result, exc_info

    container.spawn_worker(entrypoint, args, kwargs, handle_result=handle_result)
    return done
