"""Deployed process definitions and their lookups (latest version per process id)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.model.elements import Process
from engine.model.namespaces import ZEEBE, local_name
from engine.model.xml_safety import load_xml


def decision_version_tags(dmn_xml: str) -> dict[str, str]:
    """``zeebe:versionTag`` of each decision of a deployed DMN resource (decision id → tag)."""
    root = load_xml(dmn_xml.encode(), "decision requirements")
    tags: dict[str, str] = {}
    for decision in root:
        if not isinstance(decision.tag, str) or local_name(decision) != "decision":
            continue
        for ext in decision:
            if not isinstance(ext.tag, str) or local_name(ext) != "extensionElements":
                continue
            for tag in ext.iterchildren(f"{{{ZEEBE}}}versionTag"):
                value = (tag.get("value") or "").strip()
                if value:
                    tags[decision.get("id") or ""] = value
    return tags


@dataclass(slots=True, eq=False)
class ProcessDefinition:
    key: int
    bpmn_process_id: str
    version: int
    resource_name: str
    name: str | None
    xml: str
    checksum: str
    deployment_key: int
    tenant: str
    deployed_at: int
    parsed: Process | None = None
    # how to parse the stored XML when the model is first needed (definitions loaded at start
    # are parsed lazily: old versions without live instances may never be needed again)
    loader: Callable[[], Process] | None = None
    # element id → ids of elements from which a token can still reach it (inclusive joins)
    reach_cache: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)

    @property
    def process(self) -> Process:
        if self.parsed is None:
            assert self.loader is not None, "a process definition needs a model or a loader"
            self.parsed = self.loader()
            self.loader = None
        return self.parsed

    def row(self) -> tuple[object, ...]:
        return (
            self.key,
            self.bpmn_process_id,
            self.version,
            self.resource_name,
            self.name,
            self.xml,
            self.checksum,
            self.deployment_key,
            self.tenant,
            self.deployed_at,
        )


@dataclass(slots=True, eq=False)
class DecisionRequirements:
    """A deployed DMN resource (Zeebe's decision requirements graph) and its parsed graph."""

    key: int
    drg_id: str
    name: str
    version: int
    resource_name: str
    checksum: str
    xml: str
    deployment_key: int
    tenant: str
    deployed_at: int
    graph: Any
    # decision id → zeebe:versionTag, read from ``xml`` on first use (bindingType=versionTag)
    _version_tags: dict[str, str] | None = None

    def version_tags(self) -> dict[str, str]:
        if self._version_tags is None:
            self._version_tags = decision_version_tags(self.xml)
        return self._version_tags

    def row(self) -> tuple[object, ...]:
        return (
            self.key,
            self.drg_id,
            self.name,
            self.version,
            self.resource_name,
            self.checksum,
            self.xml,
            self.deployment_key,
            self.tenant,
            self.deployed_at,
        )


@dataclass(slots=True, eq=False)
class DecisionDefinition:
    """One decision of a deployed DRG, versioned by decision id like Zeebe."""

    key: int
    decision_id: str
    name: str
    version: int
    drg_key: int
    tenant: str

    def row(self, drg: DecisionRequirements) -> tuple[object, ...]:
        return (
            self.key,
            self.decision_id,
            self.name,
            self.version,
            self.drg_key,
            drg.drg_id,
            self.tenant,
        )


class Definitions:
    """All deployed definitions; ``latest`` keeps the newest version per (tenant, process id)."""

    def __init__(self) -> None:
        self.by_key: dict[int, ProcessDefinition] = {}
        self.latest: dict[tuple[str, str], ProcessDefinition] = {}
        self.versions: dict[tuple[str, str], int] = {}  # highest version ever (never reused)
        self.drgs: dict[int, DecisionRequirements] = {}
        self.latest_drg: dict[tuple[str, str], DecisionRequirements] = {}
        self.drg_versions: dict[tuple[str, str], int] = {}
        self.decisions: dict[int, DecisionDefinition] = {}
        self.latest_decision: dict[tuple[str, str], DecisionDefinition] = {}
        self.decision_versions: dict[tuple[str, str], int] = {}

    def add_drg(self, drg: DecisionRequirements, decisions: list[DecisionDefinition]) -> None:
        self.drgs[drg.key] = drg
        ident = (drg.tenant, drg.drg_id)
        current = self.latest_drg.get(ident)
        if current is None or current.version < drg.version:
            self.latest_drg[ident] = drg
        self.drg_versions[ident] = max(self.drg_versions.get(ident, 0), drg.version)
        for d in decisions:
            self.decisions[d.key] = d
            dident = (d.tenant, d.decision_id)
            cur = self.latest_decision.get(dident)
            if cur is None or cur.version < d.version:
                self.latest_decision[dident] = d
            self.decision_versions[dident] = max(self.decision_versions.get(dident, 0), d.version)

    def remove_drg(self, drg: DecisionRequirements) -> list[DecisionDefinition]:
        self.drgs.pop(drg.key, None)
        ident = (drg.tenant, drg.drg_id)
        if self.latest_drg.get(ident) is drg:
            others = [d for d in self.drgs.values() if (d.tenant, d.drg_id) == ident]
            if others:
                self.latest_drg[ident] = max(others, key=lambda d: d.version)
            else:
                del self.latest_drg[ident]
        removed = [d for d in self.decisions.values() if d.drg_key == drg.key]
        for d in removed:
            del self.decisions[d.key]
            dident = (d.tenant, d.decision_id)
            if self.latest_decision.get(dident) is d:
                others_d = [
                    x for x in self.decisions.values() if (x.tenant, x.decision_id) == dident
                ]
                if others_d:
                    self.latest_decision[dident] = max(others_d, key=lambda x: x.version)
                else:
                    del self.latest_decision[dident]
        return removed

    def add(self, definition: ProcessDefinition) -> None:
        self.by_key[definition.key] = definition
        ident = (definition.tenant, definition.bpmn_process_id)
        current = self.latest.get(ident)
        if current is None or current.version < definition.version:
            self.latest[ident] = definition
        self.versions[ident] = max(self.versions.get(ident, 0), definition.version)

    def remove(self, definition: ProcessDefinition) -> None:
        self.by_key.pop(definition.key, None)
        ident = (definition.tenant, definition.bpmn_process_id)
        if self.latest.get(ident) is definition:
            others = [d for d in self.by_key.values() if (d.tenant, d.bpmn_process_id) == ident]
            if others:
                self.latest[ident] = max(others, key=lambda d: d.version)
            else:
                del self.latest[ident]

    def in_deployment(
        self, tenant: str, bpmn_process_id: str, deployment_key: int
    ) -> ProcessDefinition | None:
        """The version of a process from the given deployment (``bindingType=deployment``)."""
        for d in self.by_key.values():
            if (
                d.deployment_key == deployment_key
                and d.bpmn_process_id == bpmn_process_id
                and d.tenant == tenant
            ):
                return d
        return None

    def with_version_tag(
        self, tenant: str, bpmn_process_id: str, version_tag: str
    ) -> ProcessDefinition | None:
        """The latest version carrying ``zeebe:versionTag`` ``version_tag`` (``bindingType=
        versionTag``). Parses the candidates' stored models on first use."""
        tagged = [
            d
            for d in self.by_key.values()
            if d.bpmn_process_id == bpmn_process_id
            and d.tenant == tenant
            and d.process.version_tag == version_tag
        ]
        return max(tagged, key=lambda d: d.version) if tagged else None

    def decision_in_deployment(
        self, tenant: str, decision_id: str, deployment_key: int
    ) -> DecisionDefinition | None:
        for d in self.decisions.values():
            if (
                d.decision_id == decision_id
                and d.tenant == tenant
                and self.drgs[d.drg_key].deployment_key == deployment_key
            ):
                return d
        return None

    def decision_with_version_tag(
        self, tenant: str, decision_id: str, version_tag: str
    ) -> DecisionDefinition | None:
        tagged = [
            d
            for d in self.decisions.values()
            if d.decision_id == decision_id
            and d.tenant == tenant
            and self.drgs[d.drg_key].version_tags().get(decision_id) == version_tag
        ]
        return max(tagged, key=lambda d: d.version) if tagged else None

    def find(
        self, tenant: str, bpmn_process_id: str, version: int = -1
    ) -> ProcessDefinition | None:
        if version < 0:
            return self.latest.get((tenant, bpmn_process_id))
        for d in self.by_key.values():
            if d.tenant == tenant and d.bpmn_process_id == bpmn_process_id and d.version == version:
                return d
        return None
