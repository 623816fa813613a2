"""The development token issuer's keys: one RSA key pair and its JWKS, and the stage variables trusting it.

Only local stages (``infra.local.config.local_only``: the local stack, tests) accept its tokens, which
``cli.devissuer.mint`` signs. Keys live in ``<project>/.local/dev-issuer/`` (git-ignored) and are
created once.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from chalicelib.config import DEVICE_KEY_VARIABLE
from infra.files import create_exclusively, write_bytes
from infra.local.config import DEV_JWKS_FILE, DEV_KEY_DIR, local_only

REPO_ROOT = Path(__file__).resolve().parents[1]
PRIVATE_KEY_FILE = "private_key.pem"
DEVICE_KEY_FILE = "device-key"


@dataclass(frozen=True)
class DevKeys:
    """The dev issuer's signing key and where its JWKS is."""

    private_key: rsa.RSAPrivateKey
    kid: str
    jwks_path: Path


def ensure_keys(project_root: Path | None = None) -> DevKeys:
    """Create the key pair and ``jwks.json`` if missing (safe to call concurrently); load them."""
    return _load_keys((project_root or REPO_ROOT).resolve())


@functools.lru_cache(maxsize=4)
def _load_keys(root: Path) -> DevKeys:
    """Loading an RSA key takes tens of milliseconds: once per process and project is enough."""
    directory = root / DEV_KEY_DIR
    directory.mkdir(parents=True, exist_ok=True)
    key_path = directory / PRIVATE_KEY_FILE
    if not key_path.exists():
        create_exclusively(key_path, _new_private_key_pem(), mode=0o600)
    private_key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ValueError(f"{key_path} is not an RSA private key")
    public_jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
    kid = _thumbprint(public_jwk)
    jwks = json.dumps({"keys": [{**public_jwk, "kid": kid, "alg": "RS256", "use": "sig"}]}, indent=2) + "\n"
    jwks_path = directory / DEV_JWKS_FILE
    if not jwks_path.exists() or jwks_path.read_text(encoding="utf-8") != jwks:
        write_bytes(jwks_path, jwks.encode(), mode=0o644)
    return DevKeys(private_key=private_key, kid=kid, jwks_path=jwks_path)


def dev_auth_env(project_root: Path | None = None) -> dict[str, str]:
    """Ensure the keys exist; what a local stage runs with: ``local_only()`` (this issuer's tokens
    accepted, hand-overs signed and trusted with development keys; never in a deployed stage) and
    the device-token key."""
    root = project_root or REPO_ROOT
    ensure_keys(root)
    return {**local_only(root), DEVICE_KEY_VARIABLE: dev_device_key(root)}


def dev_device_key(project_root: Path | None = None) -> str:
    """The local stack's device-token key (``ADUAN_DEVICE_KEY``), created once next to the dev keys."""
    directory = (project_root or REPO_ROOT).resolve() / DEV_KEY_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / DEVICE_KEY_FILE
    if not path.exists():
        create_exclusively(path, base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"="), mode=0o600)
    return path.read_text(encoding="ascii").strip()


def _new_private_key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 JWK thumbprint, used as ``kid``."""
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
