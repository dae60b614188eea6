"""The ops console on the engine's HTTP address, under ``/console``.

Pages are static HTML + JavaScript (no build step) that read the JSON API below; the diagram
is drawn by bpmn-js's prebuilt viewer, served from ``node_modules`` when npm installed it (the
page says so and shows everything else when it did not). Reads come from the read model
(``reads``), actions go through :class:`EngineApi` (``writes`` → ``actions``).
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from engine.api import EngineApi
from engine.console import login, reads, writes
from engine.console.actions import Actions
from engine.console.audit import AuditLog
from engine.console.context import Console
from engine.console.endpoints import Endpoint, reader, writer
from engine.console.jwt_login import JwtVerifier, load_verifier
from engine.console.login import DEFAULT_TARGET, PREFIX
from engine.console.sessions import Sessions
from engine.console.settings import ConsoleUser, describe, load_tokens
from engine.logs import get_logger
from engine.query.read_model import ReadModel

log = get_logger("engine.console")
STATIC = Path(__file__).parent / "static"
ROOT = Path(__file__).resolve().parents[2]
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def bpmn_js_dir() -> Path | None:
    """bpmn-js's prebuilt bundles, where ``npm install`` put them (or ENGINE_CONSOLE_BPMN_JS)."""
    configured = os.environ.get("ENGINE_CONSOLE_BPMN_JS")
    path = Path(configured) if configured else ROOT / "node_modules" / "bpmn-js" / "dist"
    return path if (path / "bpmn-navigated-viewer.production.min.js").exists() else None


def page(name: str) -> Endpoint:
    async def endpoint(_request: Request) -> Response:
        return FileResponse(STATIC / name, headers=PAGE_HEADERS)

    return endpoint


async def home(_request: Request) -> Response:
    return RedirectResponse(DEFAULT_TARGET, status_code=307)


def create_console_app(
    engine: EngineApi,
    store_path: Path | None,
    *,
    users: dict[str, ConsoleUser] | None = None,
    jwt: JwtVerifier | None = None,
) -> Starlette:
    read_model = ReadModel(store_path)
    if users is None:
        users, jwt = load_tokens(), load_verifier()
    audit = AuditLog(None if store_path is None else store_path.parent)
    console = Console(
        read_model=read_model,
        sessions=Sessions(users, jwt=jwt),
        audit=audit,
        actions=Actions(engine, read_model, audit),
        viewer=bpmn_js_dir(),
    )
    log.info(
        "console.ready",
        users_by_role=describe(users),
        jwt=None if jwt is None else (jwt.settings.jwks_url or jwt.settings.issuer or "public key"),
        diagram=console.viewer is not None,
    )
    if not users and jwt is None:
        log.warning(
            "console.no_users",
            hint="set ENGINE_CONSOLE_TOKENS (JSON token -> {sub, roles}; role ops acts) "
            "or the case API's SHENHOU_JWT_* settings",
        )
    if console.viewer is None:
        log.warning(
            "console.no_diagram",
            hint="bpmn-js not in node_modules (npm install needs Node.js); diagrams are not drawn",
        )
    routes: list[BaseRoute] = [
        Route("/", home),
        Route("/login", page("login.html"), methods=["GET"]),
        Route("/login", login.login, methods=["POST"]),
        Route("/logout", login.logout, methods=["POST"]),
        Route("/processes", page("processes.html")),
        Route("/instances", page("instances.html")),
        Route("/instances/{key}", page("instance.html")),
        Route("/api/login-info", login.login_info),
        Route("/api/me", reader(reads.me)),
        Route("/api/definitions", reader(reads.list_definitions)),
        Route("/api/definitions/{key}/xml", reader(reads.xml)),
        Route("/api/definitions/{key}/elements", reader(reads.elements)),
        Route("/api/instances", reader(reads.instances)),
        Route("/api/instances/{key}", reader(reads.instance)),
        Route("/api/instances/{key}/records", reader(reads.records)),
        Route("/api/instances/{key}/events", reader(reads.events)),
        Route("/api/incidents/{key}/retry", writer(writes.retry), methods=["POST"]),
        Route("/api/instances/{key}/cancel", writer(writes.cancel), methods=["POST"]),
        Route("/api/instances/{key}/variables", writer(writes.set_variable), methods=["POST"]),
        Route("/api/instances/{key}/modify", writer(writes.modify), methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=STATIC)),
    ]
    if console.viewer is not None:
        routes.append(Mount("/vendor/bpmn-js", app=StaticFiles(directory=console.viewer)))
    app = Starlette(routes=routes)
    app.state.console = console
    return app


def mount_console(app: Starlette, engine: EngineApi, store_path: Path | None) -> Starlette:
    """Serve the console under ``/console`` of the engine's HTTP app (and ``/`` leads there)."""
    app.router.routes.append(Mount(PREFIX, app=create_console_app(engine, store_path)))
    app.router.routes.append(Route("/", home))
    return app
