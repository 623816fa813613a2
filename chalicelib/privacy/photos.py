"""Citizen photos: presigned uploads, metadata stripped before anyone sees them, short-lived links.

1. ``POST /photos`` gives a presigned POST for ``uploads/<province>/<uuid>.<ext>`` (exact key,
   exact Content-Type, size capped, short expiry). Nothing under ``uploads/`` is ever served.
2. ``POST /reports`` names those upload keys. Before the report is stored, each upload is read,
   checked to be a real JPEG/PNG, stripped of Exif/GPS/XMP/text metadata and written to
   ``public/<province>/<hash>.<ext>``; the original is deleted. The report keeps only the public
   keys. The public name is a hash of the upload key: a retry of the same submission finds the
   same copy, and a viewer of the copy cannot derive the upload key.
3. Views show presigned GET links (minutes) of ``public/`` keys only.

This is the use case; ``chalicelib.data.photos`` talks to S3.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from msgspec import Struct

from chalicelib.errors import ValidationFailed
from chalicelib.privacy.exif import InvalidImage, image_kind, strip_metadata
from chalicelib.validation import EVIDENCE_UPLOAD_KEY, MAX_PHOTO_BYTES, PUBLIC_PHOTO_KEY

UPLOAD_TTL_SECONDS = 300
VIEW_TTL_SECONDS = 300
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}
CONTENT_TYPES = {ext: content_type for content_type, ext in EXTENSIONS.items()}
KINDS = {"jpg": "jpeg", "png": "png"}
UPLOAD_KEY = re.compile(EVIDENCE_UPLOAD_KEY)  # a citizen's upload, or an agency's evidence upload
PUBLIC_KEY = re.compile(PUBLIC_PHOTO_KEY)


class PhotoStore(Protocol):
    """Object storage for photos (S3 in ``chalicelib.data.photos``)."""

    def presigned_upload(
        self, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> dict[str, Any]: ...

    def size(self, key: str) -> int | None: ...

    def read(self, key: str, max_bytes: int) -> bytes: ...

    def write(self, key: str, data: bytes, content_type: str) -> None: ...

    def delete(self, key: str) -> None: ...

    def presigned_view(self, key: str, expires_in: int) -> str: ...


class UploadTicket(Struct, frozen=True):
    """Where and how the client uploads one photo, and the key to put in its report."""

    key: str
    url: str
    fields: dict[str, str]
    expires_in: int


def upload_parts(upload_key: str) -> tuple[str, str] | None:
    """(province, extension) of an upload key (``uploads/31/<hex>.jpg``), or None if it is not one."""
    if not UPLOAD_KEY.match(upload_key):
        return None
    _prefix, province, name = upload_key.split("/")
    return province, name.rpartition(".")[2]


def public_key_for(upload_key: str) -> str:
    """The cleaned copy's key: same province and extension, name hashed from the upload key."""
    parts = upload_parts(upload_key)
    if parts is None:
        raise ValueError(f"not an upload key: {upload_key!r}")
    digest = hashlib.sha256(upload_key.encode()).hexdigest()[:32]
    return f"public/{parts[0]}/{digest}.{parts[1]}"


def _invalid(message: str, code: str, key: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"photo": key})


class PhotoService:
    """Photos of one province."""

    def __init__(self, store: PhotoStore, province: str) -> None:
        self.store = store
        self.province = province

    def new_upload(self, content_type: str, size: int, *, prefix: str = "uploads") -> UploadTicket:
        """A presigned POST for one photo of at most ``size`` bytes (``evidence``: an agency's)."""
        ext = EXTENSIONS.get(content_type)
        if ext is None or not 0 < size <= MAX_PHOTO_BYTES:
            raise ValidationFailed(
                "Foto harus JPEG/PNG hingga 5 MB (JPEG or PNG up to 5 MB).", code="invalid_photo"
            )
        key = f"{prefix}/{self.province}/{uuid.uuid4().hex}.{ext}"
        post = self.store.presigned_upload(key, content_type, size, UPLOAD_TTL_SECONDS)
        return UploadTicket(
            key=key, url=post["url"], fields=dict(post["fields"]), expires_in=UPLOAD_TTL_SECONDS
        )

    def publish(self, upload_keys: Sequence[str]) -> tuple[str, ...]:
        """The cleaned public copies of this province's uploads (idempotent for retries)."""
        if len(set(upload_keys)) != len(upload_keys):
            raise ValidationFailed(
                "Foto yang sama dikirim dua kali (duplicate photo).", code="duplicate_photo"
            )
        return tuple(self.publish_cleaned(key, self.cleaned(key, self.original(key))) for key in upload_keys)

    def original(self, upload_key: str) -> bytes | None:
        """The upload as sent, checked to be a JPEG/PNG; None if an earlier try already published it."""
        parts = upload_parts(upload_key)
        if parts is None or parts[0] != self.province:
            raise _invalid(
                "Kunci foto tidak sah (not an upload of this province).", "invalid_photo_key", upload_key
            )
        if self.store.size(public_key_for(upload_key)) is not None:
            return None  # cleaned by an earlier try of this submission
        size = self.store.size(upload_key)
        if size is None:
            raise _invalid(
                "Foto belum diunggah atau kedaluwarsa (photo not uploaded).", "photo_not_found", upload_key
            )
        if size > MAX_PHOTO_BYTES:
            raise _invalid("Foto lebih dari 5 MB (photo too large).", "photo_too_large", upload_key)
        data = self.store.read(upload_key, MAX_PHOTO_BYTES)
        if image_kind(data) != KINDS[parts[1]]:
            raise _invalid(
                "Berkas bukan foto JPEG/PNG yang sah (not a JPEG/PNG).", "invalid_photo", upload_key
            )
        return data

    def cleaned(self, upload_key: str, data: bytes | None) -> bytes | None:
        """``data`` read by ``original`` without its metadata (None stays None); 422 if it is corrupt."""
        if data is None:
            return None
        try:
            return strip_metadata(data)
        except InvalidImage:
            raise _invalid(
                "Foto rusak atau tidak lengkap (corrupt image).", "invalid_photo", upload_key
            ) from None

    def publish_cleaned(self, upload_key: str, cleaned: bytes | None) -> str:
        """Write the cleaned copy (None: an earlier try did) and delete the upload; its public key."""
        public_key = public_key_for(upload_key)
        if cleaned is None:
            return public_key
        self.store.write(public_key, cleaned, CONTENT_TYPES[public_key.rsplit(".", 1)[1]])
        self.store.delete(upload_key)
        return public_key

    def public_key(self, upload_key: str) -> str:
        """Where the cleaned copy of ``upload_key`` is (or will be) published."""
        return public_key_for(upload_key)

    def read_public(self, public_key: str) -> bytes | None:
        """A published (cleaned) copy, or None if it is not there: this province's, or the origin's of a
        report handed over to it (every stage may read ``public/``)."""
        if not PUBLIC_KEY.match(public_key):
            return None
        if self.store.size(public_key) is None:
            return None
        return self.store.read(public_key, MAX_PHOTO_BYTES)

    def links(self, keys: Sequence[str]) -> list[str]:
        """Short-lived view links of the cleaned copies among ``keys`` (anything else is never served)."""
        return [self.store.presigned_view(key, VIEW_TTL_SECONDS) for key in keys if PUBLIC_KEY.match(key)]
