"""``POST /photos``: a presigned upload (``chalicelib.api.views.photo_links`` links cleaned copies)."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib import container
from chalicelib.api import ratelimit
from chalicelib.api.http import json_response, read_json
from chalicelib.api.responses import PhotoUpload, PresignedPost
from chalicelib.api.schemas import PhotoUploadIn
from chalicelib.validation import convert


def upload(request: Request) -> Response:
    """``POST /photos`` {content_type, size}: 201 with the key and a presigned POST (url + fields)."""
    ratelimit.enforce(request, "photos")
    body = convert(PhotoUploadIn, read_json(request))
    ticket = container.photos().new_upload(body.content_type, body.size)
    upload = PresignedPost(ticket.url, ticket.fields)
    return json_response(PhotoUpload(ticket.key, upload, ticket.expires_in, body.size), 201)
