"""Multi-instance bodies (parallel and sequential), after Zeebe's MultiInstanceBodyProcessor.

The body is an element instance of type MULTI_INSTANCE_BODY wrapping the inner instances of
the activity; boundary events of the activity belong to the body. Each inner instance gets the
local variables ``loopCounter`` (1-based) and the ``inputElement``, and (as Zeebe) the variable an
``outputElement`` such as ``=result`` or ``=result.id`` names, set to null, so the inner activity's
results stay in its instance instead of propagating; ``outputCollection`` is a
local variable of the body, filled by position from ``outputElement`` as inner instances complete
and propagated to the body's flow scope when it completes. ``completionCondition`` is evaluated
after each inner completion with ``numberOfInstances``, ``numberOfActiveInstances``,
``numberOfCompletedInstances`` and ``numberOfTerminatedInstances`` available; when true the
remaining inner instances are terminated and the body completes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from engine.runtime.expressions import StepFailure, to_json, type_name
from engine.runtime.processors.base import ActivityProcessor

if TYPE_CHECKING:
    from engine.runtime.entities import ElementInstance
    from engine.runtime.machine import Machine


class MultiInstanceBodyProcessor(ActivityProcessor):
    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        if el.boundary_event_ids:
            m.events.open_boundary_events(ei, el)
        mi = el.multi_instance
        value = m.expr.evaluate(mi.input_collection, m.context(ei))
        if not isinstance(value, list):
            raise StepFailure(
                f"Expected result of the expression '{mi.input_collection.source}' to be "
                f"'ARRAY', but was '{type_name(value)}' (multi-instance '{el.id}')",
                "EXTRACT_VALUE_ERROR",
            )
        items = [to_json(v) for v in value]
        ei.mi = {"items": items, "next": 0, "completed": 0, "terminated": 0}
        m.s.touch(ei)
        if mi.output_collection:
            m.vars.set_local(ei, mi.output_collection, [None] * len(items))

    def activated(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        m.events.after_open(ei)
        items = ei.mi["items"]
        if not items:
            m.complete(ei)
            return
        if el.multi_instance.sequential:
            self._next(m, ei, el)
        else:
            for _ in items:
                self._next(m, ei, el)

    def _next(self, m: Machine, body: ElementInstance, el: Any) -> None:
        index = body.mi["next"]
        body.mi["next"] = index + 1
        m.s.touch(body)
        inner = m.new_instance(body, el, as_body=False)
        inner.loop_counter = index + 1
        m.record_pi(inner, "ELEMENT_ACTIVATING")
        mi = el.multi_instance
        root = _output_variable(mi)
        if root is not None:
            # as Zeebe: an outputElement that names a variable (or a path into one) makes that
            # variable local to each inner instance, so what the inner activity sets stays there
            m.vars.set_local(inner, root, None)
        if mi.input_element:
            m.vars.set_local(inner, mi.input_element, body.mi["items"][index])
        m.vars.set_local(inner, "loopCounter", index + 1)
        m.later(lambda: m.run_activation(inner) if inner.state == "ELEMENT_ACTIVATING" else None)

    def child_ended(self, m: Machine, scope: ElementInstance, child: ElementInstance) -> None:
        body = scope
        if body.state != "ELEMENT_ACTIVATED":
            return
        el: Any = m.element(body)
        if child.state == "ELEMENT_COMPLETED":
            body.mi["completed"] = body.mi.get("completed", 0) + 1
        else:
            body.mi["terminated"] = body.mi.get("terminated", 0) + 1
        m.s.touch(body)
        if body.mi.pop("done", False):
            for key in list(body.children):
                inner = m.s.instances.get(key)
                if inner is not None:
                    m.terminate(inner)
            m.complete(body)
            return
        if el.multi_instance.sequential and body.mi["next"] < len(body.mi["items"]):
            self._next(m, body, el)
        elif not body.children:
            m.complete(body)

    def scope_done(self, m: Machine, scope: ElementInstance) -> None:
        m.complete(scope)

    def completing(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        mi = el.multi_instance
        if mi.output_collection:
            value = m.vars.local(ei.key).get(mi.output_collection)
            scope = m.scope_of(ei)
            if scope is not None:
                m.vars.propagate(scope, {mi.output_collection: value})


_VARIABLE_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def _output_variable(mi: Any) -> str | None:
    """The variable an ``outputElement`` like ``=result`` or ``=result.id`` reads, if it is one."""
    out = mi.output_element
    if not mi.output_collection or out is None or not out.is_feel:
        return None
    source = out.source.strip()
    if not _VARIABLE_PATH.fullmatch(source):
        return None
    root = source.split(".", 1)[0]
    return None if root == mi.input_element else root


def inner_completing(m: Machine, inner: ElementInstance, el: Any) -> None:
    """Collect ``outputElement`` and evaluate ``completionCondition`` for an inner instance."""
    body = m.scope_of(inner)
    if body is None:
        return
    mi = el.multi_instance
    ctx = m.context(inner)
    if mi.output_collection and mi.output_element is not None:
        value = to_json(m.expr.evaluate(mi.output_element, ctx))
        current = list(m.vars.local(body.key).get(mi.output_collection) or [])
        index = inner.loop_counter - 1
        while len(current) <= index:
            current.append(None)
        current[index] = value
        m.vars.set_local(body, mi.output_collection, current)
    if mi.completion_condition is not None:
        total = len(body.mi.get("items", []))
        completed = body.mi.get("completed", 0) + 1
        terminated = body.mi.get("terminated", 0)
        ctx.update(
            {
                "numberOfInstances": total,
                "numberOfCompletedInstances": completed,
                "numberOfTerminatedInstances": terminated,
                "numberOfActiveInstances": len(body.children) - 1,
            }
        )
        if m.expr.boolean(mi.completion_condition, ctx):
            body.mi["done"] = True
            m.s.touch(body)
