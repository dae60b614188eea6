"""Spring-actuator-shaped health endpoints, as Camunda 8.9's orchestration container has them.

``/actuator/health`` is the overall status; ``/status``, ``/liveness`` and ``/readiness`` are the
groups Kubernetes probes and docker-compose health checks use. DOWN answers 503, as Spring does.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

ReadyCheck = Callable[[], bool]

GROUPS = ("liveness", "readiness", "status")


def health_routes(is_ready: ReadyCheck) -> list[Route]:
    def status() -> tuple[str, int]:
        return ("UP", 200) if is_ready() else ("DOWN", 503)

    async def overall(_request: Request) -> JSONResponse:
        state, code = status()
        return JSONResponse({"status": state, "groups": list(GROUPS)}, status_code=code)

    async def liveness(_request: Request) -> JSONResponse:
        # Alive as long as the process answers; readiness says whether it can take work.
        return JSONResponse({"status": "UP"})

    async def group(_request: Request) -> JSONResponse:
        state, code = status()
        return JSONResponse({"status": state}, status_code=code)

    return [
        Route("/actuator/health", overall, methods=["GET"]),
        Route("/actuator/health/liveness", liveness, methods=["GET"]),
        Route("/actuator/health/readiness", group, methods=["GET"]),
        Route("/actuator/health/status", group, methods=["GET"]),
    ]
