"""Signing access tokens with rotating Ed25519 keys. No nameko here.

Keys are PEM files ``<kid>.pem`` in one directory. The greatest ``kid`` (name
them by date, e.g. ``2026-11-26``) signs; every key in the directory is
published in the JWKS so tokens signed by the previous key stay valid until
they expire. To rotate: add a newer key, restart, remove the old one after the
access-token lifetime has passed.
"""

import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from platform_shared.errors import ConfigurationError
from platform_shared.tokens import ACCESS_CLAIM_TYP, ACCESS_TYP


def generate_key(directory, kid=None):
    """Write a new Ed25519 private key as ``<kid>.pem`` (mode 600) and return its kid."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    kid = kid or datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = directory / f"{kid}.pem"
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return kid


class Signer:
    def __init__(self, keys_dir, *, issuer, audience, access_ttl=900):
        directory = Path(keys_dir or "")
        if not keys_dir or not directory.is_dir():
            raise ConfigurationError(
                f"TOKEN_KEYS_DIR «{keys_dir}» is not a directory of Ed25519 keys (create one with: accounts keygen DIR)"
            )
        self.keys = {}
        for path in sorted(directory.glob("*.pem")):
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ConfigurationError(f"{path} is not an Ed25519 private key")
            self.keys[path.stem] = key
        if not self.keys:
            raise ConfigurationError(f"no signing key in {directory} (create one with: accounts keygen {directory})")
        self.current_kid = max(self.keys)
        self.issuer = issuer
        self.audience = audience
        self.access_ttl = int(access_ttl)

    def jwks(self):
        keys = []
        for kid, key in sorted(self.keys.items()):
            jwk = json.loads(OKPAlgorithm.to_jwk(key.public_key()))
            jwk.update({"kid": kid, "use": "sig", "alg": "EdDSA"})
            keys.append(jwk)
        return {"keys": keys}

    def access_token(self, *, user_id, tenant_id, roles, now, session_version=1, unit_id=None):
        """``sv`` is the user's session version: a token below the current one is refused.
        ``unit``: the unit a unit administrator administers (only in its tokens)."""
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(user_id),
            "tenant_id": str(tenant_id),
            "roles": sorted(roles),
            "sv": int(session_version),
            "typ": ACCESS_CLAIM_TYP,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=self.access_ttl)).timestamp()),
            "jti": uuid.uuid4().hex,
        }
        if unit_id is not None:
            claims["unit"] = str(unit_id)
        return jwt.encode(
            claims,
            self.keys[self.current_kid],
            algorithm="EdDSA",
            headers={"kid": self.current_kid, "typ": ACCESS_TYP},
        )
