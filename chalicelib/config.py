"""Stage settings, from the stage's environment variables, with no defaults for what a stage is.

Every variable of ``REQUIRED`` must be set (``.chalice/config.json`` sets them per stage, the package
or the local stack the hand-over key), and so must the auth variables (``auth_variables()``: the
package's stack parameters, locally the development issuer), and, in the API and notify functions,
``ADUAN_ADDRESS_KEY`` (``address_key()``: a stack parameter, locally a development key).
Optional variables may be unset, but one
that is set must be valid. Each variable's rule is written here, once; the modules that use them read
them through these functions. ``check_stage()`` checks them all when ``app.py`` is imported, so a
misconfigured stage fails at Lambda init, for the API and every event handler alike, with a
``ConfigurationError`` naming the variable.

Settings are read when asked, not cached across environments: ``chalice.test.Client`` applies a
stage's variables only while a request runs, and tests serve several stages in one process.
"""

from __future__ import annotations

import json
import math
import os
import re
import string
from functools import lru_cache
from typing import cast

from msgspec import Struct

from chalicelib.provinces.registry import DATA_DIR

HANDOVER_KEY_VARIABLE = "ADUAN_HANDOVER_KEY"  # where the hand-over signing key is: ``ssm:/...`` or ``dev``
DEV_HANDOVER_KEY = "dev"  # development keys: the local stack and tests (chalicelib/data/handover_keys.py)
# Each required variable and the setting it gives, in the order they are checked.
REQUIRED = {
    "ADUAN_STAGE": "stage",
    "ADUAN_PROVINCE": "province",
    "ADUAN_REPORTS_TABLE": "reports_table",
    "ADUAN_PRIVATE_TABLE": "private_table",
    "ADUAN_INTAKE_QUEUE": "intake_queue",
    "ADUAN_ESCALATION_QUEUE": "escalation_queue",
    "ADUAN_NOTIFY_QUEUE": "notify_queue",
    "ADUAN_PHOTOS_BUCKET": "photos_bucket",
    HANDOVER_KEY_VARIABLE: "handover_key",
    "ADUAN_NOTIFY_SENDER": "notify_sender",
    "ADUAN_SMS_SENDER_ID": "sms_sender_id",
    "ADUAN_NOTIFY_REGION": "notify_region",
    "ADUAN_PUBLIC_URL": "public_url",
}
PUBLIC_URL_MAX = 48  # keeps every SMS with a link within one segment (tests/unit/test_notice_texts.py)
# ... as do its characters: letters, digits and a few signs of GSM-7's basic set ("~", "^", "|", "["
# and "{" are in its escape table, and most other signs not in GSM-7 at all: texts.fits_one_segment)
PUBLIC_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._/-]*)?")
# An address's user name and password (``https://user:password@host``): never quoted in an error. Up to
# the last "@": a password may hold an unescaped "/", "?", "#" or "@" (whatever a browser then makes of
# it), and an "@" further on in a path or query masks the host too, rather than show a password.
USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://).*@", re.DOTALL)
# Who signs agency tokens: issuer and audience, and exactly one of the JWKS file (the local
# development issuer's) and the JWKS URL (https: the user pool's).
AUTH_VARIABLES = ("ADUAN_AUTH_ISSUER", "ADUAN_AUTH_AUDIENCE", "ADUAN_AUTH_JWKS_FILE", "ADUAN_AUTH_JWKS_URL")
# The HMAC key of e-mail addresses in keys (suppressions, follower ids: chalicelib/notices/recipients.py).
# Never rotated: a new key would orphan every suppression kept under the old one. Required by the
# functions that hash addresses (``ADDRESS_KEY_HANDLERS``: the API's follow requests, the notify
# handler), which do not start without it; the others are not given it.
ADDRESS_KEY_VARIABLE = "ADUAN_ADDRESS_KEY"
SECRET_MIN_LENGTH = 32  # characters of an HMAC key given as a variable (the address key, the device key)
# Chalice's names of those functions: Lambda starts each as ``app.<name>`` (its ``_HANDLER``), and
# infra/templates/package_merge.py gives the key to these only.
ADDRESS_KEY_HANDLERS = ("app", "notify")
# Optional variables (unset is fine; a set one must be valid).
DEVICE_KEY_VARIABLE = "ADUAN_DEVICE_KEY"  # HMAC key of device tokens (chalicelib/api/devices.py)
DEVICE_TOKEN_DAYS_VARIABLE = "ADUAN_DEVICE_TOKEN_DAYS"  # how long a device token is accepted
DEVICE_TOKEN_DEFAULT_DAYS = 30.0
OPEN311_KEYS_VARIABLE = "ADUAN_OPEN311_KEYS"  # Open311 api key hashes (chalicelib/open311/keys.py)
OPEN311_CONTACT_VARIABLE = "ADUAN_OPEN311_CONTACT"  # the contact Open311 discovery names
OPEN311_CONTACT_MAX_LENGTH = 200
# The public write and read endpoints' rate limits (chalicelib/api/ratelimit.py): each is
# ``<prefix>_RATE_PER_MINUTE`` and ``<prefix>_BURST``; a rate of 0 turns it off.
RATE_LIMITS = {
    # limit: (variable prefix, default per minute, default burst)
    "submit": ("ADUAN_SUBMIT", 30.0, 10.0),  # per address, no device token
    "submit_keyless": ("ADUAN_SUBMIT_KEYLESS", 300.0, 300.0),  # all requests without a device token
    "submit_device": ("ADUAN_SUBMIT_DEVICE", 10.0, 10.0),
    "submit_address": ("ADUAN_SUBMIT_ADDRESS", 600.0, 600.0),
    "photos": ("ADUAN_PHOTO", 60.0, 20.0),  # per address, no device token
    "photos_keyless": ("ADUAN_PHOTO_KEYLESS", 300.0, 300.0),
    "photos_device": ("ADUAN_PHOTO_DEVICE", 20.0, 20.0),
    "photos_address": ("ADUAN_PHOTO_ADDRESS", 1200.0, 1200.0),
    "devices": ("ADUAN_DEVICE", 600.0, 600.0),  # device tokens minted per address
    "open311": ("ADUAN_OPEN311", 120.0, 30.0),  # per api key
    "nearby": ("ADUAN_NEARBY", 120.0, 30.0),  # map reads per address, no device token
    "nearby_keyless": ("ADUAN_NEARBY_KEYLESS", 1200.0, 1200.0),
    "nearby_device": ("ADUAN_NEARBY_DEVICE", 120.0, 30.0),
    "nearby_address": ("ADUAN_NEARBY_ADDRESS", 3000.0, 3000.0),
    "support": ("ADUAN_SUPPORT", 30.0, 10.0),  # per address, no device token
    "support_keyless": ("ADUAN_SUPPORT_KEYLESS", 300.0, 300.0),
    "support_device": ("ADUAN_SUPPORT_DEVICE", 30.0, 10.0),
    "support_address": ("ADUAN_SUPPORT_ADDRESS", 600.0, 600.0),
    "links": ("ADUAN_LINKS", 30.0, 10.0),  # follow requests, link tokens tried; per address, no device token
    "links_keyless": ("ADUAN_LINKS_KEYLESS", 300.0, 300.0),
    "links_device": ("ADUAN_LINKS_DEVICE", 30.0, 10.0),
    "links_address": ("ADUAN_LINKS_ADDRESS", 600.0, 600.0),
}
RATE_LIMIT_SUFFIXES = ("_RATE_PER_MINUTE", "_BURST")
# Follow confirmation e-mails one address may be sent per province, in a window from the first
# (the notify handler counts them under the address's keyed hash; past it none goes out and the
# API answers the same): a citizen following a handful of reports a day is served, and no one can
# make Aduan mail a stranger's inbox more than this by asking to follow many reports (docs/security.md).
FOLLOW_MAILS_PER_ADDRESS = 5
FOLLOW_MAIL_WINDOW_HOURS = 24
# Naming conventions shared by every province (infra/naming.py creates the queues by them).
ESCALATION_TEMPLATE_VARIABLE = "ADUAN_ESCALATION_QUEUE_TEMPLATE"  # optional: another naming scheme
AGENCY_TEMPLATE_VARIABLE = "ADUAN_AGENCY_QUEUE_TEMPLATE"
PUBLIC_API_URL_VARIABLE = "ADUAN_PUBLIC_API_URL"  # optional: one-click unsubscribe on the API
PUBLIC_BASE_URL_VARIABLE = "ADUAN_PUBLIC_BASE_URL"  # optional: Open311 discovery's endpoint address
ESCALATION_QUEUE_TEMPLATE = "aduan-{province}-escalation.fifo"
AGENCY_QUEUE_TEMPLATE = "aduan-{province}-agency-{agency}"
QUARANTINE_QUEUE_TEMPLATE = "aduan-{province}-quarantine"
DEFAULT_REGION = "ap-southeast-3"


class ConfigurationError(RuntimeError):
    """A stage variable is missing (when required) or invalid; the message names it."""


class Settings(Struct, frozen=True):
    """What a stage is: its province, the names of its resources, where its notices come from."""

    stage: str
    province: str
    reports_table: str
    private_table: str
    intake_queue: str
    escalation_queue: str
    notify_queue: str
    photos_bucket: str
    handover_key: str  # where the hand-over signing key is: ``ssm:/<parameter>``, or ``dev``
    notify_sender: str  # the verified SES identity notices are sent from
    sms_sender_id: str  # 1-11 letters or digits
    notify_region: str  # where SES and SNS SMS are used
    public_url: str  # the province's web site, for links in notices (no trailing slash)
    region: str


def escalation_queue_for(province: str) -> str:
    """Any province's inbound escalation queue, by the shared convention (no stage needed)."""
    return _queue_template(ESCALATION_TEMPLATE_VARIABLE, ESCALATION_QUEUE_TEMPLATE).format(province=province)


def quarantine_queue_for(province: str) -> str:
    """A province's queue of refused hand-overs, by the shared convention."""
    return QUARANTINE_QUEUE_TEMPLATE.format(province=province)


def agency_queue_for(province: str, agency: str) -> str:
    """An agency's work queue, by the shared convention (no stage needed)."""
    template = _queue_template(AGENCY_TEMPLATE_VARIABLE, AGENCY_QUEUE_TEMPLATE)
    return template.format(province=province, agency=agency)


def _queue_template(name: str, default: str) -> str:
    """A queue-name template from ``name`` (``default`` when unset): the same fields as ``default``,
    each once, otherwise only what an SQS queue name may hold, and FIFO (``.fifo``) exactly when
    ``default`` is."""
    template = os.environ.get(name, "").strip() or default
    wanted = sorted(field for _, field, _, _ in string.Formatter().parse(default) if field)
    try:
        fields = sorted(field for _, field, _, _ in string.Formatter().parse(template) if field is not None)
    except ValueError:
        fields = []
    literal = re.sub(r"\{[a-z]+\}", "", template).removesuffix(".fifo")
    fifo = template.endswith(".fifo") == default.endswith(".fifo")
    if fields != wanted or not fifo or not re.fullmatch(r"[A-Za-z0-9_-]*", literal):
        raise ConfigurationError(
            f"{name} must be a{' FIFO' if default.endswith('.fifo') else ''} queue name with "
            f"{' and '.join('{' + f + '}' for f in wanted)} once each (like {default!r}), not {template!r}"
        )
    return template


def shown(value: str) -> str:
    """``value`` as an error may quote it: an address's user name and password as ``***``."""
    return USERINFO.sub(r"\1***@", value)


def has_userinfo(value: str) -> bool:
    """Whether an address carries a user name or password (what ``shown`` masks)."""
    return USERINFO.match(value) is not None


def optional_url(name: str) -> str | None:
    """An optional http(s) address without a trailing slash; None when the variable is unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if has_userinfo(raw) or not re.fullmatch(r"https?://[^\s/?#@]+(/[^\s?#]*)?", raw):
        raise ConfigurationError(
            f"{name} must be an http(s) address without user name, password, query or fragment, "
            f"not {shown(raw)!r}"
        )
    return raw.rstrip("/")


def settings() -> Settings:
    """The current stage's settings; ``ConfigurationError`` naming the first bad variable."""
    env = os.environ
    return _settings(
        tuple(env.get(name, "").strip() for name in REQUIRED),
        _queue_template(ESCALATION_TEMPLATE_VARIABLE, ESCALATION_QUEUE_TEMPLATE),
        env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION,
    )


@lru_cache(maxsize=16)
def _settings(required: tuple[str, ...], escalation_template: str, region: str) -> Settings:
    """Checked settings of one set of values (cached: handlers ask several times per event)."""
    values = dict(zip(REQUIRED, required, strict=True))
    for name, value in values.items():
        if not value:
            raise ConfigurationError(f"{name} is not set: every stage must set {', '.join(REQUIRED)}")
    values["ADUAN_PUBLIC_URL"] = values["ADUAN_PUBLIC_URL"].rstrip("/")
    current = Settings(region=region, **{REQUIRED[name]: value for name, value in values.items()})
    province = current.province
    if not province.isdecimal() or not (DATA_DIR / f"{province}.json").is_file():
        raise ConfigurationError(
            f"ADUAN_PROVINCE={province!r} is not a province with a data file in chalicelib/provinces/data/"
        )
    if current.handover_key != DEV_HANDOVER_KEY and not current.handover_key.startswith("ssm:/"):
        raise ConfigurationError(
            f"{HANDOVER_KEY_VARIABLE} must be 'ssm:/<parameter name>' (deployed) or '{DEV_HANDOVER_KEY}' "
            "(local): its value is not repeated here, in case it is the key itself"
        )
    expected = escalation_template.format(province=province)
    if current.escalation_queue != expected:
        raise ConfigurationError(
            f"ADUAN_ESCALATION_QUEUE={current.escalation_queue!r} is not province {province}'s "
            f"escalation queue {expected!r}, where other provinces send"
        )
    if not re.fullmatch(r"[A-Za-z0-9]{1,11}", current.sms_sender_id):
        raise ConfigurationError(
            f"ADUAN_SMS_SENDER_ID must be 1-11 letters or digits, not {current.sms_sender_id!r}"
        )
    url = current.public_url
    if len(url) > PUBLIC_URL_MAX or not PUBLIC_URL.fullmatch(url):
        raise ConfigurationError(
            f"ADUAN_PUBLIC_URL must be an http(s) address of at most {PUBLIC_URL_MAX} characters, in "
            f"letters, digits and . - _ / : (one SMS segment), not {shown(url)!r}"
        )
    return current


def auth_variables() -> tuple[str, str, str | None, str | None]:
    """``(issuer, audience, jwks_file, jwks_url)`` of the stage's agency tokens, checked."""
    issuer, audience, jwks_file, jwks_url = (os.environ.get(name, "").strip() for name in AUTH_VARIABLES)
    missing = [name for name, value in zip(AUTH_VARIABLES[:2], (issuer, audience), strict=True) if not value]
    if not (jwks_file or jwks_url):
        missing.append("ADUAN_AUTH_JWKS_FILE or ADUAN_AUTH_JWKS_URL")
    if missing:
        raise ConfigurationError(
            f"{', '.join(missing)} not set: every stage names who signs its agencies' tokens"
        )
    if jwks_file and jwks_url:
        raise ConfigurationError("Set only one of ADUAN_AUTH_JWKS_FILE and ADUAN_AUTH_JWKS_URL.")
    if jwks_url and not jwks_url.startswith("https://"):
        raise ConfigurationError(f"ADUAN_AUTH_JWKS_URL must be https, not {shown(jwks_url)!r}")
    if jwks_file and not os.path.isfile(jwks_file):
        raise ConfigurationError(
            f"ADUAN_AUTH_JWKS_FILE={jwks_file!r} is not a file: no key could check a token"
        )
    return issuer, audience, jwks_file or None, jwks_url or None


def _secret(variable: str, *, required: bool = False, also: str = "") -> bytes | None:
    """The HMAC key ``variable`` holds (None when unset and not ``required``); ``ConfigurationError``
    naming it when shorter than ``SECRET_MIN_LENGTH`` (its value is never repeated)."""
    raw = os.environ.get(variable, "")
    if not raw and not required:
        return None
    if len(raw) < SECRET_MIN_LENGTH:
        raise ConfigurationError(
            f"{variable} must be a random secret of at least {SECRET_MIN_LENGTH} characters{also}, "
            f"not {len(raw)}"
        )
    return raw.encode()


def device_key() -> bytes | None:
    """``ADUAN_DEVICE_KEY``, the HMAC key of device tokens; None when unset."""
    return _secret(DEVICE_KEY_VARIABLE)


def address_key() -> bytes:
    """``ADUAN_ADDRESS_KEY``, the HMAC key of stored e-mail addresses; ``ConfigurationError`` naming it
    when unset or short."""
    return cast(bytes, _secret(ADDRESS_KEY_VARIABLE, required=True, also=", never rotated"))


def needs_address_key() -> bool:
    """Whether this function hashes addresses: Lambda's ``_HANDLER`` is one of ``ADDRESS_KEY_HANDLERS``,
    or unset (the local stack and tests, where one process serves every handler)."""
    handler = os.environ.get("_HANDLER")
    return handler is None or handler in {f"app.{name}" for name in ADDRESS_KEY_HANDLERS}


def device_token_days() -> float:
    """``ADUAN_DEVICE_TOKEN_DAYS``, how long a device token is accepted; ``DEVICE_TOKEN_DEFAULT_DAYS``
    when unset."""
    days = optional_number(DEVICE_TOKEN_DAYS_VARIABLE, positive=True)
    return DEVICE_TOKEN_DEFAULT_DAYS if days is None else days


def open311_contact() -> str | None:
    """``ADUAN_OPEN311_CONTACT``, the contact Open311 discovery names (one line of printable text);
    None when unset. An error never repeats the value (it may be a contact's address)."""
    raw = os.environ.get(OPEN311_CONTACT_VARIABLE, "").strip()
    if not raw:
        return None
    if len(raw) > OPEN311_CONTACT_MAX_LENGTH or not raw.isprintable():
        raise ConfigurationError(
            f"{OPEN311_CONTACT_VARIABLE} must be one line of at most {OPEN311_CONTACT_MAX_LENGTH} printable "
            f"characters (no control or invisible formatting characters), not {len(raw)} characters"
        )
    return raw


def optional_number(name: str, *, positive: bool = False) -> float | None:
    """A finite number at least 0 (above 0 if ``positive``), or None when the variable is unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        kind = "a number above 0" if positive else "a number, 0 or more"
        raise ConfigurationError(f"{name} must be {kind}, not {raw!r}")
    return value


def open311_key_hashes() -> dict[str, str]:
    """``ADUAN_OPEN311_KEYS``: the SHA-256 hex digest of each Open311 api key -> its client's name
    (lower-case digests); empty when unset."""
    raw = os.environ.get(OPEN311_KEYS_VARIABLE, "").strip()
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or not all(
        re.fullmatch(r"[0-9a-fA-F]{64}", digest) and isinstance(name, str) for digest, name in parsed.items()
    ):
        raise ConfigurationError(
            f'{OPEN311_KEYS_VARIABLE} must be a JSON object {{"<sha256 hex of an api key>": "<client name>"}}'
        )
    return {digest.lower(): client for digest, client in parsed.items()}


def check_stage() -> Settings:
    """Every stage variable checked, as ``app.py``'s import does: the required ones set and valid,
    the optional ones valid where set; ``ConfigurationError`` naming the first bad one."""
    current = settings()
    auth_variables()
    device_key()
    if needs_address_key() or os.environ.get(ADDRESS_KEY_VARIABLE):
        address_key()
    device_token_days()
    open311_key_hashes()
    open311_contact()
    _queue_template(AGENCY_TEMPLATE_VARIABLE, AGENCY_QUEUE_TEMPLATE)
    optional_url(PUBLIC_API_URL_VARIABLE)
    optional_url(PUBLIC_BASE_URL_VARIABLE)
    prefixes = {prefix for prefix, _, _ in RATE_LIMITS.values()}
    for name in sorted(os.environ):
        if name.startswith("ADUAN_") and name.endswith(RATE_LIMIT_SUFFIXES):
            if name.removesuffix("_BURST").removesuffix("_RATE_PER_MINUTE") not in prefixes:
                raise ConfigurationError(
                    f"{name} is not a rate limit: the limits are {', '.join(sorted(prefixes))} "
                    f"with {' or '.join(RATE_LIMIT_SUFFIXES)}"
                )
            optional_number(name)
    return current


def event_source_names() -> tuple[str, str, str]:
    """Queue names the stage's event handlers subscribe to, read at ``app.py`` import once
    ``check_stage()`` passed.

    Chalice binds event sources when ``app.py`` is imported; the CLI and the local stack apply the
    stage's variables before importing it.
    """
    current = check_stage()
    return current.intake_queue, current.escalation_queue, current.notify_queue
