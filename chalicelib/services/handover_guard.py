"""Who sent a hand-over: a message is applied only when it provably comes from the province it claims.

The transport admits only the provinces this one exchanges with (each escalation queue's policy);
the message itself must carry a valid signature of its exact body, for this province, by a key
the sender's province data lists (or, on a development stage, the sender's development key).
What fails is refused with a reason; the escalation service then checks that it fits the stored
state. Refused messages change nothing: they are quarantined and alarmed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from chalicelib.domain.handover_auth import Signature, dev_key_id, dev_private_key, public_key_of, verify
from chalicelib.errors import AduanError
from chalicelib.provinces.registry import Registry


class HandoverRefused(AduanError):
    """A hand-over message that must not be applied; ``code`` says why (logged, never its content)."""

    http_status = 403
    code = "handover_refused"


class HandoverGuard:
    """Authenticates the hand-overs one province receives."""

    def __init__(self, registry: Registry, province: str, *, development: Callable[[], bool]) -> None:
        self.registry = registry
        self.province = province
        self.development = development

    def sender(self, body: str, attributes: Mapping[str, str]) -> str:
        """The province that signed ``body`` for this province; ``HandoverRefused`` if none provably did."""
        signature = Signature.from_attributes(attributes)
        if signature is None:
            raise HandoverRefused("hand-over without a signature", code="unsigned")
        sender = signature.sender
        if sender == self.province or sender not in self.registry.provinces:
            raise HandoverRefused("hand-over from an unknown province", code="unknown_sender")
        if sender not in self.registry.get(self.province).data.exchanges_with:
            raise HandoverRefused(
                "hand-over from a province this one does not exchange with", code="not_a_partner"
            )
        development = self.development()
        keys = {key.kid: key.public_key for key in self.registry.get(sender).data.handover_keys}
        if development:
            keys[dev_key_id(sender)] = public_key_of(dev_private_key(sender))
        if not verify(keys, signature, self.province, body, accept_dev_keys=development):
            raise HandoverRefused("hand-over signature does not verify", code="bad_signature")
        return sender
