"""The steps every element processor has, with the defaults most elements want.

An element instance goes ACTIVATING → ``activating`` → ACTIVATED → ``activated`` … (work, e.g. a
job) … COMPLETING → ``completing`` → COMPLETED → ``completed``, or is terminated
(``terminating``). A step raising :class:`ExpressionFailure` becomes an incident and the step is
retried when the incident is resolved, so steps must be safe to re-run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.model.elements import Activity, FlowNode

if TYPE_CHECKING:
    from engine.runtime.entities import ElementInstance
    from engine.runtime.machine import Machine


class ElementProcessor:
    """Default: a pass-through element with input/output mappings."""

    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        apply_input_mappings(m, ei, el)

    def activated(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        m.complete(ei)

    def completing(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        apply_completion_variables(m, ei, el)

    def completed(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        scope = m.scope_of(ei)
        if scope is not None and m.is_mi_inner(ei):
            m.child_ended(scope, ei)
        else:
            m.leave(ei)

    def terminating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        return None

    # flow scope steps (containers override)
    def scope_done(self, m: Machine, scope: ElementInstance) -> None:
        m.complete(scope)

    def child_ended(self, m: Machine, scope: ElementInstance, child: ElementInstance) -> None:
        m.check_scope_done(scope)

    def root_ended(self, m: Machine, root: ElementInstance, *, terminated: bool) -> None:
        return None


class ActivityProcessor(ElementProcessor):
    """Activities: input mappings, then boundary event subscriptions (unless the activity is an
    inner instance of a multi-instance body, whose boundary events belong to the body)."""

    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        apply_input_mappings(m, ei, el)
        if isinstance(el, Activity) and el.boundary_event_ids and not m.is_mi_inner(ei):
            m.events.open_boundary_events(ei, el)


def apply_input_mappings(m: Machine, ei: ElementInstance, el: FlowNode | None) -> None:
    if el is None or not el.input_mappings:
        return
    context = m.context(ei)
    doc = m.vars.evaluate_mappings(el.input_mappings, context, el.id, "input")
    m.vars.set_locals(ei, doc)


def apply_completion_variables(m: Machine, ei: ElementInstance, el: FlowNode | None) -> None:
    """Variables the element completes with, then output mappings (see behaviors.variables)."""
    pending = ei.pending_vars
    has_outputs = el is not None and bool(el.output_mappings)
    if pending:
        if has_outputs:
            m.vars.set_locals(ei, pending)
        else:
            m.vars.propagate(ei, pending)
        ei.pending_vars = None
        m.s.touch(ei)
    if has_outputs:
        assert el is not None
        doc = m.vars.evaluate_mappings(el.output_mappings, m.context(ei), el.id, "output")
        scope = m.scope_of(ei)
        if scope is not None:
            m.vars.propagate(scope, doc)
    if el is not None and m.is_mi_inner(ei):
        from engine.runtime.processors.multi_instance import inner_completing

        inner_completing(m, ei, el)
