"""The case API's application factory: ``create_app(settings)``.

Everything the routes need lives on ``app.state`` and is built here (token verifier,
ledger session factory, Zeebe client), so tests build an app with their own settings and
the process entry point (``python -m api``) builds one from the environment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.auth import Anyone, TokenVerifier
from api.problems import ERROR_RESPONSES, install_problem_handlers
from api.settings import ApiSettings

DESCRIPTION = """
身后一件事 case API: one report, zero trips.

* **Intake** — 12345 / grid workers report a death (`POST /reports`); a second report of
  the same person joins the open case.
* **Unit callbacks** — acknowledgements, the medical death certificate, non-normal
  findings, notice delivery, cremation, household deregistration, benefit actions. Every
  callback is idempotent: a replay changes nothing and answers the first result.
* **Queries** — `GET /cases`, `GET /cases/{id}` with the timeline of every step.
* **Family service** — progress and unlimited certificate copies by a per-case link token.

Authentication: `Authorization: Bearer <token>`; roles hotline, grid, health, police,
civil, hrss, dpf, funeral, supervisor, each limited to its townships. 401 = no usable
token; 403 = the role or township may not do this. Errors carry `message_zh` and
`message_en`.
"""


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or ApiSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from api.runtime import Runtime

        runtime = Runtime(settings)
        app.state.runtime = runtime
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title="身后一件事 shenhou case API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.verifier = TokenVerifier(settings)
    install_problem_handlers(app)

    @app.get("/health", tags=["ops"], summary="liveness")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/me", tags=["auth"], summary="who am I (role, townships)", responses=ERROR_RESPONSES)
    async def me(principal: Anyone) -> dict[str, object]:
        return {
            "sub": principal.sub,
            "roles": sorted(principal.roles),
            "townships": None if principal.townships is None else sorted(principal.townships),
        }

    from api.routes import board, include_routes

    include_routes(app)
    app.include_router(board.router)  # case board (issue 6): api/board/
    return app
