"""The API's routers, one module per concern (intake, callbacks, certificates, cases, family,
reconciliation, kpis)."""

from __future__ import annotations

from fastapi import FastAPI

from api.routes import callbacks, cases, certificates, family, intake, kpis, reconciliation


def include_routes(app: FastAPI) -> None:
    for module in (intake, callbacks, certificates, cases, family, reconciliation, kpis):
        app.include_router(module.router)
