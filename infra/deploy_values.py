"""A stage's deploy values: what replaces the local stand-ins of ``.chalice/config.json`` in its package.

``aduan region add`` gives a stage settings that work on the local stack (``notify_stage_variables``
in ``infra/naming.py``): its web site and API on 127.0.0.1, a sender on ``aduan.example.id`` and
``ADUAN_LOCAL_PORT``. The operator gives the real ones in the stage's ``deploy_environment_variables``::

    "jawa-tengah": {
      "environment_variables": {...},
      "deploy_environment_variables": {
        "ADUAN_PUBLIC_URL": "https://aduan.jatengprov.go.id",
        "ADUAN_PUBLIC_API_URL": "https://api.aduan.jatengprov.go.id/api",
        "ADUAN_NOTIFY_SENDER": "no-reply@aduan.jatengprov.go.id"
      }
    }

They replace the stage's ``environment_variables`` of the same name in its package only (``null``
leaves the variable out), so ``make run`` keeps the local ones. ``python -m infra.package`` refuses
a stage whose package would still carry a loopback, private or link-local address (also inside an IPv6
one: IPv4-mapped, IPv4-compatible, 6to4, NAT64, Teredo), a private network
name (``.local``, ``.internal``), an example domain, a user name or password, or plain http in its public
addresses (citizens open them from SMS and e-mail), naming the variable without repeating a password;
``aduan region check`` warns about it, in Bahasa Indonesia first with the English alongside
(``stage_deploy_texts``). ``ADUAN_LOCAL_PORT`` never reaches
a package.
"""

from __future__ import annotations

import ipaddress
import socket
import string
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from chalicelib.config import PUBLIC_URL, PUBLIC_URL_MAX, has_userinfo, shown
from chalicelib.texts import Text

DEPLOY_VARIABLES = "deploy_environment_variables"
LOCAL_ONLY_VARIABLES = frozenset({"ADUAN_LOCAL_PORT"})
# Domains that are no one's: a label "example" (example.com, the stand-in aduan.example.id) or a
# top-level domain reserved for tests and documentation (RFC 2606, RFC 6761).
PLACEHOLDER_LABELS = frozenset({"example"})
RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})
# Names that resolve inside one network only: multicast DNS (.local, RFC 6762), ICANN's private-use
# .internal, the home network's home.arpa (RFC 8375), and the usual router and intranet suffixes.
PRIVATE_TLDS = frozenset({"local", "internal", "home.arpa", "lan", "localdomain", "intranet", "corp", "home"})
# Checked variable -> what to set instead.
WHAT_TO_SET = {
    "ADUAN_PUBLIC_URL": Text(
        f"situs web publik provinsi, https://... (paling banyak {PUBLIC_URL_MAX} karakter: huruf, angka "
        "dan . - _ / :)",
        f"the province's public web site, https://... (at most {PUBLIC_URL_MAX} characters: letters, "
        "digits and . - _ / :)",
    ),
    "ADUAN_PUBLIC_API_URL": Text(
        "alamat API publik tahap ini, https://... (domain kustomnya atau EndpointURL stack-nya), atau null "
        "untuk menghilangkannya (header berhenti berlangganan lalu menyebut halaman web)",
        "the stage's public API address, https://... (its custom domain or the stack's EndpointURL), "
        "or null to leave it out (unsubscribe headers then name the web page)",
    ),
    "ADUAN_NOTIFY_SENDER": Text(
        "alamat dari domain yang terverifikasi di SES, mis. no-reply@aduan.<provinsi>.go.id",
        "an address of a domain verified in SES, e.g. no-reply@aduan.<province>.go.id",
    ),
    "ADUAN_PUBLIC_BASE_URL": Text(
        "alamat publik endpoint Open311, https://..., atau null untuk menghilangkannya (discovery lalu "
        "menyebut host permintaan)",
        "the Open311 endpoint's public address, https://..., or null to leave it out (discovery then "
        "names the request's host)",
    ),
}
# Why a value is not a deployed one.
LOCAL_ADDRESS = Text("alamat lokal", "a local address")
NOT_PUBLIC = Text("bukan alamat publik", "not a public address")
NOT_AN_ADDRESS = Text("bukan alamat", "not an address")
PRIVATE_NAME = Text("nama jaringan privat", "a private network name")
EXAMPLE_DOMAIN = Text("domain contoh", "an example domain")
WITH_USERINFO = Text("berisi nama pengguna atau kata sandi", "with a user name or password")
TOO_LONG_FOR_SMS = Text(
    "terlalu panjang atau berisi karakter yang tidak muat di tautan SMS satu segmen",
    "too long or with characters an SMS link cannot carry in one segment",
)
NOT_HTTPS = Text("bukan https", "not https")
REQUIRED = ("ADUAN_PUBLIC_URL", "ADUAN_NOTIFY_SENDER")
# NAT64 (RFC 6052): the well-known prefix carries an IPv4 address in its last 32 bits and leads to it; the
# local-use prefix (RFC 8215) is one network's own, whatever it carries.
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")
# The old IPv4-compatible form (RFC 4291, deprecated): ``::10.0.0.1`` carries 10.0.0.1 in its last 32 bits
# (``::`` and ``::1`` are IPv6's own unspecified and loopback addresses).
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# Prefixes whose last 32 bits are the IPv4 address the IPv6 one stands for.
IPV4_IN_LAST_32_BITS = (NAT64_WELL_KNOWN, IPV4_COMPATIBLE)


def stage_variables(entry: Mapping[str, Any]) -> dict[str, str]:
    """A stage entry's own variables as its package carries them: deploy values over the local ones."""
    variables = {**entry.get("environment_variables", {}), **entry.get(DEPLOY_VARIABLES, {})}
    return {
        name: str(value)
        for name, value in variables.items()
        if value is not None and name not in LOCAL_ONLY_VARIABLES
    }


def deploy_environment(config: Mapping[str, Any], stage: str) -> dict[str, str]:
    """Every variable a package of ``stage`` carries: the config's, then the stage's with its deploy values
    (chalice gives a stage's variables over the config's)."""
    shared = {
        name: str(value)
        for name, value in config.get("environment_variables", {}).items()
        if name not in LOCAL_ONLY_VARIABLES
    }
    return {**shared, **stage_variables(config.get("stages", {}).get(stage, {}))}


def _numeric(label: str) -> bool:
    return label.isdigit() or (label[:2] == "0x" and all(c in string.hexdigits for c in label[2:]))


def _ip_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``host`` names literally, or None for a name. A host whose last label is a number is
    an IPv4 address to a browser (``10.1``, ``0xa000001`` and ``167772161`` all open 10.0.0.1): it is
    read as ``inet_aton`` reads it. Raises ValueError for such a host that is no address."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if not _numeric(host.rsplit(".", 1)[-1]):
            return None
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            raise ValueError(host) from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    return address


def _ipv4_inside(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries and leads to: 6to4 (``2002:a00:1::`` is 10.0.0.1), NAT64's
    well-known prefix (``64:ff9b::a00:1``), the IPv4-compatible form (``::10.0.0.1``), Teredo's client
    (IPv4-mapped ones are read as IPv4 already)."""
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in prefix for prefix in IPV4_IN_LAST_32_BITS) and int(address) > 1:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return address.teredo[1] if address.teredo is not None else None


def _address_problem(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> Text | None:
    if address.is_loopback or address.is_unspecified:
        return LOCAL_ADDRESS
    # not is_global: IANA's special-purpose registries, i.e. private (10/8, 172.16/12, 192.168/16,
    # fc00::/7), link-local (169.254/16, fe80::/10), shared (100.64/10), documentation, reserved
    if not address.is_global or address.is_multicast:
        return NOT_PUBLIC
    if isinstance(address, ipaddress.IPv6Address) and address in NAT64_LOCAL_USE:
        return NOT_PUBLIC
    return None


def _host_problem(host: str) -> Text | None:
    """Why a host name or address is not a deployed one; None when it may be."""
    host = host.lower().rstrip(".")
    try:
        address = _ip_address(host)
    except ValueError:
        return NOT_AN_ADDRESS
    if address is None:
        labels = host.split(".")
        if labels[-1] == "localhost":
            return LOCAL_ADDRESS
        if labels[-1] in PRIVATE_TLDS or ".".join(labels[-2:]) in PRIVATE_TLDS:
            return PRIVATE_NAME
        if PLACEHOLDER_LABELS & set(labels) or labels[-1] in RESERVED_TLDS:
            return EXAMPLE_DOMAIN
        return None
    # an IPv6 address that carries an IPv4 one is refused for either
    inside = _ipv4_inside(address) if isinstance(address, ipaddress.IPv6Address) else None
    return (_address_problem(inside) if inside is not None else None) or _address_problem(address)


def _value_problem(name: str, value: str) -> Text | None:
    if name == "ADUAN_NOTIFY_SENDER":
        host = value.rpartition("@")[2] if "@" in value else ""
        return _host_problem(host) if host else NOT_AN_ADDRESS
    if has_userinfo(value):  # citizens and clients would get the credentials with every link
        return WITH_USERINFO
    url = urlsplit(value)
    if not url.hostname:
        return NOT_AN_ADDRESS
    if name == "ADUAN_PUBLIC_URL" and (len(value) > PUBLIC_URL_MAX or not PUBLIC_URL.fullmatch(value)):
        return TOO_LONG_FOR_SMS
    # links in SMS and e-mail carry one-use tokens: never over plain http
    return _host_problem(url.hostname) or (None if url.scheme == "https" else NOT_HTTPS)


def local_value_texts(environment: Mapping[str, str], stage: str) -> list[Text]:
    """One text per checked variable that would carry a local stand-in into AWS, saying what to set.

    The Indonesian starts with the variable's name and a colon, as the English starts with its name.
    """
    where = Text(
        f"setel di stages.{stage}.{DEPLOY_VARIABLES} dalam .chalice/config.json",
        f"set it under stages.{stage}.{DEPLOY_VARIABLES} in .chalice/config.json",
    )
    problems = []
    for name, wanted in WHAT_TO_SET.items():
        value = (environment.get(name) or "").strip()
        if not value:
            if name in REQUIRED:
                problems.append(
                    Text(
                        f"{name}: belum disetel; {where.indonesian} menjadi {wanted.indonesian}",
                        f"{name} is not set: {where.english} to {wanted.english}",
                    )
                )
            continue
        why = _value_problem(name, value)
        if why is not None:
            problems.append(
                Text(
                    f"{name}: {shown(value)!r} ({why.indonesian}); "
                    f"{where.indonesian} menjadi {wanted.indonesian}",
                    f"{name} is {shown(value)!r} ({why.english}): {where.english} to {wanted.english}",
                )
            )
    return problems


def stage_deploy_texts(config: Mapping[str, Any], stage: str) -> list[Text]:
    """What keeps ``stage`` from being packaged for AWS as ``config`` stands (empty: nothing)."""
    return local_value_texts(deploy_environment(config, stage), stage)
