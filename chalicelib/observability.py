"""Powertools logger, metrics and tracer, created once and shared."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

from chalicelib.privacy.masking import PrivacyFormatter, protect_root_logging

# Every line is masked: reporter contact fields erased, phone numbers and e-mails replaced.
logger = Logger(service="aduan-api", logger_formatter=PrivacyFormatter())
metrics = Metrics(namespace="Aduan", service="aduan-api")
tracer = Tracer(service="aduan-api")
protect_root_logging()
