"""Citizen endpoints: submit, confirm or reopen, stop the reporter's news, categories, health, device
tokens; inputs as
``chalicelib.api.schemas`` declares them (tracking a report: ``chalicelib.api.status``)."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib import container
from chalicelib.api import ratelimit
from chalicelib.api.http import json_response, read_json
from chalicelib.api.inputs import headers_in, report_ref
from chalicelib.api.responses import Categories, CategoryItem, Health, Submitted, Unsubscribed
from chalicelib.api.schemas import ConfirmIn, ReopenIn, ReporterIn, SubmitReportIn
from chalicelib.api.views import report_view, status_view
from chalicelib.config import settings
from chalicelib.domain.private import Contact
from chalicelib.domain.report import Location, Visibility
from chalicelib.errors import RetryableUnavailable, ValidationFailed
from chalicelib.observability import count
from chalicelib.provinces.registry import registry
from chalicelib.services.intake import SubmitCommand
from chalicelib.validation import convert, problem


def submit(request: Request) -> Response:
    """``POST /reports``: 201 with the id, status and the reporter's secret."""
    ratelimit.enforce(request, "submit")
    body = convert(SubmitReportIn, read_json(request))
    headers = headers_in(request)
    command = SubmitCommand(
        category=body.category,
        description=body.description,
        location=Location(lat=body.location.lat, lon=body.location.lon, area_code=body.location.area_code),
        visibility=Visibility(body.visibility),
        address=body.address,
        contact=reporter_contact(body.reporter) if body.reporter else None,
    )
    result = container.intake().submit(
        command,
        photo_uploads=body.photos or (),
        idempotency_key=headers.idempotency_key,
        correlation_id=headers.correlation_id,
    )
    report = result.report
    payload = Submitted(report.id, status_view(report.status), result.secret, f"/reports/{report.id}")
    headers_out = {"Location": f"/reports/{report.id}"}
    if result.replayed:
        headers_out["Idempotent-Replayed"] = "true"
    else:
        count("ReportsSubmitted")
        with_category_metric("ReportsSubmittedByCategory", report.category)
    return json_response(payload, 201, headers_out)


def reporter_contact(reporter: ReporterIn) -> Contact:
    """The contact kept for the reporter; 422 ``notify_without_address`` if a channel lacks its address."""
    missing = [c for c in reporter.notify if not (reporter.email if c == "email" else reporter.phone)]
    if missing:
        raise ValidationFailed(
            f"Kabar lewat {missing[0]} perlu alamatnya (notify by {missing[0]} needs its address).",
            code="notify_without_address",
            details=[problem("reporter.notify", f"{missing[0]} tanpa alamat (no address)", "missing")],
        )
    channels = tuple(dict.fromkeys(reporter.notify))
    return Contact(reporter.name, reporter.phone, reporter.email, notify=channels, language=reporter.language)


def categories() -> Response:
    """``GET /categories``: the province's categories, Indonesian first."""
    province = registry().get(settings().province)
    items = [
        CategoryItem(c.code, c.name_id, c.name_en, c.icon, c.group, list(c.keywords))
        for c in province.data.categories
    ]
    return json_response(Categories(province.code, items))


def health() -> Response:
    """``GET /health``: the stage is up and knows its province."""
    current = settings()
    province = registry().get(current.province)
    return json_response(Health("ok", current.stage, province.code, province.name))


def with_category_metric(name: str, category: str) -> None:
    """One metric with the category as a dimension (EMF needs its own blob)."""
    from aws_lambda_powertools.metrics import MetricUnit, single_metric

    with single_metric(name=name, unit=MetricUnit.Count, value=1, namespace="Aduan") as metric:
        metric.add_dimension(name="province", value=settings().province)
        metric.add_dimension(name="category", value=category)


def confirm(request: Request, report_id: str) -> Response:
    """``POST /reports/{id}/confirm``: the reporter confirms the fix with a rating."""
    body = convert(ConfirmIn, read_json(request))
    headers = headers_in(request)
    report = container.feedback().respond(
        report_ref(report_id),
        headers.report_secret,
        action="confirm",
        rating=body.rating,
        reason=body.comment,
        idempotency_key=headers.idempotency_key,
    )
    count("ReportsConfirmed")
    return json_response(report_view(report, full_content=True))


def reopen(request: Request, report_id: str) -> Response:
    """``POST /reports/{id}/reopen``: the reporter says it is not fixed."""
    body = convert(ReopenIn, read_json(request))
    headers = headers_in(request)
    report = container.feedback().respond(
        report_ref(report_id),
        headers.report_secret,
        action="reopen",
        reason=body.reason,
        idempotency_key=headers.idempotency_key,
    )
    count("ReportsReopened")
    return json_response(report_view(report, full_content=True))


def unsubscribe(request: Request, report_id: str) -> Response:
    """``POST /reports/{id}/unsubscribe``: no more messages to the reporter about the report, by any
    channel (the secret in ``X-Report-Secret``; no body is read). Stopping twice answers the same."""
    headers = headers_in(request)
    stopped = container.reporter_notices().stop(report_ref(report_id), headers.report_secret)
    count("ReporterUnsubscribed")
    return json_response(Unsubscribed(stopped))


def new_device(request: Request) -> Response:
    """``POST /devices``: 201 ``{"token", "expires_in"}``; limited per address."""
    from chalicelib.api.devices import mint
    from chalicelib.api.responses import DeviceTokenIssued

    ratelimit.enforce(request, "devices")
    minted = mint()
    if minted is None:
        raise RetryableUnavailable(
            "Token perangkat tidak tersedia (device tokens are not configured).",
            retry_after=60,
            code="device_tokens_unavailable",
        )
    token, expires_in = minted
    return json_response(DeviceTokenIssued(token=token, expires_in=expires_in), 201)
