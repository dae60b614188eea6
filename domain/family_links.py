"""Per-case family link tokens: the family's only credential, sent by SMS.

A token is ``<case id, base64url>.<HMAC-SHA256 of the case id, base64url>`` keyed by
``SHENHOU_FAMILY_LINK_SECRET``: unguessable, verifiable without a lookup, and bound to one
case, so a link opens that case's progress and certificate copies and nothing else.
Rotating the secret revokes every link at once.

Both sides use this one module: the case API (``api.runtime`` makes links, ``api.routes.family``
reads them) and the workers (links in the family's SMS notices).
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, case_id: str) -> str:
    digest = hmac.new(secret.encode(), f"family-link:{case_id}".encode(), hashlib.sha256)
    return _b64(digest.digest())


def family_token(secret: str, case_id: str) -> str:
    return f"{_b64(case_id.encode())}.{_signature(secret, case_id)}"


def family_link(public_url: str, secret: str, case_id: str) -> str:
    """The family's link under the case API's public base URL."""
    return f"{public_url.rstrip('/')}/family/{family_token(secret, case_id)}"


def case_for_token(secret: str, token: str) -> str | None:
    """The case id the token was made for, or None when it is not a valid token."""
    head, _, signature = token.partition(".")
    try:
        case_id = _unb64(head).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    if not signature or not hmac.compare_digest(signature, _signature(secret, case_id)):
        return None
    return case_id
