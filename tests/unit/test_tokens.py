"""verify_token: RS256 against a JWKS, issuer, audience, expiry, and Aduan's province/agency/role claims."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.auth import jwks
from chalicelib.auth.settings import AuthNotConfigured, AuthSettings, auth_settings
from chalicelib.auth.tokens import bearer_token, verify_token
from chalicelib.domain.actor import Actor, Role
from chalicelib.errors import AduanError, Forbidden, RetryableUnavailable, Unauthorized
from infra.dev_issuer import DevKeys, ensure_keys
from tests.stages import stage_env

ISSUER = "https://cognito-idp.ap-southeast-3.amazonaws.com/ap-southeast-3_TEST"
AUDIENCE = "app-client-123"
BANTEN_AGENCY = "dpu-kota-tangerang"
JAKARTA_AGENCY = "dbm"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> DevKeys:
    return ensure_keys(tmp_path_factory.mktemp("issuer"))


@pytest.fixture(scope="module")
def attacker_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def settings(keys: DevKeys) -> AuthSettings:
    return AuthSettings(issuer=ISSUER, audience=AUDIENCE, province="36", jwks_file=str(keys.jwks_path))


@pytest.fixture(autouse=True)
def _fresh_jwks_cache() -> Iterator[None]:
    jwks.clear_cache()
    yield
    jwks.clear_cache()


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-1",
        "iat": now,
        "exp": now + 600,
        "token_use": "id",
        "custom:province": "36",
        "custom:agency": BANTEN_AGENCY,
        "custom:role": "officer",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(keys: DevKeys, payload: dict[str, Any], **header: Any) -> str:
    return jwt.encode(payload, keys.private_key, algorithm="RS256", headers={"kid": keys.kid, **header})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def refused(token: str, settings: AuthSettings, error: type[AduanError]) -> str:
    with pytest.raises(error) as caught:
        verify_token(token, settings)
    assert type(caught.value) is error
    return caught.value.code


# --- accepted -------------------------------------------------------------------------------


def test_valid_officer_token_gives_the_actor(keys: DevKeys, settings: AuthSettings) -> None:
    expected = Actor("user-1", "36", BANTEN_AGENCY, Role.OFFICER, None)
    assert verify_token(sign(keys, claims()), settings) == expected


def test_a_kota_coordinator_is_scoped_to_its_kota_by_the_province_data(
    keys: DevKeys, settings: AuthSettings
) -> None:
    # Pemkot Tangerang coordinates Kota Tangerang (36.71); the token names only agency and role
    token = sign(keys, claims(**{"custom:agency": "pemkot-tangerang", "custom:role": "coordinator"}))
    expected = Actor("user-1", "36", "pemkot-tangerang", Role.COORDINATOR, "36.71")
    assert verify_token(token, settings) == expected


def test_the_province_coordinator_and_admin_see_the_whole_province(
    keys: DevKeys, settings: AuthSettings
) -> None:
    for role in ("coordinator", "admin"):
        token = sign(keys, claims(**{"custom:agency": "koordinator", "custom:role": role}))
        assert verify_token(token, settings).area is None


def test_an_officer_of_a_kota_agency_has_no_area_scope(keys: DevKeys, settings: AuthSettings) -> None:
    # an officer is scoped by agency, not area, even at an agency that coordinates a kota
    token = sign(keys, claims(**{"custom:agency": "pemkot-tangerang", "custom:role": "officer"}))
    assert verify_token(token, settings).area is None


def test_access_token_shape_is_accepted_by_client_id(keys: DevKeys, settings: AuthSettings) -> None:
    # Given a Cognito access token: no aud, the app client in client_id
    token = sign(keys, claims(aud=None, client_id=AUDIENCE, token_use="access"))
    assert verify_token(token, settings).agency == BANTEN_AGENCY


def test_expiry_within_leeway_is_accepted(keys: DevKeys, settings: AuthSettings) -> None:
    assert verify_token(sign(keys, claims(exp=int(time.time()) - 10)), settings).subject == "user-1"


# --- algorithm and signature ----------------------------------------------------------------


def test_alg_none_is_refused(keys: DevKeys, settings: AuthSettings) -> None:
    # Given a hand-crafted unsigned token naming our kid
    header = b64(json.dumps({"alg": "none", "typ": "JWT", "kid": keys.kid}).encode())
    token = f"{header}.{b64(json.dumps(claims()).encode())}."
    assert refused(token, settings, Unauthorized) == "unsupported_algorithm"


def test_hs256_signed_with_the_public_key_is_refused(keys: DevKeys, settings: AuthSettings) -> None:
    # Given the classic confusion attack: HS256 with the (public) RSA key bytes as HMAC secret
    public_pem = keys.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = (
        b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": keys.kid}).encode())
        + "."
        + b64(json.dumps(claims()).encode())
    )
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    assert refused(f"{signing_input}.{b64(mac)}", settings, Unauthorized) == "unsupported_algorithm"


def test_other_rsa_algorithms_are_refused(keys: DevKeys, settings: AuthSettings) -> None:
    token = jwt.encode(claims(), keys.private_key, algorithm="RS512", headers={"kid": keys.kid})
    assert refused(token, settings, Unauthorized) == "unsupported_algorithm"


def test_token_signed_by_another_key_is_refused(
    keys: DevKeys, settings: AuthSettings, attacker_key: rsa.RSAPrivateKey
) -> None:
    # Given a token claiming our kid but signed with someone else's key
    token = jwt.encode(claims(), attacker_key, algorithm="RS256", headers={"kid": keys.kid})
    assert refused(token, settings, Unauthorized) == "invalid_signature"


def test_unknown_kid_is_refused(keys: DevKeys, settings: AuthSettings) -> None:
    assert refused(sign(keys, claims(), kid="not-ours"), settings, Unauthorized) == "invalid_signature"


def test_tampered_payload_is_refused(keys: DevKeys, settings: AuthSettings) -> None:
    header, _, signature = sign(keys, claims()).split(".")
    forged = b64(json.dumps(claims(**{"custom:role": "admin"})).encode())
    assert refused(f"{header}.{forged}.{signature}", settings, Unauthorized) == "invalid_signature"


# --- registered claims ----------------------------------------------------------------------


def test_expired_token_is_refused(keys: DevKeys, settings: AuthSettings) -> None:
    token = sign(keys, claims(iat=int(time.time()) - 3600, exp=int(time.time()) - 120))
    assert refused(token, settings, Unauthorized) == "token_expired"


def test_token_without_exp_is_refused(keys: DevKeys, settings: AuthSettings) -> None:
    payload = claims()
    del payload["exp"]
    assert refused(sign(keys, payload), settings, Unauthorized) == "malformed_token"


def test_wrong_issuer_is_refused(keys: DevKeys, settings: AuthSettings) -> None:
    token = sign(keys, claims(iss="https://cognito-idp.ap-southeast-3.amazonaws.com/other-pool"))
    assert refused(token, settings, Unauthorized) == "wrong_issuer"


def test_wrong_audience_is_refused(keys: DevKeys, settings: AuthSettings) -> None:
    assert refused(sign(keys, claims(aud="another-app")), settings, Unauthorized) == "wrong_audience"
    token = sign(keys, claims(aud=None, client_id="another-app"))
    assert refused(token, settings, Unauthorized) == "wrong_audience"


@pytest.mark.parametrize("garbage", ["abc", "a.b.c", "x" * 9000, "eyJhbGciOiJSUzI1NiJ9.e30"])
def test_garbled_token_is_malformed(garbage: str, settings: AuthSettings) -> None:
    assert refused(garbage, settings, Unauthorized) == "malformed_token"


# --- Aduan claims ---------------------------------------------------------------------------


def test_token_of_another_province_is_forbidden(keys: DevKeys, settings: AuthSettings) -> None:
    # Given a valid Jakarta token presented to the Banten stage
    token = sign(keys, claims(**{"custom:province": "31", "custom:agency": JAKARTA_AGENCY}))
    assert refused(token, settings, Forbidden) == "wrong_province"


def test_unknown_agency_is_forbidden(keys: DevKeys, settings: AuthSettings) -> None:
    token = sign(keys, claims(**{"custom:agency": "dinas-tidak-ada"}))
    assert refused(token, settings, Forbidden) == "unknown_agency"


def test_agency_of_another_province_is_unknown_here(keys: DevKeys, settings: AuthSettings) -> None:
    token = sign(keys, claims(**{"custom:agency": JAKARTA_AGENCY}))
    assert refused(token, settings, Forbidden) == "unknown_agency"


@pytest.mark.parametrize("role", ["superuser", "", None, 1])
def test_invalid_role_is_forbidden(keys: DevKeys, settings: AuthSettings, role: Any) -> None:
    assert refused(sign(keys, claims(**{"custom:role": role})), settings, Forbidden) == "invalid_role"


# --- the Authorization header ---------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_header(header: str | None) -> None:
    with pytest.raises(Unauthorized) as caught:
        bearer_token(header)
    assert caught.value.code == "missing_token"


@pytest.mark.parametrize("header", ["Basic dXNlcjpwdw==", "Bearer", "Bearer   ", "token-without-scheme"])
def test_garbled_header(header: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        bearer_token(header)
    assert caught.value.code == "malformed_token"


def test_bearer_scheme_is_case_insensitive() -> None:
    assert bearer_token("bearer a.b.c") == "a.b.c"


# --- settings and JWKS sources --------------------------------------------------------------


def test_settings_are_read_from_env_on_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in stage_env("banten").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ADUAN_AUTH_ISSUER", ISSUER)
    monkeypatch.setenv("ADUAN_AUTH_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("ADUAN_AUTH_JWKS_URL", "https://example.invalid/jwks.json")
    monkeypatch.delenv("ADUAN_AUTH_JWKS_FILE", raising=False)
    assert auth_settings() == AuthSettings(
        ISSUER, AUDIENCE, "36", jwks_url="https://example.invalid/jwks.json"
    )
    for name, value in stage_env("jakarta").items():
        monkeypatch.setenv(name, value)
    assert auth_settings().province == "31"


def test_missing_settings_name_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ADUAN_AUTH_ISSUER", "ADUAN_AUTH_AUDIENCE", "ADUAN_AUTH_JWKS_FILE", "ADUAN_AUTH_JWKS_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(AuthNotConfigured, match="ADUAN_AUTH_ISSUER") as caught:
        auth_settings()
    assert caught.value.http_status == 500


class FakeUrlopen:
    """Stands in for urllib.request.urlopen: counts calls, serves a JWKS or fails."""

    def __init__(self, document: dict[str, Any] | None) -> None:
        self.document = document
        self.calls = 0

    def __call__(self, request: Any, timeout: float) -> io.BytesIO:
        self.calls += 1
        assert timeout <= 5
        if self.document is None:
            raise OSError("connection timed out")
        return io.BytesIO(json.dumps(self.document).encode())


def url_settings() -> AuthSettings:
    return AuthSettings(
        ISSUER, AUDIENCE, "36", jwks_url="https://cognito-idp.example/pool/.well-known/jwks.json"
    )


def test_jwks_url_is_fetched_once_and_cached(keys: DevKeys, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeUrlopen(json.loads(Path(keys.jwks_path).read_text()))
    monkeypatch.setattr(jwks.urllib.request, "urlopen", fake)
    for _ in range(3):
        assert verify_token(sign(keys, claims()), url_settings()).agency == BANTEN_AGENCY
    assert fake.calls == 1


def test_unknown_kid_refetches_at_most_once_a_minute(keys: DevKeys, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a cached JWKS and a token with a new kid (key rotation), within the refetch interval
    fake = FakeUrlopen(json.loads(Path(keys.jwks_path).read_text()))
    monkeypatch.setattr(jwks.urllib.request, "urlopen", fake)
    verify_token(sign(keys, claims()), url_settings())
    for _ in range(3):
        assert (
            refused(sign(keys, claims(), kid="rotated"), url_settings(), Unauthorized) == "invalid_signature"
        )
    assert fake.calls == 1
    # When the interval has passed, an unknown kid fetches again
    monkeypatch.setattr(jwks, "REFETCH_AFTER_SECONDS", -1.0)
    refused(sign(keys, claims(), kid="rotated"), url_settings(), Unauthorized)
    assert fake.calls == 2


def test_unreachable_jwks_is_a_retryable_503(keys: DevKeys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jwks.urllib.request, "urlopen", FakeUrlopen(None))
    code = refused(sign(keys, claims()), url_settings(), RetryableUnavailable)
    assert code == "jwks_unavailable"


def test_jwks_skips_keys_that_are_not_rs256_signing_keys(keys: DevKeys) -> None:
    document = json.loads(Path(keys.jwks_path).read_text())
    good = document["keys"][0]
    document["keys"] += [
        {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
        {**good, "kid": "enc", "use": "enc"},
        {**good, "kid": "rs512", "alg": "RS512"},
    ]
    assert set(jwks.parse_jwks(document)) == {keys.kid}
