"""Who is told, by which channel, and the keys of their records (pure; addresses never in a key)."""

from __future__ import annotations

import hashlib
import hmac
import re

from msgspec import Struct

from chalicelib.domain.private import Contact

REPORTER = "r"
FOLLOWER_ID = r"f[0-9a-f]{16}"  # what ``follower_id`` makes, as a pattern
VIA = "/"  # in ``<duplicate id>/<id>``: someone told about the report a duplicate was merged into


class Recipient(Struct, frozen=True):
    """One address of one recipient: the reporter (``r``) or a follower (``f`` + a hash)."""

    id: str
    channel: str
    address: str
    language: str

    @property
    def follower(self) -> bool:
        """True for anyone but the reporter (told no private words, offered no confirm link)."""
        return self.id != REPORTER

    @property
    def follows(self) -> bool:
        """True for a follower by e-mail, of this report or of a duplicate merged into it: someone who
        did not report it (their texts never say "your report")."""
        return own_id(self.id)[1] != REPORTER

    @property
    def merged_from(self) -> str | None:
        """The duplicate through which this recipient follows the report (``<duplicate>/<id>`` ids)."""
        return own_id(self.id)[0]

    def via(self, duplicate: str) -> Recipient:
        """This recipient of ``duplicate``, told about the report it was merged into."""
        return Recipient(f"{duplicate}{VIA}{self.id}", self.channel, self.address, self.language)


def own_id(recipient_id: str) -> tuple[str | None, str]:
    """(duplicate report id or None, the recipient's id within the report its records belong to)."""
    duplicate, separator, rest = recipient_id.partition(VIA)
    return (duplicate, rest) if separator else (None, recipient_id)


def e164(phone: str) -> str | None:
    """An Indonesian number as E.164 (``0812...`` and ``62812...`` -> ``+62812...``), or None."""
    digits = re.sub(r"[ ()-]", "", phone)
    if digits.startswith("+"):
        number = digits
    elif digits.startswith("0"):
        number = "+62" + digits[1:]
    elif digits.startswith("62"):
        number = "+" + digits
    else:
        return None
    return number if re.fullmatch(r"\+[1-9][0-9]{7,14}", number) else None


def reporter_recipients(contact: Contact | None) -> list[Recipient]:
    """The reporter's opted-in addresses."""
    if contact is None:
        return []
    found = []
    if "email" in contact.notify and contact.email:
        found.append(Recipient(REPORTER, "email", contact.email, contact.language))
    phone = e164(contact.phone) if "sms" in contact.notify and contact.phone else None
    if phone:
        found.append(Recipient(REPORTER, "sms", phone, contact.language))
    return found


def address_hash(address: str, key: bytes) -> str:
    """An address as it may appear in a key: its HMAC-SHA256 under the stage's ``ADUAN_ADDRESS_KEY``
    (lower-cased first), so no one holding the table, without the key, can test a guessed address."""
    return hmac.new(key, b"aduan-address|" + _normal(address), hashlib.sha256).hexdigest()


def legacy_address_hash(address: str) -> str:
    """An address's unkeyed SHA-256, as suppressions and follower ids were kept before the key: read
    (and rewritten under ``address_hash``), never written."""
    return hashlib.sha256(_normal(address)).hexdigest()


def follower_id(email: str, key: bytes) -> str:
    """A follower's id within a report."""
    return "f" + address_hash(email, key)[:16]


def legacy_follower_id(email: str) -> str:
    """The id a follower of the same address was given before the key (still valid in its links)."""
    return "f" + legacy_address_hash(email)[:16]


def _normal(address: str) -> bytes:
    return address.strip().lower().encode()
