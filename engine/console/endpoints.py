"""How console endpoints answer: JSON for reads, JSON actions with CSRF, small problem bodies.

``reader`` wraps a handler for any logged-in user; ``writer`` one that needs the ops role and,
for cookie sessions, the CSRF token (``engine.console.auth.actor``). Errors become
``{"status", "detail"}`` with the HTTP status the engine's own error maps to.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from engine.console.actions import ActionError
from engine.console.auth import AuthError, actor, caller
from engine.console.context import console_of
from engine.console.instance_list import FilterError
from engine.console.settings import ConsoleUser
from engine.query.problems import QueryError

Endpoint = Callable[[Request], Awaitable[Response]]
ReadHandler = Callable[[Request, ConsoleUser], Awaitable[Any]]
WriteHandler = Callable[[Request, ConsoleUser, dict[str, Any]], Awaitable[None]]


def problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"status": status, "detail": message}, status_code=status)


def number(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise QueryError(400, f"{what} {text!r} is not a number") from None


Refusal = AuthError | ActionError | QueryError | FilterError


def _refusal(error: Refusal) -> JSONResponse:
    if isinstance(error, QueryError):
        return problem(error.status, error.detail)
    if isinstance(error, FilterError):
        return problem(400, str(error))
    return problem(error.status, error.message)


def reader(handler: ReadHandler) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            user = (await caller(request, console_of(request).sessions)).user
            result = await handler(request, user)
        except (AuthError, ActionError, QueryError, FilterError) as error:
            return _refusal(error)
        if isinstance(result, Response):
            return result
        return JSONResponse(result, headers={"Cache-Control": "no-store"})

    return endpoint


def writer(handler: WriteHandler) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            user = await actor(request, console_of(request).sessions)
            raw = await request.body()
            try:
                body = json.loads(raw) if raw.strip() else {}
            except ValueError as error:
                raise ActionError(400, f"the request body is not valid JSON: {error}") from None
            if not isinstance(body, dict):
                raise ActionError(400, "the request body must be a JSON object")
            await handler(request, user, body)
        except (AuthError, ActionError, QueryError, FilterError) as error:
            return _refusal(error)
        return JSONResponse({"ok": True})

    return endpoint
