"""What every console endpoint needs, built once per engine process and kept on ``app.state``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request

from engine.console.actions import Actions
from engine.console.audit import AuditLog
from engine.console.sessions import Sessions
from engine.query.read_model import ReadModel


@dataclass(frozen=True)
class Console:
    read_model: ReadModel
    sessions: Sessions
    audit: AuditLog
    actions: Actions
    viewer: Path | None  # bpmn-js's dist directory, None when npm did not install it


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console
