"""The family's link token (domain.family_links), used by the case API and the workers."""

from __future__ import annotations

import base64
import hashlib
import hmac

from domain.family_links import case_for_token, family_link, family_token

CASE = "SH-330226-20261129-0001"


def test_token_is_the_case_id_and_its_hmac() -> None:
    head, signature = family_token("s3cret", CASE).split(".")
    assert base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).decode() == CASE
    digest = hmac.new(b"s3cret", f"family-link:{CASE}".encode(), hashlib.sha256).digest()
    assert signature == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert "=" not in head + signature  # URL-safe, unpadded


def test_a_token_opens_its_own_case_only_with_the_secret() -> None:
    token = family_token("s3cret", CASE)
    assert case_for_token("s3cret", token) == CASE
    assert case_for_token("other", token) is None  # a rotated secret revokes it
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert case_for_token("s3cret", tampered) is None
    other = family_token("s3cret", "SH-2")
    forged = f"{token.split('.')[0]}.{other.split('.')[1]}"
    assert case_for_token("s3cret", forged) is None
    for junk in ("", ".", "no-dot", "!!!.x", "abc."):
        assert case_for_token("s3cret", junk) is None


def test_link_is_under_the_public_url() -> None:
    link = family_link("http://api.example", "s3cret", "SH-1")
    assert link == f"http://api.example/family/{family_token('s3cret', 'SH-1')}"
    assert case_for_token("s3cret", link.rsplit("/", 1)[1]) == "SH-1"
    assert family_link("http://api.example/", "s3cret", "SH-1") == link
