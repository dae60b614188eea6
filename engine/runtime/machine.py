"""The element instance lifecycle: activate, complete, terminate, take sequence flows.

This is the part of the engine every element kind shares (Zeebe's ``BpmnStateTransitionBehavior``
and ``BpmnStreamProcessor``). The element-specific steps live in :mod:`engine.runtime.processors`,
one class per element kind; cross-cutting concerns live in :mod:`engine.runtime.behaviors`.

Follow-up work (activating the target of a taken sequence flow, correlating a buffered message to
a subscription just opened) is queued on :attr:`Machine.work` and drained before the command
ends, so long chains of pass-through elements run iteratively and in Zeebe's order rather than by
deep recursion. Everything here runs on the writer thread.
"""

from __future__ import annotations

import contextlib
import functools
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from engine.model.elements import (
    Activity,
    ElementType,
    FlowNode,
    InclusiveGateway,
    ParallelGateway,
    Process,
)
from engine.runtime.clock import Clock
from engine.runtime.definitions import ProcessDefinition
from engine.runtime.entities import (
    ACTIVATED,
    ACTIVATING,
    COMPLETED,
    COMPLETING,
    TERMINATED,
    TERMINATING,
    ElementInstance,
)
from engine.runtime.expressions import ExpressionFailure, Expressions
from engine.runtime.state import RuntimeState


class Machine:
    def __init__(self, state: RuntimeState, clock: Clock) -> None:
        from engine.runtime.behaviors.decisions import DecisionBehavior
        from engine.runtime.behaviors.errors import ErrorBehavior
        from engine.runtime.behaviors.events import EventBehavior
        from engine.runtime.behaviors.incidents import IncidentBehavior
        from engine.runtime.behaviors.jobs import JobBehavior
        from engine.runtime.behaviors.variables import Variables
        from engine.runtime.processors import processor_for

        self.s = state
        self.clock = clock
        self.now = clock.now_ms()
        self.expr = Expressions(clock.now_ms)
        self.work: deque[Callable[[], None]] = deque()
        self.vars = Variables(self)
        self.jobs = JobBehavior(self)
        self.incidents = IncidentBehavior(self)
        self.events = EventBehavior(self)
        self.errors = ErrorBehavior(self)
        self.decisions = DecisionBehavior(self)
        self._processor_for = processor_for
        # effects to publish after the batch commits
        self.jobs_available: set[str] = set()
        self.finished_instances: dict[int, tuple[str, dict[str, Any]]] = {}

    # ------------------------------------------------------------------ helpers

    def later(self, fn: Callable[[], None]) -> None:
        self.work.append(fn)

    def run_work(self) -> None:
        work = self.work
        while work:
            work.popleft()()

    def definition(self, ei: ElementInstance) -> ProcessDefinition:
        return self.s.definitions.by_key[ei.def_key]

    def process(self, ei: ElementInstance) -> Process:
        return self.s.definitions.by_key[ei.def_key].process

    def element(self, ei: ElementInstance) -> FlowNode:
        return self.process(ei).elements[ei.element_id]

    def tenant_of(self, ei: ElementInstance) -> str:
        d = self.s.definitions.by_key.get(ei.def_key)
        return d.tenant if d is not None else ""

    def root_of(self, ei: ElementInstance) -> ElementInstance:
        return self.s.instances[ei.pi_key]

    def scope_of(self, ei: ElementInstance) -> ElementInstance | None:
        return self.s.instances.get(ei.flow_scope_key)

    def record_pi(self, ei: ElementInstance, intent: str) -> None:
        d = self.s.definitions.by_key.get(ei.def_key)
        # Hand-built JSON: this is the most frequent record by far. Element and process ids are
        # XML NCNames (no quotes, backslashes or control characters), so they need no escaping.
        value = (
            f'{{"bpmnElementType":"{ei.element_type}","elementId":"{ei.element_id}",'
            f'"flowScopeKey":{ei.flow_scope_key},'
            f'"bpmnProcessId":"{d.bpmn_process_id if d else ""}",'
            f'"version":{d.version if d else 0},"processDefinitionKey":{ei.def_key},'
            f'"processInstanceKey":{ei.pi_key}}}'
        )
        self.s.record(ei.key, "EVENT", "PROCESS_INSTANCE", intent, self.now, ei.pi_key, value)

    def context(self, ei: ElementInstance) -> dict[str, Any]:
        return self.vars.visible(ei.key)

    def is_mi_inner(self, ei: ElementInstance) -> bool:
        scope = self.s.instances.get(ei.flow_scope_key)
        return (
            scope is not None
            and scope.element_type == ElementType.MULTI_INSTANCE_BODY
            and scope.element_id == ei.element_id
        )

    # ------------------------------------------------------------------ creating instances

    def new_instance(
        self, scope: ElementInstance, element: FlowNode, *, as_body: bool | None = None
    ) -> ElementInstance:
        """Create an element instance in ``scope`` (state ACTIVATING) without running it."""
        if as_body is None:
            as_body = (
                isinstance(element, Activity)
                and element.multi_instance is not None
                and not (
                    scope.element_type == ElementType.MULTI_INSTANCE_BODY
                    and scope.element_id == element.id
                )
            )
        ei = ElementInstance(
            self.s.new_key(),
            pi_key=scope.pi_key,
            def_key=scope.def_key,
            element_id=element.id,
            element_type=(
                ElementType.MULTI_INSTANCE_BODY if as_body else element.element_type
            ).value,
            flow_scope_key=scope.key,
            state=ACTIVATING,
            start=self.now,
        )
        self.s.add_instance(ei)
        scope.children.append(ei.key)
        self.s.touch(scope)
        return ei

    def activate(
        self,
        scope: ElementInstance,
        element: FlowNode,
        *,
        pending_vars: Mapping[str, Any] | None = None,
        **extra: Any,
    ) -> ElementInstance:
        ei = self.new_instance(scope, element)
        if pending_vars:
            ei.pending_vars = dict(pending_vars)
        for name, value in extra.items():
            setattr(ei, name, value)
        self.record_pi(ei, ACTIVATING)
        self.run_activation(ei)
        return ei

    def activate_at(
        self, root: ElementInstance, element: FlowNode, variables: Mapping[str, Any] | None
    ) -> None:
        from engine.runtime.commands import activate_at

        activate_at(self, root, element, variables)

    # ------------------------------------------------------------------ lifecycle

    def run_activation(self, ei: ElementInstance) -> None:
        """ACTIVATING → (element steps) → ACTIVATED → element's "activated" step."""
        element = self.element(ei) if not ei.is_root else None
        proc = self._processor_for(ei, element)
        try:
            proc.activating(self, ei, element)
        except ExpressionFailure as exc:
            self.events.close_all(ei)
            error_type = getattr(exc, "error_type", None) or "EXTRACT_VALUE_ERROR"
            self.incidents.create(ei, error_type, exc.message, retry="activate")
            return
        if ei.state != ACTIVATING:
            return  # the step ended the element (e.g. a caught error end event)
        ei.state = ACTIVATED
        self.s.touch(ei)
        self.record_pi(ei, ACTIVATED)
        proc.activated(self, ei, element)

    def complete(self, ei: ElementInstance) -> None:
        """Start completing ``ei`` (its work is done)."""
        if ei.state != ACTIVATED:
            return
        ei.state = COMPLETING
        self.s.touch(ei)
        self.record_pi(ei, COMPLETING)
        self.run_completion(ei)

    def run_completion(self, ei: ElementInstance) -> None:
        element = self.element(ei) if not ei.is_root else None
        proc = self._processor_for(ei, element)
        try:
            proc.completing(self, ei, element)
        except ExpressionFailure as exc:
            error_type = getattr(exc, "error_type", None) or "IO_MAPPING_ERROR"
            self.incidents.create(ei, error_type, exc.message, retry="complete")
            return
        if ei.state != COMPLETING:
            return
        self.events.close_all(ei)
        ei.state = COMPLETED
        ei.end = self.now
        self.s.touch(ei)
        self.record_pi(ei, COMPLETED)
        proc.completed(self, ei, element)
        self.vars.drop_scope(ei.key)
        self.s.instances.pop(ei.key, None)

    def leave(
        self, ei: ElementInstance, flow_ids: tuple[str, ...] | list[str] | None = None
    ) -> None:
        """After completion: take the outgoing flows (or the given ones), then detach from the
        scope; with no flow taken the scope may be complete now."""
        scope = self.scope_of(ei)
        if scope is None:
            return
        element = self.element(ei)
        flows = element.outgoing if flow_ids is None else flow_ids
        for flow_id in flows:
            self.take_flow(scope, flow_id)
        if flows:
            self.detach(scope, ei)
        else:
            self.child_ended(scope, ei)

    def detach(self, scope: ElementInstance, ei: ElementInstance) -> None:
        with contextlib.suppress(ValueError):
            scope.children.remove(ei.key)
        self.s.touch(scope)

    def take_flow(
        self,
        scope: ElementInstance,
        flow_id: str,
        *,
        pending_vars: Mapping[str, Any] | None = None,
        mi: dict[str, Any] | None = None,
    ) -> None:
        process = self.process(scope)
        flow = process.flows[flow_id]
        key = self.s.new_key()
        self.s.record(
            key,
            "EVENT",
            "PROCESS_INSTANCE",
            "SEQUENCE_FLOW_TAKEN",
            self.now,
            scope.pi_key,
            {
                "bpmnElementType": "SEQUENCE_FLOW",
                "elementId": flow_id,
                "flowScopeKey": scope.key,
                "processInstanceKey": scope.pi_key,
                "processDefinitionKey": scope.def_key,
            },
        )
        scope.active_flows += 1
        self.s.touch(scope)
        target = process.elements[flow.target_id]
        if isinstance(target, ParallelGateway | InclusiveGateway) and len(target.incoming) > 1:
            arrived = scope.joins.setdefault(target.id, {})
            arrived[flow_id] = arrived.get(flow_id, 0) + 1
            self.later(lambda: self.try_join(scope, target.id))
        else:
            self.later(lambda: self._arrive(scope, target, pending_vars, mi))

    def _arrive(
        self,
        scope: ElementInstance,
        target: FlowNode,
        pending_vars: Mapping[str, Any] | None,
        mi: dict[str, Any] | None,
    ) -> None:
        if not scope.alive or scope.state == TERMINATING or scope.interrupted:
            return
        scope.active_flows -= 1
        if mi:
            self.activate(scope, target, pending_vars=pending_vars, mi=mi)
        else:
            self.activate(scope, target, pending_vars=pending_vars)
        if scope.joins:
            self._recheck_inclusive_joins(scope)

    def try_join(self, scope: ElementInstance, gateway_id: str) -> None:
        """Activate a joining gateway when its join condition holds, consuming one token per
        incoming flow that has one."""
        if not scope.alive or scope.state == TERMINATING or scope.interrupted:
            return
        arrived = scope.joins.get(gateway_id)
        if not arrived:
            return
        process = self.process(scope)
        gateway = process.elements[gateway_id]
        if isinstance(gateway, ParallelGateway):
            if any(arrived.get(f, 0) < 1 for f in gateway.incoming):
                return
        else:
            from engine.runtime.processors.gateways import inclusive_join_ready

            if not inclusive_join_ready(self, scope, gateway, arrived):  # type: ignore[arg-type]
                return
        consumed = 0
        for flow_id in list(arrived):
            arrived[flow_id] -= 1
            consumed += 1
            if arrived[flow_id] <= 0:
                del arrived[flow_id]
        if not arrived:
            del scope.joins[gateway_id]
        scope.active_flows -= consumed
        self.s.touch(scope)
        self.activate(scope, gateway)

    def check_scope_done(self, scope: ElementInstance) -> None:
        """A flow scope with no live children and no tokens in flight completes."""
        if scope.state != ACTIVATED or scope.children or scope.active_flows:
            if scope.state == ACTIVATED and not scope.children and scope.joins:
                self._recheck_inclusive_joins(scope)
            return
        proc = self._processor_for(scope, None if scope.is_root else self.element(scope))
        proc.scope_done(self, scope)

    def _recheck_inclusive_joins(self, scope: ElementInstance) -> None:
        process = self.process(scope)
        for gateway_id in list(scope.joins):
            if isinstance(process.elements.get(gateway_id), InclusiveGateway):
                self.later(functools.partial(self.try_join, scope, gateway_id))

    def child_ended(self, scope: ElementInstance, child: ElementInstance) -> None:
        """A child completed without outgoing flows or was terminated."""
        self.detach(scope, child)
        if scope.joins:
            self._recheck_inclusive_joins(scope)
        proc = self._processor_for(scope, None if scope.is_root else self.element(scope))
        proc.child_ended(self, scope, child)

    def terminate(self, ei: ElementInstance) -> None:
        """Terminate ``ei`` and everything below it, depth first, synchronously.

        The caller decides what happens next in the flow scope (nothing, a boundary event, a
        scope completion check).
        """
        if ei.state in (COMPLETED, TERMINATED, TERMINATING):
            return
        ei.state = TERMINATING
        self.s.touch(ei)
        self.record_pi(ei, TERMINATING)
        for child_key in list(ei.children):
            child = self.s.instances.get(child_key)
            if child is not None:
                self.terminate(child)
        ei.children = []
        ei.active_flows = 0
        ei.joins = {}
        element = self.element(ei) if not ei.is_root else None
        self._processor_for(ei, element).terminating(self, ei, element)
        self.events.close_all(ei)
        self.jobs.cancel_for(ei)
        self.incidents.resolve_for(ei)
        if ei.child_pi_key:
            child_root = self.s.instances.get(ei.child_pi_key)
            if child_root is not None:
                self.terminate(child_root)
        ei.state = TERMINATED
        ei.end = self.now
        self.s.touch(ei)
        self.record_pi(ei, TERMINATED)
        if ei.is_root:
            self._processor_for(ei, None).root_ended(self, ei, terminated=True)
        self.vars.drop_scope(ei.key)
        self.s.instances.pop(ei.key, None)
        scope = self.scope_of(ei)
        if scope is not None:
            self.detach(scope, ei)

    def terminate_and_notify(self, ei: ElementInstance) -> None:
        """Terminate ``ei`` and let its flow scope react (e.g. complete when it was the last)."""
        scope = self.scope_of(ei)
        self.terminate(ei)
        if scope is not None and scope.alive and scope.state != TERMINATING:
            proc = self._processor_for(scope, None if scope.is_root else self.element(scope))
            proc.child_ended(self, scope, ei)
