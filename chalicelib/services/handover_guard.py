"""Who sent a hand-over: a message is applied only when it provably comes from the province it claims.

The transport admits only the provinces this one exchanges with (each escalation queue's policy);
the message itself must carry a valid signature of its exact body, for this province, by a key
the sender's province data lists (or, on a development stage, the sender's development key).
What fails is refused with a reason; the escalation service then checks that it fits the stored
state. Refused messages change nothing: they are quarantined and alarmed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from chalicelib.domain.clock import CLOCK_SKEW, utcnow
from chalicelib.domain.handover_auth import Signature, dev_key_id, dev_private_key, public_key_of, verify
from chalicelib.domain.protocol import Escalate, Feedback, InboundMessage, Update, published_by
from chalicelib.domain.routing import serves
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
        else:  # a development key is one whatever id lists it: anyone can derive its private half
            derived = development_keys(frozenset(self.registry.provinces))
            keys = {kid: public for kid, public in keys.items() if public not in derived}
        if not verify(keys, signature, self.province, body, accept_dev_keys=development):
            raise HandoverRefused("hand-over signature does not verify", code="bad_signature")
        return sender

    def check_claims(self, message: InboundMessage, sender: str) -> None:
        """``HandoverRefused`` unless the message claims what its sender may say.

        An escalate comes from the report's own province, about an area this province serves (its
        own, or a neighbour's it has a rule for), dated no later than now (within the clocks' skew);
        an update is about a report of this province and carries only the sender's own steps; a
        feedback about a report of the sender's; and every photo a message names is one its sender
        published (``public/<sender>/``). Whether the stored state fits (an update only from the
        province the report was handed to, a feedback only for a copy that exists) the escalation
        service checks when it reads the report.
        """
        if isinstance(message, Escalate):
            if not serves(self.registry.get(self.province), message.report.area_code):
                raise HandoverRefused("escalated area is not served here", code="area_not_served")
            if message.report.created_at > utcnow() + CLOCK_SKEW:
                # the copy's service levels would start then, and every evidence photo would be "before it"
                raise HandoverRefused("escalated report is dated in the future", code="future_dated")
            claimed, report_id, report_province = message.origin_province, message.report.id, sender
        else:
            claimed, report_id = message.from_province, message.origin_id
            report_province = sender if isinstance(message, Feedback) else self.province
        if claimed != sender:
            raise HandoverRefused("message claims another province than its signer", code="claims_another")
        if report_id[:2] != report_province:
            raise HandoverRefused("message is about another province's report", code="wrong_report")
        if isinstance(message, Update) and any(entry.province != sender for entry in message.entries):
            # The origin mirrors these entries as the sender's steps: never as its own, or a third's
            raise HandoverRefused("update carries steps of another province", code="foreign_entries")
        if any(not published_by(sender, key) for key in _photos(message)):
            # The receiver links them to its officers, its public map or the reporter: a province
            # hands over only the cleaned copies it published itself, never another report's key
            raise HandoverRefused("message names photos its sender did not publish", code="foreign_photos")


@lru_cache(maxsize=4)
def development_keys(codes: frozenset[str]) -> frozenset[str]:
    """The public halves of the development keys of the provinces ``codes``."""
    return frozenset(public_key_of(dev_private_key(code)) for code in codes)


def _photos(message: InboundMessage) -> list[str]:
    """The photo keys a message asks its receiver to show: a report's photos, a step's evidence."""
    if isinstance(message, Escalate):
        return list(message.report.photos)
    if isinstance(message, Update):
        return [entry.evidence_photo for entry in message.entries if entry.evidence_photo is not None]
    return []
