"""Error events: find the catching boundary event or error event subprocess.

The search goes outwards from the element that threw: at each level, first the error event
subprocesses of a flow scope, then the error boundary events of the activity; across call
activities into the parent process. At one level an exact error-code match wins over a
catch-all (an error catch event without code). Nothing catches → UNHANDLED_ERROR_EVENT incident.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.model.elements import (
    BoundaryEvent,
    ElementType,
    ErrorEventDefinition,
    EventSubProcess,
    StartEvent,
)
from engine.runtime.entities import ElementInstance, Job
from engine.runtime.expressions import ExpressionFailure, StepFailure

if TYPE_CHECKING:
    from engine.runtime.machine import Machine


class ErrorBehavior:
    def __init__(self, m: Machine) -> None:
        self.m = m
        self.s = m.s

    def _code_of(self, ei: ElementInstance, definition: ErrorEventDefinition) -> str | None:
        """The catch event's error code; None = catch-all."""
        if definition.error_code is None:
            return None
        if not definition.error_code.is_feel:
            return definition.error_code.source or None
        try:
            return self.m.expr.string(definition.error_code, self.m.context(ei), allow_number=True)
        except ExpressionFailure:
            return None

    def _catchers(self, ei: ElementInstance, code: str) -> tuple[str, Any] | None:
        """A catcher at this level: ("boundary", BoundaryEvent) or ("esp", EventSubProcess)."""
        process = self.m.process(ei)
        candidates: list[tuple[str, Any, str | None]] = []
        scope_element_ids: tuple[str, ...] = ()
        if ei.is_root:
            scope_element_ids = process.event_subprocess_ids
        elif ei.element_type in (ElementType.SUB_PROCESS, ElementType.EVENT_SUB_PROCESS):
            el = process.elements[ei.element_id]
            scope_element_ids = getattr(el, "event_subprocess_ids", ())
        for esp_id in scope_element_ids:
            esp = process.elements[esp_id]
            assert isinstance(esp, EventSubProcess)
            start = process.elements[esp.start_event_id]
            if isinstance(start, StartEvent) and isinstance(
                start.event_definition, ErrorEventDefinition
            ):
                candidates.append(("esp", esp, self._code_of(ei, start.event_definition)))
        if not ei.is_root and not self.m.is_mi_inner(ei):
            el = process.elements[ei.element_id]
            for be_id in getattr(el, "boundary_event_ids", ()):
                be = process.elements[be_id]
                if isinstance(be, BoundaryEvent) and isinstance(
                    be.event_definition, ErrorEventDefinition
                ):
                    candidates.append(("boundary", be, self._code_of(ei, be.event_definition)))
        for kind, node, catch_code in candidates:
            if catch_code is not None and catch_code == code:
                return kind, node
        for kind, node, catch_code in candidates:
            if catch_code is None:
                return kind, node
        return None

    def throw(
        self,
        source: ElementInstance,
        code: str,
        message: str,
        variables: dict[str, Any],
        job: Job | None = None,
    ) -> None:
        m = self.m
        current: ElementInstance | None = source
        while current is not None:
            found = self._catchers(current, code)
            if found is not None:
                kind, node = found
                vars_for_catch = dict(variables)
                if node is not None:
                    catch_el = (
                        node
                        if kind == "boundary"
                        else m.process(current).elements[node.start_event_id]
                    )
                    if catch_el.output_mappings:
                        vars_for_catch.setdefault("errorCode", code)
                        vars_for_catch.setdefault("errorMessage", message)
                if kind == "boundary":
                    m.events.trigger_boundary(current, node, vars_for_catch)
                else:
                    m.events.trigger_event_subprocess(current, node, vars_for_catch, True)
                return
            if current.is_root:
                current = (
                    self.s.instances.get(current.parent_ei_key)
                    if current.parent_ei_key != -1
                    else None
                )
            else:
                current = self.s.instances.get(current.flow_scope_key)
        text = (
            f"Expected to throw an error event with the code '{code}'"
            + (f" with message '{message}'" if message else "")
            + f", but it was not caught. No error events are available in the scope of element "
            f"'{source.element_id}'."
        )
        if job is not None:
            m.incidents.create(source, "UNHANDLED_ERROR_EVENT", text, retry="job", job_key=job.key)
            return
        raise StepFailure(text, "UNHANDLED_ERROR_EVENT")
