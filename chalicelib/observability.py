"""Powertools logger, metrics and tracer, created once and shared."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger(service="aduan-api")
metrics = Metrics(namespace="Aduan", service="aduan-api")
tracer = Tracer(service="aduan-api")
