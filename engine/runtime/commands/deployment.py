"""DeployResource and DeleteResource: parsing happened before; here versions and keys."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.api import (
    DeployedDecision,
    DeployedDecisionRequirements,
    DeployedProcess,
    Deployment,
    EngineError,
    ErrorCode,
)
from engine.model.elements import (
    Process,
)
from engine.runtime.definitions import ProcessDefinition
from engine.runtime.machine import Machine


@dataclass(frozen=True, slots=True)
class ParsedResource:
    """A resource parsed before it reaches the writer: BPMN processes or a DMN graph."""

    name: str
    xml: str
    checksum: str
    processes: list[Process]
    graph: Any = None  # engine.dmn.DecisionRequirementsGraph for .dmn resources


def checksum_of(content: bytes) -> str:
    return hashlib.md5(content, usedforsecurity=False).hexdigest()


def deploy(m: Machine, resources: Sequence[ParsedResource], tenant: str) -> Deployment:
    s = m.s
    seen: dict[str, str] = {}
    for res in resources:
        for process in res.processes:
            if process.id in seen:
                raise EngineError(
                    ErrorCode.INVALID_ARGUMENT,
                    f"Expected the process ids to be unique within a deployment, but found "
                    f"process id '{process.id}' in resources '{seen[process.id]}' and "
                    f"'{res.name}'",
                )
            seen[process.id] = res.name
    deployment_key = s.new_key()
    deployed: list[DeployedProcess] = []
    drgs: list[DeployedDecisionRequirements] = []
    decisions: list[DeployedDecision] = []
    for res in resources:
        if res.graph is not None:
            drg, decs = m.decisions.deploy(
                res.name, res.xml, res.checksum, res.graph, tenant, deployment_key
            )
            drgs.append(drg)
            decisions.extend(decs)
        for process in res.processes:
            ident = (tenant, process.id)
            latest = s.definitions.latest.get(ident)
            if (
                latest is not None
                and latest.checksum == res.checksum
                and (latest.resource_name == res.name)
            ):
                deployed.append(
                    DeployedProcess(
                        latest.bpmn_process_id,
                        latest.version,
                        latest.key,
                        latest.resource_name,
                        tenant,
                    )
                )
                continue
            version = s.definitions.versions.get(ident, 0) + 1
            d = ProcessDefinition(
                key=s.new_key(),
                bpmn_process_id=process.id,
                version=version,
                resource_name=res.name,
                name=process.name,
                xml=res.xml,
                checksum=res.checksum,
                deployment_key=deployment_key,
                tenant=tenant,
                deployed_at=m.now,
                parsed=process,
            )
            if latest is not None:
                m.events.cancel_start_timers(latest)
            s.definitions.add(d)
            s.new_definitions.append(d)
            s.meta[f"v:{tenant}:{process.id}"] = version
            s.record(
                d.key,
                "EVENT",
                "PROCESS",
                "CREATED",
                m.now,
                None,
                {
                    "bpmnProcessId": d.bpmn_process_id,
                    "version": version,
                    "resourceName": res.name,
                    "checksum": res.checksum,
                    "deploymentKey": deployment_key,
                    "tenantId": tenant,
                },
            )
            m.events.schedule_start_timers(d)
            deployed.append(DeployedProcess(process.id, version, d.key, res.name, tenant))
    m.events.definitions_changed()
    s.record(
        deployment_key,
        "EVENT",
        "DEPLOYMENT",
        "CREATED",
        m.now,
        None,
        {
            "resources": [r.name for r in resources],
            "processesMetadata": [
                {
                    "bpmnProcessId": p.bpmn_process_id,
                    "version": p.version,
                    "processDefinitionKey": p.process_definition_key,
                }
                for p in deployed
            ],
        },
    )
    return Deployment(
        key=deployment_key,
        processes=deployed,
        decisions=decisions,
        decision_requirements=drgs,
        tenant_id=tenant,
    )


def delete_resource(m: Machine, key: int) -> None:
    s = m.s
    d = s.definitions.by_key.get(key)
    drg = s.definitions.drgs.get(key)
    if drg is not None:
        m.decisions.delete(drg)
        return
    if d is None:
        raise EngineError(
            ErrorCode.NOT_FOUND,
            f"Expected to delete resource but no resource found with key `{key}`",
        )
    running = any(ei.is_root and ei.def_key == key for ei in s.instances.values())
    if running:
        raise EngineError(
            ErrorCode.FAILED_PRECONDITION,
            f"Expected to delete process definition with key '{key}', but there are running "
            f"process instances of it; cancel or finish them first",
        )
    ident = (d.tenant, d.bpmn_process_id)
    was_latest = s.definitions.latest.get(ident) is d
    m.events.cancel_start_timers(d)
    s.definitions.remove(d)
    s.deleted_definitions.append(d.key)
    if was_latest:
        new_latest = s.definitions.latest.get(ident)
        if new_latest is not None:
            m.events.schedule_start_timers(new_latest)
    m.events.definitions_changed()
    s.record(
        d.key,
        "EVENT",
        "PROCESS",
        "DELETED",
        m.now,
        None,
        {
            "bpmnProcessId": d.bpmn_process_id,
            "version": d.version,
        },
    )
