"""The console's action endpoints (ops role, CSRF-checked): each hands over to
:class:`engine.console.actions.Actions`, which calls the engine and audits."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from engine.console.actions import ActionError
from engine.console.context import console_of
from engine.console.endpoints import number
from engine.console.settings import ConsoleUser


async def retry(request: Request, user: ConsoleUser, body: dict[str, Any]) -> None:
    retries = body.get("retries", 1)
    if isinstance(retries, bool) or not isinstance(retries, int):
        raise ActionError(400, "retries must be a whole number")
    key = number(request.path_params["key"], "incident key")
    await console_of(request).actions.retry_incident(user, key, retries)


async def cancel(request: Request, user: ConsoleUser, _body: dict[str, Any]) -> None:
    key = number(request.path_params["key"], "instance key")
    await console_of(request).actions.cancel_instance(user, key)


async def set_variable(request: Request, user: ConsoleUser, body: dict[str, Any]) -> None:
    await console_of(request).actions.set_variable(
        user,
        number(request.path_params["key"], "instance key"),
        number(str(body.get("scopeKey", "")), "scope key"),
        str(body.get("name", "")),
        str(body.get("value", "")),
    )


async def modify(request: Request, user: ConsoleUser, body: dict[str, Any]) -> None:
    await console_of(request).actions.move_token(
        user,
        number(request.path_params["key"], "instance key"),
        number(str(body.get("fromElementInstanceKey", "")), "element instance key"),
        str(body.get("toElementId", "")),
    )
