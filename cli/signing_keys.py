"""Where ``aduan handover`` keeps a province's hand-over keys: private halves in SSM, public in its data.

The live private key is the SecureString the stage reads (``/aduan/<code>/handover-signing-key``,
``{"kid", "private_key"}``, as ``chalicelib/data/handover_keys.py`` expects it). During a rotation
the new private key waits in ``<that name>-next``, which no function may read, until the receivers
know its public half. Public halves are listed in ``handover_keys`` of the province's data file.
Private keys go only to SSM: nothing here returns, prints or logs one.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalicelib.domain.handover_auth import DEV_KEY_PREFIX, b64url, public_key_of
from infra.files import write_text
from infra.naming import handover_key_parameter

PENDING_SUFFIX = "-next"


class KeyExists(RuntimeError):
    """A parameter that must not be overwritten already holds a key."""


def live_parameter(code: str) -> str:
    """The SSM parameter the province's stage signs with."""
    return handover_key_parameter(code)


def pending_parameter(code: str) -> str:
    """The SSM parameter holding the next key during a rotation (not readable by any function)."""
    return handover_key_parameter(code) + PENDING_SUFFIX


def new_key_id(code: str) -> str:
    """A fresh key id: province, date, random suffix (never a development ``dev-`` id)."""
    return f"{code}-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(3)}"


def new_private_key() -> bytes:
    """A fresh raw 32-byte Ed25519 private key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate().private_bytes_raw()


class SigningKeyStore:
    """The private signing keys of the provinces, as SSM SecureStrings."""

    def __init__(self, ssm: Any) -> None:
        self.ssm = ssm

    def _value(self, name: str) -> str | None:
        try:
            answer = self.ssm.get_parameter(Name=name, WithDecryption=True)
        except self.ssm.exceptions.ParameterNotFound:
            return None
        return str(answer["Parameter"]["Value"])

    def kid(self, name: str) -> str | None:
        """The key id stored in parameter ``name``; None if there is none."""
        value = self._value(name)
        return None if value is None else str(json.loads(value).get("kid"))

    def put(self, name: str, kid: str, private_key: bytes, *, overwrite: bool = False) -> None:
        """Store a key; ``KeyExists`` if ``name`` holds one and ``overwrite`` is not given."""
        value = json.dumps({"kid": kid, "private_key": b64url(private_key)})
        try:
            self._put(name, kid, value, overwrite=overwrite)
        except self.ssm.exceptions.ParameterAlreadyExists:
            raise KeyExists(f"{name} already holds a key") from None

    def _put(self, name: str, kid: str, value: str, *, overwrite: bool) -> None:
        self.ssm.put_parameter(
            Name=name,
            Value=value,
            Type="SecureString",
            Overwrite=overwrite,
            Description=f"Aduan hand-over signing key {kid}",
        )

    def move(self, source: str, target: str) -> str | None:
        """Put the key of ``source`` into ``target`` and delete ``source``; its kid, None if none."""
        value = self._value(source)
        if value is None:
            return None
        kid = str(json.loads(value)["kid"])
        self._put(target, kid, value, overwrite=True)
        self.ssm.delete_parameter(Name=source)
        return kid


def data_file(code: str, data_dir: Path) -> Path:
    """The province's data file."""
    return data_dir / f"{code}.json"


def listed_keys(code: str, data_dir: Path) -> list[dict[str, str]]:
    """The ``handover_keys`` of the province's data file, in order."""
    data = json.loads(data_file(code, data_dir).read_text(encoding="utf-8"))
    return [dict(key) for key in data.get("handover_keys", [])]


def production_keys(keys: list[dict[str, str]]) -> list[dict[str, str]]:
    """The keys that are not development keys."""
    return [key for key in keys if not key["kid"].startswith(DEV_KEY_PREFIX)]


def write_keys(code: str, data_dir: Path, keys: list[dict[str, str]]) -> None:
    """Replace the ``handover_keys`` of the province's data file (validated, written as the builder does)."""
    from tools.build_province_data import render

    path = data_file(code, data_dir)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["handover_keys"] = keys
    write_text(path, render(data))


def public_entry(kid: str, private_key: bytes) -> dict[str, str]:
    """The data file entry of a key: its id and its public half."""
    return {"kid": kid, "public_key": public_key_of(private_key)}
