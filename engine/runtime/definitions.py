"""Deployed process definitions and their lookups (latest version per process id)."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.model.elements import Process


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
    process: Process
    # element id → ids of elements from which a token can still reach it (inclusive joins)
    reach_cache: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)

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


class Definitions:
    """All deployed definitions; ``latest`` keeps the newest version per (tenant, process id)."""

    def __init__(self) -> None:
        self.by_key: dict[int, ProcessDefinition] = {}
        self.latest: dict[tuple[str, str], ProcessDefinition] = {}
        self.versions: dict[tuple[str, str], int] = {}  # highest version ever (never reused)

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

    def find(
        self, tenant: str, bpmn_process_id: str, version: int = -1
    ) -> ProcessDefinition | None:
        if version < 0:
            return self.latest.get((tenant, bpmn_process_id))
        for d in self.by_key.values():
            if d.tenant == tenant and d.bpmn_process_id == bpmn_process_id and d.version == version:
                return d
        return None
