"""Idempotency-Key records: a creating request sent again with the same key answers the first result.

No nameko here. The gateway sends, as context headers of the creating RPC, the client's key,
the caller (user id or ``anonymous``) and a fingerprint of the request (method, path, query,
canonical body); the RPC glue (``platform_shared.rpc``) builds a :class:`Claim` scoped by
the caller and ``service.method`` and drives :class:`IdempotencyStore`:

1. :meth:`IdempotencyStore.begin`, in a short transaction of its own: a new key is recorded
   ``running`` (leased until the caller's deadline); a key seen before answers its stored
   response (same request, done), 422 ``IDEMPOTENCY_KEY_REUSED`` (another request), 409
   ``REQUEST_IN_PROGRESS`` (still running), or is taken over: its lease ran out (the first
   attempt died or its caller gave up), or it is held by an earlier delivery of this very RPC
   message (same ``attempt``: the replica working on it died or lost its broker connection and
   the broker gave the message to another — the caller is still waiting for this answer, so a
   409 would fail the request that is the key's first use).
2. :meth:`IdempotencyStore.mark`, **inside every write transaction of the work**, right
   before it commits (``database.before_commit``, set by the glue): the row becomes
   ``committed`` only if this attempt still owns it, else the work rolls back. The key and
   the creation are committed together, so a crash between the commit and the reply can
   never make a retry create the thing twice.
3. :meth:`IdempotencyStore.finish` stores the response (``done``);
   :meth:`IdempotencyStore.abandon` forgets a key whose work failed before committing
   anything (a 4xx is not remembered: the client may correct the request and send it again).

The one window left: a crash after the work committed and before ``finish`` (or an error
raised after a commit) leaves the row ``committed`` with no response. A retry then gets 409
``REQUEST_ALREADY_DONE`` instead of the first result — never a duplicate. Work that commits
in several write transactions is marked by the first one; a crash between them leaves it
half done, as it would without a key.

Keys are kept :data:`KEEP` (24 h); expired rows are deleted now and then by ``begin``.

A stored response may hold secrets (an import's one-time activation tokens), so the table
keeps neither the key nor the response in clear: the row is found by the key's SHA-256, and
the response is encrypted (Fernet) under a key derived from the client's Idempotency-Key and
the scope. Only a caller presenting the key can read the response back; a copy of the
database cannot (a random key, e.g. a UUID, is what makes that hold).
"""

import base64
import hashlib
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, select, update

from platform_shared.database import dialect_insert
from platform_shared.errors import BadRequest, Conflict, InvalidInput
from platform_shared.tables import idempotency_key as table

KEEP = timedelta(hours=24)
DEFAULT_LEASE = timedelta(seconds=60)
"""How long a running attempt holds its key when its caller sent no deadline."""
PURGE_EVERY_SECONDS = 600.0

RUNNING, COMMITTED, DONE = "running", "committed", "done"
ANONYMOUS = "anonymous"

CONTEXT_KEYS = ("idempotency_key", "idempotency_caller", "idempotency_fingerprint", "idempotency_attempt")
"""The RPC context (``nameko.<key>`` headers) the gateway sends with a keyed creating request;
``idempotency_attempt`` names the RPC message (new for each call the gateway makes, the same when
the broker delivers that message again)."""

_KEY = re.compile(r"[\x21-\x7e]{1,255}")


def check_key(key):
    """The key as given, or 400 ``IDEMPOTENCY_KEY_INVALID`` (1–255 visible ASCII characters)."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise BadRequest(
            "Idempotency-Key phải gồm từ 1 đến 255 ký tự ASCII nhìn thấy được "
            "(không dấu cách, không chữ có dấu), ví dụ một UUID.",
            code="IDEMPOTENCY_KEY_INVALID",
        )
    return key


def canonical_json(document):
    """One spelling of a JSON document: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fingerprint(method, path, body=b"", query=()):
    """SHA-256 of the request: ``method``, ``path``, sorted ``query`` pairs and the ``body`` bytes."""
    digest = hashlib.sha256()
    for part in (method.upper(), path, canonical_json(sorted([list(p) for p in query])).decode()):
        digest.update(part.encode())
        digest.update(b"\n")
    digest.update(body if isinstance(body, bytes) else str(body).encode())
    return digest.hexdigest()


def reused():
    return InvalidInput(
        "Idempotency-Key này đã được dùng cho một yêu cầu khác. Hãy dùng một khóa mới cho yêu cầu mới.",
        code="IDEMPOTENCY_KEY_REUSED",
    )


def in_progress():
    return Conflict(
        "Yêu cầu với Idempotency-Key này đang được xử lý. Vui lòng thử lại sau vài giây.",
        code="REQUEST_IN_PROGRESS",
    )


def already_done():
    return Conflict(
        "Yêu cầu với Idempotency-Key này đã được thực hiện nhưng kết quả không còn được lưu. "
        "Vui lòng kiểm tra lại trước khi gửi một yêu cầu mới.",
        code="REQUEST_ALREADY_DONE",
    )


@dataclass(frozen=True)
class Claim:
    """One attempt at a keyed request. ``scope``: the caller and the operation; ``attempt``: the
    RPC message (the same on every delivery of it), ``owner``: this delivery."""

    scope: str
    key: str
    fingerprint: str
    lease_until: datetime
    attempt: str | None = None
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def stored_key(self):
        """What the table keeps of the key: its SHA-256."""
        return hashlib.sha256(self.key.encode()).hexdigest()

    def _cipher(self):
        secret = hashlib.sha256(b"idempotency-response\0" + self.scope.encode() + b"\0" + self.key.encode()).digest()
        return Fernet(base64.urlsafe_b64encode(secret))

    def seal(self, response):
        """``response`` (text) encrypted for this key and scope."""
        return self._cipher().encrypt(response.encode()).decode()

    def open(self, sealed):
        """The response text back, or None when it cannot be read with this key."""
        try:
            return self._cipher().decrypt(sealed.encode()).decode()
        except (InvalidToken, AttributeError):
            return None

    @classmethod
    def of(cls, *, caller, operation, key, fingerprint, now, deadline=None, attempt=None):
        """``deadline``: the caller's, epoch seconds (the attempt holds the key until then);
        ``attempt``: the RPC message's id, when the caller sent one."""
        lease = datetime.fromtimestamp(deadline, now.tzinfo) if deadline else now + DEFAULT_LEASE
        scope = f"{caller or ANONYMOUS} {operation}"[:300]
        return cls(scope, check_key(key), str(fingerprint)[:64], lease, str(attempt)[:32] if attempt else None)


@dataclass(frozen=True)
class Replay:
    """The stored response of the first attempt (JSON text)."""

    response: str


_next_purge = [0.0]


class IdempotencyStore:
    """The records of one service's database (``sessions``: a ``SessionFactory``)."""

    def __init__(self, sessions):
        self.sessions = sessions

    def _where(self, claim):
        return (table.c.scope == claim.scope) & (table.c.key == claim.stored_key)

    def begin(self, claim, now):
        """None when this attempt owns the key and should do the work; a :class:`Replay` when
        it was done. Raises InvalidInput (another request), Conflict (running, or done and lost)."""
        self._purge_now_and_then(now)
        for _ in range(3):
            with self.sessions.transaction() as session:
                row = session.execute(select(table).where(self._where(claim)).with_for_update()).first()
                if row is not None and row.expires_at <= now:
                    session.execute(delete(table).where(self._where(claim)))
                    row = None
                if row is None:
                    values = {
                        "scope": claim.scope,
                        "key": claim.stored_key,
                        "fingerprint": claim.fingerprint,
                        "owner": claim.owner,
                        "attempt": claim.attempt,
                        "state": RUNNING,
                        "lease_until": claim.lease_until,
                        "created_at": now,
                        "expires_at": now + KEEP,
                    }
                    inserted = session.execute(dialect_insert(session, table).values(values).on_conflict_do_nothing())
                    if inserted.rowcount == 1:
                        return None
                    continue  # another attempt inserted it first: look again
                if row.fingerprint != claim.fingerprint:
                    raise reused()
                if row.state == DONE:
                    response = claim.open(row.response)
                    if response is None:  # the same hash from another key: never seen in practice
                        raise reused()
                    return Replay(response)
                if row.state == COMMITTED:
                    raise already_done()
                redelivered = claim.attempt is not None and row.attempt == claim.attempt
                if row.lease_until > now and not redelivered:
                    raise in_progress()
                # Taken over: if the earlier delivery still runs, its mark() finds another owner
                # and its work rolls back, so the thing is created once either way.
                session.execute(
                    update(table)
                    .where(self._where(claim), table.c.owner == row.owner)
                    .values(owner=claim.owner, attempt=claim.attempt, lease_until=claim.lease_until)
                )
                return None
        raise in_progress()

    def mark(self, session, claim):
        """In the work's write transaction, before it commits: the key is committed with it.
        Raises Conflict (the transaction rolls back) when another attempt took the key over."""
        result = session.execute(
            update(table)
            .where(self._where(claim), table.c.owner == claim.owner, table.c.state.in_((RUNNING, COMMITTED)))
            .values(state=COMMITTED)
        )
        if result.rowcount != 1:
            raise in_progress()

    def finish(self, claim, response):
        """The work answered ``response`` (JSON text): kept, sealed, for the repeats."""
        with self.sessions.transaction() as session:
            session.execute(
                update(table)
                .where(self._where(claim), table.c.owner == claim.owner)
                .values(state=DONE, response=claim.seal(response))
            )

    def abandon(self, claim):
        """The work failed: forget the key unless the work committed something under it."""
        with self.sessions.transaction() as session:
            session.execute(
                delete(table).where(self._where(claim), table.c.owner == claim.owner, table.c.state == RUNNING)
            )

    def purge(self, now):
        """Delete the records kept longer than :data:`KEEP`; their number."""
        with self.sessions.transaction() as session:
            return session.execute(delete(table).where(table.c.expires_at <= now)).rowcount

    def _purge_now_and_then(self, now):
        if time.monotonic() >= _next_purge[0]:
            _next_purge[0] = time.monotonic() + PURGE_EVERY_SECONDS
            self.purge(now)
