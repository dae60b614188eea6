"""Call activities: start an instance of another process and wait for it.

Variables: the child gets every variable visible at the call activity
(``propagateAllParentVariables``, default) or only the call activity's input-mapped locals.
On completion the child's root variables come back as the call activity's completion variables
(propagated, or local to the call activity when it has output mappings; with
``propagateAllChildVariables=false`` and no output mappings nothing comes back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.runtime.expressions import StepFailure
from engine.runtime.processors.base import ActivityProcessor

if TYPE_CHECKING:
    from engine.runtime.entities import ElementInstance
    from engine.runtime.machine import Machine


class CallActivityProcessor(ActivityProcessor):
    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        super().activating(m, ei, el)
        process_id = m.expr.string(el.called_element.process_id, m.context(ei))
        tenant = m.tenant_of(ei)
        called = m.s.definitions.find(tenant, process_id)
        if called is None:
            raise StepFailure(
                f"Expected process with BPMN process id '{process_id}' to be deployed, but not "
                f"found (call activity '{el.id}')",
                "CALLED_ELEMENT_ERROR",
            )
        if called.process.start_event_id is None:
            raise StepFailure(
                f"Expected process with BPMN process id '{process_id}' to have a none start "
                f"event, but not found (call activity '{el.id}')",
                "CALLED_ELEMENT_ERROR",
            )
        ei.mi = {"called": called.key}
        m.s.touch(ei)

    def activated(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        m.events.after_open(ei)
        called = m.s.definitions.by_key.get(ei.mi.get("called", 0))
        if called is None:
            return
        if el.called_element.propagate_all_parent_variables:
            variables = m.context(ei)
        else:
            variables = m.vars.local(ei.key)
        from engine.runtime.commands import start_instance

        child = start_instance(
            m,
            called,
            variables,
            [called.process.start_event_id or ""],
            parent_pi_key=ei.pi_key,
            parent_ei_key=ei.key,
        )
        ei.child_pi_key = child.key
        m.s.touch(ei)


def child_completed(m: Machine, ei: ElementInstance, variables: dict[str, Any]) -> None:
    el = m.element(ei)
    ei.child_pi_key = 0
    if el.called_element.propagate_all_child_variables or el.output_mappings:  # type: ignore[attr-defined]
        ei.pending_vars = dict(variables)
    m.s.touch(ei)
    m.complete(ei)
