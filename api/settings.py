"""Settings of the case API, from the same environment names as ``shenhou.settings``.

api/ may not import ``shenhou``; the names it needs are read here again. Bearer tokens
for the embedded default come from ``SHENHOU_API_TOKENS`` (JSON) or
``SHENHOU_API_TOKENS_FILE``; production verifies JWTs from an OIDC provider instead
(``SHENHOU_JWT_JWKS_URL`` or a fixed ``SHENHOU_JWT_PUBLIC_KEY``, with issuer/audience).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development default only; the API warns at start when it is still in use.
DEV_FAMILY_LINK_SECRET = "dev-only-family-link-secret"
ROLES = ("hotline", "grid", "health", "police", "civil", "hrss", "dpf", "funeral", "supervisor")


class StaticToken(BaseModel):
    """One configured bearer token: who it is, its roles, and the townships it may act in
    (``None`` = the whole county)."""

    sub: str
    roles: list[str]
    townships: list[str] | None = None
    unit: str | None = None

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, roles: list[str]) -> list[str]:
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles {sorted(unknown)}; known: {', '.join(ROLES)}")
        return roles


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    zeebe_address: str = "127.0.0.1:26500"
    database_url: str = "sqlite:///./data/shenhou.db"
    shenhou_api_address: str = "127.0.0.1:8000"
    shenhou_public_url: str | None = None
    log_level: str = "INFO"
    bpmn_process_id: str = "after-death-affairs"

    shenhou_api_tokens: dict[str, StaticToken] = Field(default_factory=dict)
    shenhou_api_tokens_file: Path | None = None

    shenhou_jwt_jwks_url: str | None = None
    shenhou_jwt_public_key: str | None = None
    shenhou_jwt_issuer: str | None = None
    # Find the JWKS from the issuer's OpenID configuration (when no JWKS URL is given).
    shenhou_oidc_discovery: bool = False
    shenhou_jwt_audience: str | None = None
    shenhou_jwt_algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256"])
    # Claim names: roles as a list claim, townships as a list claim (absent = county-wide).
    shenhou_jwt_roles_claim: str = "roles"
    shenhou_jwt_townships_claim: str = "townships"

    # Family links: secret for deriving per-case link tokens (HMAC). Required in production.
    shenhou_family_link_secret: str = DEV_FAMILY_LINK_SECRET

    def tokens(self) -> dict[str, StaticToken]:
        tokens = dict(self.shenhou_api_tokens)
        if self.shenhou_api_tokens_file is not None:
            raw = json.loads(self.shenhou_api_tokens_file.read_text(encoding="utf-8"))
            tokens.update({k: StaticToken.model_validate(v) for k, v in raw.items()})
        return tokens

    @property
    def public_url(self) -> str:
        return (self.shenhou_public_url or f"http://{self.shenhou_api_address}").rstrip("/")

    @property
    def host_port(self) -> tuple[str, int]:
        host, _, port = self.shenhou_api_address.rpartition(":")
        return host or "127.0.0.1", int(port)
