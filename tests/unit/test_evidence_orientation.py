"""An earlier photo reused with only its Exif orientation tag changed is seen before (``PhotoFacts.turns``).

The same JPEG bytes with the tag changed from 1 to 6, 8 or 3 (turned) or 2, 4, 5 or 7 (mirrored) show
the same pixels another way: the fingerprint of what is shown is far from the stored one, so the
fingerprint and its crop probes alone miss it. The new photo is also hashed turned and mirrored
the 7 other ways a tag can show it; one of those turns is exactly the stored fingerprint.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bench.evidence_quality import retagged
from chalicelib.domain.evidence import (
    MATCH_DISTANCE,
    PhotoFacts,
    PriorPhoto,
    check_fresh,
    fingerprint_bands,
    hamming,
    lookup_bands,
    lookup_prints,
    stored_prints,
)
from chalicelib.imaging import inspect_photo
from tests.evidence_images import photograph, scene

ORIENTATION = 0x0112


def _tagged(image: Image.Image, orientation: int) -> bytes:
    """``image`` as a phone's JPEG whose Exif orientation tag is ``orientation`` (capture time too)."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif.get_ifd(0x8769)[0x9003] = "2026:12:02 14:10:00"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture(scope="module")
def coffee() -> Image.Image:
    return photograph("coffee")  # 600 x 400: a quarter turn changes the shape too


@pytest.mark.parametrize(
    ("before", "after"),
    [(1, 6), (1, 8), (1, 3), (1, 2), (1, 4), (1, 5), (1, 7), (6, 1), (8, 6), (3, 5)],
)
def test_a_photo_whose_orientation_tag_alone_changed_is_seen_before(
    coffee: Image.Image, before: int, after: int
) -> None:
    # Given an earlier photo as stored, and the same bytes with only the orientation tag changed
    original = _tagged(coffee, before)
    reused = retagged(original, after)
    assert len(reused) == len(original) and sum(a != b for a, b in zip(reused, original, strict=True)) == 1
    stored, new = inspect_photo(original, time_limit_s=30), inspect_photo(reused, time_limit_s=30)
    assert stored.fingerprint is not None and new.fingerprint is not None
    # (what is shown is another picture as far as the plain fingerprint can tell)
    assert hamming(new.fingerprint, stored.fingerprint) > MATCH_DISTANCE
    # When it is judged against the earlier photo's stored fingerprints, Then it was seen before
    prior = [PriorPhoto("31-261101-AAAA", "evidence", p) for p in stored_prints(stored)]
    outcome, reason = check_fresh(new, prior=prior)
    assert (outcome, reason and reason.code) == ("fail", "seen_before")
    # And the band lookup returns it: one of the new photo's turns IS the stored fingerprint
    assert set(lookup_bands(new)) & set(fingerprint_bands(stored.fingerprint))
    assert stored.fingerprint in new.turns


@pytest.mark.parametrize("turn", [Image.Transpose.ROTATE_90, Image.Transpose.FLIP_LEFT_RIGHT])
def test_a_picture_turned_or_mirrored_in_its_pixels_and_re_encoded_is_seen_before(
    coffee: Image.Image, turn: Image.Transpose
) -> None:
    stored = inspect_photo(_tagged(coffee, 1), time_limit_s=30)
    out = io.BytesIO()
    coffee.transpose(turn).save(out, "JPEG", quality=80)  # no Exif at all
    new = inspect_photo(out.getvalue(), time_limit_s=30)
    prior = [PriorPhoto("31-261101-AAAA", "photo", p) for p in stored_prints(stored)]
    outcome, reason = check_fresh(new, prior=prior)
    assert (outcome, reason and reason.code) == ("fail", "seen_before")


def test_turns_are_looked_up_and_compared_never_stored_and_cost_at_most_7_prints() -> None:
    facts = inspect_photo(_tagged(scene(3), 1), time_limit_s=30)
    assert facts.fingerprint is not None
    assert 0 < len(facts.turns) <= 7 and facts.fingerprint not in facts.turns
    assert len(set(facts.turns)) == len(facts.turns)
    assert set(facts.turns) <= set(lookup_prints(facts)) and not set(facts.turns) & set(stored_prints(facts))
    keys = set(lookup_bands(facts))
    assert all(set(fingerprint_bands(t)) <= keys for t in facts.turns)
    without = PhotoFacts(fingerprint=facts.fingerprint, probes=facts.probes)
    assert len(keys) - len(set(lookup_bands(without))) <= 5 * len(facts.turns)
    # A distinct scene is still new: its turns bring no false match here.
    other = inspect_photo(_tagged(scene(4), 1), time_limit_s=30)
    prior = [PriorPhoto("31-261101-AAAA", "photo", p) for p in stored_prints(other)]
    assert check_fresh(facts, prior=prior) == ("pass", None)
