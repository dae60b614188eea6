"""Run the real app under uvicorn on a free loopback port, in a thread, for one test.

The API tests talk real HTTP to it with httpx (no in-process ASGI shortcut), so headers,
status codes, JSON encoding and the app's lifespan behave as in production.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI

from api.app import create_app
from api.settings import ApiSettings


@contextmanager
def live_api(settings: ApiSettings, app: FastAPI | None = None) -> Iterator[httpx.Client]:
    config = uvicorn.Config(
        app or create_app(settings),
        host="127.0.0.1",
        port=0,
        log_config=None,
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(10)
