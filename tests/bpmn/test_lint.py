"""Every diagram passes @camunda/linting (the Camunda Modeler linter) with no error and no warning.

The linter picks its rules from ``modeler:executionPlatform`` / ``executionPlatformVersion`` on the
definitions (Camunda 8.9 here). It is written for bundlers, so tools/lint/lint-bpmn.mjs is bundled
with esbuild into tools/lint/dist/ (gitignored); the test builds the bundle when it is missing or
older than its source.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.bpmn.diagram import MAIN_DIAGRAM, ROOT, diagrams

SOURCE = ROOT / "tools" / "lint" / "lint-bpmn.mjs"
BUNDLE = ROOT / "tools" / "lint" / "dist" / "lint-bpmn.mjs"
SUMMARY = re.compile(r"(\d+) file\(s\): (\d+) error\(s\), (\d+) warning\(s\)")

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None, reason="node is not installed: the diagram linter needs Node.js"
)


@pytest.fixture(scope="module")
def bundle() -> Path:
    linting = ROOT / "node_modules" / "@camunda" / "linting"
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    assert linting.is_dir() and esbuild.exists(), (
        "node_modules lacks @camunda/linting or esbuild: run `make node` (npm install)"
    )
    if not BUNDLE.exists() or BUNDLE.stat().st_mtime < SOURCE.stat().st_mtime:
        subprocess.run(
            [
                "npx",
                "--no-install",
                "esbuild",
                str(SOURCE.relative_to(ROOT)),
                "--bundle",
                "--platform=node",
                "--format=esm",
                "--log-level=warning",
                f"--outfile={BUNDLE.relative_to(ROOT)}",
            ],
            cwd=ROOT,
            check=True,
            timeout=120,
        )
    return BUNDLE


def lint(bundle: Path, *files: Path) -> tuple[int, str, tuple[int, int, int]]:
    result = subprocess.run(
        ["node", str(bundle), *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    match = SUMMARY.search(result.stdout)
    assert match, f"no summary from the linter:\n{result.stdout}\n{result.stderr}"
    counts = (int(match[1]), int(match[2]), int(match[3]))
    return result.returncode, result.stdout, counts


def test_every_diagram_lints_clean(bundle: Path) -> None:
    files = diagrams()
    code, out, (linted, errors, warnings) = lint(bundle)  # no arguments: all of bpmn/*.bpmn
    assert linted == len(files) >= 1
    assert (errors, warnings) == (0, 0), out
    assert code == 0, out


def test_the_linter_reports_errors_with_element_ids(bundle: Path, tmp_path: Path) -> None:
    """The linter fails a diagram that Camunda 8.9 would reject (so the test above can fail)."""
    broken = tmp_path / "broken.bpmn"
    xml = MAIN_DIAGRAM.read_text(encoding="utf-8")
    xml = re.sub(r'<zeebe:taskDefinition type="hotline\.close-case" />', "", xml, count=1)
    xml = xml.replace('<zeebe:subscription correlationKey="=caseId" />', "", 1)
    broken.write_text(xml, encoding="utf-8")
    code, out, (_, errors, _) = lint(bundle, broken)
    assert code == 1
    assert errors >= 2
    assert re.search(r"error Task_CloseCase \[camunda-compat/implementation\]", out), out


def test_a_diagram_without_execution_platform_is_an_error(bundle: Path, tmp_path: Path) -> None:
    """@camunda/linting checks nothing without the platform attributes; the script refuses it."""
    bare = tmp_path / "bare.bpmn"
    xml = MAIN_DIAGRAM.read_text(encoding="utf-8")
    bare.write_text(re.sub(r' modeler:executionPlatform(Version)?="[^"]*"', "", xml), "utf-8")
    code, out, (_, errors, _) = lint(bundle, bare)
    assert (code, errors) == (1, 1), out


def test_import_warnings_are_errors(bundle: Path, tmp_path: Path) -> None:
    """What Modeler would drop on opening (unknown elements or attributes) fails the lint."""
    typo = tmp_path / "typo.bpmn"
    xml = MAIN_DIAGRAM.read_text(encoding="utf-8")
    typo.write_text(
        xml.replace("<zeebe:taskHeaders>", "<zeebe:taskHeaderz>", 1).replace(
            "</zeebe:taskHeaders>", "</zeebe:taskHeaderz>", 1
        ),
        "utf-8",
    )
    code, out, (_, errors, _) = lint(bundle, typo)
    assert code == 1 and errors >= 1, out
    assert "[import]" in out, out
