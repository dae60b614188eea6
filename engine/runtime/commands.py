"""Command handlers: one function per client command, run on the writer thread.

Each handler validates first and raises :class:`EngineError` before changing anything, so a
refused command leaves no trace but its rejection; then it applies the change through the
machine and behaviours. The writer drains the machine's follow-up work after each handler.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.api import (
    DEFAULT_TENANT,
    ActivateInstruction,
    DecisionEvaluation,
    DeployedDecision,
    DeployedDecisionRequirements,
    DeployedProcess,
    Deployment,
    EngineError,
    ErrorCode,
    MessagePublished,
    ProcessInstanceCreated,
    StartInstruction,
)
from engine.model.elements import (
    BoundaryEvent,
    ElementType,
    EventSubProcess,
    FlowNode,
    Process,
    StartEvent,
)
from engine.runtime.definitions import ProcessDefinition
from engine.runtime.entities import ACTIVATING, ElementInstance, Message
from engine.runtime.machine import Machine
from engine.runtime.state import DUE_MESSAGE_TTL


def _check_variables(variables: Any) -> dict[str, Any]:
    if variables is None:
        return {}
    if not isinstance(variables, Mapping):
        raise EngineError(
            ErrorCode.INVALID_ARGUMENT,
            f"Expected variables to be a JSON object, but was '{type(variables).__name__}'",
        )
    return dict(variables)


# ---------------------------------------------------------------------------- deployment


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


# ---------------------------------------------------------------------------- instances


def find_definition(
    m: Machine, bpmn_process_id: str | None, key: int | None, version: int, tenant: str
) -> ProcessDefinition:
    defs = m.s.definitions
    if key is not None and key > 0:
        d = defs.by_key.get(key)
        if d is None:
            raise EngineError(
                ErrorCode.NOT_FOUND,
                f"Expected to find process definition with key '{key}', but none found",
            )
        return d
    if not bpmn_process_id:
        raise EngineError(
            ErrorCode.INVALID_ARGUMENT,
            "Expected either a process definition key or a BPMN process id, but none given",
        )
    d = defs.find(tenant, bpmn_process_id, version)
    if d is None:
        if version >= 0:
            raise EngineError(
                ErrorCode.NOT_FOUND,
                f"Expected to find process definition with process ID '{bpmn_process_id}' "
                f"and version '{version}', but none found",
            )
        raise EngineError(
            ErrorCode.NOT_FOUND,
            f"Expected to find process definition with process ID '{bpmn_process_id}', but "
            "none found",
        )
    return d


def start_instance(
    m: Machine,
    d: ProcessDefinition,
    variables: Mapping[str, Any],
    start_ids: Sequence[str],
    *,
    parent_pi_key: int = -1,
    parent_ei_key: int = -1,
    message: Message | None = None,
) -> ElementInstance:
    s = m.s
    key = s.new_key()
    root = ElementInstance(
        key,
        pi_key=key,
        def_key=d.key,
        element_id=d.bpmn_process_id,
        element_type=ElementType.PROCESS.value,
        flow_scope_key=-1,
        state=ACTIVATING,
        start=m.now,
        parent_pi_key=parent_pi_key,
        parent_ei_key=parent_ei_key,
    )
    root.mi = {"start": list(start_ids)}
    s.add_instance(root)
    s.record(
        key,
        "EVENT",
        "PROCESS_INSTANCE_CREATION",
        "CREATED",
        m.now,
        key,
        {
            "bpmnProcessId": d.bpmn_process_id,
            "version": d.version,
            "processDefinitionKey": d.key,
            "processInstanceKey": key,
            "parentProcessInstanceKey": parent_pi_key,
            "messageKey": message.key if message is not None else -1,
        },
    )
    m.vars.set_locals(root, variables)
    m.record_pi(root, ACTIVATING)
    m.run_activation(root)
    return root


def _find_live(m: Machine, root: ElementInstance, element_id: str) -> ElementInstance | None:
    stack = [root.key]
    while stack:
        ei = m.s.instances.get(stack.pop())
        if ei is None:
            continue
        if ei.element_id == element_id and ei is not root and ei.alive:
            return ei
        stack.extend(ei.children)
    return None


def scope_for(
    m: Machine, root: ElementInstance, scope_id: str, ancestor: ElementInstance | None = None
) -> ElementInstance:
    """The live instance of flow scope ``scope_id`` (created, without its start event, when
    there is none), used by start instructions and process instance modification."""
    process = m.process(root)
    if scope_id == process.id:
        return root
    if ancestor is not None and ancestor.element_id == scope_id and ancestor.alive:
        return ancestor
    found = _find_live(m, ancestor or root, scope_id)
    if found is not None:
        return found
    scope_el = process.elements[scope_id]
    parent = scope_for(m, root, scope_el.flow_scope_id, ancestor)
    ei = m.new_instance(parent, scope_el, as_body=False)
    ei.mi = {"no_start": True}
    m.record_pi(ei, ACTIVATING)
    m.run_activation(ei)
    return ei


def activate_at(
    m: Machine, root: ElementInstance, element: FlowNode, variables: Mapping[str, Any] | None
) -> None:
    if not root.alive:
        return
    scope = scope_for(m, root, element.flow_scope_id)
    m.activate(scope, element, pending_vars=variables)


def _start_ids(d: ProcessDefinition, instructions: Sequence[StartInstruction]) -> list[str]:
    process = d.process
    if instructions:
        ids = []
        for ins in instructions:
            if ins.element_id not in process.elements:
                raise EngineError(
                    ErrorCode.INVALID_ARGUMENT,
                    f"Expected to create instance of process with start instructions but the "
                    f"element with id '{ins.element_id}' is not found",
                )
            el = process.elements[ins.element_id]
            if isinstance(el, BoundaryEvent) or (
                isinstance(el, StartEvent)
                and isinstance(process.elements.get(el.flow_scope_id), EventSubProcess)
            ):
                raise EngineError(
                    ErrorCode.INVALID_ARGUMENT,
                    f"Expected to create instance of process with start instructions but the "
                    f"element with id '{ins.element_id}' is a boundary event or an event "
                    "subprocess start event, which is not supported",
                )
            ids.append(ins.element_id)
        return ids
    if process.start_event_id is None:
        raise EngineError(
            ErrorCode.FAILED_PRECONDITION,
            f"Expected to create instance of process with none start event, but there is no "
            f"such event in process '{d.bpmn_process_id}'",
        )
    return [process.start_event_id]


def create_instance(
    m: Machine,
    bpmn_process_id: str | None,
    key: int | None,
    version: int,
    variables: Any,
    start_instructions: Sequence[StartInstruction],
    tenant: str,
) -> ProcessInstanceCreated:
    d = find_definition(m, bpmn_process_id, key, version, tenant)
    start_ids = _start_ids(d, start_instructions)
    doc = _check_variables(variables)
    root = start_instance(m, d, doc, start_ids)
    return ProcessInstanceCreated(d.key, d.bpmn_process_id, d.version, root.key, d.tenant)


def cancel_instance(m: Machine, key: int) -> None:
    root = m.s.instances.get(key)
    if root is None or not root.is_root or not root.alive:
        raise EngineError(
            ErrorCode.NOT_FOUND,
            f"Expected to cancel a process instance with key '{key}', but no such process was "
            "found",
        )
    if root.parent_pi_key != -1:
        raise EngineError(
            ErrorCode.FAILED_PRECONDITION,
            f"Expected to cancel a process instance with key '{key}', but it is created by a "
            f"parent process instance. Cancel the root process instance "
            f"'{root.parent_pi_key}' instead.",
        )
    m.s.record(key, "COMMAND", "PROCESS_INSTANCE", "CANCEL", m.now, key, {})
    m.terminate(root)


def set_variables(m: Machine, key: int, variables: Any, local: bool) -> int:
    ei = m.s.instances.get(key)
    if ei is None or not ei.alive:
        raise EngineError(
            ErrorCode.NOT_FOUND,
            f"Expected to update variables for element with key '{key}', but no such element "
            "was found",
        )
    doc = _check_variables(variables)
    doc_key = m.s.new_key()
    m.s.record(
        doc_key,
        "EVENT",
        "VARIABLE_DOCUMENT",
        "UPDATED",
        m.now,
        ei.pi_key,
        {
            "scopeKey": key,
            "updateSemantics": "LOCAL" if local else "PROPAGATE",
        },
    )
    if local:
        m.vars.set_locals(ei, doc)
    else:
        m.vars.propagate(ei, doc)
    return doc_key


def modify_instance(
    m: Machine, key: int, activate: Sequence[ActivateInstruction], terminate: Sequence[int]
) -> None:
    s = m.s
    root = s.instances.get(key)
    if root is None or not root.is_root or not root.alive:
        raise EngineError(
            ErrorCode.NOT_FOUND,
            f"Expected to modify process instance but no process instance found with key '{key}'",
        )
    process = m.process(root)
    for ins in activate:
        el = process.elements.get(ins.element_id)
        if el is None:
            raise EngineError(
                ErrorCode.INVALID_ARGUMENT,
                f"Expected to modify instance of process '{process.id}' but it contains one or "
                f"more activate instructions with an element that could not be found: "
                f"'{ins.element_id}'",
            )
        if isinstance(el, BoundaryEvent) or (
            isinstance(el, StartEvent)
            and el.flow_scope_id != process.id
            and isinstance(process.elements.get(el.flow_scope_id), EventSubProcess)
        ):
            raise EngineError(
                ErrorCode.INVALID_ARGUMENT,
                f"Expected to modify instance of process '{process.id}' but it contains one or "
                f"more activate instructions for an element that is not supported: "
                f"'{ins.element_id}'",
            )
        for _scope_id, doc in ins.variables:
            _check_variables(doc)
    for ek in terminate:
        ei = s.instances.get(ek)
        if ei is None or ei.pi_key != key or ei.is_root or not ei.alive:
            raise EngineError(
                ErrorCode.INVALID_ARGUMENT,
                f"Expected to modify instance of process '{process.id}' but it contains one or "
                f"more terminate instructions with an element instance that could not be "
                f"found: '{ek}'",
            )
    s.record(
        key,
        "EVENT",
        "PROCESS_INSTANCE_MODIFICATION",
        "MODIFIED",
        m.now,
        key,
        {
            "activateInstructions": [i.element_id for i in activate],
            "terminateInstructions": list(terminate),
        },
    )
    for ins in activate:
        el = process.elements[ins.element_id]
        ancestor = (
            s.instances.get(ins.ancestor_element_instance_key)
            if (ins.ancestor_element_instance_key > 0)
            else None
        )
        scope = scope_for(m, root, el.flow_scope_id, ancestor)
        for scope_id, doc in ins.variables:
            if scope_id in ("", process.id):
                m.vars.set_locals(root, doc)
            elif scope_id != ins.element_id:
                target = scope if scope.element_id == scope_id else _find_live(m, root, scope_id)
                if target is not None:
                    m.vars.set_locals(target, doc)
        ei = m.new_instance(scope, el)
        for scope_id, doc in ins.variables:
            if scope_id == ins.element_id:
                m.vars.set_locals(ei, doc)
        m.record_pi(ei, ACTIVATING)
        m.run_activation(ei)
        m.run_work()
    for ek in terminate:
        target = s.instances.get(ek)
        if target is None or not target.alive:
            continue
        emptied = m.scope_of(target)
        m.terminate(target)
        # as Zeebe: a flow scope left without any element instance is terminated too, up to
        # the process instance itself
        while (
            emptied is not None
            and emptied.alive
            and not emptied.children
            and not emptied.active_flows
        ):
            parent = m.scope_of(emptied)
            m.terminate(emptied)
            emptied = parent
        m.run_work()


# ---------------------------------------------------------------------------- messages


def publish_message(
    m: Machine,
    name: str,
    correlation_key: str,
    ttl_ms: int,
    message_id: str,
    variables: Any,
    tenant: str,
) -> MessagePublished:
    s = m.s
    doc = _check_variables(variables)
    if message_id:
        existing = s.msg_ids.get((tenant, name, message_id))
        if existing is not None:
            msg = s.messages.get(existing)
            if msg is not None and msg.alive and msg.deadline > m.now:
                raise EngineError(
                    ErrorCode.ALREADY_EXISTS,
                    f"Expected to publish a new message with id '{message_id}', but a message "
                    "with that id was already published",
                )
    msg = Message(
        s.new_key(),
        name=name,
        ck=correlation_key,
        deadline=m.now + max(ttl_ms, 0),
        message_id=message_id,
        variables=doc,
        tenant=tenant,
    )
    s.record(
        msg.key,
        "EVENT",
        "MESSAGE",
        "PUBLISHED",
        m.now,
        None,
        {
            "name": name,
            "correlationKey": correlation_key,
            "timeToLive": ttl_ms,
            "messageId": message_id,
            "tenantId": tenant,
        },
    )
    if ttl_ms > 0:
        s.messages[msg.key] = msg
        s.touch(msg)
        s.index_message(msg)
        s.push_due(msg.deadline, DUE_MESSAGE_TTL, msg.key)
    m.events.publish(msg)
    if ttl_ms <= 0:
        s.record(msg.key, "EVENT", "MESSAGE", "EXPIRED", m.now, None, {"name": name})
    return MessagePublished(msg.key, tenant)


def expire_message(m: Machine, key: int) -> None:
    msg = m.s.messages.get(key)
    if msg is None or not msg.alive or msg.deadline > m.now:
        return
    msg.state = "EXPIRED"
    m.s.touch(msg)
    m.s.index_message(msg)
    m.s.messages.pop(key, None)
    m.s.record(key, "EVENT", "MESSAGE", "EXPIRED", m.now, None, {"name": msg.name})


def evaluate_decision(
    m: Machine, decision_id: str | None, decision_key: int | None, variables: Any, tenant: str
) -> DecisionEvaluation:
    doc = _check_variables(variables)
    decision = m.decisions.find(decision_id, decision_key, tenant)
    return m.decisions.evaluate(decision, doc)


def broadcast_signal(m: Machine, name: str, variables: Any, tenant: str = DEFAULT_TENANT) -> int:
    doc = _check_variables(variables)
    key = m.s.new_key()
    m.s.record(key, "EVENT", "SIGNAL", "BROADCASTED", m.now, None, {"signalName": name})
    m.events.broadcast(name, doc, tenant)
    return key
