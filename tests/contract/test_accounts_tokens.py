"""Accounts signs access tokens (``accounts.signing``); the shared kit verifies them in every
service and the gateway (``platform_shared.tokens``). A token accounts signs gives the actor,
and the verifier refuses every forged, stale or foreign one.

Here rather than in the kit's own tests: the kit must not depend on a service."""

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from accounts.signing import Signer, generate_key
from platform_shared.errors import Unauthorized
from platform_shared.tokens import KeyCache, TokenVerifier, actor_from_claims

ISS, AUD = "https://congdoan.vn/accounts", "congdoan-portal"


@pytest.fixture
def keys(tmp_path):
    generate_key(tmp_path, "2026-01-01")
    return tmp_path


def signer_for(keys, ttl=900):
    return Signer(keys, issuer=ISS, audience=AUD, access_ttl=ttl)


def verifier_for(signer, **kw):
    fetches = []

    def fetch():
        fetches.append(1)
        return signer.jwks()

    verifier = TokenVerifier(KeyCache(fetch, min_refresh_interval=0), issuer=ISS, audience=AUD, **kw)
    verifier.fetches = fetches
    return verifier


def token(signer, **over):
    now = datetime.now(UTC)
    return signer.access_token(user_id="u1", tenant_id="t1", roles=["member"], now=over.pop("now", now))


def code_of(verifier, raw):
    with pytest.raises(Unauthorized) as info:
        verifier.verify(raw)
    return info.value.code


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_valid_token_gives_the_actor(keys):
    signer = signer_for(keys)
    claims = verifier_for(signer).verify(token(signer))
    actor = actor_from_claims(claims)
    assert (actor.user_id, actor.tenant_id, actor.roles) == ("u1", "t1", frozenset({"member"}))


def test_alg_none_is_refused(keys):
    signer = signer_for(keys)
    header, payload, _ = token(signer).split(".")
    forged = _b64({"alg": "none", "typ": "at+jwt", "kid": "2026-01-01"}) + "." + payload + "."
    assert code_of(verifier_for(signer), forged) == "TOKEN_ALGORITHM"


def test_hmac_signed_with_the_public_key_is_refused(keys):
    signer = signer_for(keys)
    public = signer.jwks()["keys"][0]["x"]
    claims = jwt.decode(token(signer), options={"verify_signature": False})
    forged = jwt.encode(claims, public, algorithm="HS256", headers={"kid": "2026-01-01", "typ": "at+jwt"})
    assert code_of(verifier_for(signer), forged) == "TOKEN_ALGORITHM"


def test_a_tampered_tenant_claim_breaks_the_signature(keys):
    signer = signer_for(keys)
    header, payload, signature = token(signer).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["tenant_id"] = "another-tenant"
    assert code_of(verifier_for(signer), f"{header}.{_b64(claims)}.{signature}") == "TOKEN_INVALID"


def test_a_token_signed_by_another_key_is_refused(keys, tmp_path_factory):
    other_dir = tmp_path_factory.mktemp("other")
    generate_key(other_dir, "2026-01-01")  # same kid, different key
    assert code_of(verifier_for(signer_for(keys)), token(signer_for(other_dir))) == "TOKEN_INVALID"


def test_an_expired_token_is_refused(keys):
    signer = signer_for(keys, ttl=60)
    old = token(signer, now=datetime.now(UTC) - timedelta(minutes=10))
    assert code_of(verifier_for(signer), old) == "TOKEN_EXPIRED"


def test_another_audience_or_issuer_is_refused(keys):
    signer = signer_for(keys)
    assert (
        code_of(TokenVerifier(KeyCache(signer.jwks), issuer=ISS, audience="other-app"), token(signer))
        == "TOKEN_INVALID"
    )
    assert (
        code_of(TokenVerifier(KeyCache(signer.jwks), issuer="https://evil", audience=AUD), token(signer))
        == "TOKEN_INVALID"
    )


def test_a_token_of_another_type_is_refused(keys):
    signer = signer_for(keys)
    claims = jwt.decode(token(signer), options={"verify_signature": False})
    key = signer.keys[signer.current_kid]
    refresh_like = jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": "2026-01-01", "typ": "JWT"})
    assert code_of(verifier_for(signer), refresh_like) == "TOKEN_TYPE"
    claims["typ"] = "refresh"
    wrong_claim = jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": "2026-01-01", "typ": "at+jwt"})
    assert code_of(verifier_for(signer), wrong_claim) == "TOKEN_INVALID"


def test_garbage_is_malformed(keys):
    assert code_of(verifier_for(signer_for(keys)), "not-a-jwt") == "TOKEN_MALFORMED"


def test_key_rotation_is_picked_up_without_restart(keys):
    old = signer_for(keys)
    verifier = verifier_for(old)
    verifier.verify(token(old))
    generate_key(keys, "2026-06-01")
    new = signer_for(keys)
    assert new.current_kid == "2026-06-01"
    # the verifier's cache was loaded before the new key existed; the unknown kid triggers one refresh
    verifier.keys._fetch = new.jwks
    assert verifier.verify(token(new))["sub"] == "u1"
    assert verifier.verify(token(old))["sub"] == "u1"  # the old key still verifies until removed


def test_keys_are_fetched_once_not_per_request(keys):
    signer = signer_for(keys)
    verifier = verifier_for(signer)
    raw = token(signer)
    for _ in range(20):
        verifier.verify(raw)
    assert len(verifier.fetches) == 1


def test_a_verified_token_is_remembered_but_not_past_its_expiry_or_its_key(keys):
    signer = Signer(keys, issuer=ISS, audience=AUD, access_ttl=60)
    current = {"jwks": signer.jwks()}
    verifier = TokenVerifier(
        KeyCache(lambda: current["jwks"], min_refresh_interval=0), issuer=ISS, audience=AUD, leeway=0
    )
    raw = token(signer)
    verifier.verify(raw)
    assert raw in verifier._verified
    # the key is withdrawn (compromised): the remembered token stops working at the next refresh
    current["jwks"] = {"keys": []}
    verifier.keys.refresh()
    with pytest.raises(Unauthorized):
        verifier.verify(raw)
    # an expired remembered token is checked again, and refused
    current["jwks"] = signer.jwks()
    verifier.keys.refresh()
    stale = token(signer, now=datetime.now(UTC) - timedelta(seconds=120))
    verifier._verified[stale] = ("2026-01-01", jwt.decode(stale, options={"verify_signature": False}))
    with pytest.raises(Unauthorized):
        verifier.verify(stale)


def test_the_gateway_compares_the_session_version_and_issue_time_accounts_signs(keys):
    from gateway.revocations import RevocationTable

    signer = signer_for(keys)
    now = datetime.now(UTC)
    claims = verifier_for(signer).verify(
        signer.access_token(user_id="u1", tenant_id="t1", roles=["member"], now=now, session_version=3)
    )
    assert claims["sv"] == 3 and claims["iat"] == int(now.timestamp())
    table = RevocationTable(960)
    table.check(claims)
    table.revoke_user("u1", 4, now.timestamp())
    with pytest.raises(Unauthorized) as refused:
        table.check(claims)
    assert refused.value.code == "SESSION_REVOKED"


SEGMENTS = [
    b"eyJhbGciOiJFZERTQSJ9",  # plain
    b"QQ",  # "A": length 2
    b"QUI",  # "AB": length 3
    b"QR",  # non-canonical trailing bits of "A"
    b"QUJ",  # non-canonical trailing bits of "AB"
    b"QQ==",  # padded (accepted by the library)
    b"QUI=",
    b"QQ=",  # wrong padding
    b"Q===",
    b"QUJD=",
    b"Q",  # a length no base64 has
    b"QUJDR",
    b"!!!!",  # not the alphabet (GHSA-hxm8-2xgr-2p9m)
    b"QU+D",  # standard base64, not base64url
    b"QU/D",
    b"QU\nD",
    b"",
]


@pytest.mark.parametrize("segment", SEGMENTS)
def test_the_verifier_decodes_each_segment_exactly_as_pyjwt_does(segment):
    from jwt.api_jws import PyJWS

    from platform_shared.tokens import _Segments

    def outcome(decode):
        try:
            return decode(segment, "payload")
        except jwt.DecodeError as exc:
            return ("refused", str(exc))

    assert outcome(_Segments._decode_base64url_segment) == outcome(PyJWS._decode_base64url_segment)


def test_a_token_with_a_character_outside_the_alphabet_is_refused(keys):
    signer = signer_for(keys)
    verifier = verifier_for(signer)
    good = token(signer)
    head, payload, signature = good.split(".")
    for bad in (
        f"{head}.{payload}.!{signature[1:]}",
        f"{head}.{payload[:-1]}!.{signature}",
        f"{head}=.{payload}.{signature}",
    ):
        assert code_of(verifier, bad) in ("TOKEN_MALFORMED", "TOKEN_INVALID")
    assert verifier.verify(good)["sub"] == "u1"
