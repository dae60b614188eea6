"""Zeebe's clock actuator (``zeebe.clock.controlled``): read, pin, add an offset, reset.

* ``GET /actuator/clock`` → ``{"epochMilli": N, "instant": "2026-01-01T00:00:00Z"}``
* ``POST /actuator/clock/pin`` with ``{"epochMilli": N}`` → the new time
* ``POST /actuator/clock/add`` with ``{"offsetMilli": N}`` (negative allowed) → the new time
* ``DELETE /actuator/clock`` → back to system time, answers the new time

A body that is not such an object answers 400; changing an uncontrolled clock answers 403.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from engine.api import ClockApi


def instant(epoch_milli: int) -> str:
    """Java's ``Instant.toString()``: ISO-8601 in UTC, milliseconds only when not zero."""
    moment = datetime.fromtimestamp(epoch_milli / 1000, tz=UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    millis = epoch_milli % 1000
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


def clock_body(clock: ClockApi) -> dict[str, Any]:
    now = clock.now_ms()
    return {"epochMilli": now, "instant": instant(now)}


def _problem(status: int, title: str, detail: str) -> JSONResponse:
    return JSONResponse({"status": status, "error": title, "message": detail}, status_code=status)


NOT_CONTROLLED = (
    "The clock is not controlled: start the engine with --clock controlled "
    "(or ZEEBE_CLOCK_CONTROLLED=true) to pin or move it"
)


async def _integer_field(request: Request, name: str) -> int | JSONResponse:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        return _problem(400, "Bad Request", f'Expected a JSON body like {{"{name}": 0}}')
    value = body.get(name) if isinstance(body, dict) else None
    if isinstance(value, bool) or not isinstance(value, int):
        return _problem(
            400, "Bad Request", f'Expected a JSON body with an integer "{name}", got {body!r}'
        )
    return value


def clock_routes(clock: ClockApi) -> list[Route]:
    async def read(_request: Request) -> JSONResponse:
        return JSONResponse(clock_body(clock))

    async def modify(request: Request) -> JSONResponse:
        operation = request.path_params["operation"]
        if operation not in ("pin", "add"):
            return _problem(
                400, "Bad Request", f"Unknown clock operation {operation!r}; use pin or add"
            )
        if not clock.controlled:
            return _problem(403, "Forbidden", NOT_CONTROLLED)
        field = "epochMilli" if operation == "pin" else "offsetMilli"
        value = await _integer_field(request, field)
        if isinstance(value, JSONResponse):
            return value
        if operation == "pin":
            if value < 0:
                return _problem(400, "Bad Request", "epochMilli must not be negative")
            clock.pin(value)
        else:
            clock.add(value)
        return JSONResponse(clock_body(clock))

    async def reset(_request: Request) -> JSONResponse:
        if not clock.controlled:
            return _problem(403, "Forbidden", NOT_CONTROLLED)
        clock.reset()
        return JSONResponse(clock_body(clock))

    return [
        Route("/actuator/clock", read, methods=["GET"]),
        Route("/actuator/clock", reset, methods=["DELETE"]),
        Route("/actuator/clock/{operation}", modify, methods=["POST"]),
    ]
