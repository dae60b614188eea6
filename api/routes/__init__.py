"""The API's routers, one module per concern (intake, callbacks, cases, family)."""

from __future__ import annotations

from fastapi import FastAPI


def include_routes(app: FastAPI) -> None:
    return None
