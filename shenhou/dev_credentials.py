"""Credentials for the embedded default, made once per data directory.

A new user runs `make run` and must be able to file a report at once, yet no token or
secret may be baked into the code (a default token would be a default password). So the
first `shenhou up` draws random bearer tokens for every role of the case API, an ``ops``
user for the engine console and a family-link secret, writes them to files readable only
by the owner, and hands the file paths to the parts through the environment variables the
parts already read. Operators who configure their own tokens, JWT verification or secret
are left alone.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping, MutableMapping
from pathlib import Path

API_ROLES = ("hotline", "grid", "health", "police", "civil", "hrss", "dpf", "funeral", "supervisor")
API_TOKENS_FILE = "dev-tokens.json"
CONSOLE_TOKENS_FILE = "dev-console-tokens.json"
FAMILY_SECRET_FILE = "dev-family-link-secret"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)


def ensure_dev_credentials(data_dir: Path) -> dict[str, Path]:
    """Create the credential files under ``data_dir`` if missing; returns their paths."""
    paths = {
        "api": data_dir / API_TOKENS_FILE,
        "console": data_dir / CONSOLE_TOKENS_FILE,
        "family": data_dir / FAMILY_SECRET_FILE,
    }
    if not paths["api"].exists():
        tokens = {
            secrets.token_urlsafe(24): {"sub": f"dev-{role}", "roles": [role]} for role in API_ROLES
        }
        _write_private(paths["api"], json.dumps(tokens, indent=2, ensure_ascii=False))
    if not paths["console"].exists():
        console = {secrets.token_urlsafe(24): {"sub": "dev-ops", "roles": ["ops"]}}
        _write_private(paths["console"], json.dumps(console, indent=2))
    if not paths["family"].exists():
        _write_private(paths["family"], secrets.token_urlsafe(32))
    return paths


def apply_to_environment(paths: Mapping[str, Path], env: MutableMapping[str, str]) -> None:
    """Point the parts at the dev credentials unless the operator configured their own."""
    if not any(
        env.get(name)
        for name in (
            "SHENHOU_API_TOKENS",
            "SHENHOU_API_TOKENS_FILE",
            "SHENHOU_JWT_JWKS_URL",
            "SHENHOU_JWT_PUBLIC_KEY",
            "SHENHOU_OIDC_DISCOVERY",
        )
    ):
        env["SHENHOU_API_TOKENS_FILE"] = str(paths["api"].resolve())
    if not env.get("ENGINE_CONSOLE_TOKENS") and not env.get("ENGINE_CONSOLE_TOKENS_FILE"):
        env["ENGINE_CONSOLE_TOKENS_FILE"] = str(paths["console"].resolve())
    if not env.get("SHENHOU_FAMILY_LINK_SECRET"):
        env["SHENHOU_FAMILY_LINK_SECRET"] = paths["family"].read_text(encoding="utf-8").strip()


def token_for(role: str, data_dir: Path) -> str:
    """The dev token of ``role`` (an API role, or ``ops`` for the console)."""
    file = data_dir / (CONSOLE_TOKENS_FILE if role == "ops" else API_TOKENS_FILE)
    if not file.exists():
        raise LookupError(f"{file} does not exist yet: run `shenhou up` (make run) once first")
    entries = json.loads(file.read_text(encoding="utf-8"))
    for token, entry in entries.items():
        if role in entry.get("roles", []):
            return str(token)
    known = sorted({r for e in entries.values() for r in e.get("roles", [])})
    raise LookupError(f"no dev token for role {role!r}; roles: {', '.join(known)}, ops")


def main(argv: list[str]) -> int:
    """`shenhou token ROLE`: print a dev token, e.g. for curl."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="shenhou token",
        description="Print the development bearer token of a role (made by the first "
        "`shenhou up`): " + ", ".join(API_ROLES) + ", or ops (engine console).",
    )
    parser.add_argument("role", choices=[*API_ROLES, "ops"])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    args = parser.parse_args(argv)
    try:
        print(token_for(args.role, args.data_dir))
    except LookupError as error:
        print(f"shenhou token: {error}", file=__import__("sys").stderr)
        return 1
    return 0
