"""What a message's links open, and following a public report; inputs in ``chalicelib.api.schemas``.

Tokens travel in request bodies (the web pages read them from the URL fragment), never in a path or
query string, so no server or proxy log holds one.
"""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib import container
from chalicelib.api import ratelimit
from chalicelib.api.http import json_response, read_json
from chalicelib.api.inputs import report_ref
from chalicelib.api.responses import Followed, LinkInfo, Unsubscribed
from chalicelib.api.schemas import FollowIn, LinkConfirmIn, LinkIn, LinkReopenIn
from chalicelib.api.views import report_view
from chalicelib.errors import ValidationFailed
from chalicelib.observability import count
from chalicelib.validation import convert


def inspect(request: Request) -> Response:
    """``POST /links/inspect``: what a link is for (its report id), if it can still be used; a link used
    within its life answers 404 ``link_gone`` naming its report (``services.links.gone``)."""
    ratelimit.enforce(request, "links")
    body = convert(LinkIn, read_json(request))
    if body.purpose is None:
        raise ValidationFailed("purpose wajib (purpose is required).", code="purpose_required")
    info = container.link_actions().inspect(body.token, body.purpose)
    return json_response(LinkInfo(info.purpose, info.report_id, info.expires_at, info.public_words))


def confirm(request: Request) -> Response:
    """``POST /links/confirm``: confirm the link's report with a rating (the link works once)."""
    ratelimit.enforce(request, "links")
    body = convert(LinkConfirmIn, read_json(request))
    report = container.link_actions().respond(
        body.token, action="confirm", rating=body.rating, reason=body.comment
    )
    count("ReportsConfirmed")
    return json_response(report_view(report, full_content=False))


def reopen(request: Request) -> Response:
    """``POST /links/reopen``: reopen the link's report with a reason (the link works once)."""
    ratelimit.enforce(request, "links")
    body = convert(LinkReopenIn, read_json(request))
    report = container.link_actions().respond(body.token, action="reopen", reason=body.reason)
    count("ReportsReopened")
    return json_response(report_view(report, full_content=False))


def unsubscribe(request: Request) -> Response:
    """``POST /links/unsubscribe``: no more messages about the link's report on the link's channel."""
    ratelimit.enforce(request, "links")
    body = convert(LinkIn, read_json(request))
    report_id = container.link_actions().unsubscribe(body.token)
    count("Unsubscribed")
    return json_response(Unsubscribed(report_id))


def one_click(request: Request, token: str) -> Response:
    """``POST /links/unsubscribe/{token}``: RFC 8058 one-click unsubscribe, as a mail client sends it
    from an e-mail's ``List-Unsubscribe`` header (the only link whose token is in a path)."""
    ratelimit.enforce(request, "links")
    body = convert(LinkIn, {"token": token})
    report_id = container.link_actions().unsubscribe(body.token)
    count("Unsubscribed")
    return json_response(Unsubscribed(report_id))


def follow(request: Request, report_id: str) -> Response:
    """``POST /reports/{id}/follow``: 202; a confirmation e-mail goes to the address (double opt-in)."""
    ratelimit.enforce(request, "links")
    body = convert(FollowIn, read_json(request))
    followed = container.following().request(report_ref(report_id), body.email, body.language)
    return json_response(Followed(followed, "confirmation_sent"), 202)


def follow_confirm(request: Request) -> Response:
    """``POST /links/follow``: the confirmation link was opened; the address now follows the report."""
    ratelimit.enforce(request, "links")
    body = convert(LinkIn, read_json(request))
    report_id = container.following().confirm(body.token)
    count("Followers")
    return json_response(Followed(report_id, "following"))
