"""Ended sessions, kept current in each gateway process (DESIGN §7b).

A ``revocations.RevocationTable`` fed two ways:

* at once, by accounts' facts ``accounts.user_sessions_revoked`` and
  ``accounts.tenant_sessions_revoked``, heard by the messaging toolkit's ``EventListener``
  (an exclusive queue of this process's own);
* by catch-up, ``accounts.list_session_revocations`` called as the system actor: at start,
  after every (re)connection of the listener (what happened while it was away is unknown),
  and every ``interval`` seconds as a safety net (every few seconds while the listener is
  not connected). Each catch-up asks from the previous
  answer's ``as_of`` less a margin (a transaction may commit a little after its clock read).

Until the first catch-up has succeeded nothing is known about ended sessions: a request with
a token waits for it up to ``wait`` seconds, then is 503 — never let through unchecked.
Entries older than the maximum token age are forgotten at every catch-up.
"""

import logging
import threading
import time
from datetime import UTC, datetime

from marshmallow import ValidationError

from gateway.revocations import RevocationTable, epoch
from platform_shared.contracts import accounts as events
from platform_shared.errors import Unavailable
from platform_shared.messaging import EventListener

log = logging.getLogger("gateway.sessions")

BINDINGS = [("accounts.events", (events.USER_SESSIONS_REVOKED, events.TENANT_SESSIONS_REVOKED))]
CATCH_UP_MARGIN = 60.0
RETRY_AFTER_FAILURE = 1.0  # doubled after each failure in a row, up to the interval
UNHEARD_INTERVAL = 5.0  # while the listener is not connected, facts are not heard: ask more often


class SessionWatch:
    def __init__(self, amqp_uri, fetch, *, max_age, interval=30.0, wait=5.0, clock=time.time):
        """``fetch(since_iso)`` answers as ``accounts.list_session_revocations``."""
        self.table = RevocationTable(max_age, clock=clock)
        self.fetch = fetch
        self.interval = float(interval)
        self.wait = float(wait)
        self.clock = clock
        self.catch_ups = 0
        self.failures = 0  # catch-ups failed in a row
        self.ready = threading.Event()  # set by the first successful catch-up
        self._since = None  # epoch seconds the next catch-up asks from
        self._wake = threading.Event()
        self._closed = False
        self._thread = None
        self._lock = threading.Lock()
        self.listener = EventListener(
            amqp_uri, BINDINGS, self._on_event, name="gateway-sessions", on_connect=self._wake.set
        )

    # -- asked on every request with a token --------------------------------------------------

    def check(self, claims):
        """Raises ``Unauthorized`` for a token no longer accepted, ``Unavailable`` while ended
        sessions cannot be known yet."""
        self.ensure_started()
        if not self.ready.is_set() and not self.ready.wait(self.wait):
            raise Unavailable(
                "Chưa kiểm tra được trạng thái phiên đăng nhập. Vui lòng thử lại sau ít phút.",
                code="SESSIONS_UNKNOWN",
            )
        self.table.check(claims)

    # -- the threads --------------------------------------------------------------------------

    def ensure_started(self):
        self.listener.ensure_started()
        thread = self._thread
        if (thread is None or not thread.is_alive()) and not self._closed:
            with self._lock:
                if (self._thread is None or not self._thread.is_alive()) and not self._closed:
                    self._thread = threading.Thread(target=self._run, name="gateway-sessions-catch-up", daemon=True)
                    self._thread.start()

    def _run(self):
        while not self._closed:
            self._try_catch_up()
            self._wake.wait(self.next_wait())
            self._wake.clear()

    def next_wait(self):
        """Seconds to the next catch-up: the interval; sooner while facts are not heard; after
        failures, 1, 2, 4… s up to that."""
        interval = self.interval if self.listener.connected else min(self.interval, UNHEARD_INTERVAL)
        if not self.failures:
            return interval
        return min(interval, RETRY_AFTER_FAILURE * 2 ** min(self.failures - 1, 10))

    def _try_catch_up(self):
        try:
            self.catch_up()
        except Exception as exc:  # accounts or the broker away: try again soon, keep what is known
            self.failures += 1
            if self.failures == 1:
                log.warning("catching up on ended sessions failed (retrying): %s", exc)
            return
        if self.failures:
            log.info("caught up on ended sessions again after %d failures", self.failures)
        self.failures = 0

    def catch_up(self):
        """Ask accounts what ended since the last answer (at start: within the maximum token age)."""
        since = self._since
        if since is None:
            since = self.clock() - self.table.max_age - CATCH_UP_MARGIN
        result = self.fetch(datetime.fromtimestamp(since, UTC).isoformat())
        self.table.apply_catch_up(result)
        self._since = epoch(result["as_of"]) - CATCH_UP_MARGIN
        self.table.forget_old()
        self.catch_ups += 1
        self.ready.set()

    def _on_event(self, payload):
        try:
            self.table.apply_event(payload)
        except (ValidationError, ValueError, KeyError, TypeError) as exc:
            log.warning("an unreadable ended-session fact was ignored (the catch-up will have it): %s", exc)

    def close(self):
        self._closed = True
        self._wake.set()
        self.listener.close()
