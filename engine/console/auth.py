"""Who is asking: a console session cookie (browsers) or a bearer token (scripts).

Reads need any known user; actions need the ``ops`` role and, for cookie sessions, the
session's CSRF token in ``X-CSRF-Token`` plus a same-origin ``Origin`` when the browser sends
one. Bearer requests carry their credential explicitly, so a forged cross-site request cannot
have it: they need no CSRF token.

A credential is a static token or, when the ``SHENHOU_JWT_*`` settings are set, a JWT from the
OIDC provider (``engine.console.jwt_login``): 401 when it is not acceptable, 503 when the
provider's keys cannot be fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request

from engine.console.jwt_login import JwtError
from engine.console.sessions import COOKIE, CSRF_HEADER, Sessions, csrf_ok
from engine.console.settings import ConsoleUser


class AuthError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Caller:
    user: ConsoleUser
    csrf: str | None  # None for bearer callers


def same_origin(request: Request) -> bool:
    """False only when the browser says the request comes from another site."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def authenticate(sessions: Sessions, token: str) -> ConsoleUser:
    """The user of a static token or of a valid JWT; :class:`AuthError` otherwise."""
    user = sessions.verify_token(token)
    if user is not None:
        return user
    if sessions.jwt is not None and token.count(".") == 2:
        try:
            return await sessions.jwt.verify(token)
        except JwtError as error:
            raise AuthError(error.status, error.message) from None
    raise AuthError(401, "invalid bearer token")


async def caller(request: Request, sessions: Sessions) -> Caller:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return Caller(await authenticate(sessions, header[7:].strip()), None)
    session = sessions.get(request.cookies.get(COOKIE))
    if session is None:
        raise AuthError(401, "not logged in")
    return Caller(session.user, session.csrf)


async def actor(request: Request, sessions: Sessions) -> ConsoleUser:
    """The caller of an action: ops role, CSRF-checked when it comes from a cookie session."""
    who = await caller(request, sessions)
    if who.csrf is not None:
        if not same_origin(request):
            raise AuthError(403, "cross-site request refused")
        if not csrf_ok(who.csrf, request.headers.get(CSRF_HEADER)):
            raise AuthError(403, "missing or wrong CSRF token; reload the page")
    if not who.user.may_act:
        raise AuthError(403, "your role may only read; actions need the ops role")
    return who.user
