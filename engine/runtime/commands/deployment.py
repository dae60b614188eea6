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
    BindingType,
    BusinessRuleTask,
    CallActivity,
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
    _check_deployment_bindings(resources)
    # As Zeebe (8.6+): when any resource of a deployment is new or changed, every resource of it
    # gets a new version, so that ``bindingType="deployment"`` always finds its siblings.
    all_duplicates = all(_is_duplicate(m, res, tenant) for res in resources)
    deployment_key = s.new_key()
    deployed: list[DeployedProcess] = []
    drgs: list[DeployedDecisionRequirements] = []
    decisions: list[DeployedDecision] = []
    for res in resources:
        if res.graph is not None:
            drg, decs = m.decisions.deploy(
                res.name,
                res.xml,
                res.checksum,
                res.graph,
                tenant,
                deployment_key,
                new_version=not all_duplicates,
            )
            drgs.append(drg)
            decisions.extend(decs)
        for process in res.processes:
            ident = (tenant, process.id)
            latest = s.definitions.latest.get(ident)
            if all_duplicates and latest is not None:
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


def _is_duplicate(m: Machine, res: ParsedResource, tenant: str) -> bool:
    """Zeebe's duplicate test: same resource name and checksum as the latest version."""
    defs = m.s.definitions
    if res.graph is not None:
        drg = defs.latest_drg.get((tenant, res.graph.id))
        if drg is None or drg.checksum != res.checksum or drg.resource_name != res.name:
            return False
    for process in res.processes:
        latest = defs.latest.get((tenant, process.id))
        if latest is None or latest.checksum != res.checksum or latest.resource_name != res.name:
            return False
    return True


def _check_deployment_bindings(resources: Sequence[ParsedResource]) -> None:
    """As Zeebe: a static call activity / business rule task target bound with
    ``bindingType="deployment"`` must be part of the same deployment."""
    process_ids = {p.id for res in resources for p in res.processes}
    decision_ids = {d for res in resources if res.graph is not None for d in res.graph.decisions}
    problems: list[str] = []
    for res in resources:
        for process in res.processes:
            for el in process.elements.values():
                if isinstance(el, CallActivity):
                    ce = el.called_element
                    if (
                        ce.binding_type is BindingType.DEPLOYMENT
                        and not ce.process_id.is_feel
                        and ce.process_id.source not in process_ids
                    ):
                        problems.append(
                            f"'{res.name}': Element '{el.id}': expected to find process with id "
                            f"'{ce.process_id.source}' in the current deployment "
                            "(bindingType 'deployment'), but not found"
                        )
                elif isinstance(el, BusinessRuleTask) and el.called_decision is not None:
                    cd = el.called_decision
                    if (
                        cd.binding_type is BindingType.DEPLOYMENT
                        and not cd.decision_id.is_feel
                        and cd.decision_id.source not in decision_ids
                    ):
                        problems.append(
                            f"'{res.name}': Element '{el.id}': expected to find decision with id "
                            f"'{cd.decision_id.source}' in the current deployment "
                            "(bindingType 'deployment'), but not found"
                        )
    if problems:
        raise EngineError(
            ErrorCode.INVALID_ARGUMENT,
            "Expected to deploy new resources, but encountered the following errors:\n"
            + "\n".join(problems),
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
