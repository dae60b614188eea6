"""Who may log in to the ops console, read from the engine process's environment.

The engine may not import the case API, so the token format is repeated here: a JSON object
mapping a bearer token to ``{"sub": ..., "roles": [...]}``. Tokens come from
``ENGINE_CONSOLE_TOKENS`` (JSON) or ``ENGINE_CONSOLE_TOKENS_FILE``, and — so that staff use the
one token they already hold — also from the case API's ``SHENHOU_API_TOKENS`` /
``SHENHOU_API_TOKENS_FILE`` when those are set for the engine process. ``ops`` is the console's
own role (it acts); the case API's roles may log in and read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OPS = "ops"
# Roles that may see personal data (variable values, error messages, record payloads):
# ops must, to repair an instance; the county supervisor sees whole cases in the case API too.
PERSONAL_DATA_ROLES = frozenset({OPS, "supervisor"})


@dataclass(frozen=True)
class ConsoleUser:
    sub: str
    roles: frozenset[str]

    @property
    def may_act(self) -> bool:
        return OPS in self.roles

    @property
    def sees_personal_data(self) -> bool:
        return bool(self.roles & PERSONAL_DATA_ROLES)

    @property
    def label(self) -> str:
        """Who acted, as the audit log and the case timeline write it: ``role:subject``."""
        role = OPS if self.may_act else (sorted(self.roles)[0] if self.roles else "?")
        return f"{role}:{self.sub}"


class ConsoleConfigError(ValueError):
    """A token configuration the engine cannot use; the message names the variable."""


def _parse(source: str, text: str) -> dict[str, ConsoleUser]:
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise ConsoleConfigError(f"{source} is not valid JSON: {error}") from None
    if not isinstance(raw, Mapping):
        raise ConsoleConfigError(f"{source} must be a JSON object of token -> {{sub, roles}}")
    users: dict[str, ConsoleUser] = {}
    for token, entry in raw.items():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("sub"), str):
            raise ConsoleConfigError(f"{source}: each token needs a 'sub' string")
        roles = entry.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise ConsoleConfigError(f"{source}: 'roles' of {entry['sub']!r} must be a list")
        users[str(token)] = ConsoleUser(entry["sub"], frozenset(roles))
    return users


def load_tokens(env: Mapping[str, str] | None = None) -> dict[str, ConsoleUser]:
    """All configured console tokens; the console's own settings win over the case API's."""
    env = os.environ if env is None else env
    users: dict[str, ConsoleUser] = {}
    for inline, file in (
        ("SHENHOU_API_TOKENS", "SHENHOU_API_TOKENS_FILE"),
        ("ENGINE_CONSOLE_TOKENS", "ENGINE_CONSOLE_TOKENS_FILE"),
    ):
        if env.get(inline):
            users.update(_parse(inline, env[inline]))
        if env.get(file):
            path = Path(env[file])
            try:
                users.update(_parse(file, path.read_text(encoding="utf-8")))
            except OSError as error:
                raise ConsoleConfigError(f"{file}: cannot read {path}: {error.strerror}") from None
    return users


def describe(users: Mapping[str, ConsoleUser]) -> dict[str, Any]:
    """For the start-up log: how many users per role, never the tokens."""
    counts: dict[str, int] = {}
    for user in users.values():
        for role in user.roles:
            counts[role] = counts.get(role, 0) + 1
    return counts
