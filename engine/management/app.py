"""The management ASGI app: health, clock actuator, Prometheus metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    disable_created_metrics,
    generate_latest,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from engine.api import EngineApi
from engine.management.clock import clock_routes
from engine.management.health import ReadyCheck, health_routes
from engine.management.metrics import build_registry


def create_management_app(
    engine: EngineApi,
    *,
    is_ready: ReadyCheck = lambda: True,
    store_path: Path | None = None,
    gateway_registry: CollectorRegistry | None = None,
) -> Starlette:
    disable_created_metrics()  # *_created timestamps are noise for one process
    registries = build_registry(engine, store_path, gateway_registry)

    async def metrics(_request: Request) -> Response:
        body = b"".join(generate_latest(r) for r in registries)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    routes: list[Any] = [
        *health_routes(is_ready),
        *clock_routes(engine.clock),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/actuator/prometheus", metrics, methods=["GET"]),  # Zeebe's path
    ]
    return Starlette(routes=routes)
