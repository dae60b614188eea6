"""JWTs from the county's OIDC provider as console credentials, with the case API's settings.

The engine may not import the case API, so the names ``api/settings.py`` reads are read here
again, from the engine process's environment: ``SHENHOU_JWT_JWKS_URL`` (or
``SHENHOU_OIDC_DISCOVERY`` with ``SHENHOU_JWT_ISSUER``: the JWKS URL comes from the issuer's
``/.well-known/openid-configuration``), or a fixed ``SHENHOU_JWT_PUBLIC_KEY``;
``SHENHOU_JWT_ISSUER`` and ``SHENHOU_JWT_AUDIENCE`` (checked when set),
``SHENHOU_JWT_ALGORITHMS`` (JSON list or comma-separated; default RS256, ES256) and
``SHENHOU_JWT_ROLES_CLAIM`` (default ``roles``; dotted for nested claims such as Keycloak's
``realm_access.roles``). PyJWT checks signature, ``exp`` (required, with ``sub``), issuer and
audience. The roles claim becomes the console roles, as static tokens' roles do.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from engine.console.settings import ConsoleUser

FETCH_TIMEOUT_S = 5.0
DEFAULT_ALGORITHMS = ("RS256", "ES256")


class JwtError(Exception):
    """401: the token is not acceptable; 503: the identity provider's keys cannot be had."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _flag(text: str | None) -> bool:
    return (text or "").strip().lower() in {"1", "true", "yes", "on"}


def _algorithms(text: str | None) -> tuple[str, ...]:
    """A JSON list (as pydantic reads it for the case API) or a comma-separated list."""
    text = (text or "").strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return tuple(str(a) for a in parsed) or DEFAULT_ALGORITHMS
    return tuple(a.strip() for a in text.split(",") if a.strip()) or DEFAULT_ALGORITHMS


@dataclass(frozen=True)
class JwtSettings:
    jwks_url: str | None
    public_key: str | None
    issuer: str | None
    discovery: bool
    audience: str | None
    algorithms: tuple[str, ...]
    roles_claim: str

    @property
    def enabled(self) -> bool:
        return bool(self.jwks_url or self.public_key or (self.discovery and self.issuer))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> JwtSettings:
        env = os.environ if env is None else env
        return cls(
            jwks_url=env.get("SHENHOU_JWT_JWKS_URL") or None,
            public_key=env.get("SHENHOU_JWT_PUBLIC_KEY") or None,
            issuer=env.get("SHENHOU_JWT_ISSUER") or None,
            discovery=_flag(env.get("SHENHOU_OIDC_DISCOVERY")),
            audience=env.get("SHENHOU_JWT_AUDIENCE") or None,
            algorithms=_algorithms(env.get("SHENHOU_JWT_ALGORITHMS")),
            roles_claim=env.get("SHENHOU_JWT_ROLES_CLAIM") or "roles",
        )


def claim_list(claims: Mapping[str, Any], name: str) -> list[str]:
    """A list claim, also found nested (``realm_access.roles``); a string is space-separated."""
    value: Any = claims
    for part in name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value] if isinstance(value, list) else []


class JwtVerifier:
    """Turns a JWT into a :class:`ConsoleUser` or raises :class:`JwtError`."""

    def __init__(self, settings: JwtSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._jwks: jwt.PyJWKClient | None = (
            self._client(settings.jwks_url) if settings.jwks_url else None
        )

    @staticmethod
    def _client(url: str) -> jwt.PyJWKClient:
        return jwt.PyJWKClient(url, cache_keys=True, timeout=FETCH_TIMEOUT_S)

    def _jwks_client(self) -> jwt.PyJWKClient | None:
        settings = self.settings
        if self._jwks is not None or not (settings.discovery and settings.issuer):
            return self._jwks
        with self._lock:
            if self._jwks is None:
                url = settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
                try:
                    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_S) as answer:
                        jwks_uri = str(json.loads(answer.read())["jwks_uri"])
                except (OSError, ValueError, KeyError, TypeError):
                    raise JwtError(
                        503, f"the identity provider cannot be reached ({url})"
                    ) from None
                self._jwks = self._client(jwks_uri)
        return self._jwks

    def verify_sync(self, token: str) -> ConsoleUser:
        settings = self.settings
        try:
            jwks = self._jwks_client()
            key: Any = (
                jwks.get_signing_key_from_jwt(token).key
                if jwks is not None
                else settings.public_key
            )
            claims = jwt.decode(
                token,
                key=key,
                algorithms=list(settings.algorithms),
                audience=settings.audience,
                issuer=settings.issuer,
                options={"require": ["exp", "sub"], "verify_aud": bool(settings.audience)},
            )
        except jwt.PyJWKClientConnectionError:
            raise JwtError(503, "the identity provider's keys cannot be fetched") from None
        except jwt.ExpiredSignatureError:
            raise JwtError(401, "token expired") from None
        except (jwt.PyJWTError, ValueError, TypeError) as error:
            raise JwtError(401, f"token rejected: {type(error).__name__}") from None
        return ConsoleUser(str(claims["sub"]), frozenset(claim_list(claims, settings.roles_claim)))

    async def verify(self, token: str) -> ConsoleUser:
        """Off the event loop: fetching the JWKS (or the discovery document) blocks."""
        return await asyncio.to_thread(self.verify_sync, token)


def load_verifier(env: Mapping[str, str] | None = None) -> JwtVerifier | None:
    settings = JwtSettings.from_env(env)
    return JwtVerifier(settings) if settings.enabled else None
