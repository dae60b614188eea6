"""Start, end, intermediate catch/throw and boundary events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.model.elements import (
    ErrorEventDefinition,
    EventKind,
    LinkEventDefinition,
    SignalEventDefinition,
)
from engine.runtime.processors.base import ElementProcessor, apply_input_mappings

if TYPE_CHECKING:
    from engine.runtime.entities import ElementInstance
    from engine.runtime.machine import Machine


class StartEventProcessor(ElementProcessor):
    """Pass-through; a message/timer/signal start carries the trigger's variables."""


class BoundaryEventProcessor(ElementProcessor):
    """Created by its trigger (already happened); completes at once with the trigger's
    variables and takes its outgoing flows."""


class EndEventProcessor(ElementProcessor):
    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        apply_input_mappings(m, ei, el)
        definition = el.event_definition
        if isinstance(definition, ErrorEventDefinition):
            code = ""
            if definition.error_code is not None:
                code = m.expr.string(definition.error_code, m.context(ei), allow_number=True)
            m.errors.throw(ei, code, "", {})
        elif el.job is not None:
            m.jobs.create(ei, el)

    def activated(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        if el.job is not None:
            return  # waits for the job
        definition = el.event_definition
        if isinstance(definition, SignalEventDefinition):
            m.events.broadcast_from(ei, definition)
        if el.event_kind == EventKind.TERMINATE:
            scope = m.scope_of(ei)
            if scope is not None:
                scope.interrupted = True
                for child_key in list(scope.children):
                    if child_key != ei.key:
                        child = m.s.instances.get(child_key)
                        if child is not None:
                            m.terminate(child)
                scope.active_flows = 0
                scope.joins = {}
                m.s.touch(scope)
        m.complete(ei)


class IntermediateThrowEventProcessor(ElementProcessor):
    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        apply_input_mappings(m, ei, el)
        if el.job is not None:
            m.jobs.create(ei, el)

    def activated(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        if el.job is not None:
            return
        if isinstance(el.event_definition, SignalEventDefinition):
            m.events.broadcast_from(ei, el.event_definition)
        m.complete(ei)

    def completed(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        definition = el.event_definition
        if isinstance(definition, LinkEventDefinition):
            scope = m.scope_of(ei)
            if scope is not None:
                process = m.process(ei)
                target = next(
                    (
                        child
                        for child in process.children(el.flow_scope_id)
                        if isinstance(getattr(child, "event_definition", None), LinkEventDefinition)
                        and child.element_type.value == "INTERMEDIATE_CATCH_EVENT"
                        and child.event_definition.name == definition.name  # type: ignore[attr-defined]
                    ),
                    None,
                )
                if target is not None:
                    scope.active_flows += 1
                    m.s.touch(scope)
                    m.later(lambda: m._arrive(scope, target, None, None))
                m.detach(scope, ei)
                return
        super().completed(m, ei, el)


class IntermediateCatchEventProcessor(ElementProcessor):
    """Waits for its timer/message/signal; triggered from an event-based gateway it has already
    happened (``mi["triggered"]``) and completes at once. Link catch events pass through."""

    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        apply_input_mappings(m, ei, el)
        if ei.mi.get("triggered"):
            return
        if el.event_kind in (EventKind.TIMER, EventKind.MESSAGE, EventKind.SIGNAL):
            m.events.open_for_element(ei, el, ei)

    def activated(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        if ei.mi.get("triggered") or el.event_kind in (EventKind.NONE, EventKind.LINK):
            m.complete(ei)
        else:
            m.events.after_open(ei)
