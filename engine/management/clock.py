"""Zeebe's clock actuator (``zeebe.clock.controlled``): read, pin, add an offset, reset.

* ``GET /actuator/clock`` → ``{"epochMilli": N, "instant": "2026-01-01T00:00:00Z"}``
* ``POST /actuator/clock/pin`` with ``{"epochMilli": N}`` → the new time
* ``POST /actuator/clock/add`` with ``{"offsetMilli": N}`` (negative allowed) → the new time
* ``DELETE /actuator/clock`` → back to system time, answers the new time

Status codes, the order of the checks and the messages follow Zeebe's ``ActorClockEndpoint``:
an unknown operation or a missing value is 400 (checked first), changing a clock that is not
controlled is 403; the error body is the message as plain text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from engine.api import ClockApi

UNKNOWN_OPERATION = (
    "Expected to either `pin` or `add` to the clock, but no operation named `{}` is known; "
    "make sure you wrote the correct path"
)
PIN_MISSING = "Expected pin the clock to the given `epochMilli`, but none given"
ADD_MISSING = "Expected to add `offsetMilli` to the clock, but none given"
PIN_IMMUTABLE = "Expected to pin the clock to the given time, but it is immutable"
ADD_IMMUTABLE = "Expected to add time to the clock, but it is immutable"
RESET_IMMUTABLE = "Expected to reset the clock, but the clock is immutable"


def instant(epoch_milli: int) -> str:
    """Java's ``Instant.toString()``: ISO-8601 in UTC, milliseconds only when not zero."""
    moment = datetime.fromtimestamp(epoch_milli / 1000, tz=UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    millis = epoch_milli % 1000
    return f"{text}.{millis:03d}Z" if millis else f"{text}Z"


def clock_body(clock: ClockApi) -> dict[str, Any]:
    now = clock.now_ms()
    return {"epochMilli": now, "instant": instant(now)}


def _error(status: int, message: str) -> Response:
    return PlainTextResponse(message, status_code=status)


async def _integer_field(request: Request, name: str, missing: str) -> int | Response:
    """The body's ``name`` as an integer; 400 when the body is not JSON or it is not one."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        return _error(400, f'Expected a JSON body like {{"{name}": 0}}, but it is not valid JSON')
    value = body.get(name) if isinstance(body, dict) else None
    if value is None:
        return _error(400, missing)
    if isinstance(value, bool) or not isinstance(value, int):
        return _error(
            400, f"Expected `{name}` to be an integer number of milliseconds, got {value!r}"
        )
    return value


def clock_routes(clock: ClockApi) -> list[Route]:
    async def read(_request: Request) -> Response:
        return JSONResponse(clock_body(clock))

    async def modify(request: Request) -> Response:
        operation = request.path_params["operation"]
        if operation == "pin":
            value = await _integer_field(request, "epochMilli", PIN_MISSING)
            if isinstance(value, Response):
                return value
            if not clock.controlled:
                return _error(403, PIN_IMMUTABLE)
            clock.pin(value)
        elif operation == "add":
            value = await _integer_field(request, "offsetMilli", ADD_MISSING)
            if isinstance(value, Response):
                return value
            if not clock.controlled:
                return _error(403, ADD_IMMUTABLE)
            clock.add(value)
        else:
            return _error(400, UNKNOWN_OPERATION.format(operation))
        return JSONResponse(clock_body(clock))

    async def reset(_request: Request) -> Response:
        if not clock.controlled:
            return _error(403, RESET_IMMUTABLE)
        clock.reset()
        return JSONResponse(clock_body(clock))

    return [
        Route("/actuator/clock", read, methods=["GET"]),
        Route("/actuator/clock", reset, methods=["DELETE"]),
        Route("/actuator/clock/{operation}", modify, methods=["POST"]),
    ]
