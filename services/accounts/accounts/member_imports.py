"""Rules of a member import job: a checked file applied in batches in the background. Plain
Python, no nameko, no SQL.

A job is created from a file that passed every check (``start_member_import``): its rows are
kept with the job, each with the user name and the one-time activation token it will get if it
creates a member (the token's SHA-256 as ``activation_token`` stores it, the token itself
sealed — see :class:`Sealer`). The service's timer then applies ``batch_rows`` rows per
transaction, in file order; the job's ``done_rows`` is written in the same transaction as the
batch, so a job left half done (a crash, a restart, a deploy) resumes at its first row not
committed and never applies a row twice. Each batch is planned again against the register as
it is when it runs (a member registered meanwhile is updated, not created twice).

States: ``pending`` (nothing applied yet), ``running``, ``done``, ``failed`` (a batch failed
``MAX_FAILURES`` times in a row: what was committed stays, the rest is not applied).
"""

import base64
import hashlib
import os
from dataclasses import dataclass
from datetime import date

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from accounts.members import MemberRow

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
STATES = (PENDING, RUNNING, DONE, FAILED)
OPEN = (PENDING, RUNNING)
STATE_LABELS = {PENDING: "Đang chờ", RUNNING: "Đang nhập", DONE: "Đã xong", FAILED: "Bị lỗi, đã dừng"}
# Outcome of a row once its batch is applied.
CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"
MAX_FAILURES = 5
MAX_PROBLEMS = 200


def batch_range(done, total, size):
    """``(first, stop)``: the positions of the next batch of a job that has applied ``done`` of
    ``total`` rows, or None when nothing is left."""
    if size < 1:
        raise ValueError("a batch has at least one row")
    if done >= total:
        return None
    return done, min(done + size, total)


def batch_count(total, size):
    """How many batches ``total`` rows take."""
    return -(-total // size)


def percent(done, total):
    """Progress in whole percent: 100 only once every row is applied."""
    if total <= 0:
        return 100
    value = done * 100 // total
    return 100 if done >= total else min(value, 99)


@dataclass(frozen=True)
class Tally:
    """What one batch did, added to the job's counts."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    reissued: int = 0
    skipped: int = 0

    def __add__(self, other):
        return Tally(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self):
        return (self.created, self.updated, self.unchanged, self.reissued, self.skipped)


def member_row(stored):
    """The register's ``MemberRow`` of a kept job row (``stored``: an object with the columns)."""
    return MemberRow(
        stored.row,
        stored.number,
        stored.full_name,
        stored.birth_date,
        stored.gender,
        stored.phone,
        stored.email,
        None,
        stored.joined_on,
    )


def iso_date(value):
    return value.isoformat() if isinstance(value, date) else None


# -- sealing the activation tokens of a job ------------------------------------------------------


class Sealer:
    """Seals and opens a job's activation tokens (AES-256-GCM).

    The key of a job is derived (HKDF-SHA256, the job id as salt) from one of the service's
    Ed25519 signing keys (``TOKEN_KEYS_DIR``), which never enter the database: a copy of the
    database alone holds only the tokens' SHA-256 (``activation_token``) and these sealed
    copies, useless without the key file. Someone holding the signing key could mint access
    tokens for the importing administrator anyway, so it adds no new way in. Each sealed token
    is bound to its job and position (associated data), so a sealed value copied to another
    row does not open. The sealed copies are deleted when the sheet expires.

    ``secrets``: kid → 32 bytes of key material; ``current``: the kid new jobs use.
    """

    INFO = b"congdoan accounts member-import activation sheet v1"

    def __init__(self, secrets, current):
        self._secrets = dict(secrets)
        self.current = current

    @classmethod
    def of_signer(cls, signer):
        raw = {
            kid: key.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
            )
            for kid, key in signer.keys.items()
        }
        return cls(raw, signer.current_kid)

    def _aead(self, job_id, kid):
        secret = self._secrets.get(kid)
        if secret is None:
            return None
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=str(job_id).encode(), info=self.INFO).derive(secret)
        return AESGCM(key)

    def for_job(self, job_id, kid=None):
        """A :class:`JobSeal` of one job; None when its key (``kid``) is no longer configured."""
        kid = kid or self.current
        aead = self._aead(job_id, kid)
        return None if aead is None else JobSeal(aead, str(job_id))


class JobSeal:
    def __init__(self, aead, job_id):
        self._aead, self._job = aead, job_id.encode()

    def _bound(self, position):
        return self._job + b"/" + str(position).encode()

    def seal(self, position, token):
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, token.encode(), self._bound(position))
        return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")

    def open(self, position, sealed):
        """The token, or None when it does not open (another job's, altered, expired)."""
        if not sealed:
            return None
        try:
            raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
            return self._aead.decrypt(raw[:12], raw[12:], self._bound(position)).decode()
        except (InvalidTag, ValueError):
            return None


def request_key_digest(key):
    """What a job keeps of the form's one-time key (a repeated submit finds the same job)."""
    return hashlib.sha256(key.encode()).hexdigest() if key else None
