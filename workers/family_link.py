"""The family's per-case link, as the case API makes it (``api.family_links``).

workers/ may not import api/, so the ten lines that derive the token are repeated here;
``tests/workers/test_family_link.py`` proves both sides produce the same token. (A shared
home in ``domain`` would remove the copy; see the integration notes.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def family_token(secret: str, case_id: str) -> str:
    digest = hmac.new(secret.encode(), f"family-link:{case_id}".encode(), hashlib.sha256)
    return f"{_b64(case_id.encode())}.{_b64(digest.digest())}"


def family_link(public_url: str, secret: str, case_id: str) -> str:
    return f"{public_url}/family/{family_token(secret, case_id)}"
