"""Server-sent events for an open instance page: "something changed, fetch again".

The engine's writer commits records; the instance's newest record position is the change
marker (an indexed ``MAX(position)``). The stream looks at it a few times a second *on the
server* and tells the page when it moved, with the page's last seen position in
``Last-Event-ID`` so a reconnect never misses a change. A stream ends after
``STREAM_LIFETIME_S`` and the browser's EventSource reconnects by itself: an open page then
never keeps the engine's HTTP server from shutting down for long.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from engine.console.instance_detail import latest_position, state_of
from engine.query.read_model import ReadModel

POLL_S = 0.2
STREAM_LIFETIME_S = 5.0
RECONNECT_MS = 300


async def instance_events(
    request: Request, read_model: ReadModel, key: int, last_seen: int | None
) -> AsyncIterator[str]:
    yield f"retry: {RECONNECT_MS}\n\n"
    seen = last_seen
    ends = time.monotonic() + STREAM_LIFETIME_S
    while time.monotonic() < ends:
        position = await run_in_threadpool(latest_position, read_model, key)
        if position != seen:
            state = await run_in_threadpool(state_of, read_model, key)
            payload = json.dumps({"position": position, "state": state})
            yield f"id: {position}\nevent: change\ndata: {payload}\n\n"
            seen = position
        if await request.is_disconnected():
            return
        await asyncio.sleep(POLL_S)
