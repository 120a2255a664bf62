"""Password hashing (Argon2id) and the common-password list. No nameko here.

Parameters are settings but never below OWASP's Argon2id minimum
(19 MiB memory, 2 iterations, 1 lane); the default is RFC 9106's
second recommended profile (64 MiB, 3 iterations, 4 lanes).
"""

import functools
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

OWASP_MIN_MEMORY_KIB = 19 * 1024
OWASP_MIN_TIME_COST = 2

# Local additions to the 30,000 most common passwords of the zxcvbn list.
VIETNAMESE_COMMON = (
    "matkhau",
    "matkhau123",
    "matkhau@123",
    "congdoan",
    "congdoan123",
    "congdoan@123",
    "vietnam",
    "vietnam123",
    "anhyeuem",
    "anhyeuem123",
    "iloveyou123",
    "hanoi123",
    "saigon123",
    "123456a@",
    "abc@12345",
    "admin@123",
    "tld@123",
    "laodong123",
)


@functools.lru_cache(maxsize=1)
def common_passwords():
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"]) | frozenset(VIETNAMESE_COMMON)


def _hasher(time_cost, memory_kib, parallelism):
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, hash_len=32, salt_len=16, type=Type.ID
    )


@functools.lru_cache(maxsize=8)
def _dummy_hash(time_cost, memory_kib, parallelism):
    return _hasher(time_cost, memory_kib, parallelism).hash(secrets.token_urlsafe(16))


class Passwords:
    def __init__(self, memory_kib=65536, time_cost=3, parallelism=4):
        memory_kib, time_cost, parallelism = int(memory_kib), int(time_cost), int(parallelism)
        if memory_kib < OWASP_MIN_MEMORY_KIB or time_cost < OWASP_MIN_TIME_COST or parallelism < 1:
            raise ValueError(
                f"Argon2id parameters below OWASP minimum (m>={OWASP_MIN_MEMORY_KIB} KiB, t>={OWASP_MIN_TIME_COST})"
            )
        self._hasher = _hasher(time_cost, memory_kib, parallelism)
        # Verified against when the user does not exist, so timing does not reveal it. One per
        # parameter set and process: a hash costs as much as a login, and the service (and each
        # test's container) builds a Passwords at every start.
        self._dummy = _dummy_hash(time_cost, memory_kib, parallelism)

    def hash(self, password):
        return self._hasher.hash(password)

    def verify(self, password_hash, password):
        """True when ``password`` matches; a missing hash still costs one verification."""
        try:
            return self._hasher.verify(password_hash or self._dummy, password) and password_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash):
        return self._hasher.check_needs_rehash(password_hash)


def new_secret():
    """A 256-bit URL-safe secret for activation and refresh tokens."""
    return secrets.token_urlsafe(32)


def digest(secret):
    """What is stored instead of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same(a, b):
    return hmac.compare_digest(a, b)
