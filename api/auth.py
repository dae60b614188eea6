"""Bearer-token authentication and role / township authorisation.

Two verifiers, chosen by settings: static tokens (the embedded default: each token maps
to a subject, roles and townships) and JWTs from an OIDC provider (production), verified
with PyJWT against the provider's JWKS or a fixed public key, with issuer, audience and
expiry checked. Both produce a :class:`Principal`.

Status codes: **401** when there is no usable credential (missing header, unknown token,
bad signature, expired) — with ``WWW-Authenticate: Bearer``; **403** when the caller is
known but its role may not do this, or the case lies outside its township scope.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

import httpx
import jwt
import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.problems import Problem
from api.settings import ROLES, ApiSettings, StaticToken

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Principal:
    sub: str
    roles: frozenset[str]
    townships: frozenset[str] | None  # None = county-wide
    unit: str | None = None

    def may_act_in(self, township: str) -> bool:
        return self.townships is None or township in self.townships


def unauthorized(zh: str, en: str) -> Problem:
    return Problem(401, "unauthorized", zh, en, headers={"WWW-Authenticate": "Bearer"})


def forbidden(zh: str, en: str) -> Problem:
    return Problem(403, "forbidden", zh, en)


class TokenVerifier:
    """Turns a bearer token into a :class:`Principal` or raises a 401 :class:`Problem`."""

    def __init__(self, settings: ApiSettings) -> None:
        self._static: dict[str, StaticToken] = settings.tokens()
        self._settings = settings
        self._jwks: jwt.PyJWKClient | None = (
            jwt.PyJWKClient(settings.shenhou_jwt_jwks_url, cache_keys=True)
            if settings.shenhou_jwt_jwks_url
            else None
        )

    @property
    def jwt_enabled(self) -> bool:
        settings = self._settings
        return (
            self._jwks is not None
            or bool(settings.shenhou_jwt_public_key)
            or (settings.shenhou_oidc_discovery and bool(settings.shenhou_jwt_issuer))
        )

    async def _jwks_client(self) -> jwt.PyJWKClient | None:
        """The JWKS client; with OIDC discovery its URL is read once from the issuer's
        ``/.well-known/openid-configuration`` (``jwks_uri``)."""
        settings = self._settings
        if self._jwks is None and settings.shenhou_oidc_discovery and settings.shenhou_jwt_issuer:
            url = settings.shenhou_jwt_issuer.rstrip("/") + "/.well-known/openid-configuration"
            try:
                async with httpx.AsyncClient(timeout=10) as client:
                    response = await client.get(url)
                    response.raise_for_status()
                    jwks_uri = str(response.json()["jwks_uri"])
            except (httpx.HTTPError, ValueError, KeyError) as error:
                log.warning("OIDC discovery failed", url=url, error=type(error).__name__)
                raise Problem(
                    503,
                    "oidc_unavailable",
                    "身份认证服务暂不可用",
                    "the identity provider cannot be reached",
                    headers={"Retry-After": "5"},
                ) from None
            self._jwks = jwt.PyJWKClient(jwks_uri, cache_keys=True)
        return self._jwks

    async def verify(self, token: str) -> Principal:
        for known, entry in self._static.items():
            # Constant-time comparison: token checks must not leak prefixes by timing.
            if hmac.compare_digest(known.encode(), token.encode()):
                return Principal(
                    sub=entry.sub,
                    roles=frozenset(entry.roles),
                    townships=None if entry.townships is None else frozenset(entry.townships),
                    unit=entry.unit,
                )
        if self.jwt_enabled and token.count(".") == 2:
            return await self._verify_jwt(token)
        raise unauthorized("令牌无效", "invalid bearer token")

    async def _verify_jwt(self, token: str) -> Principal:
        settings = self._settings
        try:
            jwks = await self._jwks_client()
            if jwks is not None:
                # PyJWKClient fetches (and caches) the JWKS synchronously; keep it off the loop.
                key: Any = (await asyncio.to_thread(jwks.get_signing_key_from_jwt, token)).key
            else:
                key = settings.shenhou_jwt_public_key
            claims = jwt.decode(
                token,
                key=key,
                algorithms=settings.shenhou_jwt_algorithms,
                audience=settings.shenhou_jwt_audience,
                issuer=settings.shenhou_jwt_issuer,
                options={
                    "require": ["exp", "sub"],
                    "verify_aud": bool(settings.shenhou_jwt_audience),
                },
            )
        except jwt.PyJWKClientConnectionError:
            raise Problem(
                503,
                "oidc_unavailable",
                "身份认证服务暂不可用",
                "the identity provider's keys cannot be fetched",
                headers={"Retry-After": "5"},
            ) from None
        except jwt.ExpiredSignatureError:
            raise unauthorized("令牌已过期", "token expired") from None
        except (jwt.PyJWTError, ValueError) as error:
            raise unauthorized("令牌校验失败", f"token rejected: {type(error).__name__}") from None
        roles = _claim_list(claims, settings.shenhou_jwt_roles_claim)
        townships_claim = claims.get(settings.shenhou_jwt_townships_claim)
        return Principal(
            sub=str(claims["sub"]),
            roles=frozenset(r for r in roles if r in ROLES),
            townships=None if townships_claim is None else frozenset(map(str, townships_claim)),
            unit=claims.get("unit"),
        )


def _claim_list(claims: dict[str, Any], name: str) -> list[str]:
    """A list claim, also found nested (``realm_access.roles`` in Keycloak)."""
    value: Any = claims
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value] if isinstance(value, list) else []


_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(_bearer),  # noqa: B008
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise unauthorized("缺少访问令牌", "missing bearer token")
    verifier: TokenVerifier = request.app.state.verifier
    return await verifier.verify(credentials.credentials)


def require(*roles: str) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency that admits only the given roles (403 for any other known caller)."""
    allowed = frozenset(roles)

    async def dependency(principal: Principal = Depends(current_principal)) -> Principal:  # noqa: B008
        if not principal.roles & allowed:
            raise forbidden(
                f"角色无权执行此操作（需要：{'、'.join(sorted(allowed))}）",
                f"role not allowed here (needs one of: {', '.join(sorted(allowed))})",
            )
        return principal

    return dependency


# Callers admitted per route family (Annotated, so FastAPI resolves them per request).
Anyone = Annotated[Principal, Depends(current_principal)]
Intake = Annotated[Principal, Depends(require("hotline", "grid"))]
UnitStaff = Annotated[
    Principal, Depends(require("health", "police", "civil", "hrss", "dpf", "funeral", "grid"))
]
Grid = Annotated[Principal, Depends(require("grid"))]
Health = Annotated[Principal, Depends(require("health"))]
Police = Annotated[Principal, Depends(require("police"))]
Funeral = Annotated[Principal, Depends(require("funeral"))]
BenefitUnits = Annotated[Principal, Depends(require("civil", "hrss", "dpf"))]
HotlineOrSupervisor = Annotated[Principal, Depends(require("hotline", "supervisor"))]
ProofDesk = Annotated[Principal, Depends(require("hotline", "health", "police", "funeral"))]


def check_township(principal: Principal, township: str) -> None:
    """403 unless the case's township is within the caller's scope."""
    if not principal.may_act_in(township):
        raise forbidden(f"无权办理{township}的案件", "case is outside your township scope")
