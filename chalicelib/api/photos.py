"""Photo endpoints and links: ``POST /photos`` gives a presigned upload; views link cleaned copies."""

from __future__ import annotations

from collections.abc import Sequence

from chalice.app import Request, Response

from chalicelib import container
from chalicelib.api import ratelimit
from chalicelib.api.http import json_response, read_json
from chalicelib.api.responses import PhotoUpload, PresignedPost
from chalicelib.api.schemas import PhotoUploadIn
from chalicelib.privacy.photos import PUBLIC_KEY
from chalicelib.validation import convert


def upload(request: Request) -> Response:
    """``POST /photos`` {content_type, size}: 201 with the key and a presigned POST (url + fields)."""
    ratelimit.enforce(request, "photos")
    body = convert(PhotoUploadIn, read_json(request))
    ticket = container.photos().new_upload(body.content_type, body.size)
    upload = PresignedPost(ticket.url, ticket.fields)
    return json_response(PhotoUpload(ticket.key, upload, ticket.expires_in, body.size), 201)


def photo_links(keys: Sequence[str]) -> list[str]:
    """Presigned GET links (minutes) of the cleaned copies among ``keys``; nothing else is ever linked."""
    public = [key for key in keys if PUBLIC_KEY.match(key)]
    return container.photos().links(public) if public else []
