"""Call activities: start an instance of another process and wait for it.

Which version is called follows ``bindingType`` as Zeebe: ``latest`` (default), ``deployment``
(the version deployed together with the calling process's version) or ``versionTag`` (the latest
version carrying the given ``zeebe:versionTag``); none found → CALLED_ELEMENT_ERROR incident.

Variables: the child gets every variable visible at the call activity
(``propagateAllParentVariables``, default) or only the call activity's input-mapped locals.
On completion the child's root variables come back as the call activity's completion variables
(propagated, or local to the call activity when it has output mappings; with
``propagateAllChildVariables=false`` and no output mappings nothing comes back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.model.elements import BindingType
from engine.runtime.expressions import StepFailure
from engine.runtime.processors.base import ActivityProcessor

if TYPE_CHECKING:
    from engine.runtime.entities import ElementInstance
    from engine.runtime.machine import Machine


class CallActivityProcessor(ActivityProcessor):
    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        super().activating(m, ei, el)
        ce = el.called_element
        process_id = m.expr.string(ce.process_id, m.context(ei))
        tenant = m.tenant_of(ei)
        defs = m.s.definitions
        if ce.binding_type is BindingType.DEPLOYMENT:
            deployment_key = defs.by_key[ei.def_key].deployment_key
            called = defs.in_deployment(tenant, process_id, deployment_key)
            missing = (
                f"Expected to call process with BPMN process id '{process_id}' with binding type "
                f"'deployment', but no such process found in the deployment with key "
                f"{deployment_key} which contained the current process (call activity "
                f"'{el.id}')"
            )
        elif ce.binding_type is BindingType.VERSION_TAG:
            called = defs.with_version_tag(tenant, process_id, ce.version_tag or "")
            missing = (
                f"Expected to call process with BPMN process id '{process_id}' and version tag "
                f"'{ce.version_tag}', but no such process found; deploy a process with that id "
                f"and version tag (call activity '{el.id}')"
            )
        else:
            called = defs.find(tenant, process_id)
            missing = (
                f"Expected process with BPMN process id '{process_id}' to be deployed, but not "
                f"found (call activity '{el.id}')"
            )
        if called is None:
            raise StepFailure(missing, "CALLED_ELEMENT_ERROR")
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
