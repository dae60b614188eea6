"""Process instances: create (also with start instructions), cancel, modify, set variables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.api import (
    ActivateInstruction,
    EngineError,
    ErrorCode,
    ProcessInstanceCreated,
    StartInstruction,
)
from engine.model.elements import (
    BoundaryEvent,
    ElementType,
    EventSubProcess,
    FlowNode,
    StartEvent,
)
from engine.runtime.commands.variables_doc import check_variables
from engine.runtime.definitions import ProcessDefinition
from engine.runtime.entities import ACTIVATING, ElementInstance, Message
from engine.runtime.machine import Machine


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
    doc = check_variables(variables)
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
    doc = check_variables(variables)
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
            check_variables(doc)
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
