"""Console sessions: a login turns a bearer token into an HttpOnly cookie plus a CSRF token.

Why server-side sessions: the cookie holds only a random session id, so the bearer token never
sits in the browser, and logging out (or restarting the engine) ends every session at once.
CSRF uses the synchronizer pattern: each session has its own random token, handed to the page
by ``GET /console/api/me`` and required in the ``X-CSRF-Token`` header of every action; the
cookie is also ``SameSite=Strict``. A cross-site form can neither read the token nor send it.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from engine.console.jwt_login import JwtVerifier
from engine.console.settings import ConsoleUser

COOKIE = "shenhou_console"
CSRF_HEADER = "x-csrf-token"
IDLE_TIMEOUT_S = 8 * 3600  # a working day; idle sessions then need a new login


@dataclass
class Session:
    user: ConsoleUser
    csrf: str
    last_seen: float


class Sessions:
    """In-memory sessions (one engine process serves the console; a restart logs people out)."""

    def __init__(
        self,
        users: Mapping[str, ConsoleUser],
        *,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
        now: Callable[[], float] = time.monotonic,
        jwt: JwtVerifier | None = None,
    ) -> None:
        self._users = dict(users)
        self.jwt = jwt  # JWTs from the OIDC provider, when the SHENHOU_JWT_* settings are set
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._idle = idle_timeout_s
        self._now = now

    @property
    def enabled(self) -> bool:
        return bool(self._users) or self.jwt is not None

    def verify_token(self, token: str) -> ConsoleUser | None:
        """Constant-time lookup, so a wrong token's timing says nothing about the right ones."""
        found = None
        for known, user in self._users.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                found = user
        return found

    def login(self, token: str) -> tuple[str, Session] | None:
        """A session for a static token (JWTs are verified by ``auth.authenticate``)."""
        user = self.verify_token(token)
        return None if user is None else self.open(user)

    def open(self, user: ConsoleUser) -> tuple[str, Session]:
        """A new session for a user whose credential has been verified."""
        session_id = secrets.token_urlsafe(32)
        session = Session(user, secrets.token_urlsafe(32), self._now())
        with self._lock:
            self._expire()
            self._sessions[session_id] = session
        return session_id, session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if self._now() - session.last_seen > self._idle:
                del self._sessions[session_id]
                return None
            session.last_seen = self._now()
            return session

    def logout(self, session_id: str | None) -> None:
        with self._lock:
            self._sessions.pop(session_id or "", None)

    def _expire(self) -> None:
        now = self._now()
        for key in [k for k, s in self._sessions.items() if now - s.last_seen > self._idle]:
            del self._sessions[key]


def csrf_ok(expected: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(expected.encode(), str(presented).encode())
