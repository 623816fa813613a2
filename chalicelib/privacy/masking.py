"""Keep reporter contact data, credentials and officers' accounts out of logs.

Two layers, applied to every line the Powertools logger writes (``PrivacyFormatter``) and to
records reaching the root logger's handlers (``PrivacyFilter``):

- fields named like contact data (``name``, ``phone``, ``email``, ``reporter``, ...), a credential
  (``authorization``, ``x-report-secret``, ``idempotency-key``, ...) or an officer's account
  (``acted_by``, ``sub``) are erased with Powertools data masking, wherever they are nested in the
  structured line;
- a regex safety net masks Indonesian phone numbers (``08…``, ``62 8…``, ``+62…``) and e-mail
  addresses in any text: messages, extra values, exception messages and stack traces.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from chalicelib.api.headers import DEVICE_TOKEN_HEADER, HEADER_NAMES

MASK = "*****"
PHONE_MASK = "[phone]"
EMAIL_MASK = "[email]"

# Keys whose values are reporter contact data, a credential or an officer's account (a Cognito
# ``sub`` may be an e-mail or a phone number) wherever they appear in a log line, headers included.
SENSITIVE_KEYS = frozenset(
    {
        "name",
        "reporter",
        "reporter_name",
        "first_name",
        "last_name",
        "phone",
        "phone_number",
        "email",
        "contact",
        HEADER_NAMES["report_secret"],
        "secret",
        "authorization",
        HEADER_NAMES["idempotency_key"],
        DEVICE_TOKEN_HEADER,
        "cookie",
        "acted_by",
        "sub",
    }
)

# 08xx-xxxx-xxxx, 021 555 0123, 62 8xx..., (+62) 8xx..., +62 (0)21 ...: 9-15 digits, optional spaces/dashes.
# Not preceded by a word character, '+', '-' or '.' (UUID segments, ISO dates, decimals stay readable).
PHONE = re.compile(
    r"(?<![\w+\-.])(?:\(?\+62\)?[\s\-]?(?:\(0\)[\s\-]?)?\d|(?:62[\s\-]?|0)[2-9]\d)(?:[\s\-]?\d){6,11}(?!\w)"
)
EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")


def scrub_text(text: str) -> str:
    """``text`` with phone numbers and e-mail addresses masked."""
    if "@" in text:
        text = EMAIL.sub(EMAIL_MASK, text)
    return PHONE.sub(PHONE_MASK, text)


def _sensitive_keys(value: Any, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and key.lower() in SENSITIVE_KEYS:
                found.add(key)
            _sensitive_keys(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _sensitive_keys(item, found)
    return found


def _scrub_values(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: _scrub_values(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_values(item) for item in value]
    return value


@lru_cache(maxsize=1)
def _masker() -> Any:
    # Imported on first need: jsonpath parsing is only paid for lines carrying contact fields.
    from aws_lambda_powertools.utilities.data_masking import DataMasking

    return DataMasking(raise_on_missing_field=False)


def erase_fields(data: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """``data`` with every value under one of ``keys`` (at any depth) erased by Powertools data masking."""
    paths = [f"$..['{key}']" for key in sorted(keys)]
    jsonable = json.loads(json.dumps(data, default=str))
    try:
        return dict(_masker().erase(jsonable, fields=paths))
    except Exception:  # never lose a log line to the masker: erase by hand instead
        return _erase_by_hand(jsonable, set(keys))


def _erase_by_hand(value: Any, keys: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: MASK if k in keys else _erase_by_hand(v, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [_erase_by_hand(v, keys) for v in value]
    return value


def mask_log(log: dict[str, Any]) -> dict[str, Any]:
    """A structured log line without contact fields, phone numbers or e-mails."""
    found = _sensitive_keys(log, set())
    masked = erase_fields(log, found) if found else log
    return dict(_scrub_values(masked))


class PrivacyFormatter(LambdaPowertoolsFormatter):
    """The Powertools JSON formatter, masking contact data before and after serialising."""

    def serialize(self, log: dict[str, Any]) -> str:  # type: ignore[override]
        """The JSON line, masked; the text pass also covers what serialising produced."""
        return scrub_text(super().serialize(mask_log(log)))


class PrivacyFilter(logging.Filter):
    """Masks phone numbers and e-mails in plain ``logging`` records (message and exception text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's text in place; never drops a record."""
        try:
            message = record.getMessage()
        except Exception:
            return True
        scrubbed = scrub_text(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_text(record.exc_text)
        return True


def protect_root_logging() -> None:
    """Add ``PrivacyFilter`` to the root logger's handlers (Lambda's runtime handler), once each."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, PrivacyFilter) for f in handler.filters):
            handler.addFilter(PrivacyFilter())
