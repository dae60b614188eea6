"""The arrows of ARCHITECTURE.md point one way: ``engine`` knows nothing of the domain, and
``api`` and ``workers`` reach the engine only through the Zeebe protocol (pyzeebe), never by
importing it. A stray import would let the product depend on engine internals and stop it
running against Camunda 8, so it fails here rather than in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = {"engine", "domain", "workers", "api", "shenhou"}
ALLOWED = {
    "engine": {"engine"},
    "domain": {"domain"},
    "workers": {"workers", "domain"},
    "api": {"api", "domain"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & OURS


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_the_architecture_allows(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) - ALLOWED[package])
        for path in (ROOT / package).rglob("*.py")
        if imported_packages(path) - ALLOWED[package]
    }
    assert offenders == {}
