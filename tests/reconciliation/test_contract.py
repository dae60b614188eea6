"""bpmn/README.md's "## monthly-reconciliation" section against the diagram, both ways, and the
worker module against the job types (the same discipline as tests/bpmn for the main diagram)."""

from __future__ import annotations

import re

from tests.bpmn.diagram import BPMN_DIR, CONTRACT, NS, load

DIAGRAM = load(BPMN_DIR / "monthly-reconciliation.bpmn")
README = CONTRACT.read_text(encoding="utf-8")


def section(title: str) -> str:
    match = re.search(rf"^#+ {re.escape(title)}\s*$(.*?)(?=^#+ |\Z)", README, re.M | re.S)
    assert match, f"bpmn/README.md has no section '{title}'"
    return match[1]


def rows(text: str) -> list[list[str]]:
    lines = [line for line in text.splitlines() if line.startswith("|")]
    return [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines[2:]]


def ticks(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def test_the_section_is_the_last_of_the_contract() -> None:
    headings = re.findall(r"^## (.+)$", README, re.M)
    assert headings[-1] == "monthly-reconciliation"


def test_job_types_both_ways() -> None:
    in_readme = {
        ticks(r[0])[0]: {t for t in ticks(r[1]) if t.startswith("Task_")}
        for r in rows(section("Reconciliation job types"))
    }
    in_diagram: dict[str, set[str]] = {}
    for el in DIAGRAM.xpath("//*[bpmn:extensionElements/zeebe:taskDefinition]"):
        job_type = el.find("bpmn:extensionElements/zeebe:taskDefinition", NS).get("type")
        in_diagram.setdefault(job_type, set()).add(el.get("id"))
    assert in_readme == in_diagram


def test_messages_both_ways() -> None:
    in_readme = {ticks(r[0])[0]: ticks(r[1])[0] for r in rows(section("Reconciliation messages"))}
    in_diagram = {
        m.get("name"): m.find("bpmn:extensionElements/zeebe:subscription", NS).get("correlationKey")
        for m in DIAGRAM.xpath("//bpmn:message")
    }
    assert in_readme == in_diagram


def test_timers_both_ways() -> None:
    in_readme = {ticks(r[0])[0]: " ".join(r) for r in rows(section("Reconciliation timers"))}
    in_diagram = {}
    for definition in DIAGRAM.xpath("//bpmn:timerEventDefinition"):
        (value,) = [c for c in definition if isinstance(c.tag, str)]
        in_diagram[definition.getparent().get("id")] = value.text.strip()
    assert set(in_readme) == set(in_diagram)
    for timer_id, value in in_diagram.items():
        assert value in in_readme[timer_id], timer_id


def test_process_id_and_platform() -> None:
    root = DIAGRAM.root
    modeler = "{" + NS["modeler"] + "}"
    assert root.get(modeler + "executionPlatform") == "Camunda Cloud"
    assert root.get(modeler + "executionPlatformVersion") == "8.9.0"
    (process,) = DIAGRAM.xpath("//bpmn:process")
    assert process.get("id") == "monthly-reconciliation"


def test_the_worker_serves_every_job_type() -> None:
    from workers import reconciliation

    types = {ticks(r[0])[0] for r in rows(section("Reconciliation job types"))}
    assert set(reconciliation.TASK_TYPES) == types


def test_the_package_readme_lists_every_rule() -> None:
    from pathlib import Path

    from domain.reconciliation.rules import RULES

    readme = (Path(__file__).resolve().parents[2] / "domain/reconciliation/README.md").read_text(
        encoding="utf-8"
    )
    for rule in RULES:
        assert f"`{rule.code}`" in readme and rule.title_zh in readme
