"""The photo store: the only code that talks to S3.

Bucket from the stage's ``ADUAN_PHOTOS_BUCKET`` (a required variable), shared by every province (keys
start with ``uploads/<province>/`` or ``public/<province>/``). Presigned URLs are signed with
SigV4 for the stage's region; with a local endpoint (``AWS_ENDPOINT_URL``) path-style URLs are used.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from chalicelib.config import settings
from chalicelib.data.aws import CLIENT_CONFIG, client_error_code, translate_errors


def bucket_name() -> str:
    """The photos bucket of this deployment."""
    return settings().photos_bucket


@lru_cache(maxsize=2)
def _s3(local: bool) -> Any:
    style = "path" if local else "virtual"  # virtual + region gives the regional endpoint
    config = CLIENT_CONFIG.merge(Config(signature_version="s3v4", s3={"addressing_style": style}))
    return boto3.client("s3", region_name=settings().region, config=config)


def s3_client() -> Any:
    """The S3 client, created once per container."""
    return _s3(bool(os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")))


class S3PhotoStore:
    """Photos in S3."""

    def presigned_upload(
        self, key: str, content_type: str, max_bytes: int, expires_in: int
    ) -> dict[str, Any]:
        """A presigned POST for exactly ``key``, exactly ``content_type``, 1..``max_bytes`` bytes."""
        with translate_errors("presign photo upload"):
            return dict(
                s3_client().generate_presigned_post(
                    Bucket=bucket_name(),
                    Key=key,
                    Fields={"Content-Type": content_type},
                    Conditions=[
                        {"Content-Type": content_type},
                        ["content-length-range", 1, max_bytes],
                        ["starts-with", "$key", key.rsplit("/", 1)[0] + "/"],
                    ],
                    ExpiresIn=expires_in,
                )
            )

    def size(self, key: str) -> int | None:
        """The object's size in bytes, or None if there is no such object."""
        with translate_errors("read photo"):
            try:
                head = s3_client().head_object(Bucket=bucket_name(), Key=key)
            except ClientError as error:
                if client_error_code(error) in ("404", "NoSuchKey", "NotFound"):
                    return None
                raise
        return int(head["ContentLength"])

    def read(self, key: str, max_bytes: int) -> bytes:
        """At most ``max_bytes`` of the object."""
        with translate_errors("read photo"):
            body = s3_client().get_object(Bucket=bucket_name(), Key=key)["Body"]
            try:
                return bytes(body.read(max_bytes))
            finally:
                body.close()

    def write(self, key: str, data: bytes, content_type: str) -> None:
        """Store a cleaned photo (server-side encrypted)."""
        with translate_errors("store photo"):
            s3_client().put_object(
                Bucket=bucket_name(),
                Key=key,
                Body=data,
                ContentType=content_type,
                ContentDisposition="inline",
                CacheControl="private, max-age=300",
                ServerSideEncryption="AES256",
            )

    def delete(self, key: str) -> None:
        """Delete an object (a missing one is fine)."""
        with translate_errors("delete photo"):
            s3_client().delete_object(Bucket=bucket_name(), Key=key)

    def presigned_view(self, key: str, expires_in: int) -> str:
        """A presigned GET of ``key`` valid for ``expires_in`` seconds."""
        return str(
            s3_client().generate_presigned_url(
                "get_object",
                Params={"Bucket": bucket_name(), "Key": key, "ResponseContentDisposition": "inline"},
                ExpiresIn=expires_in,
            )
        )
