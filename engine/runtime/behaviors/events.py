"""Event subscriptions (timers, messages, signals) and what happens when one triggers.

A subscription belongs to an *owner* element instance and is closed when the owner completes or
is terminated: the waiting catch event / receive task / event-based gateway itself, the host
activity of boundary events, or the flow scope of event subprocesses. Timer start events of a
process belong to its definition (``pi_key == -1``).

Triggering dispatches on the subscribed element: a boundary event (interrupting or not), an
event subprocess start (interrupting or not), a target of an event-based gateway, or the waiting
element itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from engine.model.elements import (
    Activity,
    BoundaryEvent,
    ElementType,
    EventSubProcess,
    FlowNode,
    MessageEventDefinition,
    ReceiveTask,
    SignalEventDefinition,
    StartEvent,
    TimerEventDefinition,
)
from engine.runtime.behaviors.messages import MessageEvents
from engine.runtime.behaviors.signals import SignalEvents
from engine.runtime.behaviors.timers import TimerEvents
from engine.runtime.definitions import ProcessDefinition
from engine.runtime.entities import (
    ACTIVATED,
    ElementInstance,
)

if TYPE_CHECKING:
    from engine.runtime.machine import Machine


class EventBehavior(TimerEvents, MessageEvents, SignalEvents):
    def __init__(self, m: Machine) -> None:
        self.m = m
        self.s = m.s
        self._msg_starts: dict[tuple[str, str], list[tuple[ProcessDefinition, str]]] | None = None
        self._signal_starts: dict[str, list[tuple[ProcessDefinition, str]]] | None = None

    # ------------------------------------------------------------------ opening

    def open_boundary_events(self, host: ElementInstance, el: Activity) -> None:
        process = self.m.process(host)
        for be_id in el.boundary_event_ids:
            be = process.elements[be_id]
            assert isinstance(be, BoundaryEvent)
            self._open(host, be, be.event_definition, host, be.cancel_activity)

    def open_event_subprocesses(self, scope: ElementInstance, esp_ids: Sequence[str]) -> None:
        process = self.m.process(scope)
        for esp_id in esp_ids:
            esp = process.elements[esp_id]
            assert isinstance(esp, EventSubProcess)
            start = process.elements[esp.start_event_id]
            assert isinstance(start, StartEvent)
            self._open(scope, start, start.event_definition, scope, start.interrupting)

    def open_for_element(
        self, owner: ElementInstance, el: FlowNode, ctx_ei: ElementInstance
    ) -> None:
        """The waiting element itself (catch event) or a target of an event-based gateway."""
        if isinstance(el, ReceiveTask):
            self.open_message(owner, el, el.message, ctx_ei, el.id)
            return
        self._open(owner, el, getattr(el, "event_definition", None), ctx_ei, True)

    def _open(
        self,
        owner: ElementInstance,
        el: FlowNode,
        definition: Any,
        ctx_ei: ElementInstance,
        interrupting: bool,
    ) -> None:
        if isinstance(definition, TimerEventDefinition):
            self.open_timer(owner, el, definition, ctx_ei, interrupting)
        elif isinstance(definition, MessageEventDefinition):
            self.open_message(owner, el, definition, ctx_ei, el.id, interrupting)
        elif isinstance(definition, SignalEventDefinition):
            self.open_signal(owner, el, definition, ctx_ei, interrupting)

    # ------------------------------------------------------------------ closing

    def close_all(self, owner: ElementInstance) -> None:
        if not owner.subs:
            return
        for key in owner.subs:
            self._close(key)
        owner.subs = []
        self.s.touch(owner)

    def _close(self, key: int) -> None:
        timer = self.s.timers.pop(key, None)
        if timer is not None:
            if timer.alive:
                timer.state = "CANCELED"
                self.s.touch(timer)
                self._record_timer(timer, "CANCELED")
            return
        sub = self.s.msubs.pop(key, None)
        if sub is not None:
            if sub.state == "CREATED":
                sub.state = "DELETED"
                self._record_sub(sub, "DELETED")
            self.s.touch(sub)
            self.s.index_msub(sub)
            return
        ssub = self.s.ssubs.pop(key, None)
        if ssub is not None:
            ssub.state = "DELETED"
            self.s.touch(ssub)
            self.s.index_ssub(ssub)

    def close_except_boundary(self, owner: ElementInstance) -> None:
        """Close the event-subprocess subscriptions of a scope, keep its boundary events."""
        process = self.m.process(owner)
        keep: list[int] = []
        for key in owner.subs:
            element_id = self._sub_element(key)
            if element_id is not None and isinstance(
                process.elements.get(element_id), BoundaryEvent
            ):
                keep.append(key)
            else:
                self._close(key)
        owner.subs = keep
        self.s.touch(owner)

    def _sub_element(self, key: int) -> str | None:
        for table in (self.s.timers, self.s.msubs, self.s.ssubs):
            entity = table.get(key)
            if entity is not None:
                return str(entity.element_id)
        return None

    # ------------------------------------------------------------------ triggering

    def trigger(
        self,
        owner: ElementInstance,
        element_id: str,
        variables: dict[str, Any],
        interrupting: bool,
    ) -> None:
        m = self.m
        if owner.state != ACTIVATED:
            return
        process = m.process(owner)
        el = process.elements[element_id]
        if isinstance(el, BoundaryEvent) and el.attached_to_id == owner.element_id:
            self.trigger_boundary(owner, el, variables)
        elif isinstance(el, StartEvent) and isinstance(
            process.elements.get(el.flow_scope_id), EventSubProcess
        ):
            esp = process.elements[el.flow_scope_id]
            assert isinstance(esp, EventSubProcess)
            self.trigger_event_subprocess(owner, esp, variables, el.interrupting)
        elif owner.element_type == ElementType.EVENT_BASED_GATEWAY:
            self.close_all(owner)
            owner.mi = {"trigger": {"target": element_id, "vars": variables}}
            m.s.touch(owner)
            m.complete(owner)
        else:
            self.close_all(owner)
            if variables:
                owner.pending_vars = variables
            m.s.touch(owner)
            m.complete(owner)
        m.run_work()

    def trigger_boundary(
        self, host: ElementInstance, be: BoundaryEvent, variables: dict[str, Any]
    ) -> None:
        m = self.m
        scope = m.scope_of(host)
        if scope is None:
            return
        if be.cancel_activity:
            self.close_all(host)
            m.terminate(host)
        m.activate(scope, be, pending_vars=variables)

    def trigger_event_subprocess(
        self,
        scope: ElementInstance,
        esp: EventSubProcess,
        variables: dict[str, Any],
        interrupting: bool,
    ) -> None:
        m = self.m
        if interrupting:
            self.close_except_boundary(scope)
            for child_key in list(scope.children):
                child = self.s.instances.get(child_key)
                if child is not None:
                    m.terminate(child)
            scope.interrupted = True
            scope.active_flows = 0
            scope.joins = {}
            m.s.touch(scope)
        ei = m.new_instance(scope, esp, as_body=False)
        ei.mi = {"trigger_vars": variables} if variables else {}
        m.record_pi(ei, "ELEMENT_ACTIVATING")
        m.run_activation(ei)
