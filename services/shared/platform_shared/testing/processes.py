"""Stopping a process a test started, the way an operator would."""

import signal
import subprocess


def stop(proc, *, grace=20):
    """SIGTERM ``proc`` and wait ``grace`` seconds for its graceful stop; kill it after that."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
