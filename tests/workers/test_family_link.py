"""The workers' copy of the family-link token agrees with the API's (they must not drift)."""

from api.family_links import case_for_token
from api.family_links import family_token as api_token
from workers.family_link import family_link, family_token


def test_worker_and_api_make_the_same_token() -> None:
    assert family_token("s3cret", "SH-330226-20261129-0001") == api_token(
        "s3cret", "SH-330226-20261129-0001"
    )


def test_worker_link_opens_the_case_in_the_api() -> None:
    link = family_link("http://api", "s3cret", "SH-1")
    token = link.rsplit("/", 1)[1]
    assert case_for_token("s3cret", token) == "SH-1"
    assert case_for_token("other", token) is None
    assert case_for_token("s3cret", token[:-1] + ("A" if token[-1] != "A" else "B")) is None
