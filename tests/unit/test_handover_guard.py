"""A hand-over is accepted only when its sender provably signed it for this province."""

from __future__ import annotations

import msgspec
import pytest

from chalicelib.domain.handover_auth import dev_key_id, dev_private_key, sign
from chalicelib.provinces.registry import Province, Registry, registry
from chalicelib.services.handover_guard import HandoverGuard, HandoverRefused

BODY = '{"type":"feedback","event_id":"31-261206-AB12:9","origin_id":"31-261206-AB12"}'


def _guard(development: bool = True) -> HandoverGuard:
    return HandoverGuard(registry(), "31", development=lambda: development)


def _attributes(signer: str, claimed: str, recipient: str = "31", body: str = BODY) -> dict[str, str]:
    return sign(dev_private_key(signer), dev_key_id(signer), claimed, recipient, body).attributes()


def test_banten_signing_for_jakarta_is_banten() -> None:
    assert _guard().sender(BODY, _attributes("36", "36")) == "36"


@pytest.mark.parametrize(
    "attributes, body, code",
    [
        ({}, BODY, "unsigned"),
        # Jawa Barat's key, claiming to be Banten (a forged sender)
        (_attributes("32", "36"), BODY, "bad_signature"),
        # Banten's genuine message, body altered on the way
        (_attributes("36", "36"), BODY.replace("AB12:9", "AB12:8"), "bad_signature"),
        # Banten's genuine message to Jawa Barat, replayed into Jakarta's queue
        (_attributes("36", "36", recipient="32"), BODY, "bad_signature"),
        # a province that does not exist, and Jakarta itself
        (_attributes("99", "99"), BODY, "unknown_sender"),
        (_attributes("31", "31"), BODY, "unknown_sender"),
    ],
)
def test_anything_else_is_refused_with_its_reason(attributes: dict[str, str], body: str, code: str) -> None:
    with pytest.raises(HandoverRefused) as refused:
        _guard().sender(body, attributes)
    assert refused.value.code == code


def test_a_deployed_stage_does_not_trust_development_keys() -> None:
    with pytest.raises(HandoverRefused) as refused:
        _guard(development=False).sender(BODY, _attributes("36", "36"))
    assert refused.value.code == "bad_signature"


def test_a_province_outside_the_exchange_graph_is_refused_even_when_signed() -> None:
    # Given a Jakarta that exchanges only with Banten (its data's exchanges_with)
    known = registry().provinces
    jakarta = msgspec.structs.replace(known["31"].data, exchanges_with=("36",))
    only_banten = Registry({**known, "31": Province(jakarta)})
    guard = HandoverGuard(only_banten, "31", development=lambda: True)
    # When Jawa Barat sends a correctly signed message, then it is refused; Banten's is not
    with pytest.raises(HandoverRefused) as refused:
        guard.sender(BODY, _attributes("32", "32"))
    assert refused.value.code == "not_a_partner"
    assert guard.sender(BODY, _attributes("36", "36")) == "36"


def test_a_deployed_stage_refuses_a_development_key_listed_under_a_production_kid() -> None:
    """Given Banten's data listing its development key (private half derived from a public seed) under
    a production-looking kid, when a message signed with it reaches a deployed Jakarta, then it is
    refused: anyone can derive that key, whatever id it is listed under (a development stage takes it)."""
    from chalicelib.domain.handover_auth import public_key_of
    from chalicelib.provinces.model import HandoverKey

    known = registry().provinces
    listed = HandoverKey(kid="36-20261206-abcdef", public_key=public_key_of(dev_private_key("36")))
    banten = msgspec.structs.replace(known["36"].data, handover_keys=(listed,))
    slipped = Registry({**known, "36": Province(banten)})
    attributes = sign(dev_private_key("36"), "36-20261206-abcdef", "36", "31", BODY).attributes()
    with pytest.raises(HandoverRefused) as refused:
        HandoverGuard(slipped, "31", development=lambda: False).sender(BODY, attributes)
    assert refused.value.code == "bad_signature"
    assert HandoverGuard(slipped, "31", development=lambda: True).sender(BODY, attributes) == "36"
